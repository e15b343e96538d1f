package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/golden"
)

// runCLI runs the command line with args and returns its exit status,
// standard output and standard error.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// checkGolden compares got with testdata/NAME, rewriting it under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), []byte(got))
}

func TestValidateCommand(t *testing.T) {
	const ex = "../../examples/referrals/"
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		golden string // for stdout
		stderr string // a substring of stderr
	}{
		{name: "valid referral", args: []string{"validate", ex + "hr-eligible.json"}, code: 0, golden: "validate/valid.golden"},
		{name: "valid YAML referrals", args: []string{"validate", ex + "cobi-eligible.json", ex + "cobi-spo-risk-to-staff.yaml"}, code: 0, golden: "validate/valid-several.golden"},
		{name: "invalid referrals", args: []string{"validate", ex + "invalid-bad-email.json", ex + "invalid-unknown-field.yaml", ex + "hr-eligible.json"}, code: 1, golden: "validate/invalid.golden"},
		{name: "every invalid example", args: append([]string{"validate"}, globInvalid(t)...), code: 1, golden: "validate/all-invalid.golden"},
		{name: "json format", args: []string{"validate", "--format", "json", ex + "invalid-spo-unanswered.json", ex + "hr-eligible.json"}, code: 1, golden: "validate/json.golden"},
		{name: "standard input", args: []string{"validate", "-"}, stdin: `{"id": "X"}`, code: 1, golden: "validate/stdin.golden"},
		{name: "missing file", args: []string{"validate", "testdata/validate/no-such-file.json"}, code: 2, stderr: "no-such-file.json: Cannot read the file: no such file or directory"},
		{name: "directory", args: []string{"validate", "testdata"}, code: 2, stderr: "testdata: Cannot read the file: it is a folder, not a regular file; name a JSON or YAML referral file, or - for standard input"},
		{name: "not JSON", args: []string{"validate", "testdata/validate/not-json.json"}, code: 2, stderr: "not-json.json:2:1: "},
		{name: "several documents", args: []string{"validate", "testdata/validate/two-documents.yaml"}, code: 2, stderr: "more than one document"},
		{name: "unreadable wins over invalid", args: []string{"validate", ex + "invalid-bad-email.json", "testdata/validate/not-json.json"}, code: 2},
		{name: "no file", args: []string{"validate"}, code: 2, stderr: "requires at least 1 arg"},
		{name: "bad format", args: []string{"validate", "--format", "xml", ex + "hr-eligible.json"}, code: 2, stderr: "--format must be text or json"},
		{name: "help", args: []string{"validate", "--help"}, code: 0, golden: "validate/help.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.stdin, tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			if tt.golden != "" {
				checkGolden(t, tt.golden, out)
			}
			if tt.stderr != "" {
				assert.Contains(t, errOut, tt.stderr)
			}
			assert.NotContains(t, out+errOut, "priya.example.example.org", "a personal value is echoed")
		})
	}
}

func globInvalid(t *testing.T) []string {
	files, err := filepath.Glob("../../examples/referrals/invalid-*")
	require.NoError(t, err)
	return files
}

func TestValidateJSONIsMachineReadable(t *testing.T) {
	code, out, _ := runCLI(t, "", "validate", "--format", "json", "../../examples/referrals/invalid-bad-email.json")
	assert.Equal(t, 1, code)
	var results []struct {
		File     string `json:"file"`
		Status   string `json:"status"`
		Problems []struct {
			Code    string `json:"code"`
			Path    string `json:"path"`
			Excerpt string `json:"excerpt"`
		} `json:"problems"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &results))
	require.Len(t, results, 1)
	assert.Equal(t, "invalid", results[0].Status)
	require.Len(t, results[0].Problems, 2)
	assert.Equal(t, "bad-email", results[0].Problems[0].Code)
	assert.Equal(t, "referrer.email", results[0].Problems[0].Path)
	assert.Empty(t, results[0].Problems[0].Excerpt, "source lines may hold personal details")
}

func TestSchemaCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "referral", args: []string{"schema", "referral"}, code: 0, stdout: `"$schema": "https://json-schema.org/draft/2020-12/schema"`},
		{name: "unknown name", args: []string{"schema", "nope"}, code: 2, stderr: `there is no schema "nope": choose `},
		{name: "no name", args: []string{"schema"}, code: 2, stderr: "schema needs one name"},
		{name: "help", args: []string{"schema", "--help"}, code: 0, stdout: "pathway schema NAME"},
		{name: "completion of names", args: []string{"__complete", "schema", ""}, code: 0, stdout: "referral"},
		{name: "shell completion script", args: []string{"completion", "bash"}, code: 0, stdout: "bash completion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", errOut)
			assert.Contains(t, out, tt.stdout)
			assert.Contains(t, errOut, tt.stderr)
		})
	}
	_, out, _ := runCLI(t, "", "schema", "referral")
	var schema map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &schema), "the schema is JSON")
}
