package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/schematest"
)

func TestLintCommand(t *testing.T) {
	const broken = "../../testdata/broken/"
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"embedded", []string{"lint"}, 0},
		{"kent-folder", []string{"lint", "../../rules/kent"}, 0},
		{"one-version-folder", []string{"lint", "../../rules/kent/2022-08"}, 0},
		{"many-problems", []string{"lint", broken + "many-problems"}, 1},
		{"many-problems-text", []string{"lint", "--format", "text", broken + "many-problems"}, 1},
		{"overlapping", []string{"lint", broken + "overlapping-versions"}, 1},
		{"not-a-folder", []string{"lint", "no-such-folder"}, 2},
		{"not-a-pack", []string{"lint", "testdata"}, 2},
		{"bad-format", []string{"lint", "--format", "xml"}, 2},
		{"many-problems-gcc", []string{"lint", "--format", "gcc", broken + "many-problems"}, 1},
		{"many-problems-sarif", []string{"lint", "--format", "sarif", broken + "many-problems"}, 1},
		{"everything-at-once-sarif", []string{"lint", "--format", "sarif", broken + "everything-at-once"}, 1},
		{"embedded-sarif", []string{"lint", "--format", "sarif"}, 0},
		{"embedded-gcc", []string{"lint", "--format", "gcc"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", stderr)
			checkGolden(t, filepath.Join("lint", tt.name+".golden"), "exit "+itoa(code)+"\n--- stdout\n"+stdout+"--- stderr\n"+stderr)
		})
	}
}

func TestLintJSON(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "lint", "--format", "json", "../../testdata/broken/many-problems")
	require.Equal(t, 1, code)
	var problems []map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &problems))
	require.Len(t, problems, 4)
	for _, p := range problems {
		assert.Equal(t, "error", p["severity"])
		assert.NotEmpty(t, p["code"])
		assert.NotEmpty(t, p["range"])
	}
}

// The SARIF log of every broken pack follows the SARIF 2.1.0 schema, names
// each file by a relative path, and has a result for each problem.
func TestLintSARIF(t *testing.T) {
	schema := sarifSchema(t)
	dirs, err := filepath.Glob("../../testdata/broken/*/")
	require.NoError(t, err)
	abs, err := filepath.Abs("../../testdata/broken/many-problems")
	require.NoError(t, err)
	for _, dir := range append(dirs, "../../rules/kent", abs) {
		info, err := os.Stat(dir)
		require.NoError(t, err)
		if !info.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, want, _ := runCLI(t, "", "lint", "--format", "json", dir)
			var problems []map[string]any
			require.NoError(t, json.Unmarshal([]byte(want), &problems))

			code, stdout, stderr := runCLI(t, "", "lint", "--format", "sarif", dir)
			assert.Equal(t, min(len(problems), 1), code)
			assert.Empty(t, stderr, "nothing but the log")
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
			require.NoError(t, err)
			require.NoError(t, schema.Validate(doc), "not SARIF 2.1.0:\n%s", stdout)
			var log struct {
				Runs []struct {
					Tool struct {
						Driver struct {
							Name string `json:"name"`
						} `json:"driver"`
					} `json:"tool"`
					Results []struct {
						Level     string `json:"level"`
						Locations []struct {
							PhysicalLocation struct {
								ArtifactLocation struct {
									URI string `json:"uri"`
								} `json:"artifactLocation"`
							} `json:"physicalLocation"`
						} `json:"locations"`
					} `json:"results"`
				} `json:"runs"`
			}
			require.NoError(t, json.Unmarshal([]byte(stdout), &log))
			require.Len(t, log.Runs, 1)
			assert.Equal(t, "pathway", log.Runs[0].Tool.Driver.Name)
			require.Len(t, log.Runs[0].Results, len(problems))
			for _, r := range log.Runs[0].Results {
				assert.Contains(t, []string{"error", "warning"}, r.Level)
				require.Len(t, r.Locations, 1)
				uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI
				assert.False(t, strings.HasPrefix(uri, "/") || strings.Contains(uri, "://"), "%s is not a relative path", uri)
			}
		})
	}
}

// gccMatcher is VS Code's $gcc problem matcher's pattern, as the C/C++
// extension (ms-vscode.cpptools) defines it: 1 file, 2 line, 3 column, 4
// severity, 5 message.
var gccMatcher = regexp.MustCompile(`^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$`)

// Each line of lint --format gcc is a problem the $gcc problem matcher
// reads at the same file, line and column as the JSON output gives; the
// compact format, with its JSON path before the severity, is not.
func TestLintGCCProblemMatcher(t *testing.T) {
	dirs, err := filepath.Glob("../../testdata/broken/*/")
	require.NoError(t, err)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, want, _ := runCLI(t, "", "lint", "--format", "json", dir)
			var problems []struct {
				Severity string `json:"severity"`
				Code     string `json:"code"`
				Summary  string `json:"summary"`
				Range    struct {
					File  string `json:"file"`
					Start struct{ Line, Column int }
				} `json:"range"`
			}
			require.NoError(t, json.Unmarshal([]byte(want), &problems))
			code, stdout, _ := runCLI(t, "", "lint", "--format", "gcc", dir)
			assert.Equal(t, 1, code)
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			require.Len(t, lines, len(problems))
			for i, p := range problems {
				m := gccMatcher.FindStringSubmatch(lines[i])
				require.NotNil(t, m, "$gcc does not read %q", lines[i])
				assert.Equal(t, p.Range.File, m[1])
				assert.Equal(t, strconv.Itoa(p.Range.Start.Line), m[2])
				assert.Equal(t, strconv.Itoa(p.Range.Start.Column), m[3])
				assert.Equal(t, p.Severity, m[4])
				assert.True(t, strings.HasPrefix(m[5], p.Summary), m[5])
				assert.True(t, strings.HasSuffix(m[5], "["+p.Code+"]"), m[5])
			}
		})
	}
}

// sarifSchema compiles the SARIF 2.1.0 JSON Schema kept in
// diag/testdata/sarif (see its README.md).
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return schematest.File(t, "../../diag/testdata/sarif/sarif-2.1.0-rtm.5.json")
}
