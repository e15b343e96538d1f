package safetext_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/safetext"
)

func TestString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain text is kept", in: "KR-2024-0042: eligible", want: "KR-2024-0042: eligible"},
		{name: "letters beyond ASCII are kept", in: "Siân Ó Briain → café", want: "Siân Ó Briain → café"},
		{name: "colour codes", in: "\x1b[31mred\x1b[0m", want: `\u001b[31mred\u001b[0m`},
		{name: "clear the screen", in: "\x1b[2J\x1b[H", want: `\u001b[2J\u001b[H`},
		{name: "window title", in: "\x1b]0;owned\x07", want: `\u001b]0;owned\u0007`},
		{name: "carriage return", in: "ok\rFAIL", want: `ok\rFAIL`},
		{name: "backspace and bell", in: "a\bb\x07", want: `a\u0008b\u0007`},
		{name: "line break and tab", in: "a\nb\tc", want: `a\nb\tc`},
		{name: "delete", in: "a\x7f", want: `a\u007f`},
		{name: "one-byte CSI", in: "a\u009b31m", want: `a\u009b31m`},
		{name: "bidi override", in: "abc\u202edcb", want: `abc\u202edcb`},
		{name: "bidi embeddings", in: "\u202a\u202b\u202c\u202d", want: `\u202a\u202b\u202c\u202d`},
		{name: "bidi isolates", in: "\u2066\u2067\u2068\u2069", want: `\u2066\u2067\u2068\u2069`},
		{name: "bidi marks", in: "\u200e\u200f\u061c", want: `\u200e\u200f\u061c`},
		{name: "line separators", in: "a\u2028b\u2029", want: `a\u2028b\u2029`},
		{name: "bytes that are not UTF-8", in: "a\xffb\xc3", want: `a\xffb\xc3`},
		{name: "nul", in: "a\x00b", want: `a\u0000b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, safetext.String(tt.in))
		})
	}
	assert.Equal(t, []string{`\u001b`, "x"}, safetext.Strings([]string{"\x1b", "x"}))
}

func TestWriter(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain text is kept", in: "a line\nanother\n", want: "a line\nanother\n"},
		{name: "line breaks and tabs are kept", in: "a\tb\nc\n", want: "a\tb\nc\n"},
		{name: "escape codes", in: "Referral \x1b[2K\rX: ELIGIBLE\n", want: `Referral \u001b[2K\rX: ELIGIBLE` + "\n"},
		{name: "bidi", in: "id \u202eevil\u202c\n", want: `id \u202eevil\u202c` + "\n"},
		{name: "not UTF-8", in: "\xfe\n", want: `\xfe` + "\n"},
		{name: "letters beyond ASCII", in: "→ é 日本\n", want: "→ é 日本\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var whole bytes.Buffer
			w := safetext.NewWriter(&whole)
			n, err := w.Write([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, len(tt.in), n)
			require.NoError(t, w.Flush())
			assert.Equal(t, tt.want, whole.String())

			// Byte by byte: a character split between writes is kept whole.
			var split bytes.Buffer
			w = safetext.NewWriter(&split)
			for i := range len(tt.in) {
				_, err := w.Write([]byte{tt.in[i]})
				require.NoError(t, err)
			}
			require.NoError(t, w.Flush())
			assert.Equal(t, tt.want, split.String(), "written byte by byte")
		})
	}
}

func TestWriterFlushesACharacterCutShort(t *testing.T) {
	var b bytes.Buffer
	w := safetext.NewWriter(&b)
	_, err := w.Write([]byte("a\xe2\x80"))
	require.NoError(t, err)
	assert.Equal(t, "a", b.String(), "the start of a character waits for the rest")
	require.NoError(t, w.Flush())
	assert.Equal(t, `a\xe2\x80`, b.String())
	assert.Same(t, &b, w.Unwrap())
}

// JSON written through a Writer stays valid and means the same: every
// escape it writes is a JSON escape.
func TestWriterKeepsJSON(t *testing.T) {
	values := []string{"\x1b[31m", "a\u009bb", "\u202e", "\x7f", "line\nbreak", "\u2028", "tab\there", "é"}
	data, err := json.Marshal(map[string]any{"values": values})
	require.NoError(t, err)
	var b bytes.Buffer
	w := safetext.NewWriter(&b)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Flush())
	var got struct{ Values []string }
	require.NoError(t, json.Unmarshal(b.Bytes(), &got), b.String())
	assert.Equal(t, values, got.Values)
	for _, c := range []string{"\x1b", "\u009b", "\u202e", "\x7f"} {
		assert.NotContains(t, b.String(), c)
	}
	assert.False(t, strings.ContainsAny(b.String(), "\x1b\u009b\u202e\x7f"))
}
