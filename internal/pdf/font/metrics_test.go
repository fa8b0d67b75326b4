package font

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestSubstituteMetrics checks substituteMetrics against the AFM files of
// Debian's fonts-urw-base35, when installed.
func TestSubstituteMetrics(t *testing.T) {
	dir := "/usr/share/fonts/type1/urw-base35"
	files := map[string]string{
		"Helvetica": "NimbusSans-Regular", "Helvetica-Bold": "NimbusSans-Bold",
		"Helvetica-Oblique": "NimbusSans-Italic", "Helvetica-BoldOblique": "NimbusSans-BoldItalic",
		"Times-Roman": "NimbusRoman-Regular", "Times-Bold": "NimbusRoman-Bold",
		"Times-Italic": "NimbusRoman-Italic", "Times-BoldItalic": "NimbusRoman-BoldItalic",
		"Courier": "NimbusMonoPS-Regular", "Courier-Bold": "NimbusMonoPS-Bold",
		"Courier-Oblique": "NimbusMonoPS-Italic", "Courier-BoldOblique": "NimbusMonoPS-BoldItalic",
		"Symbol": "StandardSymbolsPS", "ZapfDingbats": "D050000L",
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("fonts-urw-base35 not installed: %v", err)
	}
	if len(files) != len(substituteMetrics) {
		t.Fatalf("table has %d fonts, want %d", len(substituteMetrics), len(files))
	}
	for std, file := range files {
		b, err := os.ReadFile(filepath.Join(dir, file+".afm"))
		if err != nil {
			t.Fatal(err)
		}
		var y0, y1 float64
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) == 5 && f[0] == "FontBBox" {
				y0, _ = strconv.ParseFloat(f[2], 64)
				y1, _ = strconv.ParseFloat(f[4], 64)
			}
		}
		if got := substituteMetrics[std]; got != [2]float64{y0, y1} {
			t.Errorf("%s: table has %v, %s.afm says [%v %v]", std, got, file, y0, y1)
		}
	}
}
