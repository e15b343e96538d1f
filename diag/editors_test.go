package diag_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/schematest"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/golden"
)

// sarifSchema compiles the SARIF 2.1.0 JSON Schema kept in testdata (see
// testdata/sarif/README.md).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return schematest.File(t, "testdata/sarif/sarif-2.1.0-rtm.5.json")
}

// editorProblems are problems of every shape an editor may be given.
var editorProblems = map[string]diag.List{
	"none": {},
	"one error with a range": {{Severity: diag.Error, Code: "bad-enum", Summary: `"fine" is not one of the answers subject.mentalHealth can have`,
		Detail: `subject.mentalHealth is one of "none", "managed", "manageable" or "unmanaged".` + "\n" + `Did you mean "none"?`,
		Path:   "criteria[1].when", Range: diag.Range{File: "rules/draft/2024-01/eligibility.yaml", Start: diag.Pos{Line: 12, Column: 35}, End: diag.Pos{Line: 12, Column: 41}}}},
	"a warning at a point": {{Severity: diag.Warning, Code: "free-text", Summary: "freeText for a role that sees victims' details",
		Range: diag.Range{File: "rules/draft/2024-01/safeguarding.yaml", Start: diag.Pos{Line: 40, Column: 3}}}},
	"a range over lines": {{Severity: diag.Error, Code: "not-boolean", Summary: "The condition is not true or false",
		Range: diag.Range{File: "rules/draft/2024-01/eligibility.yaml", Start: diag.Pos{Line: 7, Column: 11}, End: diag.Pos{Line: 9, Column: 2}}}},
	"a file without a position": {{Severity: diag.Error, Code: "missing-file", Summary: "The version has no eligibility.yaml",
		Range: diag.Range{File: "rules/draft/2024-01/pack.yaml"}}},
	"no file, only a path": {{Severity: diag.Error, Code: "mixed-packs", Summary: "Versions name different packs", Path: "name"}},
	"no code, no file":     {{Severity: diag.Error, Summary: "Something went wrong"}},
	"odd file names": {
		{Severity: diag.Error, Code: "syntax", Summary: "The file is not valid JSON or YAML", Range: diag.Range{File: "drafts/my pack #2/2024-01/pack.yaml", Start: diag.Pos{Line: 1, Column: 1}}},
		{Severity: diag.Error, Code: "syntax", Summary: "The file is not valid JSON or YAML", Range: diag.Range{File: "/srv/packs/kent/2024-01/pack.yaml", Start: diag.Pos{Line: 2, Column: 4}}},
	},
	"two problems with one code": {
		{Severity: diag.Error, Code: "unknown-key", Summary: `Unknown key "tittle"`, Range: diag.Range{File: "a.yaml", Start: diag.Pos{Line: 3, Column: 5}, End: diag.Pos{Line: 3, Column: 11}}},
		{Severity: diag.Error, Code: "bad-id", Summary: `"X" is not a valid rule id`, Range: diag.Range{File: "a.yaml", Start: diag.Pos{Line: 4, Column: 9}}},
		{Severity: diag.Error, Code: "unknown-key", Summary: `Unknown key "wen"`, Range: diag.Range{File: "b.yaml", Start: diag.Pos{Line: 8, Column: 5}, End: diag.Pos{Line: 8, Column: 8}}},
	},
}

// WriteSARIF writes a log that the SARIF 2.1.0 schema accepts, whatever
// the problems, with one result per problem, its rule among the run's
// rules, its level, message and place.
func TestWriteSARIF(t *testing.T) {
	schema := sarifSchema(t)
	for name, problems := range editorProblems {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, problems.WriteSARIF(&b, diag.Tool{Name: "pathway", Version: "v1.2.3"}))
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
			require.NoError(t, err)
			require.NoError(t, schema.Validate(doc), "the log does not follow the SARIF 2.1.0 schema:\n%s", b.String())

			var log sarifLog
			require.NoError(t, json.Unmarshal(b.Bytes(), &log))
			assert.Equal(t, "2.1.0", log.Version)
			require.Len(t, log.Runs, 1)
			run := log.Runs[0]
			assert.Equal(t, "pathway", run.Tool.Driver.Name)
			assert.Equal(t, "unicodeCodePoints", run.ColumnKind)
			require.Len(t, run.Results, len(problems))
			for i, d := range problems {
				res := run.Results[i]
				assert.Equal(t, run.Tool.Driver.Rules[res.RuleIndex].ID, res.RuleID, "ruleIndex points at its rule")
				assert.Equal(t, d.Severity.String(), res.Level)
				assert.True(t, strings.HasPrefix(res.Message.Text, d.Summary))
				assert.NotContains(t, res.Message.Text, "\n")
				if d.Range.File == "" {
					for _, l := range res.Locations {
						assert.Nil(t, l.PhysicalLocation)
					}
					continue
				}
				require.Len(t, res.Locations, 1)
				p := res.Locations[0].PhysicalLocation
				require.NotNil(t, p)
				if d.Range.Start.IsZero() {
					assert.Nil(t, p.Region)
					continue
				}
				require.NotNil(t, p.Region)
				assert.Equal(t, d.Range.Start.Line, p.Region.StartLine)
				assert.Equal(t, d.Range.Start.Column, p.Region.StartColumn)
				assert.Greater(t, p.Region.EndColumn, p.Region.StartColumn)
			}
			seen := map[string]bool{}
			for _, r := range run.Tool.Driver.Rules {
				assert.False(t, seen[r.ID], "rule %s listed twice", r.ID)
				seen[r.ID] = true
			}
		})
	}
}

func TestWriteSARIFGolden(t *testing.T) {
	var all diag.List
	for _, name := range []string{"one error with a range", "a warning at a point", "a range over lines", "a file without a position",
		"no file, only a path", "odd file names"} {
		all = append(all, editorProblems[name]...)
	}
	var b bytes.Buffer
	require.NoError(t, all.WriteSARIF(&b, diag.Tool{Name: "pathway", Version: "v1.2.3", InformationURI: "https://example.org/pathway"}))
	golden.Check(t, "testdata/sarif.golden", b.Bytes())
}

type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		ColumnKind string `json:"columnKind"`
		Results    []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
						EndColumn   int `json:"endColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

// gccMatcher is the pattern of VS Code's $gcc problem matcher, as the C/C++
// extension (ms-vscode.cpptools) defines it in its package.json, with its
// groups: 1 file, 2 line, 3 column, 4 severity, 5 message. JavaScript's
// lazy and greedy quantifiers mean here what Go's do.
var gccMatcher = regexp.MustCompile(`^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$`)

// Each line GCC writes is read by the $gcc problem matcher as the problem's
// file, line, column, severity and message; a problem with no file is not
// taken for one.
func TestGCCMatchesTheProblemMatcher(t *testing.T) {
	tests := []struct {
		name      string
		d         *diag.Diagnostic
		matches   bool
		file      string
		line, col int
		message   string
	}{
		{name: "a range", d: editorProblems["one error with a range"][0], matches: true, file: "rules/draft/2024-01/eligibility.yaml", line: 12, col: 35,
			message: `"fine" is not one of the answers subject.mentalHealth can have. subject.mentalHealth is one of "none", "managed", "manageable" or "unmanaged". Did you mean "none"? [bad-enum]`},
		{name: "a warning", d: editorProblems["a warning at a point"][0], matches: true, file: "rules/draft/2024-01/safeguarding.yaml", line: 40, col: 3,
			message: "freeText for a role that sees victims' details [free-text]"},
		{name: "a file without a position is at its start", d: editorProblems["a file without a position"][0], matches: true,
			file: "rules/draft/2024-01/pack.yaml", line: 1, col: 1, message: "The version has no eligibility.yaml [missing-file]"},
		{name: "a file name with spaces", d: editorProblems["odd file names"][0], matches: true, file: "drafts/my pack #2/2024-01/pack.yaml", line: 1, col: 1,
			message: "The file is not valid JSON or YAML [syntax]"},
		{name: "an absolute file name", d: editorProblems["odd file names"][1], matches: true, file: "/srv/packs/kent/2024-01/pack.yaml", line: 2, col: 4,
			message: "The file is not valid JSON or YAML [syntax]"},
		{name: "a summary that holds file:line:col", d: &diag.Diagnostic{Severity: diag.Error, Code: "duplicate-id", Summary: `The id "x" is used twice`,
			Detail: "It is already used at a.yaml:3:9: error: as well.", Range: diag.Range{File: "b.yaml", Start: diag.Pos{Line: 7, Column: 9}}},
			matches: true, file: "b.yaml", line: 7, col: 9, message: `The id "x" is used twice. It is already used at a.yaml:3:9: error: as well. [duplicate-id]`},
		{name: "no file", d: editorProblems["no file, only a path"][0], matches: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := tt.d.GCC()
			m := gccMatcher.FindStringSubmatch(line)
			if !tt.matches {
				assert.Nil(t, m, "%q is taken for a problem in a file", line)
				return
			}
			require.NotNil(t, m, "%q does not match $gcc", line)
			assert.Equal(t, tt.file, m[1])
			assert.Equal(t, strconv.Itoa(tt.line), m[2])
			assert.Equal(t, strconv.Itoa(tt.col), m[3])
			assert.Equal(t, tt.d.Severity.String(), m[4])
			assert.Equal(t, tt.message, m[5])
		})
	}
}

// WriteGCC writes one line per problem, and each line of a list with a
// file matches $gcc.
func TestWriteGCC(t *testing.T) {
	var b strings.Builder
	list := editorProblems["two problems with one code"]
	require.NoError(t, list.WriteGCC(&b))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, len(list))
	for _, l := range lines {
		assert.Regexp(t, gccMatcher, l)
	}
	assert.Equal(t, `a.yaml:3:5: error: Unknown key "tittle" [unknown-key]`, lines[0])
}

// The schema check has teeth: a log that breaks SARIF is refused.
func TestSARIFSchemaRefusesBrokenLogs(t *testing.T) {
	schema := sarifSchema(t)
	var b bytes.Buffer
	require.NoError(t, editorProblems["one error with a range"].WriteSARIF(&b, diag.Tool{Name: "pathway"}))
	tests := []struct {
		name, from, to string
	}{
		{"a level SARIF does not have", `"level": "error"`, `"level": "fatal"`},
		{"another version", `"version": "2.1.0"`, `"version": "3.0"`},
		{"a line before the first", `"startLine": 12`, `"startLine": 0`},
		{"a result without a message", `"message": {`, `"note": {`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broken := strings.Replace(b.String(), tt.from, tt.to, 1)
			require.NotEqual(t, b.String(), broken)
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(broken))
			require.NoError(t, err)
			assert.Error(t, schema.Validate(doc))
		})
	}
}
