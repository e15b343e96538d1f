package yamlsrc

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// JSON is most of what partner systems send, and yaml's general parser is
// the slowest part of reading a referral. parseJSON builds the node tree
// of a plain JSON document directly, exactly as yaml would build it: the
// same kinds, tags, values, styles, lines and columns. Whatever it is not
// sure to read exactly as yaml does (a syntax error, a number with an
// exponent, a duplicate key, a character yaml treats specially) makes it
// give up, and Parse reads the document with yaml, so every problem is
// still reported one way. A differential test and a fuzz target hold the
// two readers to the same trees.

// jsonReader is the state of parseJSON.
type jsonReader struct {
	data      []byte
	i         int // byte offset
	line, col int // 1-based; col counts characters
	depth     int
}

// parseJSON returns the root node of data, or ok false to say "ask yaml".
func parseJSON(data []byte) (root *yaml.Node, ok bool) {
	r := &jsonReader{data: data, line: 1, col: 1}
	r.space()
	if r.i >= len(data) || (data[r.i] != '{' && data[r.i] != '[') {
		return nil, false
	}
	root, ok = r.value()
	if !ok {
		return nil, false
	}
	r.space()
	return root, r.i == len(data)
}

// space skips JSON whitespace.
func (r *jsonReader) space() {
	for r.i < len(r.data) {
		switch r.data[r.i] {
		case ' ', '\t':
			r.i++
			r.col++
		case '\n':
			r.i++
			r.line, r.col = r.line+1, 1
		case '\r':
			// yaml takes \r\n, and a lone \r, as one line break.
			r.i++
			if r.i < len(r.data) && r.data[r.i] == '\n' {
				r.i++
			}
			r.line, r.col = r.line+1, 1
		default:
			return
		}
	}
}

func (r *jsonReader) node(kind yaml.Kind, tag, value string, style yaml.Style, line, col int) *yaml.Node {
	return &yaml.Node{Kind: kind, Tag: tag, Value: value, Style: style, Line: line, Column: col}
}

func (r *jsonReader) value() (*yaml.Node, bool) {
	if r.i >= len(r.data) {
		return nil, false
	}
	line, col := r.line, r.col
	switch c := r.data[r.i]; {
	case c == '{':
		return r.object(line, col)
	case c == '[':
		return r.array(line, col)
	case c == '"':
		s, ok := r.str()
		return r.node(yaml.ScalarNode, "!!str", s, yaml.DoubleQuotedStyle, line, col), ok
	case c == '-' || (c >= '0' && c <= '9'):
		return r.number(line, col)
	}
	for _, w := range [...]struct{ word, tag string }{{"true", "!!bool"}, {"false", "!!bool"}, {"null", "!!null"}} {
		if len(r.data)-r.i >= len(w.word) && string(r.data[r.i:r.i+len(w.word)]) == w.word {
			r.i += len(w.word)
			r.col += len(w.word)
			if !r.endOfScalar() {
				return nil, false
			}
			return r.node(yaml.ScalarNode, w.tag, w.word, 0, line, col), true
		}
	}
	return nil, false
}

// endOfScalar reports whether a plain scalar ends here, as JSON requires.
func (r *jsonReader) endOfScalar() bool {
	if r.i >= len(r.data) {
		return true
	}
	switch r.data[r.i] {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

func (r *jsonReader) object(line, col int) (*yaml.Node, bool) {
	if r.depth++; r.depth > MaxDepth {
		return nil, false
	}
	defer func() { r.depth-- }()
	n := r.node(yaml.MappingNode, "!!map", "", yaml.FlowStyle, line, col)
	r.i++
	r.col++
	r.space()
	if r.i < len(r.data) && r.data[r.i] == '}' {
		r.i++
		r.col++
		return n, true
	}
	var keys []string
	for {
		r.space()
		if r.i >= len(r.data) || r.data[r.i] != '"' {
			return nil, false
		}
		k, ok := r.value()
		if !ok {
			return nil, false
		}
		for _, seen := range keys {
			if seen == k.Value {
				return nil, false // yaml reports the duplicate
			}
		}
		keys = append(keys, k.Value)
		r.space()
		if r.i >= len(r.data) || r.data[r.i] != ':' {
			return nil, false
		}
		r.i++
		r.col++
		r.space()
		v, ok := r.value()
		if !ok {
			return nil, false
		}
		n.Content = append(n.Content, k, v)
		r.space()
		if r.i >= len(r.data) {
			return nil, false
		}
		switch r.data[r.i] {
		case ',':
			r.i++
			r.col++
		case '}':
			r.i++
			r.col++
			return n, true
		default:
			return nil, false
		}
	}
}

func (r *jsonReader) array(line, col int) (*yaml.Node, bool) {
	if r.depth++; r.depth > MaxDepth {
		return nil, false
	}
	defer func() { r.depth-- }()
	n := r.node(yaml.SequenceNode, "!!seq", "", yaml.FlowStyle, line, col)
	r.i++
	r.col++
	r.space()
	if r.i < len(r.data) && r.data[r.i] == ']' {
		r.i++
		r.col++
		return n, true
	}
	for {
		r.space()
		v, ok := r.value()
		if !ok {
			return nil, false
		}
		n.Content = append(n.Content, v)
		r.space()
		if r.i >= len(r.data) {
			return nil, false
		}
		switch r.data[r.i] {
		case ',':
			r.i++
			r.col++
		case ']':
			r.i++
			r.col++
			return n, true
		default:
			return nil, false
		}
	}
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?; an exponent is left to yaml.
func (r *jsonReader) number(line, col int) (*yaml.Node, bool) {
	start := r.i
	if r.data[r.i] == '-' {
		r.i++
	}
	digits := func() int {
		n := 0
		for r.i < len(r.data) && r.data[r.i] >= '0' && r.data[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	first := r.i
	if n := digits(); n == 0 || (n > 1 && r.data[first] == '0') {
		return nil, false
	}
	tag := "!!int"
	if r.i < len(r.data) && r.data[r.i] == '.' {
		r.i++
		if digits() == 0 {
			return nil, false
		}
		tag = "!!float"
	}
	r.col += r.i - start
	text := string(r.data[start:r.i])
	if !r.endOfScalar() || text == "-0" { // yaml reads -0 as a float
		return nil, false
	}
	return r.node(yaml.ScalarNode, tag, text, 0, line, col), true
}

// str reads a JSON string, the reader at its opening quote.
func (r *jsonReader) str() (string, bool) {
	r.i++
	r.col++
	start := r.i
	// The common case: no escape, plain printable text.
	for r.i < len(r.data) {
		c := r.data[r.i]
		if c == '"' {
			s := string(r.data[start:r.i])
			r.i++
			r.col++
			return s, true
		}
		if c == '\\' {
			break
		}
		if !r.char() {
			return "", false
		}
	}
	buf := []byte(string(r.data[start:r.i]))
	for r.i < len(r.data) {
		c := r.data[r.i]
		switch {
		case c == '"':
			r.i++
			r.col++
			return string(buf), true
		case c == '\\':
			if r.i+1 >= len(r.data) {
				return "", false
			}
			e := r.data[r.i+1]
			r.i += 2
			r.col += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				u, ok := r.hex()
				if !ok {
					return "", false
				}
				if utf16.IsSurrogate(u) {
					// Only a well-formed pair is read here; yaml reads the
					// rest after Parse rewrites it.
					if r.i+1 >= len(r.data) || r.data[r.i] != '\\' || r.data[r.i+1] != 'u' {
						return "", false
					}
					r.i += 2
					r.col += 2
					u2, ok := r.hex()
					if !ok || u >= 0xdc00 || u2 < 0xdc00 || u2 >= 0xe000 {
						return "", false
					}
					u = utf16.DecodeRune(u, u2)
				}
				buf = utf8.AppendRune(buf, u)
			default:
				return "", false
			}
		default:
			mark := r.i
			if !r.char() {
				return "", false
			}
			buf = append(buf, r.data[mark:r.i]...)
		}
	}
	return "", false
}

// hex reads the four hex digits of a \u escape.
func (r *jsonReader) hex() (rune, bool) {
	if r.i+4 > len(r.data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(r.data[r.i:r.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	r.i += 4
	r.col += 4
	return rune(v), true
}

// char steps over one character of a string, refusing what JSON forbids
// raw and what yaml reads differently: control characters, DEL and the C1
// controls, line and paragraph separators, byte order marks, non-characters
// and malformed UTF-8.
func (r *jsonReader) char() bool {
	c := r.data[r.i]
	if c < utf8.RuneSelf {
		if c < 0x20 || c == 0x7f {
			return false
		}
		r.i++
		r.col++
		return true
	}
	u, size := utf8.DecodeRune(r.data[r.i:])
	switch {
	case u == utf8.RuneError && size <= 1,
		u >= 0x80 && u <= 0x9f,
		u == 0x2028, u == 0x2029, u == 0xfeff, u == 0xfffe, u == 0xffff:
		return false
	}
	r.i += size
	r.col++
	return true
}
