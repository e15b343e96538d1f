// Package golden compares what a test produced with a golden file kept
// beside the test, and rewrites golden files when asked: run the tests
// with PATHWAY_UPDATE_GOLDEN=1 (any package), or with -update (a package
// whose tests use this one), then review the diff before committing it.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite golden files with what the code produces")

// Updating reports whether golden files are being rewritten.
func Updating() bool { return *update || os.Getenv("PATHWAY_UPDATE_GOLDEN") != "" }

// Check compares got with the file at path, or writes got there when
// golden files are being rewritten.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "no golden file %s: run the test with -update (or PATHWAY_UPDATE_GOLDEN=1)", path)
	assert.Equal(t, string(want), string(got), "%s is out of date: rerun with -update and review the diff", path)
}
