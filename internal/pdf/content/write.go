package content

import (
	"io"
	"strconv"
)

// Append appends the canonical serialization of ops to dst: one operation
// per line, operands separated by single spaces, numbers in their shortest
// exact decimal form, literal strings escaped minimally, hex strings kept
// hex, inline image data verbatim. An inline image's /L (or /Length) is
// written as its data's true length, and /L is added when the data could
// otherwise be misread (it holds "EI" between white space and its size does
// not give its length), so that the image reads back exactly.
func Append(dst []byte, ops []Op) []byte {
	for i := range ops {
		op := &ops[i]
		if op.Operator == "BI" && len(op.Operands) == 1 && op.Operands[0].Kind == KindDict {
			dst = append(dst, "BI"...)
			hasLength := false
			for _, e := range op.Operands[0].Dict {
				dst = append(dst, ' ')
				dst = appendName(dst, e.Key)
				dst = append(dst, ' ')
				if k := string(e.Key); k == "L" || k == "Length" {
					// The data's true length, whatever the input said.
					dst = appendNumber(dst, float64(len(op.Data)))
					hasLength = true
					continue
				}
				dst = appendOperand(dst, &e.Value)
			}
			if !hasLength && needsLength(op) {
				dst = append(dst, " /L "...)
				dst = appendNumber(dst, float64(len(op.Data)))
			}
			if len(op.Data) == 0 {
				// "ID EI": a separator byte could be mistaken for data
				// when /L is not 0.
				dst = append(dst, " ID EI\n"...)
				continue
			}
			dst = append(dst, " ID "...)
			dst = append(dst, op.Data...)
			dst = append(dst, "\nEI\n"...)
			continue
		}
		for j := range op.Operands {
			dst = appendOperand(dst, &op.Operands[j])
			dst = append(dst, ' ')
		}
		dst = append(dst, op.Operator...)
		dst = append(dst, '\n')
	}
	return dst
}

// needsLength reports an inline image whose end a reader could not find
// without /L: its size does not give the data's length, and the data holds
// "EI" between white space, where a search for the end would stop.
func needsLength(op *Op) bool {
	if n, ok := imageLength(op.Operands[0]); ok {
		return n != len(op.Data)
	}
	d := op.Data
	for i := 0; i+1 < len(d); i++ {
		if d[i] == 'E' && d[i+1] == 'I' && (i == 0 || isSpace(d[i-1])) &&
			(i+2 == len(d) || isSpace(d[i+2]) || isDelim(d[i+2])) {
			return true
		}
	}
	return false
}

// Write writes the canonical serialization of ops to w, as Append does.
func Write(w io.Writer, ops []Op) error {
	_, err := w.Write(Append(nil, ops))
	return err
}

func appendOperand(dst []byte, o *Operand) []byte {
	switch o.Kind {
	case KindNumber:
		return appendNumber(dst, o.Num)
	case KindString:
		if o.Hex {
			return appendHex(dst, o.Bytes)
		}
		return appendLiteral(dst, o.Bytes)
	case KindName:
		return appendName(dst, o.Bytes)
	case KindBool:
		return strconv.AppendBool(dst, o.Bool)
	case KindArray:
		dst = append(dst, '[')
		for i := range o.Array {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = appendOperand(dst, &o.Array[i])
		}
		return append(dst, ']')
	case KindDict:
		dst = append(dst, "<<"...)
		for i := range o.Dict {
			if i > 0 {
				dst = append(dst, ' ')
			}
			dst = appendName(dst, o.Dict[i].Key)
			dst = append(dst, ' ')
			dst = appendOperand(dst, &o.Dict[i].Value)
		}
		return append(dst, ">>"...)
	}
	return append(dst, "null"...)
}

func appendNumber(dst []byte, f float64) []byte {
	if f > -1e15 && f < 1e15 && f == float64(int64(f)) {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return strconv.AppendFloat(dst, f, 'f', -1, 64)
}

const hexDigits = "0123456789ABCDEF"

func appendHex(dst []byte, b []byte) []byte {
	dst = append(dst, '<')
	for _, c := range b {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return append(dst, '>')
}

// appendLiteral writes ( … ), escaping backslash and CR always and
// parentheses only when they are not balanced.
func appendLiteral(dst []byte, b []byte) []byte {
	depth, balanced := 0, true
	for _, c := range b {
		if c == '(' {
			depth++
		} else if c == ')' {
			depth--
			if depth < 0 {
				balanced = false
				break
			}
		}
	}
	balanced = balanced && depth == 0
	dst = append(dst, '(')
	for _, c := range b {
		switch {
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case (c == '(' || c == ')') && !balanced:
			dst = append(dst, '\\', c)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, ')')
}

// appendName writes /Name, escaping as #xx every byte that is not a regular
// printable character, and '#' itself.
func appendName(dst []byte, b []byte) []byte {
	dst = append(dst, '/')
	for _, c := range b {
		if c < 0x21 || c > 0x7e || c == '#' || !isRegular(c) {
			dst = append(dst, '#', hexDigits[c>>4], hexDigits[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}
