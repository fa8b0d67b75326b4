package redact

import (
	"context"
	"fmt"
	"math"
	"testing"

	pdffont "github.com/pdfcpu/pdfcpu/pkg/font"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

// The width attack (Bland, Iyer, Levchenko, PETS 2023): the gap a redacted
// name leaves, measured from the glyphs around it, narrows down which name
// it was. For a name redacted from a line, count how many names of a list
// of UK names would have left exactly the same gap in the same font.

var firstNames = []string{
	"Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Arthur", "Muhammad", "Oscar", "Charlie",
	"Jacob", "Thomas", "Henry", "William", "Freddie", "Alfie", "Archie", "Theo", "Joshua", "James",
	"Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
	"Grace", "Freya", "Willow", "Florence", "Emily", "Ella", "Poppy", "Evie", "Elsie", "Charlotte",
	"Kerry", "Daniel", "Priya", "Tomasz", "Agnieszka", "Fenella", "Kacper", "Tamsin", "Aurelie", "Zoe",
	"Bernadette", "Jordan", "Ellis", "Lennox", "Claire", "Renee", "Margaret", "Graham", "Jane", "Ellie",
}

var surnames = []string{
	"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
	"Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
	"Patel", "Khan", "Ahmed", "Ali", "Begum", "Hussain", "Shah", "Singh", "Kaur", "Mahmood",
	"Nowak", "Kowalczyk", "Zielinski", "Okonkwo", "Mbeki", "Osei", "Abara", "Quaye", "Nkemelu", "Castellano",
	"Whitcombe", "Ramanathan", "OSullivan", "Pike", "Ward", "Vantongeren", "Brennan", "Durand", "Ashworth", "Kaminska",
	"Murphy", "Kelly", "Byrne", "Ryan", "OBrien", "Campbell", "Stewart", "MacDonald", "Scott", "Reid",
}

// gapAfter redacts name from "Referral for NAME about school" and returns
// the distance from the end of "for " to the start of "about" in the
// output, in points.
func gapAfter(t *testing.T, name string, policy Policy) float64 {
	t.Helper()
	pdf := ingesttest.OnePage(fmt.Sprintf("BT /F1 12 Tf 72 700 Td (Referral for %s about school) Tj ET", name), helv)
	out, _, v, err := Redact(context.Background(), pdf, "", Options{Terms: []string{name}, Policy: policy})
	if err != nil || !v.OK {
		t.Fatalf("redact %s: %v %+v", name, err, v)
	}
	p := pageText(t, out)[0]
	var forEnd, aboutStart float64
	for _, w := range p.Words {
		b0 := p.Glyphs[w.Glyphs[0]].Quad.Bounds()
		bn := p.Glyphs[w.Glyphs[len(w.Glyphs)-1]].Quad.Bounds()
		switch w.Text {
		case "for":
			forEnd = bn[2]
		case "about":
			aboutStart = b0[0]
		}
	}
	if forEnd == 0 || aboutStart == 0 {
		t.Fatalf("%s: words around the gap not found in %q", name, p.Text)
	}
	return aboutStart - forEnd
}

// expectedGap is the gap a name leaves under a policy, from Helvetica's
// widths: the space after "for", the name's advance (quantised or not), the
// space before "about".
func expectedGap(t *testing.T, name string, policy Policy) float64 {
	t.Helper()
	w, err := pdffont.TextWidthFloat(name, "Helvetica", 12)
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := pdffont.TextWidthFloat(" ", "Helvetica", 12)
	units := w / 12 * 1000
	if policy == Quantised {
		units = quanta(units)
	}
	return 2*sp + units/1000*12
}

func TestWidthAttack(t *testing.T) {
	var names []string
	for _, f := range firstNames {
		for _, s := range surnames {
			names = append(names, f+" "+s)
		}
	}
	for _, tc := range []struct {
		policy Policy
		name   string
	}{
		{Quantised, "Alfie Thompson"}, {Quantised, "Agnieszka Kowalczyk"}, {Quantised, "Ivy Ali"},
		{Exact, "Alfie Thompson"},
	} {
		gap := gapAfter(t, tc.name, tc.policy)
		if want := expectedGap(t, tc.name, tc.policy); math.Abs(gap-want) > 0.01 {
			t.Fatalf("%s %s: gap %.3f pt, the model says %.3f: the count below would mean nothing", tc.policy, tc.name, gap, want)
		}
		same := 0
		for _, n := range names {
			if math.Abs(expectedGap(t, n, tc.policy)-gap) < 0.01 {
				same++
			}
		}
		t.Logf("%s, %s: gap %.2f pt; %d of %d names leave the same gap", tc.policy, tc.name, gap, same, len(names))
		if tc.policy == Quantised && same < 50 {
			t.Errorf("%s: only %d names leave the same gap; the width leaks", tc.name, same)
		}
	}
}
