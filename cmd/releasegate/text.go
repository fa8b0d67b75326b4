package main

import (
	"bufio"
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

// num is a coordinate or size written with at most three decimals.
type num float64

func (v num) MarshalJSON() ([]byte, error) {
	f := math.Round(float64(v)*1000) / 1000
	if math.IsNaN(f) || math.IsInf(f, 0) {
		f = 0
	}
	if f == 0 {
		f = 0 // no "-0"
	}
	return strconv.AppendFloat(nil, f, 'f', -1, 64), nil
}

type jsonGlyph struct {
	Text      string `json:"text"`
	Quad      [4]num `json:"quad"`
	Font      string `json:"font"`
	Size      num    `json:"size"`
	Render    int    `json:"render"`
	Invisible bool   `json:"invisible"`
}

type jsonPage struct {
	Number   int         `json:"number"`
	Width    num         `json:"width"`
	Height   num         `json:"height"`
	Rotation int         `json:"rotation"`
	CropBox  [4]num      `json:"crop_box"`
	Text     string      `json:"text"`
	Glyphs   []jsonGlyph `json:"glyphs"`
	Problems []string    `json:"problems,omitempty"`
}

// writeTextJSON streams {"pages":[…]} one page at a time, so memory stays
// bounded by the largest page.
func writeTextJSON(ctx context.Context, w *bufio.Writer, ex *text.Extractor) error {
	w.WriteString(`{"pages":[`)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 1; n <= ex.NumPages(); n++ {
		p, err := ex.Page(ctx, n)
		if err != nil {
			return err
		}
		if n > 1 {
			w.WriteByte(',')
		}
		jp := jsonPage{
			Number: p.Number, Width: num(p.Width), Height: num(p.Height), Rotation: p.Rotate,
			CropBox: [4]num{num(p.CropBox[0]), num(p.CropBox[1]), num(p.CropBox[2]), num(p.CropBox[3])},
			Text:    p.Text, Glyphs: make([]jsonGlyph, len(p.Glyphs)), Problems: p.Problems,
		}
		for i, g := range p.Glyphs {
			b := g.Quad.Bounds()
			jp.Glyphs[i] = jsonGlyph{
				Text: g.Text, Quad: [4]num{num(b[0]), num(b[1]), num(b[2]), num(b[3])},
				Font: g.Font, Size: num(g.Size), Render: g.Render, Invisible: g.Invisible,
			}
		}
		if err := enc.Encode(jp); err != nil {
			return err
		}
	}
	w.WriteString("]}\n")
	return nil
}
