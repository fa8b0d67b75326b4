package compose

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

func TestMain(m *testing.M) {
	api.DisableConfigDir()
	os.Exit(m.Run())
}

// TestWrite: two pages, each font on one, read back by poppler and qpdf.
func TestWrite(t *testing.T) {
	pages := [][]byte{
		[]byte("BT /" + Regular.Resource() + " 11 Tf 72 700 Td (First page, regular) Tj ET"),
		[]byte("BT /" + Bold.Resource() + " 14 Tf 72 700 Td (Second page, bold) Tj ET"),
	}
	out, err := Write(595.28, 841.89, pages)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"qpdf", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
				t.Fatalf("%s is required (make test installs it)", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	if o, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, o)
	}
	txt, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pagesText := strings.Split(string(txt), "\f")
	if len(pagesText) < 2 || !strings.Contains(pagesText[0], "First page, regular") || !strings.Contains(pagesText[1], "Second page, bold") {
		t.Errorf("text %q", txt)
	}
}

// TestWidths: Adobe's metrics, bold wider than regular; an unknown font is
// an error.
func TestWidths(t *testing.T) {
	r, err := Widths(Regular)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Widths(Bold)
	if err != nil {
		t.Fatal(err)
	}
	if r['H'] != 0.722 || r[' '] != 0.278 || b['b'] <= r['b'] {
		t.Errorf("H %.3f, space %.3f, b %.3f/%.3f", r['H'], r[' '], r['b'], b['b'])
	}
	if _, err := Widths(Font(7)); err == nil {
		t.Error("font 7: no error")
	}
}
