package stamp

import (
	"context"
	"testing"
	"os"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

func TestDbg(t *testing.T) {
	in := handMade("q q 0.5 0 0 0.5 0 0 cm 0 g 0 0 2000 2000 re f 1 g BT /F1 24 Tf 40 400 Td (White on black) Tj", "[0 0 595 842]", 0)
	out, err := Apply(context.Background(), in, testFooter())
	if err != nil { t.Fatal(err) }
	os.WriteFile("/tmp/stampsmoke/dbg.pdf", out, 0o644)
	doc, _ := ingest.Open(context.Background(), out, "", ingest.Limits{})
	p, _ := text.New(doc, text.Limits{}).Page(context.Background(), 1)
	gs := footerGlyphs(t, in, &p)
	t.Log(len(p.Glyphs), len(gs), p.Problems)
	for _, g := range p.Glyphs[:20] { t.Log(g.Text, g.Size, g.Source) }
}
