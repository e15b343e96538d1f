package scenario

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
)

// Test runs the scenario files of fsys that match patterns (fs.Glob
// patterns; a folder stands for every .yaml file under it) as Go subtests:
// one per file, and inside it one per case. pack serves the files that name
// a pack by name or none (see WithPack); nil means the embedded default.
// Problems in the files fail the test at once, each with its file:line:col.
// It returns the coverage the cases reached, for a test to assert on:
//
//	func TestScenarios(t *testing.T) {
//		root, err := os.OpenRoot(".") // nothing outside it is read, links included
//		require.NoError(t, err)
//		defer root.Close()
//		cov := scenario.Test(t, pathway.Default(), root.FS(), "scenarios/kent")
//		assert.Equal(t, 100.0, cov.Percent(), "uncovered: %v", cov.Uncovered())
//	}
func Test(t *testing.T, pack *pathway.Pack, fsys fs.FS, patterns ...string) *Coverage {
	t.Helper()
	cov := NewCoverage()
	names, err := Find(fsys, patterns...)
	if err != nil {
		t.Fatalf("scenario files: %v", err)
		return cov
	}
	var opts []Option
	if pack != nil {
		opts = append(opts, WithPack(pack))
	}
	files, err := LoadAll(fsys, names, opts...)
	if err != nil {
		var b strings.Builder
		_ = diag.From(err).Text(&b)
		t.Fatalf("the scenario files have problems:\n\n%s", b.String())
		return cov
	}
	for _, f := range files {
		cov.Track(f.Pack)
		t.Run(f.Name, func(t *testing.T) {
			for _, c := range f.Cases {
				t.Run(c.Name, func(t *testing.T) {
					res := c.Run(t.Context())
					cov.Add(c.pack, c.referral, res.Assessment)
					if !res.Passed() {
						var b strings.Builder
						_ = res.WriteText(&b)
						t.Error("\n" + b.String())
					}
				})
			}
		})
	}
	return cov
}

// Find lists the scenario files of fsys that match patterns: fs.Glob
// patterns, where a matching folder stands for every .yaml and .yml file
// under it (except rule pack folders, which hold pack.yaml), in lexical
// order. A pattern that matches nothing is an error.
func Find(fsys fs.FS, patterns ...string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		matches, err := fs.Glob(fsys, p)
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return nil, &fs.PathError{Op: "find", Path: p, Err: fs.ErrNotExist}
		}
		for _, m := range matches {
			info, err := fs.Stat(fsys, m)
			if err != nil {
				return nil, err
			}
			if !info.IsDir() {
				out = append(out, m)
				continue
			}
			err = fs.WalkDir(fsys, m, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() && p != m {
					// A rule pack version's folder holds rule files, not scenarios.
					if _, err := fs.Stat(fsys, path.Join(p, pathway.ManifestFile)); err == nil {
						return fs.SkipDir
					}
				}
				if !d.IsDir() && (path.Ext(p) == ".yaml" || path.Ext(p) == ".yml") {
					out = append(out, p)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
