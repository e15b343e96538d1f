package outcomes

import (
	"unicode/utf16"
	"unicode/utf8"
)

// jsonKind is the kind of a JSON value, in words people use.
type jsonKind uint8

const (
	jsonString jsonKind = iota
	jsonNumber
	jsonBool
	jsonNull
	jsonObject
	jsonArray
)

// String names the kind for messages.
func (k jsonKind) String() string {
	switch k {
	case jsonString:
		return "text"
	case jsonNumber:
		return "a number"
	case jsonBool:
		return "true or false"
	case jsonNull:
		return "null"
	case jsonObject:
		return "an object"
	default:
		return "a list"
	}
}

// jsonField is one key and its value in an event line. Offsets are bytes
// into the line. For strings, str holds the decoded text; it aliases the
// line when the string has no escapes, so it is valid only until the next
// line is read.
type jsonField struct {
	key    []byte
	keyOff int
	kind   jsonKind
	str    []byte
	num    []byte // the number as written
	valOff int
}

// jsonError is a syntax error at a byte offset.
type jsonError struct {
	off int
	msg string
}

// maxJSONDepth bounds nesting inside an event line; events are flat, so
// anything deeper is only skipped, and only so far.
const maxJSONDepth = 16

// lineParser parses one event line: a single flat JSON object. It is reused
// from line to line to avoid allocations.
type lineParser struct {
	b       []byte
	i       int
	fields  []jsonField
	scratch []byte // decoded escaped strings, reset every line
}

// parse parses b as one JSON object and returns its fields in order.
func (p *lineParser) parse(b []byte) ([]jsonField, *jsonError) {
	p.b, p.i = b, 0
	p.fields = p.fields[:0]
	p.scratch = p.scratch[:0]
	p.space()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		if p.i < len(p.b) && (p.b[p.i] == '[' || p.b[p.i] == '"' || p.b[p.i] == '-' || (p.b[p.i] >= '0' && p.b[p.i] <= '9') || p.b[p.i] == 't' || p.b[p.i] == 'f' || p.b[p.i] == 'n') {
			return nil, &jsonError{p.i, "an event must be a JSON object, {...}"}
		}
		return nil, p.errHere("expected \"{\" to start the event")
	}
	p.i++
	p.space()
	if p.peek() == '}' {
		p.i++
		return p.end()
	}
	for {
		p.space()
		if p.peek() != '"' {
			return nil, p.errHere("expected a field name in double quotes")
		}
		keyOff := p.i
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.peek() != ':' {
			return nil, p.errHere("expected \":\" after the field name")
		}
		p.i++
		p.space()
		f := jsonField{key: key, keyOff: keyOff, valOff: p.i}
		if err := p.value(&f, 0); err != nil {
			return nil, err
		}
		p.fields = append(p.fields, f)
		p.space()
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return p.end()
		default:
			return nil, p.errHere("expected \",\" or \"}\" after a value")
		}
	}
}

// end checks that nothing but space follows the object.
func (p *lineParser) end() ([]jsonField, *jsonError) {
	p.space()
	if p.i < len(p.b) {
		return nil, p.errHere("expected the line to end after the event's closing \"}\"; put one event on each line")
	}
	return p.fields, nil
}

func (p *lineParser) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *lineParser) errHere(msg string) *jsonError {
	if p.i >= len(p.b) {
		return &jsonError{len(p.b), msg + ", but the line ended"}
	}
	return &jsonError{p.i, msg}
}

func (p *lineParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

// value parses one value into f (kind and content) and skips nested
// objects and arrays.
func (p *lineParser) value(f *jsonField, depth int) *jsonError {
	if depth > maxJSONDepth {
		return p.errHere("values are nested too deeply")
	}
	switch c := p.peek(); {
	case c == '"':
		s, err := p.str()
		if err != nil {
			return err
		}
		f.kind, f.str = jsonString, s
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		if err := p.number(); err != nil {
			return err
		}
		f.kind, f.num = jsonNumber, p.b[start:p.i]
	case c == 't':
		f.kind = jsonBool
		return p.literal("true")
	case c == 'f':
		f.kind = jsonBool
		return p.literal("false")
	case c == 'n':
		f.kind = jsonNull
		return p.literal("null")
	case c == '{':
		f.kind = jsonObject
		return p.skipComposite('{', '}', depth)
	case c == '[':
		f.kind = jsonArray
		return p.skipComposite('[', ']', depth)
	default:
		return p.errHere("expected a value (text in double quotes, a number, true, false or null)")
	}
	return nil
}

func (p *lineParser) literal(word string) *jsonError {
	if len(p.b)-p.i >= len(word) && string(p.b[p.i:p.i+len(word)]) == word {
		p.i += len(word)
		return nil
	}
	return p.errHere("expected a value (text in double quotes, a number, true, false or null)")
}

// skipComposite skips a nested object or array.
func (p *lineParser) skipComposite(open, closing byte, depth int) *jsonError {
	p.i++ // open
	p.space()
	if p.peek() == closing {
		p.i++
		return nil
	}
	var scratch jsonField
	for {
		p.space()
		if open == '{' {
			if p.peek() != '"' {
				return p.errHere("expected a field name in double quotes")
			}
			if _, err := p.str(); err != nil {
				return err
			}
			p.space()
			if p.peek() != ':' {
				return p.errHere("expected \":\" after the field name")
			}
			p.i++
			p.space()
		}
		if err := p.value(&scratch, depth+1); err != nil {
			return err
		}
		p.space()
		switch p.peek() {
		case ',':
			p.i++
		case closing:
			p.i++
			return nil
		default:
			return p.errHere("expected \",\" or \"" + string(closing) + "\"")
		}
	}
}

// number checks JSON number syntax: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *lineParser) number() *jsonError {
	if p.peek() == '-' {
		p.i++
	}
	switch c := p.peek(); {
	case c == '0':
		p.i++
	case c >= '1' && c <= '9':
		p.digits()
	default:
		return p.errHere("expected a digit")
	}
	if p.peek() == '.' {
		p.i++
		if !isDigit(p.peek()) {
			return p.errHere("expected a digit after the decimal point")
		}
		p.digits()
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		p.i++
		if c := p.peek(); c == '+' || c == '-' {
			p.i++
		}
		if !isDigit(p.peek()) {
			return p.errHere("expected a digit in the exponent")
		}
		p.digits()
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *lineParser) digits() {
	for isDigit(p.peek()) {
		p.i++
	}
}

// str parses a string starting at the opening quote and returns its
// decoded bytes.
func (p *lineParser) str() ([]byte, *jsonError) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return nil, &jsonError{start - 1, "text is not valid UTF-8"}
			}
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return nil, &jsonError{p.i, "control characters must be escaped inside text"}
		}
		p.i++
	}
	return nil, &jsonError{len(p.b), "text is not closed with a double quote before the line ends"}
}

// escaped decodes a string with escapes into the scratch buffer.
func (p *lineParser) escaped(start int) ([]byte, *jsonError) {
	from := len(p.scratch)
	p.scratch = append(p.scratch, p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			s := p.scratch[from:len(p.scratch):len(p.scratch)]
			if !utf8.Valid(s) {
				return nil, &jsonError{start - 1, "text is not valid UTF-8"}
			}
			return s, nil
		case c < 0x20:
			return nil, &jsonError{p.i, "control characters must be escaped inside text"}
		case c != '\\':
			p.scratch = append(p.scratch, c)
			p.i++
			continue
		}
		// a backslash
		if p.i+1 >= len(p.b) {
			return nil, &jsonError{p.i, "a backslash must be followed by an escape"}
		}
		e := p.b[p.i+1]
		switch e {
		case '"', '\\', '/':
			p.scratch = append(p.scratch, e)
		case 'b':
			p.scratch = append(p.scratch, '\b')
		case 'f':
			p.scratch = append(p.scratch, '\f')
		case 'n':
			p.scratch = append(p.scratch, '\n')
		case 'r':
			p.scratch = append(p.scratch, '\r')
		case 't':
			p.scratch = append(p.scratch, '\t')
		case 'u':
			r, ok := p.hex4(p.i + 2)
			if !ok {
				return nil, &jsonError{p.i, "\\u must be followed by four hexadecimal digits"}
			}
			p.i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := p.hex4(p.i + 2); ok && p.peek() == '\\' && p.i+1 < len(p.b) && p.b[p.i+1] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						p.i += 6
						p.scratch = utf8.AppendRune(p.scratch, d)
						continue
					}
				}
				r = utf8.RuneError
			}
			p.scratch = utf8.AppendRune(p.scratch, r)
			continue
		default:
			return nil, &jsonError{p.i, `unknown escape in text; the escapes are \" \\ \/ \b \f \n \r \t and \uXXXX`}
		}
		p.i += 2
	}
	return nil, &jsonError{len(p.b), "text is not closed with a double quote before the line ends"}
}

// hex4 reads four hexadecimal digits at offset i.
func (p *lineParser) hex4(i int) (rune, bool) {
	if i+4 > len(p.b) {
		return 0, false
	}
	var r rune
	for _, c := range p.b[i : i+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c-'a') + 10
		case c >= 'A' && c <= 'F':
			r |= rune(c-'A') + 10
		default:
			return 0, false
		}
	}
	return r, true
}
