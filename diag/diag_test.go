package diag

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		d       Diagnostic
		text    string
		compact string
	}{
		{
			name: "with file, range, path and snippet",
			d: Diagnostic{Code: "bad-enum", Summary: `"mail" is not allowed`, Detail: `Did you mean "male"?`, Path: "criteria[0].when",
				Range:   Range{File: "e.yaml", Start: Pos{Line: 6, Column: 29}, End: Pos{Line: 6, Column: 35}},
				Excerpt: `    when: subject.gender == "mail"`},
			text: "Error: \"mail\" is not allowed [bad-enum]\n\n  on e.yaml line 6, column 29 (criteria[0].when):\n" +
				"    6 |     when: subject.gender == \"mail\"\n      |                             ^^^^^^\n\nDid you mean \"male\"?\n",
			compact: `e.yaml:6:29: criteria[0].when: error: "mail" is not allowed [bad-enum]`,
		},
		{
			name:    "path only",
			d:       Diagnostic{Code: "required", Summary: "Required but missing", Path: "referrer.name"},
			text:    "Error: Required but missing [required]\n\n  in referrer.name\n",
			compact: "referrer.name: error: Required but missing [required]",
		},
		{
			name:    "warning without position",
			d:       Diagnostic{Severity: Warning, Code: "w", Summary: "Odd", Detail: "Check it."},
			text:    "Warning: Odd [w]\n\nCheck it.\n",
			compact: "warning: Odd [w]",
		},
		{
			name: "a long line shows a window around the range",
			d: Diagnostic{Code: "x", Summary: "S", Range: Range{File: "f", Start: Pos{Line: 1, Column: 151}, End: Pos{Line: 1, Column: 154}},
				Excerpt: strings.Repeat("a", 150) + "bad" + strings.Repeat("b", 150)},
			text: "Error: S [x]\n\n  on f line 1, column 151:\n    1 | …" + strings.Repeat("a", 50) + "bad" + strings.Repeat("b", 47) + "…\n" +
				"      | " + strings.Repeat(" ", 51) + "^^^\n",
			compact: "f:1:151: error: S [x]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.text, tt.d.Text())
			assert.Equal(t, tt.compact, tt.d.Compact())
		})
	}
}

func TestList(t *testing.T) {
	l := List{
		{Code: "b", Summary: "second", Range: Range{File: "a", Start: Pos{Line: 2, Column: 1}}},
		{Severity: Warning, Code: "w", Summary: "warn", Range: Range{File: "a", Start: Pos{Line: 1, Column: 5}}},
		{Code: "a", Summary: "first", Range: Range{File: "a", Start: Pos{Line: 1, Column: 1}}},
	}
	l.Sort()
	assert.Equal(t, []string{"a", "w", "b"}, []string{l[0].Code, l[1].Code, l[2].Code})
	assert.True(t, l.HasErrors())
	require.Error(t, l.Err())
	assert.NoError(t, List{{Severity: Warning}}.Err(), "warnings alone are not an error")
	assert.NoError(t, List(nil).Err())

	var b bytes.Buffer
	require.NoError(t, l.WriteCompact(&b))
	assert.Equal(t, 3, strings.Count(b.String(), "\n"))
	assert.Equal(t, strings.TrimSuffix(b.String(), "\n"), l.Error())

	wrapped := fmt.Errorf("loading: %w", error(l))
	assert.Equal(t, l, From(wrapped), "a wrapped List comes back whole")
	assert.Len(t, From(errors.New("plain")), 1)
	assert.Nil(t, From(nil))
	assert.Equal(t, List{l[0]}, From(l[0]))
}

func TestSuggest(t *testing.T) {
	candidates := []string{"male", "female", "other", "not-stated", "mentalHealth", "because"}
	tests := []struct{ name, in, want string }{
		{"one letter wrong", "mail", "male"},
		{"missing letter", "mentalHelth", "mentalHealth"},
		{"swapped letters", "becuase", "because"},
		{"case is ignored", "MALE", "male"},
		{"too far", "zebra", ""},
		{"short words need a close match", "ab", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Suggest(tt.in, candidates))
		})
	}
	assert.Equal(t, ` Did you mean "male"?`, DidYouMean("mael", candidates))
	assert.Equal(t, `"a", "b" or "c"`, Quoted([]string{"a", "b", "c"}))
	assert.Equal(t, `"a"`, Quoted([]string{"a"}))
}

func TestExcerpt(t *testing.T) {
	src := []byte("one\r\ntwo\nthree")
	assert.Equal(t, "one", Excerpt(src, 1))
	assert.Equal(t, "two", Excerpt(src, 2))
	assert.Equal(t, "three", Excerpt(src, 3))
	assert.Equal(t, "", Excerpt(src, 4))
	assert.Equal(t, "", Excerpt(src, 0))
}

func TestSeverityText(t *testing.T) {
	var s Severity
	require.NoError(t, s.UnmarshalText([]byte("warning")))
	assert.Equal(t, Warning, s)
	require.Error(t, s.UnmarshalText([]byte("fatal")))
	b, err := Error.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "error", string(b))
}
