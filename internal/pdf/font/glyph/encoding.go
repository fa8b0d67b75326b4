package glyph

// Encoding names accepted by Encoding. The first five are the names a PDF
// may give as /BaseEncoding or that Annex D tabulates; the last two are the
// built-in encodings of the standard Symbol and ZapfDingbats fonts.
const (
	Standard     = "StandardEncoding"
	WinAnsi      = "WinAnsiEncoding"
	MacRoman     = "MacRomanEncoding"
	MacExpert    = "MacExpertEncoding"
	PDFDoc       = "PDFDocEncoding"
	Symbol       = "SymbolEncoding"
	ZapfDingbats = "ZapfDingbatsEncoding"
)

// Encoding returns a copy of the named base encoding's code-to-glyph-name
// table, "" marking unused codes, per ISO 32000-1 Annex D (D.2 Latin, D.4
// MacExpert, D.5 Symbol, D.6 ZapfDingbats). The caller owns the copy and may
// apply /Differences to it.
//
// MacRomanEncoding includes the 15 codes that Annex D.2's note adds beyond
// the Latin set (notequal, infinity, ..., apple); 0xDB is "currency" as in
// the PDF table, not Apple's later Euro. WinAnsiEncoding keeps PDF's rules:
// codes 0x80-0x9F per Annex D, and Windows' "bullet" for otherwise unused
// codes is not added. ok is false for any other name.
func Encoding(name string) (*[256]string, bool) {
	var t [256]string
	switch name {
	case Standard:
		t = standardEncoding
	case WinAnsi:
		t = winAnsiEncoding
	case MacRoman:
		t = macRomanEncoding
	case MacExpert:
		t = macExpertEncoding
	case PDFDoc:
		t = pdfDocEncoding
	case Symbol:
		t = symbolEncoding
	case ZapfDingbats:
		t = zapfDingbatsEncoding
	default:
		return nil, false
	}
	return &t, true
}
