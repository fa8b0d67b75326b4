package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

func TestTextCommand(t *testing.T) {
	api.DisableConfigDir()
	dir := t.TempDir()
	plain := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(plain, ingesttest.TextPDF(t, 2), 0o600); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked.pdf")
	if err := os.WriteFile(locked, ingesttest.EncryptedPDF(t, "s3cret"), 0o600); err != nil {
		t.Fatal(err)
	}
	notPDF := filepath.Join(dir, "notes.pdf")
	if err := os.WriteFile(notPDF, []byte("just some notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	out, err := cli(t, "text", plain)
	if err != nil {
		t.Fatalf("text: %v %s", err, out)
	}
	if pages := strings.Split(out, "\f"); len(pages) != 2 || strings.TrimSpace(pages[0]) == "" {
		t.Errorf("plain text: want 2 non-empty pages separated by form feeds, got %q", out)
	}

	out, err = cli(t, "text", "--json", plain)
	if err != nil {
		t.Fatalf("text --json: %v %s", err, out)
	}
	var doc struct {
		Pages []struct {
			Number int     `json:"number"`
			Width  float64 `json:"width"`
			Height float64 `json:"height"`
			Text   string  `json:"text"`
			Glyphs []struct {
				Text      string     `json:"text"`
				Quad      [4]float64 `json:"quad"`
				Font      string     `json:"font"`
				Size      float64    `json:"size"`
				Invisible *bool      `json:"invisible"`
			} `json:"glyphs"`
		} `json:"pages"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--json output is not JSON: %v\n%s", err, out)
	}
	if len(doc.Pages) != 2 || doc.Pages[0].Number != 1 || doc.Pages[1].Number != 2 {
		t.Fatalf("pages %+v", doc.Pages)
	}
	p := doc.Pages[0]
	if p.Width <= 0 || p.Height <= 0 || p.Text == "" || len(p.Glyphs) == 0 {
		t.Fatalf("page 1: %+v", p)
	}
	for _, g := range p.Glyphs {
		if g.Font == "" || g.Size <= 0 || g.Invisible == nil || g.Quad[2] < g.Quad[0] || g.Quad[3] <= g.Quad[1] {
			t.Fatalf("glyph %+v", g)
		}
	}

	// Characters JSON must escape, and those it need not.
	odd := filepath.Join(dir, "odd.pdf")
	content := "BT /F1 10 Tf 100 700 Td (a<b>&\"\\\\ \\351) Tj ET"
	if err := os.WriteFile(odd, ingesttest.OnePage(content, "<< /Font << /F1 5 0 R >> >>"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = cli(t, "text", "--json", odd)
	if err != nil {
		t.Fatalf("text --json: %v %s", err, out)
	}
	if !strings.Contains(out, `"a<b>&\"\\ é"`) {
		t.Errorf("page text not written as plain JSON: %s", out)
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Pages[0].Text != "a<b>&\"\\ é" {
		t.Errorf("decoded text %q (%v)", doc.Pages[0].Text, err)
	}

	// Password: wrong, right, and from a file.
	if _, err := cli(t, "text", locked); exitCode(err) != 1 || !strings.Contains(err.Error(), "password-protected") {
		t.Errorf("no password: exit %d, %v", exitCode(err), err)
	}
	if _, err := cli(t, "text", "--password", "nope", locked); exitCode(err) != 1 || !strings.Contains(err.Error(), "does not open") {
		t.Errorf("wrong password: exit %d, %v", exitCode(err), err)
	}
	if out, err := cli(t, "text", "--password", "s3cret", locked); err != nil || strings.TrimSpace(out) == "" {
		t.Errorf("right password: %v %q", err, out)
	}
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RG_PDF_PASSWORD_FILE", pwFile)
	if _, err := cli(t, "text", locked); err != nil {
		t.Errorf("password from RG_PDF_PASSWORD_FILE: %v", err)
	}
	t.Setenv("RG_PDF_PASSWORD_FILE", "")

	// Bad input: one line, exit 1; usage errors: exit 2.
	if _, err := cli(t, "text", notPDF); exitCode(err) != 1 || strings.Contains(err.Error(), "\n") {
		t.Errorf("not a PDF: exit %d, %q", exitCode(err), err)
	}
	if _, err := cli(t, "text", filepath.Join(dir, "missing.pdf")); exitCode(err) != 1 {
		t.Errorf("missing file: exit %d, %v", exitCode(err), err)
	}
	if _, err := cli(t, "text"); exitCode(err) != 2 {
		t.Errorf("no file: exit %d, %v", exitCode(err), err)
	}
}
