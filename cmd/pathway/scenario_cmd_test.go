package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runPathway runs the command line and returns its exit status and output.
func runPathway(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestTestCommand(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // substrings
		stderr     []string
		lastLine   string
		goldenFile string
	}{
		{name: "the kent suite passes with full coverage", args: []string{"test", "--root", "../..", "--coverage", "--min-coverage", "100", "../../scenarios/kent"},
			code: 0, stdout: []string{"Rule coverage: 35 of 35 rules seen both to pass and to fail (100.0%)."}, lastLine: "127 passed, 0 failed"},
		{name: "failures are listed with file:line", args: []string{"test", "--root", "../..", "../../scenario/testdata/failing/cases.yaml"},
			code: 1, lastLine: "1 passed, 4 failed", goldenFile: "failing.golden"},
		{name: "coverage below the minimum fails", args: []string{"test", "--root", "../..", "--min-coverage", "50", "../../scenarios/kent/versions.yaml"},
			code: 1, stderr: []string{"below --min-coverage 50%"}, lastLine: "8 passed, 0 failed"},
		{name: "broken scenario files exit 2 with every problem", args: []string{"test", "--root", "../..", "../../scenario/testdata/broken/ids.yaml", "../../scenario/testdata/broken/keys.yaml"},
			code: 2, stderr: []string{"ids.yaml line 6, column 16", "keys.yaml line 1, column 7", `Did you mean "kent"?`, "no case was run"}},
		{name: "a missing file is a usage error", args: []string{"test", "no-such.yaml"}, code: 2, stderr: []string{"no such file or folder"}},
		{name: "a bad --min-coverage", args: []string{"test", "--min-coverage", "101", "x.yaml"}, code: 2},
		{name: "a draft pack with --rules", args: []string{"test", "--root", "../..", "--rules", "../../impact/testdata/stricter", "../../scenarios/kent/eligibility-2022-08.yaml"},
			code: 1, stdout: []string{"FAIL ../../scenarios/kent/eligibility-2022-08.yaml:", "manageable mental health"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runPathway(t, "", tt.args...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			for _, s := range tt.stdout {
				assert.Contains(t, stdout, s)
			}
			for _, s := range tt.stderr {
				assert.Contains(t, stderr, s)
			}
			if tt.lastLine != "" {
				lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
				assert.Equal(t, tt.lastLine, lines[len(lines)-1], "the run ends with the count alone on a line")
			}
			if tt.goldenFile != "" {
				checkGolden(t, filepath.Join("test", tt.goldenFile), stdout)
			}
		})
	}
}

func TestTestCommandJSON(t *testing.T) {
	code, stdout, _ := runPathway(t, "", "test", "--root", "../..", "--format", "json", "--coverage", "../../scenario/testdata/failing/cases.yaml")
	assert.Equal(t, 1, code)
	var rep struct {
		Passed, Failed int
		Results        []struct {
			File     string
			Line     int
			Name     string
			Passed   bool
			Decision string
		}
		Coverage struct {
			Percent float64
			Total   int
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 1, rep.Passed)
	assert.Equal(t, 4, rep.Failed)
	require.Len(t, rep.Results, 5)
	assert.Equal(t, 7, rep.Results[1].Line)
	assert.Equal(t, "ineligible", rep.Results[1].Decision)
	assert.Equal(t, 35, rep.Coverage.Total)
}

func TestCheckJSONL(t *testing.T) {
	good, err := os.ReadFile("../../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(good, &m))
	var lines []string
	for _, id := range []string{"A", "B", "C"} {
		m["id"] = id
		data, err := json.Marshal(m)
		require.NoError(t, err)
		lines = append(lines, string(data))
	}
	input := lines[0] + "\n{broken\n" + lines[1] + "\n\n" + lines[2] + "\n"
	path := filepath.Join(t.TempDir(), "in.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(input), 0o644))

	for _, src := range []struct{ name, arg, stdin string }{{"a file", path, ""}, {"standard input", "-", input}} {
		t.Run(src.name, func(t *testing.T) {
			code, stdout, stderr := runPathway(t, src.stdin, "check", "--jsonl", src.arg)
			assert.Equal(t, 1, code, "a malformed line makes the run exit 1")
			assert.Empty(t, stderr, "no progress bar outside a terminal")
			var got []string
			for _, l := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
				var a struct{ Referral, Decision string }
				require.NoError(t, json.Unmarshal([]byte(l), &a))
				got = append(got, a.Referral+" "+a.Decision)
			}
			assert.Equal(t, []string{"A eligible", "line 2 invalid", "B eligible", "C eligible"}, got)
		})
	}
	code, _, stderr := runPathway(t, "", "check", "--jsonl", "--format", "text", path)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--jsonl writes JSON Lines")
}

func TestImpactCommand(t *testing.T) {
	data, err := os.ReadFile("../../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m["id"] = "KR-TEST-1"
	m["subject"].(map[string]any)["mentalHealth"] = "manageable"
	data, err = json.Marshal(m)
	require.NoError(t, err)
	moved := filepath.Join(t.TempDir(), "manageable.json")
	require.NoError(t, os.WriteFile(moved, data, 0o644))

	code, stdout, stderr := runPathway(t, "", "impact", "--from", "../../impact/testdata/current", "--to", "../../impact/testdata/stricter",
		"--format", "json", "../../examples/referrals/hr-eligible.json", moved, "../../examples/referrals/cobi-eligible.json")
	require.Equal(t, 0, code, stderr)
	// Only the referral with manageable mental health moves.
	assert.JSONEq(t, `{"total": 3, "changed": 1, "invalid": 0, "invalidEntries": [], "transitions": [
		{"from": "eligible", "to": "ineligible", "count": 1, "referrals": ["KR-TEST-1"],
		 "movedBy": {"KR-TEST-1": ["mental-health-manageable"]}}],
		"titles": {"mental-health-manageable": "Mental health is, or can be, managed"}}`, stdout)

	jsonl := filepath.Join(t.TempDir(), "corpus.jsonl")
	require.NoError(t, os.WriteFile(jsonl, append(append(data, '\n'), []byte("not a referral\n")...), 0o644))
	code, stdout, _ = runPathway(t, "", "impact", "--from", "../../impact/testdata/current", "--to", "../../impact/testdata/stricter", jsonl)
	assert.Equal(t, 1, code, "a line that is not a referral makes the run exit 1")
	assert.Contains(t, stdout, "2 referral(s) assessed under both packs; 1 would change.")
	assert.Contains(t, stdout, "eligible → ineligible: 1\n  KR-TEST-1: moved by Mental health is, or can be, managed (mental-health-manageable)\n")
	assert.Contains(t, stdout, "Not referrals: 1\n  "+jsonl+":2: Not a referral [not-a-referral]\n")

	code, _, _ = runPathway(t, "", "impact", "--to", "../../impact/testdata/stricter", "x.json")
	assert.Equal(t, 2, code, "--from is required")
}

func TestDocsCommand(t *testing.T) {
	code, stdout, _ := runPathway(t, "", "docs")
	require.Equal(t, 0, code)
	want, err := os.ReadFile("../../docs/kent.md")
	require.NoError(t, err)
	assert.Equal(t, string(want), stdout, "docs/kent.md is out of date: run go test ./policydoc -update")
}

// Every schema the command prints is published in docs/schemas as it
// prints it.
func TestSchemaCommands(t *testing.T) {
	require.NotEmpty(t, schemas)
	for name := range schemas {
		t.Run(name, func(t *testing.T) {
			code, stdout, _ := runPathway(t, "", "schema", name)
			require.Equal(t, 0, code)
			want, err := os.ReadFile(filepath.Join("../../docs/schemas", name+".schema.json"))
			require.NoError(t, err, "publish it: pathway schema %s > docs/schemas/%s.schema.json", name, name)
			assert.Equal(t, string(want), stdout, "docs/schemas/%s.schema.json is out of date: pathway schema %s > docs/schemas/%s.schema.json", name, name, name)
		})
	}
}

// test --format junit writes a JUnit XML report and nothing else on
// standard output; the count (and, with --coverage, the coverage) goes to
// standard error.
func TestTestCommandJUnit(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		tests  int
		fails  int
		stderr []string
	}{
		{name: "failures", args: []string{"../../scenario/testdata/failing/cases.yaml"}, code: 1, tests: 5, fails: 4, stderr: []string{"1 passed, 4 failed\n"}},
		{name: "a passing suite with coverage", args: []string{"--coverage", "../../scenarios/kent/versions.yaml"}, code: 0, tests: 8,
			stderr: []string{"Rule coverage:", "8 passed, 0 failed\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runPathway(t, "", append([]string{"test", "--root", "../..", "--format", "junit"}, tt.args...)...)
			assert.Equal(t, tt.code, code, stderr)
			require.True(t, strings.HasPrefix(stdout, `<?xml version="1.0" encoding="UTF-8"?>`), stdout)
			var rep struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
				Errors   int `xml:"errors,attr"`
				Suites   []struct {
					Name  string `xml:"name,attr"`
					Cases []struct {
						Classname string `xml:"classname,attr"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			require.NoError(t, xml.Unmarshal([]byte(stdout), &rep))
			assert.Equal(t, tt.tests, rep.Tests)
			assert.Equal(t, tt.fails, rep.Failures+rep.Errors)
			for _, s := range rep.Suites {
				for _, c := range s.Cases {
					assert.Equal(t, s.Name, c.Classname)
				}
			}
			for _, s := range tt.stderr {
				assert.Contains(t, stderr, s)
			}
		})
	}
	code, stdout, _ := runPathway(t, "", "test", "--root", "../..", "--format", "junit", "../../scenario/testdata/failing/cases.yaml")
	require.Equal(t, 1, code)
	checkGolden(t, filepath.Join("test", "failing-junit.golden"), regexp.MustCompile(`time="[0-9.]+"`).ReplaceAllString(stdout, `time="0.000"`))
}
