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
		{From: pathway.Eligible, To: pathway.Ineligible, Count: 2, Referrals: []string{"M-1", "M-2"},
			MovedBy: map[string][]string{"M-1": {"mental-health-manageable"},
				"M-2": {"mental-health-manageable"}}},
		{From: pathway.Incomplete, To: pathway.Ineligible, Count: 1, Referrals: []string{"I-1"},
			MovedBy: map[string][]string{"I-1": {"mental-health-manageable"}}},
	}, Titles: map[string]string{"mental-health-manageable": "Mental health is, or can be, managed"}}
	assert.Equal(t, want, cmp.Report())

	data, err := json.Marshal(cmp.Report())
	require.NoError(t, err)
	assert.JSONEq(t, `{"total": 10, "changed": 3, "invalid": 3, "invalidEntries": [
		{"file": "corpus.jsonl", "line": 10, "code": "syntax", "problem": "The JSON is not written correctly here"},
		{"file": "corpus.jsonl", "line": 12, "code": "too-large", "problem": "The line is longer than 4 MiB"}],
		"transitions": [
		{"from": "eligible", "to": "ineligible", "count": 2, "referrals": ["M-1", "M-2"],
		 "movedBy": {"M-1": ["mental-health-manageable"],
		             "M-2": ["mental-health-manageable"]}},
		{"from": "incomplete", "to": "ineligible", "count": 1, "referrals": ["I-1"],
		 "movedBy": {"I-1": ["mental-health-manageable"]}}],
		"titles": {"mental-health-manageable": "Mental health is, or can be, managed"}}`, string(data))

	var b strings.Builder
	require.NoError(t, cmp.Report().WriteText(&b))
	golden.Check(t, "testdata/report.golden", []byte(b.String()))
}

// The text report escapes control characters in what the corpus supplies
// (ids, file names), so that no referral rewrites the terminal.
func TestReportTextEscapes(t *testing.T) {
	rep := impact.Report{Total: 2, Changed: 1, Invalid: 1,
		InvalidEntries: []impact.Entry{{File: "a\x1b[2Jb.jsonl", Line: 3, Code: "syntax", Problem: "The JSON is not written correctly here"}},
		Transitions: []impact.Transition{{From: pathway.Eligible, To: pathway.Ineligible, Count: 1, Referrals: []string{"KR-1\x1b[31m\r\u202eX\nFAKE"},
			MovedBy: map[string][]string{"KR-1\x1b[31m\r\u202eX\nFAKE": {"rule\x1b[2J"}}}},
		Titles: map[string]string{"rule\x1b[2J": "Title\u202e\nFAKE"}}
	var b strings.Builder
	require.NoError(t, rep.WriteText(&b))
	out := b.String()
	assert.Contains(t, out, `  KR-1\u001b[31m\r\u202eX\nFAKE: moved by Title\u202e\nFAKE (rule\u001b[2J)`+"\n")
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
		{From: pathway.Eligible, To: pathway.Eligible, Count: 1, Referrals: []string{"G-1"},
			MovedBy: map[string][]string{"G-1": {"da-groupwork"}}},
	}, Titles: map[string]string{"da-groupwork": "DA Groupwork"}}, cmp.Report())
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

// Each referral of a transition is given with what moved it: the rules by
// their titles and ids, or why no rule's outcome explains the change.
func TestReportTextMovedBy(t *testing.T) {
	titles := map[string]string{"a": "Rule A", "b": "Rule B, with a comma"}
	tests := []struct {
		name     string
		from, to pathway.Decision
		moved    []string
		want     string
	}{
		{"one rule", pathway.Eligible, pathway.Ineligible, []string{"a"}, "  R-1: moved by Rule A (a)\n"},
		{"several rules, titles with commas", pathway.Ineligible, pathway.Eligible, []string{"b", "a"},
			"  R-1: moved by Rule B, with a comma (b); Rule A (a)\n"},
		{"a rule with no title", pathway.Eligible, pathway.Incomplete, []string{"untitled"}, "  R-1: moved by untitled\n"},
		{"same decision, no rule", pathway.Eligible, pathway.Eligible, []string{},
			"  R-1: no rule's outcome changed: its safety actions did, or what a programme waives\n"},
		{"another decision, no rule", pathway.Eligible, pathway.Ineligible, []string{},
			"  R-1: no rule's outcome changed: what a programme waives did\n"},
		{"now invalid", pathway.Eligible, pathway.Invalid, []string{"a"}, "  R-1: invalid under the changed rules: its form fails their checks\n"},
		{"now valid, decided by rules", pathway.Invalid, pathway.Ineligible, []string{"a"},
			"  R-1: valid under the changed rules, and decided by Rule A (a)\n"},
		{"now valid", pathway.Invalid, pathway.Eligible, []string{}, "  R-1: valid under the changed rules\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := impact.Report{Total: 1, Changed: 1, InvalidEntries: []impact.Entry{}, Titles: titles,
				Transitions: []impact.Transition{{From: tt.from, To: tt.to, Count: 1, Referrals: []string{"R-1"},
					MovedBy: map[string][]string{"R-1": tt.moved}}}}
			var b strings.Builder
			require.NoError(t, rep.WriteText(&b))
			assert.Contains(t, b.String(), tt.want)
		})
	}
}
