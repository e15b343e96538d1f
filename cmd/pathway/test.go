package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/scenario"
)

func init() {
	commands = append(commands, newTestCmd)
	schemas["scenario"] = scenario.Schema
}

type testOptions struct {
	rules, format string
	coverage      bool
	minCoverage   float64
}

func newTestCmd() *cobra.Command {
	var o testOptions
	cmd := &cobra.Command{
		Use:   "test [--rules DIR] [--coverage] [--min-coverage N] [--format text|json] FILE|DIR...",
		Short: "Run scenario files: expected decisions, rules, programmes and actions",
		Long: `Test runs scenario files (for a folder, every .yaml file under it). Each case
assesses a referral and compares the decision, the failed and unknown rules,
the missing answers, the programmes offered and the safety actions with what
the case expects. Each failure is printed with the case's file:line, its name,
what was expected and what came; the run ends with the line "N passed, N failed".

With --rules, the pack in DIR serves every scenario file that names a pack by
name (pack: kent) or names none: run a suite against a draft of the rules.

--coverage prints, for every criterion, exclusion, programme condition and
action trigger of every version, how often the cases saw it pass, fail and be
unknown. A rule is covered when it was seen both to pass and to fail; unknown
is shown but not required. --min-coverage N fails the run when fewer than N
percent of the rules are covered.

Exit status: 0 every case passed; 1 a case failed, or coverage is below
--min-coverage; 2 usage errors, or scenario files, referral files or rule
packs with problems (every problem is listed, at file:line:col).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runTest(cmd, o, args) },
	}
	rulesFlag(cmd, &o.rules)
	cmd.Flags().BoolVar(&o.coverage, "coverage", false, "report which rules the cases saw pass, fail and be unknown")
	cmd.Flags().Float64Var(&o.minCoverage, "min-coverage", 0, "fail when fewer than this percentage of rules are covered (0 to 100)")
	cmd.Flags().StringVar(&o.format, "format", "text", "output: text or json")
	return cmd
}

// testReport is the JSON output of pathway test.
type testReport struct {
	Passed   int                `json:"passed"`
	Failed   int                `json:"failed"`
	Results  []testResult       `json:"results"`
	Coverage *scenario.Coverage `json:"coverage,omitempty"`
}

type testResult struct {
	File       string              `json:"file"`
	Line       int                 `json:"line"`
	Name       string              `json:"name"`
	Passed     bool                `json:"passed"`
	Error      string              `json:"error,omitempty"`
	Decision   string              `json:"decision,omitempty"`
	Mismatches []scenario.Mismatch `json:"mismatches,omitempty"`
}

func runTest(cmd *cobra.Command, o testOptions, args []string) error {
	if err := checkFormat(o.format, "text", "json"); err != nil {
		return err
	}
	if o.minCoverage < 0 || o.minCoverage > 100 {
		return usageErr("--min-coverage must be between 0 and 100, not %g", o.minCoverage)
	}
	stderr := cmd.ErrOrStderr()
	var opts []scenario.Option
	if o.rules != "" {
		pack, err := loadPack(o.rules, stderr)
		if err != nil {
			return err
		}
		opts = append(opts, scenario.WithPack(pack))
	}
	hostFS, err := newHostFS()
	if err != nil {
		return usageErr("%v", err)
	}
	opts = append(opts, scenario.DisplayAs(hostFS.display))
	var names []string
	for _, arg := range args {
		name, err := hostFS.name(arg)
		if err != nil {
			return usageErr("%s: %v", arg, err)
		}
		found, err := scenario.Find(hostFS.fsys, name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return usageErr("%s: no such file or folder", arg)
			}
			return usageErr("%s: %s", arg, ioReason(err))
		}
		if len(found) == 0 {
			return usageErr("%s: the folder holds no scenario files (.yaml)", arg)
		}
		names = append(names, found...)
	}
	files, err := scenario.LoadAll(hostFS.fsys, names, opts...)
	if err != nil {
		l := diag.From(err)
		_ = l.Text(stderr)
		fmt.Fprintf(stderr, "\npathway: %d problem(s) in the scenario files; no case was run\n", len(l))
		return exitCode(2)
	}
	var cov *scenario.Coverage
	if o.coverage || o.minCoverage > 0 {
		cov = scenario.NewCoverage()
	}
	results := scenario.Run(cmd.Context(), files, cov)
	passed, failed := scenario.Summary(results)
	out := cmd.OutOrStdout()
	if o.format == "json" {
		rep := testReport{Passed: passed, Failed: failed, Results: []testResult{}, Coverage: cov}
		for _, r := range results {
			tr := testResult{File: r.Case.File, Line: r.Case.Line, Name: r.Case.Name, Passed: r.Passed(), Mismatches: r.Mismatches}
			if r.Err != nil {
				tr.Error = r.Err.Error()
			}
			if r.Assessment != nil {
				tr.Decision = string(r.Assessment.Decision)
			}
			rep.Results = append(rep.Results, tr)
		}
		if err := writeJSON(out, rep); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			if r.Passed() {
				continue
			}
			if err := r.WriteText(out); err != nil {
				return err
			}
			fmt.Fprintln(out)
		}
		if o.coverage {
			if err := cov.WriteText(out); err != nil {
				return err
			}
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "%d passed, %d failed\n", passed, failed)
	}
	code := 0
	if failed > 0 {
		code = 1
	}
	if cov != nil && cov.Percent() < o.minCoverage {
		fmt.Fprintf(stderr, "pathway: rule coverage is %.1f%%, below --min-coverage %g%%\n", cov.Percent(), o.minCoverage)
		code = 1
	}
	if code != 0 {
		return exitCode(code)
	}
	return nil
}

// hostFS is the host's file system as an fs.FS rooted at the volume of the
// working folder, so that scenario files can name referral files and packs
// anywhere relative to themselves (../../examples), and messages name files
// as they were typed, relative to the working folder.
type hostFS struct {
	fsys fs.FS
	root string // the volume's root, with its separator
	cwd  string
}

func newHostFS() (*hostFS, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("cannot find the working folder: %w", err)
	}
	root := filepath.VolumeName(cwd) + string(filepath.Separator)
	return &hostFS{fsys: os.DirFS(root), root: root, cwd: cwd}, nil
}

// name turns a path as typed into a name in fsys.
func (h *hostFS) name(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(h.root, abs)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}

// display turns a name in fsys back into a path relative to the working
// folder, or an absolute one when that is shorter to read.
func (h *hostFS) display(name string) string {
	abs := filepath.Join(h.root, filepath.FromSlash(name))
	if rel, err := filepath.Rel(h.cwd, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return abs
}
