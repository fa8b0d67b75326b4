package content

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// dump renders ops in an unambiguous test notation, ignoring byte ranges.
func dump(ops []Op) string { return dumpOps(ops, false) }

// dumpOps dumps ops; noLength leaves out inline images' /L and /Length,
// which the serializer writes as the data's true length.
func dumpOps(ops []Op, noLength bool) string {
	var b strings.Builder
	for i, op := range ops {
		if i > 0 {
			b.WriteString("; ")
		}
		for _, o := range op.Operands {
			if noLength && op.Operator == "BI" && o.Kind == KindDict {
				o = withoutLength(o)
			}
			dumpOperand(&b, o)
			b.WriteByte(' ')
		}
		b.WriteString(op.Operator)
		if op.Data != nil || op.Operator == "BI" {
			fmt.Fprintf(&b, " data=%q", op.Data)
		}
	}
	return b.String()
}

func withoutLength(d Operand) Operand {
	var es []DictEntry
	for _, e := range d.Dict {
		if k := string(e.Key); k != "L" && k != "Length" {
			es = append(es, e)
		}
	}
	d.Dict = es
	return d
}

func dumpOperand(b *strings.Builder, o Operand) {
	switch o.Kind {
	case KindNull:
		b.WriteString("null")
	case KindNumber:
		b.WriteString(strconv.FormatFloat(o.Num, 'g', -1, 64))
	case KindString:
		if o.Hex {
			b.WriteString("hex")
		}
		fmt.Fprintf(b, "%q", o.Bytes)
	case KindName:
		fmt.Fprintf(b, "/%q", o.Bytes)
	case KindBool:
		b.WriteString(strconv.FormatBool(o.Bool))
	case KindArray:
		b.WriteByte('[')
		for i, e := range o.Array {
			if i > 0 {
				b.WriteByte(' ')
			}
			dumpOperand(b, e)
		}
		b.WriteByte(']')
	case KindDict:
		b.WriteString("<<")
		for i, e := range o.Dict {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(b, "/%q ", e.Key)
			dumpOperand(b, e.Value)
		}
		b.WriteString(">>")
	}
}

type parseCase struct {
	name string
	in   string
	want string
}

var parseCases = []parseCase{
	{"empty", "", ""},
	{"only comment", "% nothing\n", ""},
	{"text", "BT /F1 12 Tf 72 700 Td (Hello) Tj ET", `BT; /"F1" 12 Tf; 72 700 Td; "Hello" Tj; ET`},
	{"TJ array", "[(A) -120 (B)] TJ", `["A" -120 "B"] TJ`},
	{"TJ hex", "[<0041>-5.5<0042>]TJ", `[hex"\x00A" -5.5 hex"\x00B"] TJ`},
	{"dash array", "[3 2] 0 d [] 0 d", `[3 2] 0 d; [] 0 d`},
	{"BDC dict", "/Span <</ActualText (x) /MCID 3 /Nested <</A [1 [2 <</B null>>]] /T true>>>> BDC EMC",
		`/"Span" <</"ActualText" "x" /"MCID" 3 /"Nested" <</"A" [1 [2 <</"B" null>>]] /"T" true>>>> BDC; EMC`},
	{"BDC name", "/OC /oc1 BDC", `/"OC" /"oc1" BDC`},
	{"re f cm q Q", "q 1 0 0 1 10 20 cm 0 0 100 50 re f Q", `q; 1 0 0 1 10 20 cm; 0 0 100 50 re; f; Q`},
	{"quote ops", "(a) ' 1 2 (b) \"", `"a" '; 1 2 "b" "`},
	{"no space", "/F1 9.5 Tf(x)Tj[1]TJ", `/"F1" 9.5 Tf; "x" Tj; [1] TJ`},
	{"comments everywhere", "BT%a\n/F1%b\r12%c\r\nTf [(A)%d\n-1 (B)]%e\nTJ ET%end",
		`BT; /"F1" 12 Tf; ["A" -1 "B"] TJ; ET`},
	{"odd whitespace", "q\rQ\fq\x00Q\tq\nQ", "q; Q; q; Q; q; Q"},
	{"name escapes", "/A#20B gs /Lab#23 cs", `/"A B" gs; /"Lab#" cs`},
	{"numbers", "+1 -2 .5 -.5 3. -3. 0.0 -0 007 1.250 SC", `1 -2 0.5 -0.5 3 -3 0 0 7 1.25 SC`},
	{"unknown operator kept", "BX 1 2 foo EX", "BX; 1 2 foo; EX"},
	{"trailing operands dropped", "q 1 2", "q"},
	{"nested string", "(a (b) c) Tj", `"a (b) c" Tj`},
	{"escapes", `(\(\)\\\n\r\t\b\f\101\0) Tj`, `"()\\\n\r\t\b\fA\x00" Tj`},
	{"bool null ops", "true false null foo", "true false null foo"},
	{"inline image computed", "q BI /W 2 /H 2 /BPC 8 /CS /G ID \x00E\nI\nEI Q",
		`q; <</"W" 2 /"H" 2 /"BPC" 8 /"CS" /"G">> BI data="\x00E\nI"; Q`},
	{"inline image EI inside data, computed", "BI /W 6 /H 1 /BPC 8 /CS /G ID a EI b\nEI Q",
		`<</"W" 6 /"H" 1 /"BPC" 8 /"CS" /"G">> BI data="a EI b"; Q`},
	{"inline image EI inside data, L", "BI /W 9 /H 9 /F /AHx /L 6 ID x EI Q\nEI Q",
		`<</"W" 9 /"H" 9 /"F" /"AHx" /"L" 6>> BI data="x EI Q"; Q`},
	{"inline image Length", "BI /Length 4 /F /DCT ID EI x EI",
		`<</"Length" 4 /"F" /"DCT">> BI data="EI x"`},
	{"inline image EI not followed by space", "BI /F /A85 ID abcEIx EIQ d EI Q",
		`<</"F" /"A85">> BI data="abcEIx EIQ d"; Q`},
	{"inline image heuristic skips implausible EI", "BI /F /Fl ID \x01 EI \xff\xfe EI q Q",
		`<</"F" /"Fl">> BI data="\x01 EI \xff\xfe"; q; Q`},
	{"inline image mask and abbreviations", "BI /IM true /W 10 /H 2 /D [1 0] /I false /DP null ID ab\x00dEI",
		`<</"IM" true /"W" 10 /"H" 2 /"D" [1 0] /"I" false /"DP" null>> BI data="ab\x00d"`},
	{"inline image RGB 4bpc", "BI /W 3 /H 2 /BPC 4 /CS /RGB ID 0123456789 EI",
		`<</"W" 3 /"H" 2 /"BPC" 4 /"CS" /"RGB">> BI data="0123456789"`},
	{"inline image indexed", "BI /W 3 /H 1 /BPC 8 /CS [/I /RGB 1 <000000FFFFFF>] ID \n\r\tEI",
		`<</"W" 3 /"H" 1 /"BPC" 8 /"CS" [/"I" /"RGB" 1 hex"\x00\x00\x00\xff\xff\xff"]>> BI data="\n\r\t"`},
	{"inline image wrong L falls back", "BI /L 1 ID abc EI Q",
		`<</"L" 1>> BI data="abc"; Q`},
	{"inline image empty data", "BI ID EI", `<<>> BI data=""`},
	{"inline image at EOF", "BI /W 1 /H 1 /BPC 8 /CS /G ID z EI", `<</"W" 1 /"H" 1 /"BPC" 8 /"CS" /"G">> BI data="z"`},
}

func TestParse(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := Parse([]byte(tt.in), DefaultLimits())
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := dump(ops); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestParseRanges(t *testing.T) {
	in := " BT\n/F1 12 Tf [(A) 1] TJ BI /L 2 ID xy EI\nET "
	ops, err := Parse([]byte(in), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"BT", "/F1 12 Tf", "[(A) 1] TJ", "BI /L 2 ID xy EI", "ET"}
	if len(ops) != len(want) {
		t.Fatalf("got %d ops", len(ops))
	}
	for i, op := range ops {
		if got := in[op.Start:op.End]; got != want[i] {
			t.Errorf("op %d range %q, want %q", i, got, want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
		off  string
	}{
		{"1 ] Tj", ErrSyntax, "offset 2"},
		{"1 >> Tj", ErrSyntax, "offset 2"},
		{"[1 2", ErrSyntax, "offset 0"},
		{"[1 Tj]", ErrSyntax, "offset 3"},
		{"<</A>> BDC", ErrSyntax, "offset 4"},
		{"<<1 2>> BDC", ErrSyntax, "offset 2"},
		{"<</A 1", ErrSyntax, ""},
		{"(abc", ErrSyntax, "offset 0"},
		{"BI /W 1 ID abc", ErrSyntax, "offset 0"},
		{"BI /W 1", ErrSyntax, ""},
		{"BI /W q ID x EI", ErrSyntax, ""},
		{"1 BI ID x EI", ErrSyntax, "offset 2"},
		{"q ID", ErrSyntax, "offset 2"},
		{"EI", ErrSyntax, "offset 0"},
		{strings.Repeat("[", 65) + strings.Repeat("]", 65) + " d", ErrLimit, ""},
		{strings.Repeat("<</A ", 65) + " d", ErrLimit, ""},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in), DefaultLimits())
		if !errors.Is(err, tt.want) {
			t.Errorf("%q: err = %v, want %v", tt.in, err, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.off) {
			t.Errorf("%q: err %q does not say %q", tt.in, err, tt.off)
		}
	}
}

func TestLimits(t *testing.T) {
	if _, err := Parse([]byte("q Q q"), Limits{MaxOps: 2}); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxOps: err = %v", err)
	}
	if _, err := Parse([]byte("q Q"), Limits{MaxOps: 2}); err != nil {
		t.Errorf("MaxOps at limit: err = %v", err)
	}
	if _, err := Parse([]byte("q Q q"), Limits{MaxBytes: 4}); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxBytes: err = %v", err)
	}
	if _, err := Parse([]byte("[[1]] d"), Limits{MaxDepth: 1}); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxDepth: err = %v", err)
	}
	if _, err := Parse([]byte("[[1]] d"), Limits{MaxDepth: 2}); err != nil {
		t.Errorf("MaxDepth at limit: err = %v", err)
	}
}

func TestWriteCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.500 -0.0 3. .25 100000000000000000000 0.1 Td", "1.5 0 3 0.25 100000000000000000000 0.1 Td\n"},
		{"(a(b)c) Tj (a\\)b) Tj (\\\\\\r\r) Tj", "(a(b)c) Tj\n(a\\)b) Tj\n(\\\\\\r\n) Tj\n"},
		{"<00ff> Tj", "<00FF> Tj\n"},
		{"/A#20B#23 gs", "/A#20B#23 gs\n"},
		{"<</A [1 true null]>> BDC", "<</A [1 true null]>> BDC\n"},
		{"BI /W 1 /H 1 /BPC 8 /CS /G ID \xffEI", "BI /W 1 /H 1 /BPC 8 /CS /G ID \xff\nEI\n"},
	}
	for _, tt := range tests {
		ops, err := Parse([]byte(tt.in), DefaultLimits())
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, ops); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("%q: wrote %q, want %q", tt.in, buf.String(), tt.want)
		}
	}
}

// checkRoundTrip asserts Parse(Append(Parse(in))) == Parse(in) when Parse
// succeeds on in.
func checkRoundTrip(t *testing.T, in []byte) {
	t.Helper()
	ops, err := Parse(in, DefaultLimits())
	if err != nil {
		return
	}
	out := Append(nil, ops)
	again, err := Parse(out, DefaultLimits())
	if err != nil {
		t.Fatalf("reparse of %q (from %q): %v", out, in, err)
	}
	if a, b := dumpOps(ops, true), dumpOps(again, true); a != b {
		t.Fatalf("round trip of %q via %q:\n%s\n!=\n%s", in, out, a, b)
	}
}

// TestInlineImageLength: an inline image whose /L is wrong, or whose data
// holds "EI" between white space, reads back with the same data.
func TestInlineImageLength(t *testing.T) {
	for _, in := range []string{
		"BI /L 8 ID ab\nEI   (x EI) Tj",
		"BI /F /AHx ID 0 EI % EI " + strings.Repeat("q Q ", 8) + "\nfoo\n",
		"BI /W 2 /H 1 /BPC 8 /CS /G ID abc\nEI Q",
	} {
		ops, err := Parse([]byte(in), DefaultLimits())
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		out := Append(nil, ops)
		again, err := Parse(out, DefaultLimits())
		if err != nil {
			t.Fatalf("reparse of %q (from %q): %v", out, in, err)
		}
		if len(again) != len(ops) {
			t.Fatalf("%q: %d ops, then %d via %q", in, len(ops), len(again), out)
		}
		for i := range ops {
			if ops[i].Operator != again[i].Operator || !bytes.Equal(ops[i].Data, again[i].Data) {
				t.Errorf("%q op %d: %s %q, then %s %q via %q", in, i, ops[i].Operator, ops[i].Data, again[i].Operator, again[i].Data, out)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tt := range parseCases {
		t.Run(tt.name, func(t *testing.T) { checkRoundTrip(t, []byte(tt.in)) })
	}
	checkRoundTrip(t, textPage(50))
}

func FuzzParse(f *testing.F) {
	for _, tt := range parseCases {
		f.Add([]byte(tt.in))
	}
	f.Add(textPage(3))
	f.Fuzz(func(t *testing.T, in []byte) {
		checkRoundTrip(t, in)
	})
}

// textPage generates a realistic text-heavy page of n text blocks.
func textPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString("q 1 0 0 1 0 0 cm\n0.9 g 36 36 540 720 re f\n")
	for i := range n {
		y := 700 - (i%60)*11
		fmt.Fprintf(&b, "BT /F1 12 Tf 72 %d Td (Hello, world \\(%d\\)) Tj [(A) -120 (B) 33.5 (Cdef)] TJ ET\n", y, i)
		if i%10 == 0 {
			fmt.Fprintf(&b, "q 0.5 0 0 0.5 %d.25 %d cm 0 0 m 10 10 l S 1 0 0 rg 0 0 5 5 re f Q\n", i, y)
		}
		if i%25 == 0 {
			b.WriteString("/Span <</ActualText <FEFF0041>>> BDC (A) Tj EMC\n")
		}
	}
	b.WriteString("Q\n")
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	page := textPage(5000)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(page, DefaultLimits()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	page := textPage(5000)
	ops, err := Parse(page, DefaultLimits())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = Append(buf[:0], ops)
	}
}
