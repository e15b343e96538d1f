package safeguarding_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/safeguarding"
)

// Each testdata/bad/NAME.yaml holds mistakes; NAME.golden is every problem
// Read reports, rendered for people and compactly.
func TestDiagnosticsGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			p, problems := safeguarding.Read(filepath.ToSlash(file), data)
			require.NotNil(t, p, "Read gives what it could read, with the problems")
			require.True(t, problems.HasErrors())
			var b strings.Builder
			require.NoError(t, problems.Text(&b))
			b.WriteString("\n--- compact ---\n")
			require.NoError(t, problems.WriteCompact(&b))
			golden.Check(t, strings.TrimSuffix(file, ".yaml")+".golden", []byte(b.String()))
			for _, d := range problems {
				assert.NotZero(t, d.Range.Start.Line, "every problem has a line: %s", d.Compact())
			}
		})
	}
}
