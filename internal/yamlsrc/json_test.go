package yamlsrc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"
)

// viaYAML is what yaml's own parser makes of data.
func viaYAML(t testing.TB, data []byte) (*yaml.Node, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, false
	}
	return doc.Content[0], true
}

// readJSON is the JSON reader on its own.
func readJSON(data []byte) (*yaml.Node, bool) {
	f := &File{Name: "x.json", Src: data, lines: lineStarts(data)}
	root, d := f.parseJSON()
	return root, d == nil
}

// sameTree compares what the decoder reads of two node trees.
func sameTree(a, b *yaml.Node, path string) error {
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Value != b.Value || a.Style != b.Style ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: JSON reader kind %v tag %s value %q style %v at %d:%d (%d children); yaml kind %v tag %s value %q style %v at %d:%d (%d children)",
			path, a.Kind, a.ShortTag(), a.Value, a.Style, a.Line, a.Column, len(a.Content),
			b.Kind, b.ShortTag(), b.Value, b.Style, b.Line, b.Column, len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkJSONReader holds the JSON reader to yaml: whenever both read a
// document, they read the same tree. (yaml refuses some JSON the JSON
// reader takes: surrogate pairs, duplicate keys, text that is not UTF-8;
// and a lone carriage return ends a line for yaml but not for JSON.)
func checkJSONReader(t *testing.T, data []byte) bool {
	fast, ok := readJSON(data)
	if !ok {
		return false
	}
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\r")) {
		return true
	}
	if slow, ok := viaYAML(t, data); ok {
		require.NoError(t, sameTree(fast, slow, ""), "input %q", data)
	}
	return true
}

func TestJSONReaderMatchesYAML(t *testing.T) {
	files, err := filepath.Glob("../../examples/referrals/*.json")
	require.NoError(t, err)
	read := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		if checkJSONReader(t, data) {
			read++
		}
		var compact bytes.Buffer
		require.NoError(t, json.Compact(&compact, data))
		checkJSONReader(t, compact.Bytes())
	}
	require.Greater(t, read, len(files)/2, "the JSON reader reads ordinary referrals")
	cases := []struct{ name, in string }{
		{"empty object", `{}`},
		{"empty array", `[ ]`},
		{"nested", `{"a": [1, -2, 3.5, -0.5, 0.25, true, false, null, {"b": []}]}`},
		{"escapes", `{"s": "a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\u4e2d"}`},
		{"surrogate pair", `{"s": "smile \ud83d\ude00 ok"}`},
		{"unicode raw", `{"s": "café – 中文 😀", "t": "after"}`},
		{"crlf lines", "{\r\n  \"a\": 1,\r\n  \"b\": \"x\"\r\n}\r\n"},
		{"tabs", "{\t\"a\":\t1}"},
		{"key escapes", `{"\u0066orm": "cobi"}`},
		{"deep", strings.Repeat("[", 30) + strings.Repeat("]", 30)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.True(t, checkJSONReader(t, []byte(c.in)), "the JSON reader gave up on %q", c.in)
		})
	}
	refused := []struct{ name, in string }{
		{"leading zero", `{"a": 01}`},
		{"trailing comma", `{"a": 1,}`},
		{"comment", `{"a": 1} # note`},
		{"raw control", "{\"s\": \"a\x01b\"}"},
		{"raw tab in a string", "{\"s\": \"a\tb\"}"},
		{"two documents", `{} {}`},
		{"not JSON", `a: 1`},
		{"too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)},
		{"unquoted key", `{a: 1}`},
		{"unclosed", `{"a": [1, 2`},
	}
	for _, c := range refused {
		t.Run("refuses "+c.name, func(t *testing.T) {
			_, ok := readJSON([]byte(c.in))
			require.False(t, ok, "the JSON reader should refuse %q", c.in)
		})
	}
	beyondYAML := []struct{ name, in, value string }{
		{"surrogate pair", `{"s": "smile \ud83d\ude00"}`, "smile 😀"},
		{"lone surrogate", `{"s": "\ud83d"}`, "\ufffd"},
		{"bad utf-8", "{\"s\": \"\xff\"}", "\ufffd"},
		{"exponent", `{"s": 1e5}`, "1e5"},
	}
	for _, c := range beyondYAML {
		t.Run("reads "+c.name, func(t *testing.T) {
			root, ok := readJSON([]byte(c.in))
			require.True(t, ok)
			require.Equal(t, c.value, root.Content[1].Value)
		})
	}
}

// TestJSONReaderOnGeneratedDocuments builds random JSON values with
// awkward strings and numbers and compares the readers on each.
func TestJSONReaderOnGeneratedDocuments(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "é", "中", "😀", `\"`, `\\`, `\n`, `\u00e9`, `\ud83d\ude00`, " ", `\t`, "#", ":", "-", "{", "[", "'", "&x", "*y", "!tag", "%", "@", "`", "null", "true", "0x1F", ".inf", "~", "no"}
	var gen func(depth int) string
	gen = func(depth int) string {
		switch k := r.IntN(8); {
		case depth < 3 && k == 0:
			var parts []string
			for i := range r.IntN(4) {
				parts = append(parts, fmt.Sprintf("%q: %s", fmt.Sprintf("k%d", i), gen(depth+1)))
			}
			return "{" + strings.Join(parts, ", ") + "}"
		case depth < 3 && k == 1:
			var parts []string
			for range r.IntN(4) {
				parts = append(parts, gen(depth+1))
			}
			return "[" + strings.Join(parts, ",") + "]"
		case k == 2:
			return fmt.Sprint(r.IntN(2000) - 1000)
		case k == 3:
			return fmt.Sprintf("%d.%d", r.IntN(100)-50, r.IntN(1000))
		case k == 4:
			return []string{"true", "false", "null"}[r.IntN(3)]
		}
		var s strings.Builder
		for range r.IntN(6) {
			s.WriteString(pieces[r.IntN(len(pieces))])
		}
		return `"` + s.String() + `"`
	}
	read := 0
	for range 3000 {
		doc := "{\"root\": " + gen(0) + "}"
		if checkJSONReader(t, []byte(doc)) {
			read++
		} else if testing.Verbose() {
			t.Logf("left to yaml: %s", doc)
		}
	}
	require.Equal(t, 3000, read, "the JSON reader reads ordinary JSON")
}

func FuzzJSONReader(f *testing.F) {
	files, _ := filepath.Glob("../../examples/referrals/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(`{"s": "\ud83d\ude00", "n": [1, 2.5, -0, null, true]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkJSONReader(t, data)
	})
}
