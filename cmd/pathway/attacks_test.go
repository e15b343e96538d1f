package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/leakcheck"
	"github.com/saferpath/pathway/referral"
)

const attacks = "../../testdata/attacks/"

// attackPackDir lays out the pack of one hostile rule in a folder.
func attackPackDir(t *testing.T, rule string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "2024-01")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, f := range []string{"pack.yaml", "programmes.yaml", "safeguarding.yaml"} {
		data, err := os.ReadFile(attacks + "base/" + f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	data, err := os.ReadFile(attacks + "rules/" + rule + ".yaml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "eligibility.yaml"), data, 0o644))
	return filepath.Dir(dir)
}

// runBounded runs the CLI and fails the test if it does not finish in
// time: liveness, not speed.
func runBounded(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runBoundedIn(t, strings.NewReader(""), time.Minute, args...)
}

// runBoundedIn runs the CLI with stdin, and fails the test if it does not
// finish within deadline.
func runBoundedIn(t *testing.T, stdin io.Reader, deadline time.Duration, args ...string) (int, string, string) {
	t.Helper()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		var out, errOut bytes.Buffer
		code := run(args, stdin, &out, &errOut)
		done <- result{code, out.String(), errOut.String()}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-ctx.Done():
		t.Fatalf("pathway %s did not finish", strings.Join(args, " "))
		return 0, "", ""
	}
}

// attackValues are the personal values of testdata/attacks/referral.json,
// which no output may hold.
func attackValues(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(attacks + "referral.json")
	require.NoError(t, err)
	r, problems := referral.Read("referral.json", data)
	require.Empty(t, problems)
	values := leakcheck.Values(r)
	require.NotEmpty(t, values)
	return values
}

// rawControls are characters that must never reach a terminal raw.
const rawControls = "\x1b\r\b\a\x00\u009b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

// assertClean asserts that out holds no personal value, none of secrets
// (the content of a file that must not be quoted) and no raw control
// character.
func assertClean(t *testing.T, out string, values []string, secrets ...string) {
	t.Helper()
	assert.Empty(t, leakcheck.Find(out, values), "personal values in the output")
	for _, s := range secrets {
		assert.NotContains(t, out, s, "the content of a file that must not be quoted")
	}
	assert.False(t, strings.ContainsAny(out, rawControls), "a raw control character in the output: %q", out)
}

// TestHostileRulesThroughTheCLI lints each hostile rule (it is well
// formed) and checks a referral with it, in JSON and in text: the run ends,
// the rule is unknown with its reason, and nothing personal is printed.
func TestHostileRulesThroughTheCLI(t *testing.T) {
	data, err := os.ReadFile(attacks + "referral.json")
	require.NoError(t, err)
	r, problems := referral.Read("referral.json", data)
	require.Empty(t, problems)
	values := leakcheck.Values(r)
	rules, err := filepath.Glob(attacks + "rules/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, rules)
	for _, file := range rules {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			dir := attackPackDir(t, name)
			code, stdout, stderr := runBounded(t, "lint", dir)
			require.Equal(t, 0, code, "lint passes a well-formed rule: %s%s", stdout, stderr)
			code, stdout, stderr = runBounded(t, "check", "--rules", dir, attacks+"referral.json")
			require.Equal(t, 0, code, stderr)
			var a struct {
				Decision string   `json:"decision"`
				Unknown  []string `json:"unknown"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &a))
			assert.Equal(t, "incomplete", a.Decision)
			assert.Equal(t, []string{"hostile"}, a.Unknown)
			assert.Empty(t, leakcheck.Find(stdout+stderr, values))
			code, text, stderr := runBounded(t, "check", "--format", "text", "--rules", dir, attacks+"referral.json")
			require.Equal(t, 0, code, stderr)
			assert.Contains(t, text, "could not be decided")
			assert.Empty(t, leakcheck.Find(text+stderr, values))
		})
	}
}
