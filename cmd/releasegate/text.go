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
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// runText prints a PDF's text: plain, one page after another separated by
// form feeds, or with --json every glyph with its box, as DESIGN.md's CLI
// contract says. It exits 1 with a one-line reason when the file cannot be
// read.
func runText(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("releasegate text", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print pages and glyphs as JSON")
	password := fs.String("password", "", "the PDF's password, when it has one (or set RG_PDF_PASSWORD_FILE)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: releasegate text [--json] [--password PW] IN.pdf")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2, err: err}
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return &exitError{code: 2, err: errors.New("text needs exactly one input file")}
	}
	pw, err := pdfPassword(*password)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	in := fs.Arg(0)
	data, err := os.ReadFile(in)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("read %s: %w", in, err)}
	}
	doc, err := ingest.Open(ctx, data, pw, ingest.Limits{})
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s: %s", in, ingest.Reason(err))}
	}
	ex := text.New(doc, text.Limits{})
	w := bufio.NewWriterSize(stdout, 64<<10)
	if *asJSON {
		err = writeTextJSON(ctx, w, ex)
	} else {
		err = writeText(ctx, w, ex)
	}
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s: %w", in, err)}
	}
	return w.Flush()
}

// pdfPassword returns the flag's password, or the contents of the file
// RG_PDF_PASSWORD_FILE names, so that a password need not appear in a
// process listing.
func pdfPassword(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if f := os.Getenv("RG_PDF_PASSWORD_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", fmt.Errorf("read RG_PDF_PASSWORD_FILE: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return "", nil
}

func writeText(ctx context.Context, w *bufio.Writer, ex *text.Extractor) error {
	for n := 1; n <= ex.NumPages(); n++ {
		p, err := ex.Page(ctx, n)
		if err != nil {
			return err
		}
		if n > 1 {
			w.WriteByte('\f')
		}
		w.WriteString(p.Text)
		w.WriteByte('\n')
	}
	return nil
}

// appendNum writes a coordinate or size with at most three decimals.
func appendNum(b []byte, v float64) []byte {
	f := math.Round(v*1000) / 1000
	if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
		f = 0 // no "-0", no NaN
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendString writes s as a JSON string (HTML characters not escaped).
func appendString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\'
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // cannot fail for a string
	if !bytes.ContainsAny(q, `\`) {
		return append(b, q...)
	}
	// json.Marshal escapes <, > and & for HTML; undo that, the output is
	// not HTML.
	q = bytes.ReplaceAll(q, []byte(`\u003c`), []byte("<"))
	q = bytes.ReplaceAll(q, []byte(`\u003e`), []byte(">"))
	q = bytes.ReplaceAll(q, []byte(`\u0026`), []byte("&"))
	return append(b, q...)
}

// writeTextJSON streams {"pages":[…]} one page at a time, so memory stays
// bounded by the largest page. It writes the JSON by hand: a page can hold
// tens of thousands of glyphs, and reflection would triple the run time.
func writeTextJSON(ctx context.Context, w *bufio.Writer, ex *text.Extractor) error {
	w.WriteString(`{"pages":[`)
	var b []byte
	for n := 1; n <= ex.NumPages(); n++ {
		p, err := ex.Page(ctx, n)
		if err != nil {
			return err
		}
		b = b[:0]
		if n > 1 {
			b = append(b, ',')
		}
		b = append(b, `{"number":`...)
		b = strconv.AppendInt(b, int64(p.Number), 10)
		b = append(b, `,"width":`...)
		b = appendNum(b, p.Width)
		b = append(b, `,"height":`...)
		b = appendNum(b, p.Height)
		b = append(b, `,"rotation":`...)
		b = strconv.AppendInt(b, int64(p.Rotate), 10)
		b = append(b, `,"crop_box":[`...)
		for i, v := range p.CropBox {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNum(b, v)
		}
		b = append(b, `],"text":`...)
		b = appendString(b, p.Text)
		b = append(b, `,"glyphs":[`...)
		for i := range p.Glyphs {
			g := &p.Glyphs[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"text":`...)
			b = appendString(b, g.Text)
			b = append(b, `,"quad":[`...)
			for k, v := range g.Quad.Bounds() {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendNum(b, v)
			}
			b = append(b, `],"font":`...)
			b = appendString(b, g.Font)
			b = append(b, `,"size":`...)
			b = appendNum(b, g.Size)
			b = append(b, `,"render":`...)
			b = strconv.AppendInt(b, int64(g.Render), 10)
			b = append(b, `,"invisible":`...)
			b = strconv.AppendBool(b, g.Invisible)
			b = append(b, '}')
		}
		b = append(b, ']')
		if len(p.Problems) > 0 {
			b = append(b, `,"problems":[`...)
			for i, pr := range p.Problems {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, pr)
			}
			b = append(b, ']')
		}
		b = append(b, "}\n"...)
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	w.WriteString("]}\n")
	return nil
}
