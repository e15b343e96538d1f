package yamlsrc

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// JSON writes characters outside the Basic Multilingual Plane (emoji, some
// scripts) as UTF-16 surrogate pairs, "\ud83d\ude00", which YAML's
// double-quoted strings do not accept. For input that looks like JSON,
// jsonSurrogates rewrites each pair as YAML's "\U0001F600" and each lone
// surrogate as "\uFFFD" (as encoding/json does), and remembers how columns
// moved so that positions still point into the original text.

// surrogateFix records, per line, where rewritten text got shorter.
type surrogateFix map[int][]shift

// shift says that from column col (in the rewritten line) on, columns in
// the original line are delta larger.
type shift struct{ col, delta int }

// jsonSurrogates returns data with JSON surrogate escapes rewritten for
// YAML, and the column shifts it made. Input that does not look like JSON,
// or has no surrogate escape, is returned as it is.
func jsonSurrogates(data []byte) ([]byte, surrogateFix) {
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) == 0 || (trimmed[0] != '{' && trimmed[0] != '[') || !bytes.Contains(data, []byte(`\u`)) && !bytes.Contains(data, []byte(`\U`)) {
		return data, nil
	}
	var out []byte
	fix := surrogateFix{}
	line, col := 1, 1 // position in the rewritten text
	inString := false
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '\n':
			line, col = line+1, 1
			inString = false
			out = append(out, c)
			i++
			continue
		case !inString && c == '"':
			inString = true
		case inString && c == '"':
			inString = false
		case inString && c == '\\' && i+1 < len(data):
			if r1, ok := hex4(data, i); ok && utf16.IsSurrogate(r1) {
				if out == nil {
					out = append(make([]byte, 0, len(data)), data[:i]...)
				}
				if r2, ok := hex4(data, i+6); ok && r1 < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000 {
					rep := fmt.Sprintf(`\U%08X`, utf16.DecodeRune(r1, r2))
					out = append(out, rep...)
					col += len(rep)
					fix[line] = append(fix[line], shift{col: col, delta: 12 - len(rep)})
					i += 12
					continue
				}
				out = append(out, `\uFFFD`...)
				col += 6
				i += 6
				continue
			}
			// Any other escape: copy the backslash and the escaped byte.
			if out != nil {
				out = append(out, c, data[i+1])
			}
			col += 2
			i += 2
			continue
		}
		_, n := utf8.DecodeRune(data[i:])
		if out != nil {
			out = append(out, data[i:i+n]...)
		}
		col++
		i += n
	}
	if out == nil {
		return data, nil
	}
	return out, fix
}

// hex4 reads the escape \uXXXX at data[i:], returning its code unit.
func hex4(data []byte, i int) (rune, bool) {
	if i+6 > len(data) || data[i] != '\\' || data[i+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, b := range data[i+2 : i+6] {
		switch {
		case b >= '0' && b <= '9':
			r = r<<4 | rune(b-'0')
		case b >= 'a' && b <= 'f':
			r = r<<4 | rune(b-'a'+10)
		case b >= 'A' && b <= 'F':
			r = r<<4 | rune(b-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// column maps a column in the rewritten text to the original text.
func (s surrogateFix) column(line, col int) int {
	orig := col
	for _, sh := range s[line] {
		if col >= sh.col {
			orig += sh.delta
		}
	}
	return orig
}

// apply moves every node's column back to the original text.
func (s surrogateFix) apply(n *yaml.Node) {
	if len(s) == 0 || n == nil {
		return
	}
	n.Column = s.column(n.Line, n.Column)
	for _, c := range n.Content {
		s.apply(c)
	}
}
