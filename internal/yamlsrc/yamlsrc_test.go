package yamlsrc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/saferpath/pathway/diag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

// day is a TextUnmarshaler like referral.Date, for tests.
type day string

func (d *day) UnmarshalText(b []byte) error {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return &diag.Diagnostic{Code: "bad-date", Summary: "Not a date", Detail: "Write YYYY-MM-DD."}
	}
	*d = day(b)
	return nil
}

func (day) Expected() string { return "a date YYYY-MM-DD" }

// word is a TextUnmarshaler whose error is plain and mentions the value.
type word string

func (w *word) UnmarshalText(b []byte) error {
	if strings.ContainsRune(string(b), ' ') {
		return fmt.Errorf("%q has a space", b)
	}
	*w = word(b)
	return nil
}

type inner struct {
	Name   string `json:"name"`
	Reason string `json:"reasonNotKnown,omitempty"`
	Known  *bool  `json:"known,omitempty"`
}

type base struct {
	Shared string `json:"shared"`
}

type sample struct {
	base
	ID       string            `json:"id"`
	Count    int               `json:"count"`
	Score    *int              `json:"score,omitempty"`
	Ratio    float64           `json:"ratio"`
	Small    uint8             `json:"small"`
	OK       *bool             `json:"ok,omitempty"`
	Flag     bool              `json:"flag"`
	When     day               `json:"when"`
	Word     word              `json:"word"`
	Items    []inner           `json:"items"`
	Tags     []string          `json:"tags"`
	Child    *inner            `json:"child,omitempty"`
	Set      map[string]any    `json:"set"`
	Labels   map[string]string `json:"labels"`
	Any      any               `json:"any"`
	Expr     Scalar            `json:"when-expr"`
	Raw      *yaml.Node        `json:"raw"`
	Skipped  string            `json:"-"`
	unexport string
}

func mustParse(t testing.TB, src string) *File {
	t.Helper()
	f, probs := Parse("test.yaml", []byte(src))
	require.Empty(t, probs, "parse problems: %v", probs)
	require.NotNil(t, f)
	return f
}

func decodeSample(t *testing.T, src string) (sample, Positions, diag.List) {
	t.Helper()
	f := mustParse(t, src)
	var s sample
	pos, probs := Decode(f, f.Root, "", &s)
	Annotate(probs, f)
	return s, pos, probs
}

func codes(l diag.List) []string {
	out := []string{}
	for _, d := range l {
		out = append(out, d.Code)
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		code  string
		line  int
		col   int
		words string
	}{
		{name: "empty file", src: "", code: "documents", words: "empty"},
		{name: "only a comment", src: "# nothing\n", code: "documents", words: "empty"},
		{name: "two documents", src: "a: 1\n---\nb: 2\n", code: "documents", line: 2, col: 1, words: "more than one"},
		{name: "unclosed flow sequence", src: "a: [1, 2\nb: 3\n", code: "syntax", line: 2, col: 2},
		{name: "double comma in JSON", src: `{"a": 1,, "b": 2}`, code: "syntax", line: 1, col: 9},
		{name: "unterminated string", src: "key: \"open\n", code: "syntax", line: 2, col: 1},
		{name: "bad indentation", src: "a: b\n  c: d\n", code: "syntax", line: 2, col: 4},
		{name: "anchor", src: "a: &x 1\n", code: "unsupported-yaml", line: 1, col: 4, words: "anchors"},
		{name: "alias", src: "a: &x 1\nb: *x\n", code: "unsupported-yaml", line: 1, col: 4},
		{name: "merge key", src: "a:\n  <<: {k: 1}\n", code: "unsupported-yaml", line: 2, col: 3, words: "merge"},
		{name: "custom tag", src: "a: !secret x\n", code: "unsupported-yaml", line: 1, col: 4, words: "tags"},
		{name: "too deep", src: strings.Repeat("[", MaxDepth+5) + strings.Repeat("]", MaxDepth+5), code: "too-deep", line: 1},
		{name: "too large", src: "a: \"" + strings.Repeat("x", MaxSize) + "\"", code: "too-large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, probs := Parse("in.yaml", []byte(tt.src))
			assert.Nil(t, f)
			require.NotEmpty(t, probs)
			d := probs[0]
			assert.Equal(t, tt.code, d.Code)
			assert.Equal(t, "in.yaml", d.Range.File)
			if tt.line > 0 {
				assert.Equal(t, tt.line, d.Range.Start.Line, "line")
			}
			if tt.col > 0 {
				assert.Equal(t, tt.col, d.Range.Start.Column, "column")
			}
			if tt.words != "" {
				assert.Contains(t, d.Summary, tt.words)
			}
			assert.NotEmpty(t, d.Detail)
			var err error = probs
			var l diag.List
			assert.True(t, errors.As(err, &l))
		})
	}
}

func TestParseAcceptsJSONAndYAML(t *testing.T) {
	for name, src := range map[string]string{
		"json":            `{"a": [1, 2], "b": {"c": null}}`,
		"yaml":            "a:\n  - 1\n  - 2\nb:\n  c: ~\n",
		"document marker": "---\na: 1\n",
		"byte order mark": "\ufeff{\"a\": 1}",
		"scalar document": "hello",
	} {
		t.Run(name, func(t *testing.T) {
			f := mustParse(t, src)
			assert.NotNil(t, f.Root)
			assert.NotEqual(t, yaml.DocumentNode, f.Root.Kind)
		})
	}
}

func TestDecodeValid(t *testing.T) {
	src := `
shared: s
id: "KR-1"
count: 3
score: -0
ratio: 1.5e2
small: 200
ok: false
flag: true
when: 2024-05-14
word: one
items:
  - name: first
    known: true
  - {name: second, reasonNotKnown: "no\tservice"}
tags: [a, "b"]
child: {name: c}
set: {subject.gender: female, n: 2, list: [1, true, null, x]}
labels: {x: y}
any: {"nested": [1.5, "two"]}
when-expr: |
  a > 1
raw: [1, 2]
`
	s, pos, probs := decodeSample(t, src)
	require.Empty(t, probs)
	assert.Equal(t, "s", s.Shared)
	assert.Equal(t, "KR-1", s.ID)
	assert.Equal(t, 3, s.Count)
	require.NotNil(t, s.Score)
	assert.Equal(t, 0, *s.Score)
	assert.Equal(t, 150.0, s.Ratio)
	assert.Equal(t, uint8(200), s.Small)
	require.NotNil(t, s.OK)
	assert.False(t, *s.OK)
	assert.True(t, s.Flag)
	assert.Equal(t, day("2024-05-14"), s.When)
	assert.Equal(t, word("one"), s.Word)
	assert.Equal(t, []inner{{Name: "first", Known: ptr(true)}, {Name: "second", Reason: "no\tservice"}}, s.Items)
	assert.Equal(t, []string{"a", "b"}, s.Tags)
	assert.Equal(t, &inner{Name: "c"}, s.Child)
	assert.Equal(t, map[string]any{"subject.gender": "female", "n": 2.0, "list": []any{1.0, true, nil, "x"}}, s.Set)
	assert.Equal(t, map[string]string{"x": "y"}, s.Labels)
	assert.Equal(t, map[string]any{"nested": []any{1.5, "two"}}, s.Any)
	assert.Equal(t, "a > 1\n", s.Expr.Value)
	require.NotNil(t, s.Expr.Node)
	assert.Equal(t, 21, s.Expr.Node.Line, "a block scalar starts on its indicator line")
	require.NotNil(t, s.Raw)
	assert.Equal(t, yaml.SequenceNode, s.Raw.Kind)

	// Positions: keys and values, list items, nested maps.
	assert.Equal(t, 15, pos["items[1]"].Value.Line)
	assert.Equal(t, 15, pos["items[1].reasonNotKnown"].Key.Line)
	assert.Equal(t, "name", pos["items[0].name"].Key.Value)
	assert.Equal(t, 18, pos[`set["subject.gender"]`].Value.Line)
	assert.Equal(t, 18, pos["set.list[3]"].Value.Line)
}

func ptr[T any](v T) *T { return &v }

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		code    string
		path    string
		line    int
		col     int
		summary string
		detail  string
	}{
		{name: "unknown key with suggestion", src: "coutn: 1", code: "unknown-key", path: "", line: 1, col: 1,
			summary: `Unknown key`, detail: `Did you mean "count"?`},
		{name: "unknown nested key", src: "child: {nme: x}", code: "unknown-key", path: "child",
			detail: `Did you mean "name"?`},
		{name: "unknown key without suggestion lists keys", src: "child: {zzzzzzz: 1}", code: "unknown-key", path: "child",
			detail: `The keys allowed here are "name", "reasonNotKnown" or "known".`},
		{name: "duplicate key", src: "id: a\nid: b\n", code: "duplicate-key", path: "", line: 2, col: 1, detail: "first given on line 1"},
		{name: "yes is not a boolean", src: "ok: yes", code: "wrong-type", path: "ok", line: 1, col: 5,
			summary: "Expected a yes/no answer (true or false)", detail: "it is a text value"},
		{name: "True is not a boolean", src: "flag: True", code: "wrong-type", path: "flag"},
		{name: "quoted true is not a boolean", src: `{"ok": "true"}`, code: "wrong-type", path: "ok"},
		{name: "number for text", src: "id: 42", code: "wrong-type", path: "id", summary: "Expected a text value", detail: "Put the value in double quotes."},
		{name: "boolean for text", src: "id: true", code: "wrong-type", path: "id"},
		{name: "list for text", src: "id: [a]", code: "wrong-type", path: "id", detail: "it is a list"},
		{name: "text for number", src: `count: "3"`, code: "wrong-type", path: "count", summary: "Expected a whole number"},
		{name: "fraction for whole number", src: "count: 1.5", code: "wrong-type", path: "count", detail: "fraction"},
		{name: "exponent for whole number", src: "score: 1e2", code: "wrong-type", path: "score"},
		{name: "whole number too large", src: "count: 99999999999999999999", code: "bad-value", path: "count"},
		{name: "small number out of range", src: "small: 300", code: "bad-value", path: "small"},
		{name: "negative for unsigned", src: "small: -1", code: "bad-value", path: "small"},
		{name: "infinity", src: "ratio: .inf", code: "bad-value", path: "ratio"},
		{name: "text for list", src: "tags: a", code: "wrong-type", path: "tags", summary: "Expected a list"},
		{name: "list for struct", src: "child: [1]", code: "wrong-type", path: "child", summary: "Expected a group of named fields"},
		{name: "text for map", src: "labels: x", code: "wrong-type", path: "labels"},
		{name: "number for date", src: "when: 20240514", code: "wrong-type", path: "when", summary: "Expected a date YYYY-MM-DD"},
		{name: "text unmarshaler diagnostic", src: "when: 14/05/2024", code: "bad-date", path: "when", summary: "Not a date"},
		{name: "text unmarshaler plain error hides the value", src: "word: secret value", code: "bad-value", path: "word"},
		{name: "list item problem", src: "items: [{name: a}, {name: b, known: no}]", code: "wrong-type", path: "items[1].known"},
		{name: "list for scalar capture", src: "when-expr: [a]", code: "wrong-type", path: "when-expr", summary: "Expected a single value"},
		{name: "non-text key", src: "? [a]\n: 1\n", code: "wrong-type", summary: "Expected a field name"},
		{name: "bad boolean in plain value", src: "any: {a: TRUE}", code: "wrong-type", path: "any.a"},
		{name: "root is not a mapping", src: "- a", code: "wrong-type", path: "", summary: "Expected a group of named fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, probs := decodeSample(t, tt.src)
			require.Len(t, probs, 1, "problems: %v", probs)
			d := probs[0]
			assert.Equal(t, tt.code, d.Code)
			assert.Equal(t, tt.path, d.Path)
			assert.Equal(t, "test.yaml", d.Range.File)
			if tt.line > 0 {
				assert.Equal(t, tt.line, d.Range.Start.Line, "line")
				assert.Equal(t, tt.col, d.Range.Start.Column, "column")
				assert.NotEmpty(t, d.Excerpt)
			}
			if tt.summary != "" {
				assert.Equal(t, tt.summary, d.Summary)
			}
			if tt.detail != "" {
				assert.Contains(t, d.Detail, tt.detail)
			}
			assert.NotContains(t, d.Summary+d.Detail, "secret", "a message repeats the value")
			for _, goName := range []string{"int", "bool", "string", "float", "struct", "map[", "yamlsrc", "sample"} {
				assert.NotContains(t, strings.ToLower(d.Summary), goName)
			}
		})
	}
}

func TestDecodeReportsEverythingAndKeepsTheRest(t *testing.T) {
	s, _, probs := decodeSample(t, `{
  "id": 7,
  "count": 2,
  "ok": "yes",
  "coutn": 3,
  "items": [{"name": "a", "known": 1}, {"name": "b"}],
  "tags": ["x", ["y"], "z"],
  "child": "none"
}`)
	assert.Equal(t, []string{"wrong-type", "wrong-type", "unknown-key", "wrong-type", "wrong-type", "wrong-type"}, codes(probs))
	assert.Equal(t, 2, s.Count)
	assert.Nil(t, s.OK, "an unreadable answer stays unanswered")
	assert.Nil(t, s.Child, "an unreadable group stays absent")
	assert.Equal(t, []string{"x", "", "z"}, s.Tags)
	require.Len(t, s.Items, 2)
	assert.Equal(t, "b", s.Items[1].Name)
	assert.Nil(t, s.Items[0].Known)
}

func TestDecodeNull(t *testing.T) {
	s, _, probs := decodeSample(t, `{"id": null, "ok": null, "score": null, "tags": null, "child": null, "set": null, "any": null, "when": null, "when-expr": null}`)
	require.Empty(t, probs)
	assert.Equal(t, sample{}, s)
}

func TestDecodeBadTarget(t *testing.T) {
	f := mustParse(t, "a: 1")
	var s sample
	for name, out := range map[string]any{"nil": nil, "not a pointer": s, "nil pointer": (*sample)(nil)} {
		t.Run(name, func(t *testing.T) {
			_, probs := Decode(f, f.Root, "", out)
			require.Len(t, probs, 1)
			assert.Equal(t, "internal", probs[0].Code)
		})
	}
}

func TestDecodeBasePath(t *testing.T) {
	f := mustParse(t, "cases:\n  - referral: {coutn: 1}\n")
	n := f.Root.Content[1].Content[0].Content[1]
	var s sample
	pos, probs := Decode(f, n, "cases[0].referral", &s)
	require.Len(t, probs, 1)
	assert.Equal(t, "cases[0].referral", probs[0].Path, "an unknown key is placed in the group it is in, without repeating it")
	assert.Equal(t, 2, pos.Range(f, "cases[0].referral.id").Start.Line)
}

// TestJSONCompatibility checks that JSON decodes as encoding/json decodes it.
func TestJSONCompatibility(t *testing.T) {
	inputs := map[string]string{
		"integers":                            `[0, -0, 1, -17, 9007199254740993, 123456789012345678901234567890]`,
		"floats":                              `[1.5, -0.25, 1e5, 1E+5, 2.5e-3, 0.1, 1e308]`,
		"null and booleans":                   `[null, true, false]`,
		"escapes":                             `["a\"b", "back\\slash", "\/", "\b\f\n\r\t", "\u00e9", "\u0041\u0042", "tab\there", "nul\u0000"]`,
		"unicode":                             `["café", "日本語", "😀", "\ud83d\ude00", "x\ud83d\ude00y\ud83d\ude01z", "\u2028"]`,
		"lone surrogates":                     `["\ud83d", "\ude00", "\ud83dx", "\ud83d\u0041"]`,
		"objects":                             `{"a": {"b": [1, {"c": "d"}]}, "": "empty key", "with space": 1, "yes": "no", "on": "off"}`,
		"strings that look like other things": `["true", "null", "1", "2024-05-14", "yes", "~", ""]`,
		"whitespace":                          " \n\t{\n\"a\"\n:\n1\n}\n ",
	}
	for name, src := range inputs {
		t.Run(name, func(t *testing.T) {
			var want any
			require.NoError(t, json.Unmarshal([]byte(src), &want))
			f := mustParse(t, src)
			var got any
			_, probs := Decode(f, f.Root, "", &got)
			require.Empty(t, probs)
			assert.Equal(t, want, got)
		})
	}
	t.Run("struct fields", func(t *testing.T) {
		src := `{"id": "\u00e9\ud83d\ude00", "count": -0, "score": 12, "ratio": 1e2, "ok": true, "tags": ["a\nb"], "set": {"k": 1}}`
		var want, got sample
		require.NoError(t, json.Unmarshal([]byte(src), &want))
		f := mustParse(t, src)
		_, probs := Decode(f, f.Root, "", &got)
		require.Empty(t, probs)
		assert.Equal(t, want, got)
	})
	t.Run("positions after a surrogate pair", func(t *testing.T) {
		src := `{"id": "\ud83d\ude00\ud83d\ude00", "coutn": 1}`
		_, _, probs := decodeSample(t, src)
		require.Len(t, probs, 1)
		assert.Equal(t, strings.Index(src, `"coutn"`)+1, probs[0].Range.Start.Column)
	})
}

func TestRange(t *testing.T) {
	src := "plain: hello world\nquoted: \"a\\\"b\"\nsingle: 'it''s'\nkey: [1, 23]\nblock: |\n  text\nmulti: one\n  two\nuni: \"é😀\"\n"
	f := mustParse(t, src)
	val := func(key string) *yaml.Node {
		for i := 0; i < len(f.Root.Content); i += 2 {
			if f.Root.Content[i].Value == key {
				return f.Root.Content[i+1]
			}
		}
		t.Fatalf("no key %s", key)
		return nil
	}
	tests := []struct {
		name       string
		node       *yaml.Node
		line, col  int
		endCol     int
		wantNoEnd  bool
		excerptHas string
	}{
		{name: "plain scalar", node: val("plain"), line: 1, col: 8, endCol: 19},
		{name: "double-quoted with escape", node: val("quoted"), line: 2, col: 9, endCol: 15},
		{name: "single-quoted with doubled quote", node: val("single"), line: 3, col: 9, endCol: 16},
		{name: "flow item", node: val("key").Content[1], line: 4, col: 10, endCol: 12},
		{name: "sequence has no end", node: val("key"), line: 4, col: 6, wantNoEnd: true},
		{name: "block scalar has no end", node: val("block"), line: 5, col: 8, wantNoEnd: true},
		{name: "multi-line plain scalar has no end", node: val("multi"), line: 7, col: 8, wantNoEnd: true},
		{name: "columns count runes", node: val("uni"), line: 9, col: 6, endCol: 10},
		{name: "key", node: f.Root.Content[0], line: 1, col: 1, endCol: 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.Range(tt.node)
			assert.Equal(t, "test.yaml", r.File)
			assert.Equal(t, diag.Pos{Line: tt.line, Column: tt.col}, r.Start)
			if tt.wantNoEnd {
				assert.True(t, r.End.IsZero(), "end %v", r.End)
			} else {
				assert.Equal(t, diag.Pos{Line: tt.line, Column: tt.endCol}, r.End)
			}
		})
	}
	assert.Equal(t, diag.Range{File: "test.yaml"}, f.Range(nil))
	assert.Equal(t, diag.Range{}, (*File)(nil).Range(val("plain")))
}

func TestDiagRendersSnippet(t *testing.T) {
	f := mustParse(t, "subject:\n  mentalHelth: none\n")
	d := f.Diag(f.Root.Content[1].Content[0], "unknown-key", `Unknown key "mentalHelth"`, `Did you mean "mentalHealth"?`, "subject.mentalHelth")
	assert.Empty(t, d.Excerpt, "problems carry a range; the snippet comes from the file when they are handed out")
	Annotate(diag.List{d}, f)
	assert.Equal(t, `Error: Unknown key "mentalHelth" [unknown-key]

  on test.yaml line 2, column 3 (subject.mentalHelth):
    2 |   mentalHelth: none
      |   ^^^^^^^^^^^

Did you mean "mentalHealth"?
`, d.Text())
}

func TestPositionsRangeFallsBackToAncestor(t *testing.T) {
	f := mustParse(t, "items:\n  - name: a\n  - name: b\n    known: true\n")
	var s sample
	pos, probs := Decode(f, f.Root, "", &s)
	require.Empty(t, probs)
	tests := []struct {
		path string
		line int
		col  int
	}{
		{path: "items[1].known", line: 4, col: 12},
		{path: "items[1].reasonNotKnown", line: 3, col: 5},
		{path: "items[7].name", line: 2, col: 3},
		{path: "nothing.here", line: 1, col: 1},
		{path: "", line: 1, col: 1},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := pos.Range(f, tt.path)
			assert.Equal(t, diag.Pos{Line: tt.line, Column: tt.col}, r.Start)
		})
	}
	assert.Equal(t, diag.Range{}, pos.Range(nil, "items"))
}

func TestPaths(t *testing.T) {
	tests := []struct {
		name, path, parent string
	}{
		{name: "field in item", path: "victims[1].reasonNotKnown", parent: "victims[1]"},
		{name: "item", path: "victims[1]", parent: "victims"},
		{name: "top level", path: "victims", parent: ""},
		{name: "nested field", path: "subject.name", parent: "subject"},
		{name: "quoted key", path: `set["a.b"]`, parent: "set"},
		{name: "quoted key with bracket", path: `set["a]["]`, parent: "set"},
		{name: "field after quoted key", path: `set["a.b"].c`, parent: `set["a.b"]`},
		{name: "root", path: "", parent: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.parent, Parent(tt.path))
		})
	}
	assert.Equal(t, "a", Field("", "a"))
	assert.Equal(t, "a.b", Field("a", "b"))
	assert.Equal(t, `a["b.c"]`, Field("a", "b.c"))
	assert.Equal(t, `[""]`, Field("", ""))
	assert.Equal(t, "a[3]", Index("a", 3))
}

func FuzzDecode(f *testing.F) {
	seeds := []string{
		"",
		`{"id": "KR-1", "count": 3, "ok": true, "items": [{"name": "a", "known": false}]}`,
		"id: x\ncount: 1\nset: {a.b: 1}\nany: [1, {b: c}]\nwhen: 2024-05-14\n",
		`{"id": "\ud83d\ude00", "tags": ["\u00e9", "\ud83d"]}`,
		"a: &x 1\nb: *x\n",
		"a: [1, 2\n",
		"- - - -\n",
		"when-expr: |\n  a > 1\nraw: {x: 1}\n",
		"? [a]\n: 1\n",
		"count: 0x1F\nsmall: 1_0\nratio: .nan\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, probs := Parse("fuzz.yaml", data)
		if file == nil {
			if len(probs) == 0 {
				t.Fatal("no file and no problem")
			}
			return
		}
		var s sample
		pos, probs := Decode(file, file.Root, "", &s)
		for _, d := range probs {
			if d.Code == "" || d.Summary == "" {
				t.Fatalf("incomplete diagnostic %+v", d)
			}
			_ = d.Text()
		}
		for p := range pos {
			_ = pos.Range(file, p+".x")
		}
		var v any
		_, _ = Decode(file, file.Root, "", &v)
	})
}
