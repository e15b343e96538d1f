package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
