// Package compose writes plain text PDFs from content streams the caller
// lays out: pages of one size over the two standard Helvetica fonts in
// WinAnsiEncoding (no embedding), for letters.
//
// It builds pdfcpu's object model and has pdfcpu's writer write it, without
// the pkg/api facade, whose start-up cost the binary must not pay. Like the
// rest of the PDF code it uses pdfcpu's default configuration, so main must
// have disabled pdfcpu's configuration directory first.
package compose

import (
	"bufio"
	"bytes"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/font"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Font is one of the two fonts a page may use.
type Font int

// The fonts.
const (
	Regular Font = iota // Helvetica
	Bold                // Helvetica-Bold
)

var bases = [2]string{"Helvetica", "Helvetica-Bold"}

// Resource is the font's name in a content stream ("/F1 11 Tf").
func (f Font) Resource() string { return fmt.Sprintf("F%d", int(f)+1) }

// Widths returns the font's advance widths per WinAnsi code 0x20-0xFF,
// in em, from pdfcpu's copies of Adobe's metrics.
func Widths(f Font) (*[256]float64, error) {
	if f != Regular && f != Bold {
		return nil, fmt.Errorf("font %d: want Regular or Bold", f)
	}
	var w [256]float64
	for c := 0x20; c <= 0xFF; c++ {
		g, err := font.CharWidth(bases[f], rune(c))
		if err != nil {
			return nil, fmt.Errorf("width of %#x in %s: %w", c, bases[f], err)
		}
		w[c] = float64(g) / 1000
	}
	return &w, nil
}

// Write writes a PDF of pages w × h points, one per content stream: a
// catalog, one page tree, the two shared fonts and a Flate content stream
// per page.
func Write(w, h float64, contents [][]byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("pdfcpu panic while writing: %v", r)
		}
	}()
	xrt, err := pdfcpu.CreateXRefTableWithRootDict()
	if err != nil {
		return nil, fmt.Errorf("new document: %w", err)
	}
	ctx := pdfcpu.CreateContext(xrt, model.NewDefaultConfiguration())

	fonts := types.Dict{}
	for f, base := range bases {
		ref, err := xrt.IndRefForNewObject(types.Dict{
			"Type":     types.Name("Font"),
			"Subtype":  types.Name("Type1"),
			"BaseFont": types.Name(base),
			"Encoding": types.Name("WinAnsiEncoding"),
		})
		if err != nil {
			return nil, fmt.Errorf("add font: %w", err)
		}
		fonts[Font(f).Resource()] = *ref
	}
	tree := types.Dict{
		"Type":      types.Name("Pages"),
		"Count":     types.Integer(len(contents)),
		"MediaBox":  types.Array{types.Integer(0), types.Integer(0), types.Float(w), types.Float(h)},
		"Resources": types.Dict{"Font": fonts, "ProcSet": types.Array{types.Name("PDF"), types.Name("Text")}},
	}
	treeRef, err := xrt.IndRefForNewObject(tree)
	if err != nil {
		return nil, fmt.Errorf("add page tree: %w", err)
	}
	kids := make(types.Array, 0, len(contents))
	for _, c := range contents {
		sd, err := xrt.NewStreamDictForBuf(c)
		if err != nil {
			return nil, fmt.Errorf("content stream: %w", err)
		}
		if err := sd.Encode(); err != nil {
			return nil, fmt.Errorf("compress content stream: %w", err)
		}
		ref, err := xrt.IndRefForNewObject(*sd)
		if err != nil {
			return nil, fmt.Errorf("add content stream: %w", err)
		}
		page, err := xrt.IndRefForNewObject(types.Dict{
			"Type":     types.Name("Page"),
			"Parent":   *treeRef,
			"Contents": *ref,
		})
		if err != nil {
			return nil, fmt.Errorf("add page: %w", err)
		}
		kids = append(kids, *page)
	}
	tree["Kids"] = kids
	xrt.PageCount = len(contents)
	catalog, err := xrt.Catalog()
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	catalog["Pages"] = *treeRef

	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	ctx.Write.Writer = bw
	if err := pdfcpu.WriteContext(ctx); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return buf.Bytes(), nil
}
