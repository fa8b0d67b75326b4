package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

func TestRedactCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "report.pdf")
	pdf := ingesttest.OnePage("BT /F1 12 Tf 72 700 Td (Child: Alfie Thompson lives here) Tj 0 -20 Td (Address: 12 Acacia Avenue) Tj ET", "<< /Font << /F1 5 0 R >> >>")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	terms := filepath.Join(dir, "terms.txt")
	if err := os.WriteFile(terms, []byte("Alfie Thompson\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	marks := filepath.Join(dir, "marks.json")
	if err := os.WriteFile(marks, []byte(`[{"page":1,"rect":[125,670,250,695],"reason":"third-party address"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.pdf")
	report := filepath.Join(dir, "report.json")

	// The input fails verification; the output passes.
	if _, err := cli(t, "verify", "--terms", terms, in); exitCode(err) != 1 {
		t.Fatalf("verify unredacted: exit %d (%v)", exitCode(err), err)
	}
	if o, err := cli(t, "redact", "-o", out, "--terms", terms, "--marks", marks, "--report", report, in); err != nil {
		t.Fatalf("redact: %v %s", err, o)
	}
	if o, err := cli(t, "verify", "--terms", terms, "--marks", marks, out); err != nil {
		t.Fatalf("verify redacted: %v %s", err, o)
	}
	txt, err := cli(t, "text", out)
	if err != nil || strings.Contains(txt, "Alfie") || strings.Contains(txt, "Acacia") || !strings.Contains(txt, "Child:") {
		t.Fatalf("text of the output: %v %q", err, txt)
	}
	var rep struct {
		Policy string `json:"width_policy"`
		Pages  []struct {
			Page          int `json:"page"`
			GlyphsRemoved int `json:"glyphs_removed"`
		} `json:"pages"`
		Verification struct {
			OK bool `json:"ok"`
		} `json:"verification"`
	}
	b, err := os.ReadFile(report)
	if err != nil || json.Unmarshal(b, &rep) != nil {
		t.Fatalf("report: %v %s", err, b)
	}
	if rep.Policy != "quantised" || len(rep.Pages) != 1 || rep.Pages[0].GlyphsRemoved == 0 || !rep.Verification.OK {
		t.Errorf("report %s", b)
	}

	// Refusals: one line, exit 1, no output; usage: exit 2.
	out2 := filepath.Join(dir, "out2.pdf")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"page":0,"rect":[1,2,3,4]}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, "redact", "-o", out2, "--marks", bad, in); exitCode(err) != 1 || !strings.Contains(err.Error(), "page must be 1 or more") {
		t.Errorf("bad marks: exit %d %v", exitCode(err), err)
	}
	if _, err := os.Stat(out2); !os.IsNotExist(err) {
		t.Errorf("output written on failure: %v", err)
	}
	if _, err := cli(t, "redact", "-o", out2, in); exitCode(err) != 2 {
		t.Errorf("nothing to redact: exit %d %v", exitCode(err), err)
	}
	if _, err := cli(t, "redact", "-o", out2, "--term", "x", "--width-policy", "wide", in); exitCode(err) != 2 {
		t.Errorf("bad policy: exit %d %v", exitCode(err), err)
	}
	if _, err := cli(t, "redact", "-o", in, "--term", "x", in); exitCode(err) != 1 {
		t.Errorf("output over input: exit %d %v", exitCode(err), err)
	}
}
