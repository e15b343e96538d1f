package yamlsrc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway/diag"
)

// JSON is most of what partner systems send. It is read with jsontext (the
// reader behind encoding/json/v2), which gives each token's offset, into
// the same node tree yaml builds for the same document: the same kinds,
// tags, values, styles, lines and columns. So one decoder serves both
// formats, and a differential test and a fuzz target hold the two readers
// to the same trees. Duplicate keys are left for the decoder, which reports
// each at its place, with where it was first given, in linear time.

var jsonOptions = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	// Text that is not UTF-8 reads as U+FFFD, as encoding/json reads it.
	jsontext.AllowInvalidUTF8(true),
}

// looksLikeJSON reports whether data starts, after white space, with { or [.
func looksLikeJSON(data []byte) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

// jsonReader builds a node tree from jsontext's tokens.
type jsonReader struct {
	f     *File
	dec   *jsontext.Decoder
	depth int
	// cursor turns byte offsets, which only grow, into lines and columns.
	off, line, col int
}

// parseJSON reads f's text as one JSON document. It returns the root node,
// or the problem where reading stopped.
func (f *File) parseJSON() (*yaml.Node, *diag.Diagnostic) {
	r := &jsonReader{f: f, dec: jsontext.NewDecoder(bytes.NewReader(f.Src), jsonOptions...), line: 1, col: 1}
	root, err := r.value()
	if err == nil {
		if _, err = r.dec.ReadToken(); err == nil {
			return nil, r.problem(r.dec.InputOffset(), "documents", "The file holds more than one JSON value",
				"A file holds one document. Remove what follows it, or put each document in a file of its own.")
		}
		if errors.Is(err, io.EOF) {
			return root, nil
		}
	}
	return nil, r.syntax(err)
}

// pos returns the line and column (from 1, in characters) of byte offset
// off, which must not be before the last offset asked for.
func (r *jsonReader) pos(off int) (line, col int) {
	src := r.f.Src
	for r.off < off && r.off < len(src) {
		c := src[r.off]
		switch {
		case c == '\n':
			r.line, r.col = r.line+1, 1
			r.off++
		case c < utf8.RuneSelf:
			r.col++
			r.off++
		default:
			_, n := utf8.DecodeRune(src[r.off:])
			r.col++
			r.off += n
		}
	}
	return r.line, r.col
}

func (r *jsonReader) node(kind yaml.Kind, tag, value string, style yaml.Style, start int) *yaml.Node {
	line, col := r.pos(start)
	return &yaml.Node{Kind: kind, Tag: tag, Value: value, Style: style, Line: line, Column: col}
}

func (r *jsonReader) value() (*yaml.Node, error) {
	switch r.dec.PeekKind() {
	case '{':
		return r.container(yaml.MappingNode, "!!map", '}')
	case '[':
		return r.container(yaml.SequenceNode, "!!seq", ']')
	}
	raw, err := r.dec.ReadValue()
	if err != nil {
		return nil, err
	}
	start := int(r.dec.InputOffset()) - len(raw)
	switch raw.Kind() {
	case '"':
		return r.node(yaml.ScalarNode, "!!str", unquote(raw), yaml.DoubleQuotedStyle, start), nil
	case '0':
		tag := "!!int"
		if bytes.ContainsAny(raw, ".eE") || string(raw) == "-0" {
			tag = "!!float"
		}
		return r.node(yaml.ScalarNode, tag, string(raw), 0, start), nil
	case 't', 'f':
		return r.node(yaml.ScalarNode, "!!bool", string(raw), 0, start), nil
	}
	return r.node(yaml.ScalarNode, "!!null", "null", 0, start), nil
}

// container reads an object or an array.
func (r *jsonReader) container(kind yaml.Kind, tag string, end jsontext.Kind) (*yaml.Node, error) {
	if _, err := r.dec.ReadToken(); err != nil {
		return nil, err
	}
	n := r.node(kind, tag, "", yaml.FlowStyle, int(r.dec.InputOffset())-1)
	if r.depth++; r.depth > MaxDepth {
		return nil, errTooDeep
	}
	defer func() { r.depth-- }()
	for r.dec.PeekKind() != end {
		if r.dec.PeekKind() == jsontext.KindInvalid {
			_, err := r.dec.ReadToken()
			return nil, err
		}
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, v)
	}
	if _, err := r.dec.ReadToken(); err != nil {
		return nil, err
	}
	return n, nil
}

var errTooDeep = errors.New("too deep")

// unquote returns the text of a JSON string the decoder has read, with
// text that is not UTF-8 (and lone surrogates) as U+FFFD.
func unquote(raw jsontext.Value) string {
	if s, err := jsontext.AppendUnquote(nil, raw); err == nil {
		return string(s)
	}
	tok, err := jsontext.NewDecoder(bytes.NewReader(raw), jsonOptions...).ReadToken()
	if err != nil {
		return "\ufffd"
	}
	return tok.String()
}

func (r *jsonReader) problem(off int64, code, summary, detail string) *diag.Diagnostic {
	line, col := r.pos(int(off))
	return &diag.Diagnostic{Severity: diag.Error, Code: code, Summary: summary, Detail: detail,
		Range: diag.Range{File: r.f.Name, Start: diag.Pos{Line: line, Column: col}}}
}

// syntax turns a reading error into a problem at its place. It never
// repeats the text, which may be personal.
func (r *jsonReader) syntax(err error) *diag.Diagnostic {
	if errors.Is(err, errTooDeep) {
		return r.problem(r.dec.InputOffset(), "too-deep", "The lists and mappings are nested too deeply",
			fmt.Sprintf("At most %d levels of nesting are accepted. Check for brackets that are not closed.", MaxDepth))
	}
	off := r.dec.InputOffset()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off = se.ByteOffset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || int(off) >= len(r.f.Src) {
		return r.problem(off, "syntax", "The JSON ends too soon",
			"A bracket, brace or quote is not closed. Check that every { has a }, every [ a ] and every \" its closing \".")
	}
	return r.problem(off, "syntax", "The JSON is not written correctly here",
		"Check the quotes, brackets, commas and colons near here: names and text are in double quotes, items are separated by commas, and a name is followed by a colon.")
}
