package pathway_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/golden"
)

// TestBrokenPacks renders the diagnostics of each kind of rule-file mistake
// and compares them, whole, with golden files.
func TestBrokenPacks(t *testing.T) {
	dirs, err := filepath.Glob("testdata/broken/*")
	require.NoError(t, err)
	require.NotEmpty(t, dirs)
	for _, dir := range dirs {
		info, err := os.Stat(dir)
		require.NoError(t, err)
		if !info.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			_, err := pathway.Load(os.DirFS(dir), pathway.NamedAs(dir))
			require.Error(t, err)
			var l diag.List
			require.True(t, errors.As(err, &l), "a broken pack's error is a diag.List")
			var b bytes.Buffer
			require.NoError(t, l.Text(&b))
			b.WriteString("\n--- compact ---\n")
			require.NoError(t, l.WriteCompact(&b))
			for _, d := range l {
				assert.NotRegexp(t, `\b(int|string|bool|float64|struct|time\.Time|main\.|engine\.|referral\.)\b`, d.Summary+" "+d.Detail, "no Go names reach policy staff")
				assert.NotEmpty(t, d.Code)
				assert.NotZero(t, d.Range.Start.Line, "every rule-file problem has a line: %s", d.Compact())
			}
			golden.Check(t, dir+".golden", b.Bytes())
		})
	}
}

func TestManyProblemsReportedAtOnce(t *testing.T) {
	_, err := pathway.Load(os.DirFS("testdata/broken/many-problems"))
	l := diag.From(err)
	codes := map[string]bool{}
	for _, d := range l {
		codes[d.Code] = true
	}
	assert.True(t, codes["unknown-field"] && codes["bad-enum"] && codes["function-not-allowed"] && codes["bad-id"], "%v", l)
}

func TestLoadNotAPack(t *testing.T) {
	_, err := pathway.Load(fstest.MapFS{"readme.txt": {Data: []byte("hello")}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a rule pack")
}

// FuzzLoad loads arbitrary eligibility and programmes files: whatever they
// hold, loading must not panic, and must either succeed or explain itself.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"rules/kent/2022-08/eligibility.yaml", "testdata/broken/block-scalar/2024-01/eligibility.yaml",
		"testdata/broken/many-problems/2024-01/eligibility.yaml", "testdata/broken/yaml-syntax/2024-01/eligibility.yaml"} {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(data, []byte(nil))
	}
	progs, err := os.ReadFile("rules/kent/2022-08/programmes.yaml")
	require.NoError(f, err)
	elig, err := os.ReadFile("rules/kent/2022-08/eligibility.yaml")
	require.NoError(f, err)
	f.Add(elig, progs)
	f.Add([]byte("criteria:\n  - {id: a, title: t, description: d, source: s, because: b, when: 'any(victims, any(victims, any(victims, true)))'}"), []byte(nil))
	manifest, err := os.ReadFile("testdata/broken/unknown-key/2024-01/pack.yaml")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, eligibility, programmes []byte) {
		fsys := fstest.MapFS{
			"v/pack.yaml":        {Data: manifest},
			"v/eligibility.yaml": {Data: eligibility},
		}
		if programmes != nil {
			fsys["v/programmes.yaml"] = &fstest.MapFile{Data: programmes}
		}
		p, err := pathway.Load(fsys)
		if err != nil {
			l := diag.From(err)
			require.NotEmpty(t, l)
			for _, d := range l {
				require.NotEmpty(t, strings.TrimSpace(d.Summary))
			}
			return
		}
		require.NotNil(t, p)
	})
}

// TestEveryFileIsCheckedWhateverElseIsWrong holds Load to reporting every
// mistake in one run: a bad date in pack.yaml hides nothing, and an id used
// twice is found though each copy has a mistake of its own.
func TestEveryFileIsCheckedWhateverElseIsWrong(t *testing.T) {
	_, err := pathway.Load(os.DirFS("testdata/broken/everything-at-once"))
	var codes []string
	for _, d := range diag.From(err) {
		codes = append(codes, d.Code)
	}
	assert.ElementsMatch(t, []string{"bad-date", "unknown-name", "bad-enum", "duplicate-id", "unknown-criterion"}, codes)
}

// TestLoadIsDeterministic loads packs with mistakes in several files and
// versions again and again: the versions and files are compiled
// concurrently, and their problems must still come out the same, in the
// same order, every time.
func TestLoadIsDeterministic(t *testing.T) {
	for _, dir := range []string{"testdata/broken/everything-at-once", "testdata/broken/overlapping-versions", "testdata/broken/many-problems"} {
		_, err := pathway.Load(os.DirFS(dir))
		require.Error(t, err, dir)
		for range 20 {
			_, again := pathway.Load(os.DirFS(dir))
			require.Equal(t, err.Error(), again.Error(), dir)
		}
	}
}
