package policydoc

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestInline(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "plain text is kept", in: "Accepts some responsibility (COBI, 40 places)", want: "Accepts some responsibility (COBI, 40 places)"},
		{name: "emphasis", in: "*a* _b_ **c**", want: `\*a\* \_b\_ \*\*c\*\*`},
		{name: "a link", in: "[x](https://evil.example/)", want: `\[x\](https://evil.example/)`},
		{name: "an image", in: "![x](y.png)", want: `!\[x\](y.png)`},
		{name: "HTML", in: "<script>alert(1)</script>", want: `\<script\>alert(1)\</script\>`},
		{name: "a table cell", in: "a | b", want: `a \| b`},
		{name: "code", in: "`x`", want: "\\`x\\`"},
		{name: "a backslash", in: `a\b`, want: `a\\b`},
		{name: "line breaks become spaces", in: "a\n# heading\r\nb", want: "a # heading b"},
		{name: "space around is dropped", in: "  a  ", want: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, inline(tt.in))
		})
	}
}

func TestPara(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "plain lines are kept", in: "one\ntwo", want: "one\ntwo"},
		{name: "headings", in: "a\n# h1\n## h2", want: "a\n\\# h1\n\\## h2"},
		{name: "a quote", in: "> q", want: `\> q`},
		{name: "list items", in: "- a\n+ b\n* c", want: "\\- a\n\\+ b\n\\* c"},
		{name: "ordered list items", in: "1. a\n23) b", want: "1\\. a\n23\\) b"},
		{name: "a number that is not a list item", in: "2024 was", want: "2024 was"},
		{name: "a thematic break or setext underline", in: "x\n---\n===", want: "x\n\\---\n\\==="},
		{name: "fences", in: "```\n~~~", want: "\\`\\`\\`\n\\~~~"},
		{name: "indented code", in: "a\n        code", want: "a\ncode"},
		{name: "an HTML block", in: "<div>x</div>", want: `\<div\>x\</div\>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, para(tt.in))
		})
	}
}

func TestCode(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "an id", in: "accepts-responsibility", want: "`accepts-responsibility`"},
		{name: "a backtick inside", in: "a`b", want: "``a`b``"},
		{name: "a run of backticks", in: "a```b", want: "````a```b````"},
		{name: "a backtick at an end is padded", in: "`a", want: "`` `a ``"},
		{name: "on one line", in: "a\nb", want: "`a b`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, code(tt.in))
		})
	}
	assert.Equal(t, "`a\\|b`", cellCode("a|b"), "a pipe in a table cell is escaped even in code")
}

func TestFenced(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "a condition", in: "a == 1\n", want: "```\na == 1\n```\n"},
		{name: "a fence inside", in: "x\n```\ny", want: "````\nx\n```\ny\n````\n"},
		{name: "a longer run inside", in: "`````", want: "``````\n`````\n``````\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, fenced(tt.in))
		})
	}
}

func TestAnchor(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "a version", in: "Version 2022-08", want: "version-2022-08"},
		{name: "punctuation is dropped", in: "Version 1) (javascript:alert(1))", want: "version-1-javascriptalert1"},
		{name: "letters beyond ASCII are kept", in: "Version Été_2", want: "version-été_2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, anchor(tt.in))
		})
	}
}
