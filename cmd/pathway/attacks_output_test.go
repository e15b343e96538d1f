package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostileID holds terminal escape codes (clear the screen, colour), a
// carriage return, a bell, a backspace, a bidirectional override and a
// line break that would forge a line of output.
const hostileID = "KR-\x1b[2J\x1b[31mRED\r\u202eX\a\b\nReferral KR-2: ELIGIBLE"

// hostileIDShown is how text output shows it, on its line.
const hostileIDShown = `KR-\u001b[2J\u001b[31mRED\r\u202eX\u0007\u0008\nReferral KR-2: ELIGIBLE`

// writeVariant writes testdata/attacks/referral.json with its id replaced,
// as dir/name.
func writeVariant(t *testing.T, dir, name, id string) string {
	t.Helper()
	data, err := os.ReadFile(attacks + "referral.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["id"] = id
	data, err = json.Marshal(m)
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// Text output shows values from a referral, a pack, a scenario file or a
// file name with their control characters escaped, whatever the command:
// no input rewrites what a terminal shows.
func TestAttackEscapesInTextOutput(t *testing.T) {
	values := attackValues(t)
	dir := t.TempDir()
	esc := writeVariant(t, dir, "esc.json", hostileID)
	const hostileName = "ref-\x1b[31m-\u202e.json"
	named := writeVariant(t, dir, hostileName, "KR-1")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "not-json-\x1b[2J.json"), []byte("{\"id\": ["), 0o644))

	pack := filepath.Join(dir, "pack")
	require.NoError(t, os.CopyFS(filepath.Join(pack, "2024-01"), os.DirFS(attacks+"markdown/2024-01")))
	manifest := "name: test\nversion: \"2024-01\\e[2J\\r\\u202e\"\ntitle: T\neffective: {from: 2024-01-01, to: 2024-12-31}\nsource: S\n"
	require.NoError(t, os.WriteFile(filepath.Join(pack, "2024-01", "pack.yaml"), []byte(manifest), 0o644))
	broken := filepath.Join(dir, "broken")
	require.NoError(t, os.CopyFS(filepath.Join(broken, "2024-01"), os.DirFS(attacks+"markdown/2024-01")))
	require.NoError(t, os.WriteFile(filepath.Join(broken, "2024-01", "pack.yaml"),
		[]byte(strings.Replace(manifest, "title: T", "titel: \"T\u202e\u2066\"", 1)), 0o644))

	scenarios := filepath.Join(dir, "scenarios")
	require.NoError(t, os.MkdirAll(scenarios, 0o755))
	ref, err := os.ReadFile(attacks + "referral.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(scenarios, "referral.json"), ref, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(scenarios, "cases.yaml"), []byte(
		"pack: kent\ncases:\n  - name: \"case \\e[2J\\r\\u202e\\nFAKE 99 passed\"\n    referral: referral.json\n    expect: {decision: ineligible}\n"), 0o644))

	corpus := filepath.Join(dir, "corpus-\x1b[31m.jsonl")
	require.NoError(t, os.WriteFile(corpus, []byte("not a referral\n"), 0o644))

	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout or stderr
	}{
		{name: "check text: the referral's id", args: []string{"check", "--format", "text", esc}, code: 1, want: "Referral " + hostileIDShown + ": INVALID"},
		{name: "check json: the referral's id", args: []string{"check", esc}, code: 1, want: `"referral": "KR-\u001b[2J\u001b[31mRED\r\u202eX\u0007\b\nReferral KR-2: ELIGIBLE"`},
		{name: "check text: a file's name", args: []string{"check", "--format", "text", filepath.Join(dir, "not-json-\x1b[2J.json")}, code: 2,
			want: `not-json-\u001b[2J.json is not a JSON or YAML document`},
		{name: "validate: the referral's id", args: []string{"validate", esc}, code: 1, want: "esc.json:1:167: id: The text holds a control character"},
		{name: "validate: a file's name", args: []string{"validate", named}, code: 0, want: `ref-\u001b[31m-\u202e.json: valid`},
		{name: "redact: a file's name", args: []string{"redact", "--role", "provider", filepath.Join(dir, "missing-\x1b[2J.json")}, code: 2,
			want: `missing-\u001b[2J.json: no such file or directory`},
		{name: "lint: a version label", args: []string{"lint", pack}, code: 0, want: `test 2024-01\u001b[2J\r\u202e (2024-01-01`},
		{name: "lint text: a snippet", args: []string{"lint", "--format", "text", broken}, code: 1, want: `titel: "T\u202e\u2066"`},
		{name: "test: a case's name", args: []string{"test", filepath.Join(scenarios, "cases.yaml")}, code: 1, want: `: case \u001b[2J\r\u202e\nFAKE 99 passed` + "\n"},
		{name: "test json: a case's name", args: []string{"test", "--format", "json", filepath.Join(scenarios, "cases.yaml")}, code: 1,
			want: `"name": "case \u001b[2J\r\u202e\nFAKE 99 passed"`},
		{name: "impact: a file's name", args: []string{"impact", "--from", "../../impact/testdata/current", "--to", "../../impact/testdata/stricter", corpus},
			code: 1, want: `corpus-\u001b[31m.jsonl:1: Not a referral [not-a-referral]`},
		{name: "impact: a pack folder's name", args: []string{"impact", "--from", "../../impact/testdata/current", "--to", pack, esc}, code: 0,
			want: `Impact of the rules in ` + filepath.Join(dir, "pack") + ` over`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runBounded(t, tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout+stderr, tt.want)
			assertClean(t, stdout+stderr, values)
			if strings.HasPrefix(strings.TrimSpace(stdout), "{") {
				assert.True(t, json.Valid([]byte(stdout)), "JSON output stays valid")
			}
		})
	}
}

// impact reads JSON Lines as they come: every line that is not a referral,
// and a line too long, is one invalid entry named by its file and line,
// never quoted; the run goes on, and the report counts them.
func TestAttackImpactLines(t *testing.T) {
	values := attackValues(t)
	data, err := os.ReadFile(attacks + "referral.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["id"] = "KR-MOVES"
	m["subject"].(map[string]any)["mentalHealth"] = "manageable"
	moves, err := json.Marshal(m)
	require.NoError(t, err)
	m["id"] = "KR-STAYS"
	m["subject"].(map[string]any)["mentalHealth"] = "none"
	stays, err := json.Marshal(m)
	require.NoError(t, err)
	lines := []string{
		string(moves),                                   // 1: a referral the change moves
		`{"id": "SECRET-LINE-ONE", "form": [`,           // 2: not JSON
		`["SECRET-LINE-TWO", 1, 2]`,                     // 3: not a group of named fields
		"SECRET-LINE-LONG" + strings.Repeat("x", 5<<20), // 4: too long
		"",                     // 5: blank, skipped
		`"SECRET-LINE-SCALAR"`, // 6: a scalar
		string(stays),          // 7: a referral that does not move
	}
	corpus := filepath.Join(t.TempDir(), "corpus.jsonl")
	require.NoError(t, os.WriteFile(corpus, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	secrets := []string{"SECRET-LINE", "xxxxxxxxxxxxxxxx"}
	packs := []string{"--from", "../../impact/testdata/current", "--to", "../../impact/testdata/stricter"}

	code, stdout, stderr := runBounded(t, append(append([]string{"impact", "--format", "json"}, packs...), corpus)...)
	require.Equal(t, 1, code, "stderr:\n%s", stderr)
	var rep struct {
		Total, Changed, Invalid int
		InvalidEntries          []struct {
			File, Code, Problem string
			Line                int
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 6, rep.Total)
	assert.Equal(t, 1, rep.Changed)
	assert.Equal(t, 4, rep.Invalid)
	var got []string
	for _, e := range rep.InvalidEntries {
		assert.Equal(t, corpus, e.File)
		got = append(got, e.Code+"@"+string(rune('0'+e.Line)))
	}
	assert.Equal(t, []string{"syntax@2", "not-a-referral@3", "too-large@4", "not-a-referral@6"}, got)
	assertClean(t, stdout+stderr, values, secrets...)

	code, stdout, stderr = runBounded(t, append(append([]string{"impact"}, packs...), corpus)...)
	require.Equal(t, 1, code, "stderr:\n%s", stderr)
	for _, want := range []string{
		"6 referral(s) assessed under both packs; 1 would change.",
		"4 of them are not referrals at all",
		"eligible → ineligible: 1\n  KR-MOVES: moved by Mental health is, or can be, managed (mental-health-manageable)\n",
		"Not referrals: 4\n",
		corpus + ":4: The line is longer than 4 MiB [too-large]\n",
		"Correct or remove them",
	} {
		assert.Contains(t, stdout, want)
	}
	assertClean(t, stdout+stderr, values, secrets...)

	// check --jsonl reads the same file to the end as well.
	code, stdout, stderr = runBounded(t, "check", "--jsonl", corpus)
	assert.Equal(t, 1, code, "stderr:\n%s", stderr)
	assert.Equal(t, 6, strings.Count(stdout, "\n"), "one assessment a line")
	assertClean(t, stdout+stderr, values, secrets...)
}

// A pack whose titles, descriptions and sources hold Markdown and HTML
// gives a policy document with that text escaped.
func TestAttackMarkdownPack(t *testing.T) {
	code, stdout, stderr := runBounded(t, "docs", "--rules", attacks+"markdown")
	require.Equal(t, 0, code, "stderr:\n%s", stderr)
	assert.Contains(t, stdout, `| Title\</td\>\<script\>alert(1)\</script\> \| injected \| cell |`)
	assert.Contains(t, stdout, "\n\\# Injected heading\n")
	for _, raw := range []string{"<script>", "](https://evil", "\n# Injected", "\n<div"} {
		for i := strings.Index(stdout, raw); i >= 0; {
			assert.Equal(t, byte('\\'), stdout[i-1], "%q reached the document unescaped", raw)
			next := strings.Index(stdout[i+1:], raw)
			if next < 0 {
				break
			}
			i += next + 1
		}
	}
}
