package pathway_test

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
)

// hostileTexts are strings that JSON must escape, or that an encoder might
// get wrong: quotes, backslashes, every kind of control character, HTML,
// invalid UTF-8, line and paragraph separators, bidirectional controls.
var hostileTexts = []string{
	"", "plain", `"quoted"`, `back\slash`, "tab\there", "nl\nand\rcr", "\b\f\x00\x01\x1f\x7f",
	"<script>alert('x')</script>", "a & b > c < d", "\u2028line\u2029para", "bad \xff\xfe utf8 \xc3",
	"\xe2\x80", "\u202eevil", "émoji 🙂", "\\u003c", "\ufffd", "\x1b[2J",
}

// readsAsMap is the map[string]any the reads were before they were an
// ordered list: what they must marshal as.
func readsAsMap(rs pathway.Reads) map[string]any {
	if rs == nil {
		return nil
	}
	m := make(map[string]any, len(rs))
	for _, r := range rs {
		m[r.Path] = r.Value
	}
	return m
}

// encodeBoth encodes v with json.Marshal and with an Encoder that indents
// and does not escape HTML, as the CLI writes.
func encodeBoth(t testing.TB, v any) (string, string) {
	t.Helper()
	a, err := json.Marshal(v)
	require.NoError(t, err)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(v))
	return string(a), b.String()
}

func TestReadsMarshalAsAMap(t *testing.T) {
	cases := []pathway.Reads{
		nil,
		{},
		{{Path: "subject.acceptsResponsibility", Value: "some"}},
		// unsorted, with a repeated path: marshalled as a map holds them
		{{Path: "victims", Value: int64(2)}, {Path: "b", Value: true}, {Path: "a", Value: nil}, {Path: "b", Value: false}},
		{{Path: "f", Value: 0.1}, {Path: "g", Value: 1e21}, {Path: "h", Value: 1e-7}, {Path: "i", Value: -0.0},
			{Path: "j", Value: 123456789.125}, {Path: "k", Value: float32(1.5)}, {Path: "l", Value: int(-3)},
			{Path: "m", Value: []any{"x<y", 1.0, nil}}, {Path: "n", Value: map[string]any{"z": "&", "a": []any{}}},
			{Path: "o", Value: math.MaxInt64}, {Path: "p", Value: 5e-324}, {Path: "q", Value: 1e20}},
	}
	for _, s := range hostileTexts {
		cases = append(cases, pathway.Reads{{Path: s, Value: s}, {Path: "x" + s, Value: []any{s}}})
	}
	for _, rs := range cases {
		type withReads struct {
			Reads pathway.Reads `json:"reads"`
		}
		type withMap struct {
			Reads map[string]any `json:"reads"`
		}
		gotCompact, gotIndented := encodeBoth(t, withReads{rs})
		wantCompact, wantIndented := encodeBoth(t, withMap{readsAsMap(rs)})
		assert.Equal(t, wantCompact, gotCompact)
		assert.Equal(t, wantIndented, gotIndented)

		var back withReads
		require.NoError(t, json.Unmarshal([]byte(gotCompact), &back))
		var backMap withMap
		require.NoError(t, json.Unmarshal([]byte(wantCompact), &backMap))
		assert.Equal(t, backMap.Reads, readsAsMap(back.Reads), "reads decode as a map does")
		if rs != nil {
			assert.NotNil(t, back.Reads)
		}
		for i := 1; i < len(back.Reads); i++ {
			assert.Less(t, back.Reads[i-1].Path, back.Reads[i].Path, "decoded reads are sorted, each path once")
		}
	}
}

func TestReadsMarshalFailsAsAMapDoes(t *testing.T) {
	_, err := json.Marshal(pathway.Reads{{Path: "x", Value: math.NaN()}})
	require.Error(t, err)
	_, err = json.Marshal(map[string]any{"x": math.NaN()})
	require.Error(t, err)
}

func TestReadsGet(t *testing.T) {
	rs := pathway.Reads{{Path: "b", Value: int64(2)}, {Path: "a", Value: nil}}
	v, ok := rs.Get("a")
	assert.True(t, ok)
	assert.Nil(t, v)
	v, ok = rs.Get("b")
	assert.True(t, ok)
	assert.Equal(t, int64(2), v)
	_, ok = rs.Get("c")
	assert.False(t, ok)
	_, ok = pathway.Reads(nil).Get("a")
	assert.False(t, ok)
}

func TestReadsUnmarshalRefusesWhatIsNotAnObject(t *testing.T) {
	for _, in := range []string{`[]`, `"x"`, `1`, `{"a":}`, `{"a":1`} {
		var rs pathway.Reads
		assert.Error(t, json.Unmarshal([]byte(`{"reads":`+in+`}`), &struct {
			Reads *pathway.Reads `json:"reads"`
		}{&rs}), in)
	}
	var rs pathway.Reads = pathway.Reads{{Path: "a"}}
	require.NoError(t, json.Unmarshal([]byte(`null`), &rs))
	assert.Nil(t, rs)
	require.NoError(t, json.Unmarshal([]byte(` {"b":1,"a":"x","b":2} `), &rs))
	assert.Equal(t, pathway.Reads{{Path: "a", Value: "x"}, {Path: "b", Value: 2.0}}, rs)
}
