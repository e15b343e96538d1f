package impact_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/impact"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/referral"
)

func load(t *testing.T, dir string) *pathway.Pack {
	t.Helper()
	p, err := pathway.Load(os.DirFS(dir), pathway.NamedAs(dir))
	require.NoError(t, err)
	return p
}

// variant is the example referral with an id and some answers changed.
func variant(t *testing.T, id string, change func(s map[string]any)) *referral.Referral {
	t.Helper()
	data, err := os.ReadFile("../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["id"] = id
	change(m["subject"].(map[string]any))
	data, err = json.Marshal(m)
	require.NoError(t, err)
	r, problems := referral.Read(id, data)
	require.NotNil(t, r)
	require.Empty(t, problems)
	return r
}

// The packs in testdata differ in one rule: "stricter" no longer accepts
// mental health that is only manageable. On this corpus the answer is
// known: the two otherwise eligible referrals with manageable mental health
// become ineligible, and the incomplete one too; nothing else moves.
func TestStricterMentalHealth(t *testing.T) {
	cmp := impact.New(load(t, "testdata/current"), load(t, "testdata/stricter"))
	corpus := []*referral.Referral{
		variant(t, "UNCHANGED-none", func(s map[string]any) { s["mentalHealth"] = "none" }),
		variant(t, "M-1", func(s map[string]any) { s["mentalHealth"] = "manageable" }),
		variant(t, "UNCHANGED-managed", func(s map[string]any) { s["mentalHealth"] = "managed" }),
		variant(t, "UNCHANGED-already-ineligible", func(s map[string]any) {
			s["mentalHealth"] = "manageable"
			s["consentsToInformationSharing"] = false
		}),
		variant(t, "I-1", func(s map[string]any) {
			s["mentalHealth"] = "manageable"
			delete(s, "consentsToInformationSharing")
		}),
		variant(t, "M-2", func(s map[string]any) { s["mentalHealth"] = "manageable" }),
		variant(t, "UNCHANGED-unmanaged", func(s map[string]any) { s["mentalHealth"] = "unmanaged" }),
	}
	for i, r := range corpus {
		_, _, err := cmp.Add(context.Background(), i, r.ID, r, nil)
		require.NoError(t, err)
	}
	cmp.AddUnread()
	// Named invalid entries come in corpus order, whatever order they are
	// added in.
	cmp.AddInvalid(9, impact.Entry{File: "corpus.jsonl", Line: 12, Code: "too-large", Problem: "The line is longer than 4 MiB"})
	cmp.AddInvalid(8, impact.Entry{File: "corpus.jsonl", Line: 10, Code: "syntax", Problem: "The JSON is not written correctly here"})
	want := impact.Report{Total: 10, Changed: 3, Invalid: 3, InvalidEntries: []impact.Entry{
		{File: "corpus.jsonl", Line: 10, Code: "syntax", Problem: "The JSON is not written correctly here"},
		{File: "corpus.jsonl", Line: 12, Code: "too-large", Problem: "The line is longer than 4 MiB"},
	}, Transitions: []impact.Transition{
		{From: pathway.Eligible, To: pathway.Ineligible, Count: 2, Referrals: []string{"M-1", "M-2"}},
		{From: pathway.Incomplete, To: pathway.Ineligible, Count: 1, Referrals: []string{"I-1"}},
	}}
	assert.Equal(t, want, cmp.Report())

	data, err := json.Marshal(cmp.Report())
	require.NoError(t, err)
	assert.JSONEq(t, `{"total": 10, "changed": 3, "invalid": 3, "invalidEntries": [
		{"file": "corpus.jsonl", "line": 10, "code": "syntax", "problem": "The JSON is not written correctly here"},
		{"file": "corpus.jsonl", "line": 12, "code": "too-large", "problem": "The line is longer than 4 MiB"}],
		"transitions": [
		{"from": "eligible", "to": "ineligible", "count": 2, "referrals": ["M-1", "M-2"]},
		{"from": "incomplete", "to": "ineligible", "count": 1, "referrals": ["I-1"]}]}`, string(data))

	var b strings.Builder
	require.NoError(t, cmp.Report().WriteText(&b))
	golden.Check(t, "testdata/report.golden", []byte(b.String()))
}

// The text report escapes control characters in what the corpus supplies
// (ids, file names), so that no referral rewrites the terminal.
func TestReportTextEscapes(t *testing.T) {
	rep := impact.Report{Total: 2, Changed: 1, Invalid: 1,
		InvalidEntries: []impact.Entry{{File: "a\x1b[2Jb.jsonl", Line: 3, Code: "syntax", Problem: "The JSON is not written correctly here"}},
		Transitions:    []impact.Transition{{From: pathway.Eligible, To: pathway.Ineligible, Count: 1, Referrals: []string{"KR-1\x1b[31m\r\u202eX\nFAKE"}}}}
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	out := b.String()
	assert.Contains(t, out, `  KR-1\u001b[31m\r\u202eX\nFAKE`+"\n")
	assert.Contains(t, out, `  a\u001b[2Jb.jsonl:3: The JSON is not written correctly here [syntax]`)
	assert.False(t, strings.ContainsAny(out, "\x1b\r\u202e"), "raw control characters in %q", out)
}

// A change of programmes with the same decision is a transition from a
// decision to itself.
func TestSameDecisionOtherProgrammes(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS("testdata/current")))
	path := filepath.Join(dir, "programmes.yaml")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	src := string(data)
	i, j := strings.Index(src, "  - id: da-groupwork"), strings.Index(src, "  - id: early-response")
	require.True(t, i > 0 && j > i)
	require.NoError(t, os.WriteFile(path, []byte(src[:i]+src[j:]), 0o644))

	cmp := impact.New(load(t, "testdata/current"), load(t, dir))
	r := variant(t, "G-1", func(map[string]any) {})
	before, after, err := cmp.Add(context.Background(), 0, r.ID, r, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"da-groupwork", "healthy-relationships"}, before.Programmes)
	assert.Equal(t, []string{"healthy-relationships"}, after.Programmes)
	female := variant(t, "F-1", func(s map[string]any) { s["gender"] = "female" })
	_, _, err = cmp.Add(context.Background(), 1, female.ID, female, nil)
	require.NoError(t, err)
	assert.Equal(t, impact.Report{Total: 2, Changed: 1, InvalidEntries: []impact.Entry{}, Transitions: []impact.Transition{
		{From: pathway.Eligible, To: pathway.Eligible, Count: 1, Referrals: []string{"G-1"}},
	}}, cmp.Report())
}

func TestVersionFor(t *testing.T) {
	kent := pathway.Default()
	tests := []struct {
		name, date, want string
	}{
		{name: "in force", date: "2023-01-01", want: "2022-08"},
		{name: "the last day of the first version", date: "2022-07-31", want: "2021-09"},
		{name: "after every version: the latest before", date: "2026-01-01", want: "2022-08"},
		{name: "before every version: the earliest", date: "2020-01-01", want: "2021-09"},
		{name: "no date: the latest", date: "", want: "2022-08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d referral.Date
			if tt.date != "" {
				d = referral.MustDate(tt.date)
			}
			assert.Equal(t, tt.want, impact.VersionFor(kent, d).Version)
		})
	}
	// A one-version draft is used for every date.
	draft := load(t, "testdata/stricter")
	assert.Equal(t, "2022-08", impact.VersionFor(draft, referral.MustDate("2021-10-01")).Version)
}
