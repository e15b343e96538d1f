package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedactCommand(t *testing.T) {
	const ex = "../../examples/referrals/"
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		golden string // for stdout, under testdata/redact
		stderr string // a substring of stderr
	}{
		{name: "provider", args: []string{"redact", "--role", "provider", ex + "hr-several-victims-children.json"}, golden: "provider.golden"},
		{name: "victim link worker", args: []string{"redact", "--role", "victim-link-worker", ex + "hr-several-victims-children.json"}, golden: "victim-link-worker.golden"},
		{name: "commissioner", args: []string{"redact", "--role", "commissioner", ex + "cobi-spo-risk-to-staff.yaml"}, golden: "commissioner.golden"},
		{name: "standard input", args: []string{"redact", "--role", "commissioner", "-"},
			stdin: mustRead(t, ex+"hr-eligible.json"), golden: "stdin.golden"},
		{name: "with a date and a pack", args: []string{"redact", "--role", "referrer", "--rules", "../../rules/kent", "--at", "2022-01-01", ex + "hr-eligible.json"},
			golden: "referrer.golden"},
		{name: "invalid referral", args: []string{"redact", "--role", "provider", ex + "invalid-bad-email.json"}, code: 1,
			stderr: "is not a valid referral, so no view is printed"},
		{name: "unknown role", args: []string{"redact", "--role", "provder", ex + "hr-eligible.json"}, code: 2,
			stderr: `Did you mean "provider"?`},
		{name: "no role", args: []string{"redact", ex + "hr-eligible.json"}, code: 2, stderr: `required flag(s) "role" not set`},
		{name: "no file", args: []string{"redact", "--role", "provider"}, code: 2, stderr: "accepts 1 arg(s)"},
		{name: "missing file", args: []string{"redact", "--role", "provider", "testdata/redact/no-such-file.json"}, code: 2,
			stderr: "cannot read testdata/redact/no-such-file.json"},
		{name: "not JSON or YAML", args: []string{"redact", "--role", "provider", "-"}, stdin: "{\n  \"id\": [\n", code: 2,
			stderr: "is not a JSON or YAML document"},
		{name: "no version in force", args: []string{"redact", "--role", "provider", "--at", "2030-01-01", ex + "hr-eligible.json"}, code: 2,
			stderr: "no version of pack"},
		{name: "bad format", args: []string{"redact", "--role", "provider", "--format", "text", ex + "hr-eligible.json"}, code: 2,
			stderr: "--format must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tt.args, strings.NewReader(tt.stdin), &out, &errOut)
			assert.Equal(t, tt.code, code, "stderr: %s", errOut.String())
			if tt.stderr != "" {
				assert.Contains(t, errOut.String(), tt.stderr)
			}
			if tt.golden != "" {
				redactGolden(t, tt.golden, out.String())
				var v map[string]any
				require.NoError(t, json.Unmarshal(out.Bytes(), &v), "the view is JSON")
			}
			if tt.code != 0 {
				assert.Empty(t, out.String(), "nothing is printed on failure")
			}
		})
	}
}

// A victim's details never reach the provider's view, whatever the example.
func TestRedactCommandProviderNeverSeesVictims(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"redact", "--role", "provider", "../../examples/referrals/cobi-spo-risk-to-staff.yaml"}, strings.NewReader(""), &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	for _, s := range []string{"Chloe Instance", "Chloe", "960999"} {
		assert.NotContains(t, out.String(), s)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

// redactGolden compares got with testdata/redact/NAME.
func redactGolden(t *testing.T, name, got string) {
	t.Helper()
	checkGolden(t, filepath.Join("redact", name), got)
}
