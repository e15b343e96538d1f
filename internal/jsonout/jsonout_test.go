package jsonout

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// marshal is what encoding/json writes for v, with or without HTML
// escaping.
func marshal(t testing.TB, v any, html bool) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	require.NoError(t, enc.Encode(v))
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func TestAppendMatchesEncodingJSON(t *testing.T) {
	tests := []struct {
		name string
		v    any
	}{
		{"plain", "Healthy Relationships"},
		{"quotes and backslashes", `say "no" \ again`},
		{"control characters", "a\x00b\x01\b\f\n\r\t\x1f\x7f"},
		{"html", "<script>alert(1)</script> & more"},
		{"line and paragraph separators", "a\u2028b\u2029c"},
		{"invalid UTF-8", "Dan\xffiel \xe2\x82"},
		{"non-ASCII", "Zoë, 東京, 🙂"},
		{"empty", ""},
		{"nil", nil},
		{"true", true},
		{"int", 42},
		{"int64", int64(-7)},
		{"float", 0.1},
		{"small float", 1e-7},
		{"large float", 1e21},
		{"whole float", 3.0},
		{"list", []any{"a", 1}},
	}
	for _, tt := range tests {
		for _, html := range []bool{false, true} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := AppendAny([]byte("prefix"), tt.v, html)
				require.NoError(t, err)
				assert.Equal(t, "prefix"+string(marshal(t, tt.v, html)), string(got), "html %v", html)
			})
		}
	}
	_, err := AppendAny(nil, math.NaN(), true)
	assert.Error(t, err, "NaN is not JSON, as encoding/json says")
}

// FuzzAppendString holds AppendString to encoding/json for any text.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>", "a\u2028b", "\xff\xfe", "\x00\n\"\\"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, html bool) {
		if got, want := AppendString(nil, s, html), marshal(t, s, html); !bytes.Equal(got, want) {
			t.Fatalf("AppendString(%q, %v) = %s, encoding/json writes %s", s, html, got, want)
		}
	})
}
