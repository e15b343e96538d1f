package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
)

// scenarioLayout is a root folder of scenario files beside a folder
// outside it:
//
//	outside/secret.json      a referral, outside the root
//	outside/passwd           a password file, outside the root
//	root/refs/ok.json        a referral, inside the root, outside scenarios/
//	root/scenarios/...       the scenario files, and files that are not referrals
type scenarioLayout struct {
	outside, root, scenarios string
	secretReferral           string
	// secrets are contents of files that are not referrals: no output
	// may quote them.
	secrets []string
	n       int
}

func newScenarioLayout(t *testing.T) *scenarioLayout {
	t.Helper()
	tmp := t.TempDir()
	l := &scenarioLayout{outside: filepath.Join(tmp, "outside"), root: filepath.Join(tmp, "root")}
	l.scenarios = filepath.Join(l.root, "scenarios")
	l.secretReferral = filepath.Join(l.outside, "secret.json")
	ref, err := os.ReadFile(attacks + "referral.json")
	require.NoError(t, err)
	passwd := "root:x:0:0:SECRET-PASSWD-LINE:/root:/bin/bash\ndaemon:x:1:1:SECRET-PASSWD-LINE-2:/usr/sbin:/usr/sbin/nologin\n"
	files := map[string]string{
		l.secretReferral:                             string(ref),
		filepath.Join(l.outside, "passwd"):           passwd,
		filepath.Join(l.root, "refs", "ok.json"):     string(ref),
		filepath.Join(l.scenarios, "passwd"):         passwd,
		filepath.Join(l.scenarios, "settings.txt"):   "secret_key: SECRET-YAML-VALUE\napi_token: SECRET-YAML-TOKEN\n",
		filepath.Join(l.scenarios, "broken.json"):    "{\"name\": \"SECRET-BROKEN-VALUE\",\n \"x\": [1, 2\n",
		filepath.Join(l.scenarios, "list.yaml.txt"):  "- SECRET-LIST-ITEM\n- another\n",
		filepath.Join(l.scenarios, "sub", "x.json"):  string(ref),
		filepath.Join(l.scenarios, "too-large.json"): `{"id": "` + strings.Repeat("x", yamlsrc.MaxSize) + `"}`,
	}
	for path, content := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	l.secrets = []string{"SECRET-PASSWD-LINE", "root:x:0:0", "SECRET-YAML-VALUE", "SECRET-YAML-TOKEN", "secret_key", "api_token",
		"SECRET-BROKEN-VALUE", "SECRET-LIST-ITEM"}
	return l
}

// scenario writes a scenario file in root/scenarios whose one case names
// referral (line 5, column 15) and expects the referral file's decision.
func (l *scenarioLayout) scenario(t *testing.T, referral string) string {
	t.Helper()
	l.n++
	path := filepath.Join(l.scenarios, fmt.Sprintf("case-%d.yaml", l.n))
	src := fmt.Sprintf("# One case, naming a referral file.\npack: kent\ncases:\n  - name: the case\n    referral: %s\n    expect: {decision: eligible}\n", referral)
	require.NoError(t, os.WriteFile(path, []byte(src), 0o644))
	return path
}

// A scenario file names referral files inside its root only. A name that
// climbs out is a problem at its line and the file is not read; a file
// that cannot be read or is not a referral is reported at the case's line
// without quoting it.
func TestAttackScenarioOutsideTheRoot(t *testing.T) {
	values := attackValues(t)
	l := newScenarioLayout(t)
	tests := []struct {
		name, referral, code string
		want                 []string
	}{
		{name: "climbs out with ../", referral: "../../outside/secret.json", code: "referral-outside",
			want: []string{"The referral file is outside the folder the scenarios are run from", "pathway test --root DIR"}},
		{name: "climbs out to a password file", referral: "../../outside/passwd", code: "referral-outside", want: []string{"pathway test --root DIR"}},
		{name: "climbs out and back", referral: "../../root/refs/../../outside/secret.json", code: "referral-outside", want: []string{"pathway test --root DIR"}},
		{name: "an absolute path", referral: l.secretReferral, code: "unreadable", want: []string{"Check its name"}},
		{name: "a password file inside", referral: "passwd", code: "not-a-referral",
			want: []string{"The file is not a referral", "A referral file holds one referral"}},
		{name: "YAML that is not a referral", referral: "settings.txt", code: "not-a-referral", want: []string{"The file is not a referral"}},
		{name: "a list", referral: "list.yaml.txt", code: "not-a-referral", want: []string{"The file is not a referral"}},
		{name: "broken JSON", referral: "broken.json", code: "not-a-referral", want: []string{"it is not JSON or YAML", "(at line 3, column 1)"}},
		{name: "a folder", referral: "sub", code: "unreadable", want: []string{"It is a folder, not a file"}},
		{name: "too large", referral: "too-large.json", code: "unreadable", want: []string{"at most 4194304 bytes are read"}},
		{name: "no such file", referral: "missing.json", code: "unreadable", want: []string{"There is no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := l.scenario(t, tt.referral)
			code, stdout, stderr := runBounded(t, "test", file)
			assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stderr, filepath.Base(file)+" line 5, column 15 (cases[0].referral)", "the problem is at the case's line")
			assert.Contains(t, stderr, "["+tt.code+"]")
			for _, w := range tt.want {
				assert.Contains(t, stderr, w)
			}
			assert.Contains(t, stderr, "no case was run")
			assertClean(t, stdout+stderr, values, l.secrets...)
		})
	}
}

// The root is the folder named, or the current folder when it holds the
// scenario files; --root widens it.
func TestAttackScenarioRoot(t *testing.T) {
	l := newScenarioLayout(t)
	up := l.scenario(t, "../refs/ok.json")
	tests := []struct {
		name   string
		chdir  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "the folder named is the root", args: []string{"test", up}, code: 2, stderr: "[referral-outside]"},
		{name: "the folder named, as a folder", args: []string{"test", l.scenarios}, code: 2, stderr: "[referral-outside]"},
		{name: "--root widens it", args: []string{"test", "--root", l.root, up}, code: 0, stdout: "1 passed, 0 failed"},
		{name: "the current folder holds the files", chdir: l.root, args: []string{"test", filepath.Join("scenarios", filepath.Base(up))}, code: 0, stdout: "1 passed, 0 failed"},
		{name: "the current folder does not widen it when it does not hold them", chdir: l.outside, args: []string{"test", up}, code: 2, stderr: "[referral-outside]"},
		{name: "--root must hold the files", args: []string{"test", "--root", l.outside, up}, code: 2, stderr: "is outside --root"},
		{name: "--root must be a folder", args: []string{"test", "--root", l.secretReferral, up}, code: 2, stderr: "it does not exist or is not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.chdir != "" {
				t.Chdir(tt.chdir)
			}
			code, stdout, stderr := runBounded(t, tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stdout, tt.stdout)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

// The kent suite names ../../examples/referrals/..., inside the current
// folder when it is run from the repository's root, as documented.
func TestAttackKentSuiteFromTheRepository(t *testing.T) {
	t.Chdir("../..")
	code, stdout, stderr := runBounded(t, "test", "scenarios/kent")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.True(t, strings.HasSuffix(stdout, "127 passed, 0 failed\n"), stdout)
}

// manyVictims is a referral of about 4 MB with 95,000 minimal victims,
// within the size a referral may have but far over the 50 victims it may
// list.
func manyVictims(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(attacks + "referral.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["victims"] = []any{}
	head, err := json.Marshal(m)
	require.NoError(t, err)
	victims := strings.TrimSuffix(strings.Repeat(`{"relationship":"partner","gender":"male"},`, 95000), ",")
	out := strings.Replace(string(head), `"victims":[]`, `"victims":[`+victims+`]`, 1)
	require.Greater(t, len(out), 4_000_000)
	require.LessOrEqual(t, len(out), yamlsrc.MaxSize, "within the size a referral may have")
	return []byte(out)
}

// actionsCapped reports whether the library lists the safety actions of a
// referral with too many victims over a bounded number of them.
func actionsCapped(t *testing.T) bool {
	t.Helper()
	data, err := os.ReadFile(attacks + "referral.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	victim := m["victims"].([]any)[0]
	victims := make([]any, 1000)
	for i := range victims {
		victims[i] = victim
	}
	m["victims"] = victims
	data, err = json.Marshal(m)
	require.NoError(t, err)
	r, _ := referral.Read("probe.json", data)
	require.NotNil(t, r)
	a, err := pathway.Default().Assess(t.Context(), r)
	require.NoError(t, err)
	return len(a.Actions) < len(victims)
}

// A referral of 95,000 victims is invalid (too many victims), and every
// command that reads it ends with small output.
func TestAttackManyVictims(t *testing.T) {
	values := attackValues(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "many-victims.json")
	data := manyVictims(t)
	require.NoError(t, os.WriteFile(big, data, 0o644))
	jsonl := filepath.Join(dir, "many-victims.jsonl")
	require.NoError(t, os.WriteFile(jsonl, append(data, '\n'), 0o644))
	capped := actionsCapped(t)
	const limit = 64 << 10
	tests := []struct {
		name    string
		args    []string
		code    int
		want    string // in stdout or stderr
		assists bool   // it assesses the referral: safety actions are listed
	}{
		{name: "validate", args: []string{"validate", big}, code: 1, want: "victims: Too many victims"},
		{name: "redact", args: []string{"redact", "--role", "provider", big}, code: 1, want: "victims: error: Too many victims [too-many-items]"},
		{name: "check", args: []string{"check", big}, code: 1, want: `"code": "too-many-items"`, assists: true},
		{name: "check text", args: []string{"check", "--format", "text", big}, code: 1, want: "victims (line 1, column 846): Too many victims", assists: true},
		{name: "check jsonl", args: []string{"check", "--jsonl", jsonl}, code: 1, want: `"code":"too-many-items"`, assists: true},
		{name: "impact", args: []string{"impact", "--from", "../../impact/testdata/current", "--to", "../../impact/testdata/stricter", big},
			code: 0, want: "1 referral(s) assessed under both packs; 0 would change.", assists: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.assists && !capped {
				t.Skip("the safety actions of a referral with too many victims are listed for every victim: package safeguarding does not bound them yet")
			}
			t.Parallel()
			code, stdout, stderr := runBoundedIn(t, strings.NewReader(""), 5*time.Minute, tt.args...)
			assert.Equal(t, tt.code, code, "stderr:\n%s", stderr)
			assert.Contains(t, stdout+stderr, tt.want)
			assert.Less(t, len(stdout)+len(stderr), limit, "the output is bounded")
			assertClean(t, stdout+stderr, values)
		})
	}
}
