package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/server"
)

func readExample(_ string, data []byte) (*referral.Referral, diag.List) {
	return referral.Read("body", data)
}

// personal are the keys whose values are personal: names, addresses,
// phone numbers, emails, dates of birth and free text.
var personal = map[string]bool{
	"name": true, "address": true, "phone": true, "email": true, "dateOfBirth": true,
	"behaviourSummary": true, "contact": true, "details": true, "reasonNotKnown": true,
	"servicesProvided": true, "supportServiceContact": true,
}

// personalValues lists every personal value in a referral file, read as
// a plain document (so that values under misspelt keys count too), and
// each word of a person's name.
func personalValues(t *testing.T, data []byte) []string {
	t.Helper()
	var doc any
	require.NoError(t, yaml.Unmarshal(data, &doc))
	seen := map[string]bool{}
	var walk func(parent, key string, v any)
	walk = func(parent, key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(key, k, x)
			}
		case []any:
			for _, x := range v {
				walk(parent, key, x)
			}
		default:
			if !personal[key] || v == nil {
				return
			}
			s := fmt.Sprint(v)
			if s == "" {
				return
			}
			seen[s] = true
			// Each word of a person's name (not an agency's).
			if key == "name" && parent != "otherAgencies" {
				for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
					if len(w) >= 4 && w != "fictional" {
						seen[w] = true
					}
				}
			}
		}
	}
	walk("", "", doc)
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Every example referral, assessed one by one and as JSON Lines, then
// validated and redacted for every role, through a running service: no
// personal value of any of them reaches the decision log or the service's
// own log, at debug level.
func TestNothingPersonalIsKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	dl, err := server.OpenDecisionLog(path)
	require.NoError(t, err)
	s := start(t, server.Config{DecisionLog: dl}, nil)
	ex := examples(t)
	var values []string
	var lines bytes.Buffer
	ids := map[string]bool{}
	for name, data := range ex {
		values = append(values, personalValues(t, data)...)
		r := s.do(t, "POST", "/v1/assess", "police-coordinator", contentTypeOf(name), data)
		require.Contains(t, []int{200, 422}, r.status, name)
		ids[r.header.Get("X-Decision-Id")] = true
		for _, role := range roles {
			s.do(t, "POST", "/v1/redact", role, contentTypeOf(name), data)
		}
		s.do(t, "POST", "/v1/validate", "provider", contentTypeOf(name), data)
		s.do(t, "POST", "/v1/assess?at=2019-01-01", "referrer", contentTypeOf(name), data)
		// The same referral as a JSON Lines line.
		var doc any
		require.NoError(t, yaml.Unmarshal(data, &doc))
		js, err := json.Marshal(doc)
		require.NoError(t, err)
		lines.Write(js)
		lines.WriteByte('\n')
	}
	r := s.do(t, "POST", "/v1/assess", "referrer", "application/x-ndjson", lines.Bytes())
	require.Equal(t, 200, r.status)
	require.Len(t, strings.Split(strings.TrimSpace(string(r.body)), "\n"), len(ex))
	require.NoError(t, s.stop())
	require.NoError(t, dl.Close())

	logged, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 3*len(ex), bytes.Count(logged, []byte("\n")), "one line per assessment: each file alone, at a date with no version in force, and as a line")
	for id := range ids {
		assert.Contains(t, string(logged), `"id":"`+id+`"`)
	}
	own := s.log.String()
	require.Contains(t, own, `"msg":"request"`, "the service's own log was kept at debug level")
	require.Greater(t, len(values), 100, "the examples hold personal values")
	for _, v := range values {
		quoted, err := json.Marshal(v)
		require.NoError(t, err)
		for _, where := range []struct{ name, text string }{{"decision log", string(logged)}, {"service log", own}} {
			if strings.Contains(where.text, v) || strings.Contains(where.text, string(quoted[1:len(quoted)-1])) {
				t.Errorf("the %s holds the personal value %q", where.name, v)
			}
		}
	}
}
