package outcomes

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// valueKind is the kind of a field's value, in words people use.
type valueKind uint8

const (
	kindText valueKind = iota
	kindNumber
	kindBool
	kindNull
	kindObject
	kindArray
)

// String names the kind for messages.
func (k valueKind) String() string {
	switch k {
	case kindText:
		return "text"
	case kindNumber:
		return "a number"
	case kindBool:
		return "true or false"
	case kindNull:
		return "null"
	case kindObject:
		return "an object"
	default:
		return "a list"
	}
}

// The fields of an event, by index into fieldNames.
const (
	fCase = iota
	fType
	fOn
	fProgramme
	fReason
	fVictims
	fChildren
	fInstrument
	fPhase
	fValue
	numFields
)

// fieldNames lists every field an event can have, in CSVHeader order.
var fieldNames = CSVHeader

func fieldIndex(name []byte) int {
	for i, n := range fieldNames {
		if n == string(name) {
			return i
		}
	}
	return -1
}

// rawField is one field of a line as read, before it is checked. text
// holds a string's decoded text or a number as written; it is valid until
// the next line is read.
type rawField struct {
	present bool
	kind    valueKind
	text    []byte
	col     int // 1-based column of the value
}

// rawEvent is a line's fields by index.
type rawEvent struct {
	f [numFields]rawField
}

// lineProblem is a problem found while reading a line's structure.
type lineProblem struct {
	col           int
	code, summary string
	detail        string
}

// jsonLine reads one JSON Lines line into a rawEvent with jsontext. It is
// reused from line to line and is not safe for concurrent use.
type jsonLine struct {
	dec  *jsontext.Decoder
	opts []jsontext.Options
	src  bytes.Reader
	buf  []byte   // decoded strings of the current line
	name []byte   // the field name being read
	offs [][2]int // where each field's text is in buf
}

func newJSONLine() *jsonLine {
	j := &jsonLine{opts: []jsontext.Options{jsontext.AllowDuplicateNames(false), jsontext.AllowInvalidUTF8(false)}}
	j.dec = jsontext.NewDecoder(&j.src, j.opts...)
	return j
}

// parse reads line into ev. It returns the problems of the line's
// structure: a line that is not one JSON object (one problem, and ok
// false), and unknown fields (ok stays true: the known fields are
// checked too, so that every problem on the line is listed).
func (j *jsonLine) parse(line []byte, ev *rawEvent, unknown func(name []byte, col int)) (lineProblem, bool) {
	*ev = rawEvent{}
	j.buf = j.buf[:0]
	j.src.Reset(line)
	j.dec.Reset(&j.src, j.opts...)
	col := func(off int64) int { return runeColumn(line, int(off)) }
	syntax := func(err error) (lineProblem, bool) {
		var se *jsontext.SyntacticError
		off := j.dec.InputOffset()
		if errors.As(err, &se) {
			off = se.ByteOffset
			if errors.Is(err, jsontext.ErrDuplicateName) {
				name := se.JSONPointer.LastToken()
				shownName := "a field"
				if fieldIndex([]byte(name)) >= 0 {
					shownName = `"` + name + `"`
				}
				return lineProblem{col: col(off), code: CodeDuplicateField, summary: shownName + " is given twice",
					detail: "The line gives " + shownName + " more than once. Give each field once."}, false
			}
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			off = int64(len(bytes.TrimRight(line, " \t")))
		}
		return lineProblem{col: col(off), code: CodeNotJSON, summary: "the line is not a JSON event",
			detail: `Each line must be one JSON object, such as {"case": "C-17", "type": "referred", "on": "2023-05-02"}; this one stops being JSON at the column given. Correct the line, or remove it if it is not an event.`}, false
	}
	tok, err := j.dec.ReadToken()
	if err != nil {
		return syntax(err)
	}
	if tok.Kind() != '{' {
		return lineProblem{col: col(j.dec.InputOffset() - 1), code: CodeNotJSON, summary: "the line is not a JSON object",
			detail: `Each line must be one JSON object, such as {"case": "C-17", "type": "referred", "on": "2023-05-02"}. Correct the line, or remove it if it is not an event.`}, false
	}
	j.offs = j.offs[:0]
	for {
		if j.dec.PeekKind() == '}' {
			if _, err := j.dec.ReadToken(); err != nil {
				return syntax(err)
			}
			break
		}
		name, err := j.dec.ReadValue()
		if err != nil {
			return syntax(err)
		}
		nameOff := j.dec.InputOffset() - int64(len(name))
		nameText, err := jsontext.AppendUnquote(j.name[:0], name)
		j.name = nameText
		if err != nil {
			return syntax(err)
		}
		idx := fieldIndex(nameText)
		if idx < 0 {
			unknown(nameText, col(nameOff))
		}
		kind := j.dec.PeekKind()
		val, err := j.dec.ReadValue()
		if err != nil {
			return syntax(err)
		}
		valOff := j.dec.InputOffset() - int64(len(val))
		if idx < 0 {
			continue
		}
		f := &ev.f[idx]
		f.present, f.col = true, col(valOff)
		start := len(j.buf)
		switch kind {
		case '"':
			j.buf, err = jsontext.AppendUnquote(j.buf, val)
			if err != nil {
				return syntax(err)
			}
			f.kind = kindText
		case '0':
			j.buf = append(j.buf, val...)
			f.kind = kindNumber
		case 'n':
			f.kind = kindNull
		case 't', 'f':
			f.kind = kindBool
		case '{':
			f.kind = kindObject
		default:
			f.kind = kindArray
		}
		j.offs = append(j.offs, [2]int{idx, start})
	}
	if _, err := j.dec.ReadToken(); !errors.Is(err, io.EOF) {
		// Something follows the object on the same line.
		off := j.dec.InputOffset()
		return lineProblem{col: col(off), code: CodeNotJSON, summary: "the line has more than one JSON value",
			detail: "Each line must be one JSON object and nothing after it. Put each event on a line of its own."}, false
	}
	// The texts point into buf, which may have moved while it grew.
	for k, o := range j.offs {
		end := len(j.buf)
		if k+1 < len(j.offs) {
			end = j.offs[k+1][1]
		}
		ev.f[o[0]].text = j.buf[o[1]:end:end]
	}
	return lineProblem{}, true
}

// runeColumn returns the 1-based column, in characters, of byte offset
// off of line.
func runeColumn(line []byte, off int) int {
	off = min(max(off, 0), len(line))
	return utf8.RuneCount(line[:off]) + 1
}
