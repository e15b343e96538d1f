package studio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/scenario"
)

// scenarios is the scenario suite run against every draft. Its files are
// read again for every run, so a scenario file changed on disk counts at
// once.
type scenarios struct {
	root *os.Root
	fsys fs.FS  // the folder scenario files are read within
	name string // the scenario file or folder, in fsys
}

// openScenarios finds the scenario files named by name (a file or folder
// inside root) within root.
func openScenarios(root, name string) (*scenarios, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("cannot find the folder %s: %w", root, err)
	}
	rel := name
	if filepath.IsAbs(name) {
		if rel, err = filepath.Rel(absRoot, name); err != nil {
			return nil, fmt.Errorf("the scenarios %s must be inside %s", name, absRoot)
		}
	}
	rel = filepath.Clean(rel)
	if !filepath.IsLocal(rel) {
		return nil, fmt.Errorf("the scenarios %s must be inside the current folder, %s, where the referral files they name are read", name, absRoot)
	}
	r, err := os.OpenRoot(absRoot)
	if err != nil {
		return nil, fmt.Errorf("cannot open the folder %s: %w", absRoot, cause(err))
	}
	s := &scenarios{root: r, fsys: r.FS(), name: filepath.ToSlash(rel)}
	found, err := scenario.Find(s.fsys, s.name)
	if err != nil || len(found) == 0 {
		r.Close()
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("the scenarios %s do not exist", name)
	case err != nil:
		return nil, fmt.Errorf("cannot read the scenarios %s: %w", name, cause(err))
	case len(found) == 0:
		return nil, fmt.Errorf("the folder %s holds no scenario files (.yaml)", name)
	}
	return s, nil
}

// scenarioReport is the scenario panel: the results of every case,
// failures first, or why the cases could not run.
type scenarioReport struct {
	// State is "ran", "none" (no scenarios), "waiting" (the draft has
	// problems) or "broken" (the scenario files have problems).
	State    string           `json:"state"`
	Message  string           `json:"message,omitempty"`
	Passed   int              `json:"passed"`
	Failed   int              `json:"failed"`
	Results  []scenarioResult `json:"results"`
	Problems []problem        `json:"problems"`
}

// scenarioResult is one case. It holds ids, decisions and the case's own
// words, never a referral's answers.
type scenarioResult struct {
	Name       string              `json:"name"`
	Where      string              `json:"where"`
	Passed     bool                `json:"passed"`
	Error      string              `json:"error,omitempty"`
	Decision   string              `json:"decision,omitempty"`
	Mismatches []scenario.Mismatch `json:"mismatches,omitempty"`
	// Invalid lists, for an invalid referral, the answers with problems.
	Invalid []string `json:"invalid,omitempty"`
}

// run runs the suite against the draft pack.
func (s *scenarios) run(ctx context.Context, draft *pathway.Pack) scenarioReport {
	rep := scenarioReport{State: "ran", Results: []scenarioResult{}, Problems: []problem{}}
	names, err := scenario.Find(s.fsys, s.name)
	if err != nil || len(names) == 0 {
		rep.State, rep.Message = "broken", "The scenario files can no longer be found in "+s.name+"."
		return rep
	}
	files, err := scenario.LoadAll(s.fsys, names, scenario.WithPack(draft))
	if err != nil {
		rep.State = "broken"
		rep.Message = "The scenario files have problems, so no case was run. A scenario that names a rule the draft no longer has is one of them."
		for _, d := range diag.From(err) {
			rep.Problems = append(rep.Problems, newProblem(d, d.Range.File))
		}
		return rep
	}
	for _, res := range scenario.Run(ctx, files, nil) {
		r := scenarioResult{Name: res.Case.Name, Where: res.Case.Where(), Passed: res.Passed(), Mismatches: res.Mismatches}
		if res.Err != nil {
			r.Error = res.Err.Error()
		}
		if a := res.Assessment; a != nil {
			r.Decision = string(a.Decision)
			if a.Decision == pathway.Invalid {
				for _, d := range a.Problems {
					r.Invalid = append(r.Invalid, d.Path)
				}
			}
		}
		if r.Passed {
			rep.Passed++
		} else {
			rep.Failed++
		}
		rep.Results = append(rep.Results, r)
	}
	slices.SortStableFunc(rep.Results, func(a, b scenarioResult) int {
		switch {
		case a.Passed == b.Passed:
			return 0
		case !a.Passed:
			return -1
		}
		return 1
	})
	return rep
}
