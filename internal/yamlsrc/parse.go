// Package yamlsrc reads JSON and YAML files people edit (referrals, rule
// packs, scenario files) into yaml.Node trees that remember where every value
// came from, and decodes them strictly into Go structs.
//
// Parse checks the syntax and the shape of the input: one document, no
// anchors, aliases or merge keys, bounded size and nesting. Decode fills a
// struct through its json tag names, reporting unknown keys (with a "did you
// mean"), duplicate keys, wrong types and bad values, all at once, each with
// its JSON path and its file:line:col. Messages are plain English written for
// the people who edit the files: they never name a Go type and never repeat
// the offending value.
//
// JSON is read with jsontext into the same node tree yaml builds, so one
// decoder serves both; for JSON input, numbers, null, escaped strings and
// Unicode decode as encoding/json decodes them.
//
// Problems carry a range, not the text of the line: Annotate fills in each
// problem's snippet line from the files it was found in, once, when the
// problems are handed out. Nothing keeps a copy of a file's text per
// problem or per rule.
package yamlsrc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/saferpath/pathway/diag"
	"go.yaml.in/yaml/v4"
	"go.yaml.in/yaml/v4/plugin/loaderlimits"
)

// MaxSize is the largest input Parse accepts, in bytes.
const MaxSize = 4 << 20

// MaxDepth is the deepest nesting of lists and mappings Parse accepts.
const MaxDepth = 64

// File is one parsed JSON or YAML file.
type File struct {
	// Name is the file name used in diagnostics.
	Name string
	// Src is the file's text as it was given.
	Src []byte
	// Root is the document's content node (a mapping, a sequence or a
	// scalar), never the document node itself.
	Root *yaml.Node

	// lines holds the byte offset of the start of each line of Src.
	lines []int
}

// Parse reads data, named name in diagnostics, as one JSON or YAML document.
// It reports every syntax error yaml can find, each at its line and column
// (code "syntax"); an empty input or several documents (code "documents");
// anchors, aliases and merge keys, which are not supported (code
// "unsupported-yaml"); input larger than MaxSize (code "too-large") and
// nesting deeper than MaxDepth (code "too-deep"). When it reports a problem
// the File is nil, and the problems have their snippets.
func Parse(name string, data []byte) (*File, diag.List) {
	f, problems := parse(name, data)
	if f == nil {
		Annotate(problems, &File{Name: name, Src: data, lines: lineStarts(data)})
	}
	return f, problems
}

func parse(name string, data []byte) (*File, diag.List) {
	f := &File{Name: name, Src: data}
	if len(data) > MaxSize {
		return nil, diag.List{{
			Severity: diag.Error, Code: "too-large", Range: diag.Range{File: name},
			Summary: "The file is too large",
			Detail:  fmt.Sprintf("The file is %d bytes; at most %d bytes (%d MiB) are accepted. Split it or remove what it does not need.", len(data), MaxSize, MaxSize>>20),
		}}
	}
	f.lines = lineStarts(data)
	var jsonProblem *diag.Diagnostic
	if looksLikeJSON(data) {
		root, d := f.parseJSON()
		if d == nil {
			f.Root = root
			return f, nil
		}
		// YAML's flow style also starts with { or [: a document that is
		// YAML but not JSON is read as YAML, and one that is neither
		// gets the JSON reader's problem.
		jsonProblem = d
	}
	g, problems := f.parseYAML()
	if g == nil && jsonProblem != nil {
		return nil, diag.List{jsonProblem}
	}
	return g, problems
}

// parseYAML reads f's text as one YAML document.
func (f *File) parseYAML() (*File, diag.List) {
	name := f.Name
	loader, err := yaml.NewLoader(bytes.NewReader(f.Src),
		yaml.WithPlugin(loaderlimits.New(loaderlimits.DepthValue(MaxDepth))))
	if err != nil {
		return nil, diag.List{{Severity: diag.Error, Code: "syntax", Range: diag.Range{File: name},
			Summary: "The file cannot be read as JSON or YAML", Detail: "The reader could not be set up. Check the file."}}
	}
	var doc yaml.Node
	if err := loader.Load(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, diag.List{{
				Severity: diag.Error, Code: "documents", Range: diag.Range{File: name},
				Summary: "The file is empty",
				Detail:  "The file holds no JSON or YAML document. Write one document in it.",
			}}
		}
		return nil, f.loadErrors(err)
	}
	var second yaml.Node
	switch err := loader.Load(&second); {
	case err == nil:
		d := f.Diag(&second, "documents", "The file holds more than one document", "Only one document is read from a file. Put each document in a file of its own, or remove the \"---\" line that starts the next one.", "")
		return nil, diag.List{d}
	case !errors.Is(err, io.EOF):
		return nil, f.loadErrors(err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, diag.List{{Severity: diag.Error, Code: "documents", Range: diag.Range{File: name},
			Summary: "The file is empty", Detail: "The file holds no JSON or YAML document. Write one document in it."}}
	}
	f.Root = doc.Content[0]
	if probs := f.checkShape(f.Root); len(probs) > 0 {
		return nil, probs
	}
	return f, nil
}

// loadErrors turns yaml's load errors into diagnostics.
func (f *File) loadErrors(err error) diag.List {
	var list diag.List
	add := func(e *yaml.LoadError) {
		code, summary, detail := "syntax", sentence(e.Message), ""
		if strings.Contains(e.Message, "max depth") {
			code, summary = "too-deep", "The lists and mappings are nested too deeply"
			detail = fmt.Sprintf("At most %d levels of nesting are accepted. Check for brackets that are not closed.", MaxDepth)
		} else {
			if e.ContextMsg != "" {
				detail = sentence(e.ContextMsg)
				if e.ContextMark.Line > 0 && e.ContextMark.Line != e.Mark.Line {
					detail += fmt.Sprintf(" that starts on line %d", e.ContextMark.Line)
				}
				detail += ". "
			}
			detail += "Check the quotes, brackets, commas and indentation near here."
		}
		d := &diag.Diagnostic{Severity: diag.Error, Code: code, Summary: summary, Detail: detail,
			Range: diag.Range{File: f.Name, Start: diag.Pos{Line: e.Mark.Line, Column: e.Mark.Column}}}
		list = append(list, d)
	}
	var les *yaml.LoadErrors
	var le *yaml.LoadError
	switch {
	case errors.As(err, &les):
		for _, e := range les.Errors {
			add(e)
		}
	case errors.As(err, &le):
		add(le)
	}
	if len(list) == 0 {
		list = diag.List{{Severity: diag.Error, Code: "syntax", Range: diag.Range{File: f.Name},
			Summary: "The file is not valid JSON or YAML", Detail: "Check the quotes, brackets, commas and indentation."}}
	}
	return list
}

// checkShape rejects anchors, aliases, merge keys and deep nesting.
func (f *File) checkShape(root *yaml.Node) diag.List {
	var list diag.List
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || len(list) >= 100 {
			return
		}
		if depth > MaxDepth {
			list = append(list, f.Diag(n, "too-deep", "The lists and mappings are nested too deeply",
				fmt.Sprintf("At most %d levels of nesting are accepted.", MaxDepth), ""))
			return
		}
		switch {
		case n.Kind == yaml.AliasNode:
			list = append(list, f.Diag(n, "unsupported-yaml", "YAML aliases are not supported",
				"An alias (*name) repeats another part of the file. Write the value out in full instead.", ""))
			return
		case n.Anchor != "":
			list = append(list, f.Diag(n, "unsupported-yaml", "YAML anchors are not supported",
				"An anchor (&name) marks a value to repeat elsewhere. Remove it and write each value out in full.", ""))
		}
		if n.Kind == yaml.ScalarNode && n.Tag != "" && !knownTag(n.ShortTag()) {
			list = append(list, f.Diag(n, "unsupported-yaml", "Custom YAML tags are not supported",
				"A tag (a word starting with \"!\" before a value) changes how the value is read. Remove it.", ""))
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
					list = append(list, f.Diag(k, "unsupported-yaml", "YAML merge keys are not supported",
						"A merge key (<<) copies another mapping into this one. Write the keys out in full instead.", ""))
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(root, 1)
	return list
}

// knownTag reports whether tag is one of the standard tags a file may use.
func knownTag(tag string) bool {
	switch tag {
	case "!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!map", "!!seq", "!!merge":
		return true
	}
	return false
}

// sentence capitalises s's first letter.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lineStarts returns the byte offset of the start of each line.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// maxExcerpt is the longest source line shown in a snippet, in bytes; a
// longer line (minified JSON, say) gets no snippet.
const maxExcerpt = 1000

// Excerpt returns line number line (from 1) of the source without its line
// end, for a diagnostic's snippet, or "" when there is no such line or it is
// too long to show.
func (f *File) Excerpt(line int) string {
	if f == nil || line < 1 || line > len(f.lines) {
		return ""
	}
	start, end := f.lines[line-1], len(f.Src)
	if line < len(f.lines) {
		end = f.lines[line] - 1
	}
	if end-start > maxExcerpt {
		return ""
	}
	return strings.TrimRight(string(f.Src[start:end]), "\r")
}

// offset returns the byte offset of line:col (1-based, col in runes), or -1.
func (f *File) offset(line, col int) int {
	if f == nil || line < 1 || line > len(f.lines) || col < 1 || col > maxExcerpt {
		return -1
	}
	off := f.lines[line-1]
	for i := 1; i < col; i++ {
		if off >= len(f.Src) || f.Src[off] == '\n' {
			return -1
		}
		_, n := utf8.DecodeRune(f.Src[off:])
		off += n
	}
	return off
}

// Range returns where n is in f: its line and column (from 1, columns in
// runes) and, for a scalar written on one line, where it ends.
func (f *File) Range(n *yaml.Node) diag.Range {
	if f == nil {
		return diag.Range{}
	}
	r := diag.Range{File: f.Name}
	if n == nil || n.Line < 1 {
		return r
	}
	r.Start = diag.Pos{Line: n.Line, Column: n.Column}
	if n.Kind == yaml.ScalarNode {
		if w := f.scalarWidth(n); w > 0 {
			r.End = diag.Pos{Line: n.Line, Column: n.Column + w}
		}
	}
	return r
}

// scalarWidth returns how many runes scalar n takes in the source when it is
// written on one line, or 0.
func (f *File) scalarWidth(n *yaml.Node) int {
	off := f.offset(n.Line, n.Column)
	if off < 0 || off >= len(f.Src) {
		return 0
	}
	line := f.Src[off:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, "\r")
	switch n.Style {
	case yaml.DoubleQuotedStyle:
		for i := 1; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				return utf8.RuneCount(line[:i+1])
			}
		}
	case yaml.SingleQuotedStyle:
		for i := 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return utf8.RuneCount(line[:i+1])
			}
		}
	case yaml.LiteralStyle, yaml.FoldedStyle:
		return 0
	default:
		if n.Value != "" && !strings.Contains(n.Value, "\n") && bytes.HasPrefix(line, []byte(n.Value)) {
			return utf8.RuneCountInString(n.Value)
		}
	}
	return 0
}

// Diag returns an error diagnostic about node n (which may be nil) with its
// range filled in; Annotate adds the snippet line.
func (f *File) Diag(n *yaml.Node, code, summary, detail, path string) *diag.Diagnostic {
	return &diag.Diagnostic{Severity: diag.Error, Code: code, Summary: summary, Detail: detail, Path: path, Range: f.Range(n)}
}

// Annotate fills in the snippet line (Excerpt) of every problem in list
// that is placed in one of files and has none yet. Loaders call it once,
// on the problems they return.
func Annotate(list diag.List, files ...*File) {
	for _, d := range list {
		if d.Excerpt != "" || d.Range.Start.Line < 1 {
			continue
		}
		for _, f := range files {
			if f != nil && f.Name == d.Range.File {
				d.Excerpt = f.Excerpt(d.Range.Start.Line)
				break
			}
		}
	}
}
