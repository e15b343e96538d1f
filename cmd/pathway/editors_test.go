package main

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// repo is the repository's root, from this package's folder.
const repo = "../.."

// ruleFileSchemas maps each kind of rule file to its schema in docs/schemas.
var ruleFileSchemas = map[string]string{
	"pack.yaml":         "pack.schema.json",
	"eligibility.yaml":  "eligibility.schema.json",
	"programmes.yaml":   "programmes.schema.json",
	"safeguarding.yaml": "safeguarding.schema.json",
	"outcomes.yaml":     "outcomes.schema.json",
}

// editedFiles lists the rule files and scenario files people edit, by path
// from the repository's root, each with the schema it must name: every
// rule file of the packs under rules/ and of the draft packs in
// impact/testdata, and every scenario file under scenarios/. (The broken
// and hostile packs in testdata are fixtures of mistakes, at fixed lines:
// they carry no modeline.)
func editedFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, dir := range []string{"rules", "impact/testdata/current", "impact/testdata/stricter", "scenarios"} {
		err := filepath.WalkDir(filepath.Join(repo, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(repo, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			switch {
			case strings.HasPrefix(rel, "scenarios/") && strings.HasSuffix(rel, ".yaml"):
				files[rel] = "scenario.schema.json"
			case ruleFileSchemas[d.Name()] != "":
				files[rel] = ruleFileSchemas[d.Name()]
			}
			return nil
		})
		require.NoError(t, err)
	}
	require.Greater(t, len(files), 20)
	return files
}

// Every rule file and scenario file starts with the YAML language server's
// modeline, naming its own kind's schema by a relative path that leads to
// it.
func TestModelines(t *testing.T) {
	for file, schema := range editedFiles(t) {
		t.Run(file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(repo, file))
			require.NoError(t, err)
			defer f.Close()
			sc := bufio.NewScanner(f)
			require.True(t, sc.Scan())
			first := sc.Text()
			target, ok := strings.CutPrefix(first, "# yaml-language-server: $schema=")
			require.True(t, ok, "the first line is not a schema modeline: %q", first)
			assert.Equal(t, schema, path.Base(target), "the modeline names another kind's schema")
			resolved := path.Join(path.Dir(file), target)
			assert.Equal(t, "docs/schemas/"+schema, resolved, "the relative path leads elsewhere")
			_, err = os.Stat(filepath.Join(repo, filepath.FromSlash(resolved)))
			assert.NoError(t, err, "the schema the modeline names does not exist")
		})
	}
}

// .vscode/settings.json maps each kind of rule file, and scenario files, to
// its schema: every file people edit is matched by exactly one pattern, the
// one for its own schema, and every schema named exists.
func TestVSCodeSettings(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repo, ".vscode", "settings.json"))
	require.NoError(t, err)
	var settings struct {
		Schemas map[string][]string `json:"yaml.schemas"`
	}
	require.NoError(t, json.Unmarshal(data, &settings))
	require.Len(t, settings.Schemas, len(ruleFileSchemas)+1)
	for schema := range settings.Schemas {
		_, err := os.Stat(filepath.Join(repo, filepath.FromSlash(schema)))
		assert.NoError(t, err, "%s does not exist", schema)
	}
	for file, want := range editedFiles(t) {
		if !strings.HasPrefix(file, "rules/") && !strings.HasPrefix(file, "scenarios/") {
			continue // draft packs in testdata rely on their modelines
		}
		t.Run(file, func(t *testing.T) {
			var matched []string
			for schema, globs := range settings.Schemas {
				for _, g := range globs {
					if globMatch(g, file) {
						matched = append(matched, path.Base(schema))
					}
				}
			}
			assert.Equal(t, []string{want}, matched)
		})
	}
	for _, tt := range []struct {
		glob, file string
		match      bool
	}{
		{"rules/**/pack.yaml", "rules/kent/2022-08/pack.yaml", true},
		{"rules/**/pack.yaml", "rules/pack.yaml", true},
		{"rules/**/pack.yaml", "rules/kent/2022-08/eligibility.yaml", false},
		{"scenarios/**/*.yaml", "scenarios/kent/actions.yaml", true},
		{"scenarios/**/*.yaml", "rules/kent/actions.yaml", false},
	} {
		assert.Equal(t, tt.match, globMatch(tt.glob, tt.file), "%s against %s", tt.file, tt.glob)
	}
}

// globMatch matches a path against a glob as the YAML extension does, for
// the globs settings.json uses: "**" stands for any number of folders.
func globMatch(glob, name string) bool {
	gparts, nparts := strings.Split(glob, "/"), strings.Split(name, "/")
	var match func(g, n []string) bool
	match = func(g, n []string) bool {
		switch {
		case len(g) == 0:
			return len(n) == 0
		case g[0] == "**":
			for i := 0; i <= len(n); i++ {
				if match(g[1:], n[i:]) {
					return true
				}
			}
			return false
		case len(n) == 0:
			return false
		}
		ok, err := path.Match(g[0], n[0])
		return err == nil && ok && match(g[1:], n[1:])
	}
	return match(gparts, nparts)
}

// The lint task of .vscode/tasks.json reads lint's gcc format with the same
// pattern as VS Code's $gcc problem matcher, which the tests check the
// format against.
func TestVSCodeLintTask(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repo, ".vscode", "tasks.json"))
	require.NoError(t, err)
	var tasks struct {
		Tasks []struct {
			Label          string `json:"label"`
			Command        string `json:"command"`
			ProblemMatcher struct {
				Pattern struct {
					Regexp string `json:"regexp"`
				} `json:"pattern"`
			} `json:"problemMatcher"`
		} `json:"tasks"`
	}
	require.NoError(t, json.Unmarshal(data, &tasks))
	found := false
	for _, task := range tasks.Tasks {
		if strings.Contains(task.Command, "lint --format gcc") {
			found = true
			assert.Equal(t, gccMatcher.String(), task.ProblemMatcher.Pattern.Regexp)
		}
	}
	assert.True(t, found, "no task runs lint --format gcc")
}
