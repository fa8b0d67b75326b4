package content

import (
	"strings"
	"testing"
)

func TestReproL(t *testing.T) {
	for _, in := range []string{
		"BI /L 8 ID ab\nEI   (x EI) Tj",
		"BI /F /AHx ID 0 EI % EI " + strings.Repeat("q Q ", 8) + "\nfoo\n",
		"BI /W 2 /H 1 /BPC 8 /CS /G ID abc\nEI   (x EI) Tj",
	} {
		ops, err := Parse([]byte(in), DefaultLimits())
		t.Logf("in=%q\nops =%s err=%v", in, dump(ops), err)
		out := Append(nil, ops)
		t.Logf("out=%q", out)
		ops2, err := Parse(out, DefaultLimits())
		t.Logf("ops2=%s err=%v", dump(ops2), err)
	}
}
