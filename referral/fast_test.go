package referral

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/corpus"
)

// checkFastMatches holds the fast path to the positioned one: whatever the
// fast path decodes, the positioned path decodes without a problem, to the
// same referral.
func checkFastMatches(t *testing.T, data []byte) (fast bool) {
	t.Helper()
	r, ok := decodeFast(data)
	if !ok {
		return false
	}
	want, err := decodePositioned("in.json", data)
	if err != nil {
		t.Fatalf("the fast path decoded what the positioned path refuses: %v", err)
	}
	if !reflect.DeepEqual(want, r) {
		t.Fatalf("the paths decode different referrals:\nfast       %#v\npositioned %#v", r.LogValue(), want.LogValue())
	}
	return true
}

// Every valid JSON example and the generated corpus take the fast path,
// and decode there as on the positioned path.
func TestFastPathTaken(t *testing.T) {
	files, err := filepath.Glob("../examples/referrals/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			_, positioned := decodePositioned(file, data)
			if positioned != nil {
				assert.False(t, checkFastMatches(t, data), "a referral the positioned path refuses must not take the fast path")
				return
			}
			assert.True(t, checkFastMatches(t, data), "a well-formed JSON referral takes the fast path")
		})
	}
	t.Run("corpus", func(t *testing.T) {
		for i := range 500 {
			line := corpus.Line(i, 7)
			_, positioned := decodePositioned("corpus", line)
			assert.Equal(t, positioned == nil, checkFastMatches(t, line), "line %d", i)
		}
	})
}

// Input the fast path must leave to the positioned path, so that its
// problems are found and placed.
func TestFastPathDeclines(t *testing.T) {
	base, err := os.ReadFile("../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	replace := func(old, new string) []byte {
		require.Contains(t, string(base), old)
		return bytes.Replace(base, []byte(old), []byte(new), 1)
	}
	tests := []struct {
		name string
		data []byte
		// accepted: the positioned path decodes it without a problem
		// (YAML; text it repairs with U+FFFD).
		accepted bool
	}{
		{"yaml", []byte("id: KR-1\nform: cobi\n"), true},
		{"unknown key", replace(`"form":`, `"colour": "red", "form":`), false},
		{"unknown key in a victim", replace(`"gender": "female"`, `"gender": "female", "eyes": "blue"`), false},
		{"duplicate key", replace(`"form":`, `"id": "again", "form":`), false},
		{"key in another case", replace(`"form":`, `"Form":`), false},
		{"wrong type", replace(`"immediateRisk": false`, `"immediateRisk": "no"`), false},
		{"fraction for a whole number", replace(`"score": 9`, `"score": 9.0`), false},
		{"exponent for a whole number", replace(`"score": 9`, `"score": 9e0`), false},
		{"bad date", replace(`"dateSent": "2024-05-14"`, `"dateSent": "2024-02-30"`), false},
		{"invalid UTF-8", replace(`"Daniel Sample"`, "\"Dan\xffiel\""), true},
		{"lone surrogate", replace(`"Daniel Sample"`, `"Dan\ud800iel"`), true},
		{"trailing data", append(bytes.Clone(base), []byte(` {}`)...), false},
		{"two objects", append(bytes.Clone(base), base...), false},
		{"not an object", []byte(`[1, 2]`), false},
		{"too large", append([]byte(`{"id": "`+strings.Repeat("x", 5<<20)), []byte(`"}`)...), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := decodeFast(tt.data)
			assert.False(t, ok)
			_, err := Decode("in.json", tt.data)
			if tt.accepted {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err, "the positioned path reports the problem")
			}
		})
	}
}

// FuzzFastMatchesPositioned feeds arbitrary bytes to both decoders: what
// the fast path decodes, the positioned path decodes without a problem to
// the same referral.
func FuzzFastMatchesPositioned(f *testing.F) {
	files, _ := filepath.Glob("../examples/referrals/*")
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	for i := range 20 {
		f.Add(corpus.Line(i, 3))
	}
	f.Add([]byte(`{"subject": {"nextCourtDate": null}, "victims": null, "children": [], "riskAssessment": null}`))
	f.Add([]byte(`{"id": "\u0000\u2028", "riskAssessment": {"score": -0, "incidentsLast6Months": 1E2}}`))
	f.Add([]byte(`{"dateSent": "", "subject": {"dateOfBirth": "0001-01-01"}, "withheld": ["victims"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastMatches(t, data)
	})
}
