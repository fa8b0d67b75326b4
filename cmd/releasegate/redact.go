package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/redact"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ", ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// runRedact is `releasegate redact`: it writes OUT.pdf only when the
// redacted file was verified, and exits 1 with a one-line reason otherwise.
func runRedact(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("releasegate redact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the redacted PDF to `OUT.pdf` (required)")
	termsFile := fs.String("terms", "", "`FILE` of terms to redact, one per line")
	var terms stringList
	fs.Var(&terms, "term", "a term to redact (repeatable)")
	marksFile := fs.String("marks", "", "`FILE`: JSON list of {\"page\":1,\"rect\":[x0,y0,x1,y1],\"reason\":\"…\"}")
	policy := fs.String("width-policy", "quantised", "quantised, exact or line")
	labels := fs.Bool("labels", false, "print each mark's reason on its box (drawn as strokes, never text)")
	password := fs.String("password", "", "the PDF's password, when it has one (or set RG_PDF_PASSWORD_FILE)")
	reportFile := fs.String("report", "", "write a JSON report to `FILE`")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: releasegate redact -o OUT.pdf [--terms FILE] [--term TEXT]… [--marks FILE] [--width-policy quantised|exact|line] [--labels] [--password PW] [--report FILE] IN.pdf")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2, err: err}
	}
	if fs.NArg() != 1 || *out == "" {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("redact needs -o OUT.pdf and exactly one input file")}
	}
	fail := func(err error) error { return &exitError{code: 1, err: err} }
	pol, err := redact.ParsePolicy(*policy)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	opt := redact.Options{Policy: pol, Terms: terms, Labels: *labels}
	if *termsFile != "" {
		t, err := readTerms(*termsFile)
		if err != nil {
			return fail(err)
		}
		opt.Terms = append(opt.Terms, t...)
	}
	if *marksFile != "" {
		if opt.Marks, err = readMarks(*marksFile); err != nil {
			return fail(err)
		}
	}
	if len(opt.Terms) == 0 && len(opt.Marks) == 0 {
		return &exitError{code: 2, err: errors.New("nothing to redact: give --terms, --term or --marks")}
	}
	pw, err := pdfPassword(*password)
	if err != nil {
		return fail(err)
	}
	in := fs.Arg(0)
	data, err := os.ReadFile(in)
	if err != nil {
		return fail(fmt.Errorf("read %s: %w", in, err))
	}
	if same, _ := sameFile(in, *out); same {
		return fail(fmt.Errorf("%s is the input: write the redacted file elsewhere", *out))
	}
	pdf, rep, v, rerr := redact.Redact(ctx, data, pw, opt)
	if *reportFile != "" {
		if err := writeReport(*reportFile, rep, v, rerr); err != nil {
			return fail(err)
		}
	}
	if rerr != nil {
		return fail(fmt.Errorf("%s: %s", in, reason(rerr)))
	}
	if err := writeAtomic(*out, pdf); err != nil {
		return fail(err)
	}
	removed := 0
	for _, p := range rep.Pages {
		removed += p.GlyphsRemoved
	}
	fmt.Fprintf(stdout, "%s: %d glyphs removed on %d pages, verified\n", *out, removed, len(rep.Pages))
	return nil
}

// runVerify is `releasegate verify`: exit 0 when no term and no glyph under
// a mark survives, 1 (listing where) otherwise.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("releasegate verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	termsFile := fs.String("terms", "", "`FILE` of terms that must not occur, one per line (required)")
	marksFile := fs.String("marks", "", "`FILE`: JSON marks under which no glyph may remain")
	password := fs.String("password", "", "the PDF's password, when it has one (or set RG_PDF_PASSWORD_FILE)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: releasegate verify --terms FILE [--marks FILE] [--password PW] FILE.pdf")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2, err: err}
	}
	if fs.NArg() != 1 || *termsFile == "" {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("verify needs --terms FILE and exactly one PDF")}
	}
	fail := func(err error) error { return &exitError{code: 1, err: err} }
	terms, err := readTerms(*termsFile)
	if err != nil {
		return fail(err)
	}
	var marks []redact.Mark
	if *marksFile != "" {
		if marks, err = readMarks(*marksFile); err != nil {
			return fail(err)
		}
	}
	pw, err := pdfPassword(*password)
	if err != nil {
		return fail(err)
	}
	in := fs.Arg(0)
	data, err := os.ReadFile(in)
	if err != nil {
		return fail(fmt.Errorf("read %s: %w", in, err))
	}
	v, err := redact.Verify(ctx, data, pw, terms, marks, text.Limits{})
	if err != nil {
		return fail(fmt.Errorf("%s: %s", in, reason(err)))
	}
	if !v.OK {
		for _, f := range v.Failures {
			fmt.Fprintln(stdout, f)
		}
		return fail(fmt.Errorf("%s: verification failed: %d problems", in, len(v.Failures)))
	}
	fmt.Fprintf(stdout, "%s: verified, no term and no glyph under a mark\n", in)
	return nil
}

// reason turns an engine error into one line for the person running the
// command.
func reason(err error) string {
	var pe *text.PageError
	switch {
	case errors.Is(err, redact.ErrVerify), errors.As(err, &pe):
		return strings.ReplaceAll(err.Error(), "\n", " ")
	}
	if r := ingest.Reason(err); r != "" {
		return r
	}
	return err.Error()
}

// readTerms reads one term per line, ignoring blank lines.
func readTerms(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read terms: %w", err)
	}
	var terms []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			terms = append(terms, t)
		}
	}
	return terms, sc.Err()
}

// readMarks reads the JSON list of marks and checks each.
func readMarks(path string) ([]redact.Mark, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read marks: %w", err)
	}
	var marks []redact.Mark
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&marks); err != nil {
		return nil, fmt.Errorf("marks %s: %w (want a JSON list of {\"page\":1,\"rect\":[x0,y0,x1,y1],\"reason\":\"…\"})", path, err)
	}
	for i, m := range marks {
		if m.Page < 1 {
			return nil, fmt.Errorf("marks %s: mark %d: page must be 1 or more", path, i+1)
		}
		if m.Rect[0] == m.Rect[2] || m.Rect[1] == m.Rect[3] {
			return nil, fmt.Errorf("marks %s: mark %d: the rectangle has no area", path, i+1)
		}
	}
	return marks, nil
}

type reportJSON struct {
	redact.Report
	Verification redact.Verification `json:"verification"`
	Error        string              `json:"error,omitempty"`
}

func writeReport(path string, rep redact.Report, v redact.Verification, rerr error) error {
	r := reportJSON{Report: rep, Verification: v}
	if rerr != nil {
		r.Error = reason(rerr)
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(b, '\n'))
}

// writeAtomic writes b to path through a temporary file in the same
// directory, so a reader never sees half a file.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".releasegate-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, nil
	}
	return os.SameFile(sa, sb), nil
}
