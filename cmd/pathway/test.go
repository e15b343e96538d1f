package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/scenario"
)

func init() {
	commands = append(commands, newTestCmd)
	schemas["scenario"] = scenario.Schema
}

type testOptions struct {
	rules, format, root string
	coverage            bool
	minCoverage         float64
}

func newTestCmd() *cobra.Command {
	var o testOptions
	cmd := &cobra.Command{
		Use:   "test [--rules DIR] [--root DIR] [--coverage] [--min-coverage N] [--format text|json|junit] FILE|DIR...",
		Short: "Run scenario files: expected decisions, rules, programmes and actions",
		Long: `Test runs scenario files (for a folder, every .yaml file under it). Each case
assesses a referral and compares the decision, the failed and unknown rules,
the missing answers, the programmes offered and the safety actions with what
the case expects. Each failure is printed with the case's file:line, its name,
what was expected and what came, rules, programmes and actions named by
their titles; the run ends with the line "N passed, N failed".

With --format junit the results are a JUnit XML report, for CI services:
one testsuite per scenario file, one testcase per case (its classname the
file), a failure saying what was expected and what came. The line
"N passed, N failed" (and the coverage, with --coverage) then goes to
standard error.

With --rules, the pack in DIR serves every scenario file that names a pack by
name (pack: kent) or names none: run a suite against a draft of the rules.

Scenario files may name referral files and pack folders only inside a root
folder, and never above it, symbolic links included: the current folder when
it holds the scenario files named, otherwise the folder named (or the folder
of the file named). --root DIR sets the root: it must hold every FILE|DIR.
A name that climbs out of the root is a problem at its line (code
referral-outside or pack-outside), and the file it names is not read.
Referral files are read only when they are regular files of at most 4 MiB,
and a file that is not a referral is reported without quoting it.

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
	cmd.Flags().StringVar(&o.format, "format", "text", "output: text, json or junit")
	completeFlag(cmd, "format", testFormats...)
	noCompletion(cmd, "min-coverage")
	cmd.Flags().StringVar(&o.root, "root", "", "the folder scenario files may name files and pack folders in (default: the current folder when it holds them, else the folder named)")
	_ = cmd.MarkFlagDirname("root")
	return cmd
}

// testFormats are the formats of pathway test, for shell completion.
var testFormats = []string{
	"text\teach failure, then N passed, N failed",
	"json\tevery case's result, for systems",
	"junit\ta JUnit XML report, for CI services",
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
	if err := checkFormat(o.format, testFormats...); err != nil {
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
	groups, err := scenarioRoots(o.root, args)
	if err != nil {
		return err
	}
	var files []*scenario.File
	var problems diag.List
	for _, g := range groups {
		loaded, errs, err := g.load(opts)
		if err != nil {
			return err
		}
		files = append(files, loaded...)
		problems = append(problems, errs...)
	}
	if len(problems) > 0 {
		_ = problems.Text(stderr)
		fmt.Fprintf(stderr, "\npathway: %d problem(s) in the scenario files; no case was run\n", len(problems))
		return exitCode(2)
	}
	var cov *scenario.Coverage
	if o.coverage || o.minCoverage > 0 {
		cov = scenario.NewCoverage()
	}
	results := scenario.Run(cmd.Context(), files, cov)
	passed, failed := scenario.Summary(results)
	out := cmd.OutOrStdout()
	switch o.format {
	case "junit":
		if err := scenario.WriteJUnit(out, results); err != nil {
			return err
		}
		if o.coverage {
			if err := cov.WriteText(stderr); err != nil {
				return err
			}
			fmt.Fprintln(stderr)
		}
		fmt.Fprintf(stderr, "%d passed, %d failed\n", passed, failed)
	case "json":
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
	default:
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

// scenarioRoot is a folder that scenario files are read from: no referral
// file or pack folder they name is read from outside it. It is opened with
// os.OpenRoot, so that symbolic links cannot lead outside it either.
type scenarioRoot struct {
	dir   string   // absolute
	cwd   string   // the working folder, for naming files as typed
	names []string // the arguments, as names inside dir
	args  []string // the arguments as typed
}

// scenarioRoots works out the root of each argument: --root when it is
// given (it must hold every argument); else the working folder when it
// holds the argument; else the folder the argument names (or the folder of
// the file it names). Arguments with the same root are loaded together.
func scenarioRoots(rootFlag string, args []string) ([]*scenarioRoot, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, usageErr("cannot find the working folder: %v", err)
	}
	fixed := ""
	if rootFlag != "" {
		info, err := os.Stat(rootFlag)
		if err != nil || !info.IsDir() {
			return nil, usageErr("--root %s: it does not exist or is not a folder; name the folder that holds the scenario files and everything they name", rootFlag)
		}
		if fixed, err = filepath.Abs(rootFlag); err != nil {
			return nil, usageErr("--root %s: %v", rootFlag, err)
		}
	}
	var groups []*scenarioRoot
	byDir := map[string]*scenarioRoot{}
	for _, arg := range args {
		abs, err := filepath.Abs(arg)
		if err != nil {
			return nil, usageErr("%s: %v", arg, err)
		}
		info, err := os.Stat(abs)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, usageErr("%s: no such file or folder", arg)
			}
			return nil, usageErr("%s: %s", arg, ioReason(err))
		}
		dir := fixed
		switch {
		case fixed != "":
			if !inside(fixed, abs) {
				return nil, usageErr("%s is outside --root %s: name scenario files inside it, or widen it", arg, rootFlag)
			}
		case inside(cwd, abs):
			dir = cwd
		case info.IsDir():
			dir = abs
		default:
			dir = filepath.Dir(abs)
		}
		rel, err := filepath.Rel(dir, abs)
		if err != nil {
			return nil, usageErr("%s: %v", arg, err)
		}
		g := byDir[dir]
		if g == nil {
			g = &scenarioRoot{dir: dir, cwd: cwd}
			byDir[dir] = g
			groups = append(groups, g)
		}
		g.names = append(g.names, filepath.ToSlash(rel))
		g.args = append(g.args, arg)
	}
	return groups, nil
}

// inside reports whether path is dir or lies under it, by name.
func inside(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// load finds and loads the scenario files of the root. Problems in them
// are returned as a list; an error is a usage error.
func (g *scenarioRoot) load(opts []scenario.Option) ([]*scenario.File, diag.List, error) {
	root, err := os.OpenRoot(g.dir)
	if err != nil {
		return nil, nil, usageErr("cannot open the folder %s: %s", g.display("."), ioReason(err))
	}
	defer root.Close()
	fsys := root.FS()
	var names []string
	for i, name := range g.names {
		found, err := scenario.Find(fsys, name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, usageErr("%s: no such file or folder inside %s", g.args[i], g.display("."))
			}
			return nil, nil, usageErr("%s: %s", g.args[i], ioReason(err))
		}
		if len(found) == 0 {
			return nil, nil, usageErr("%s: the folder holds no scenario files (.yaml)", g.args[i])
		}
		names = append(names, found...)
	}
	files, err := scenario.LoadAll(fsys, names, append(opts, scenario.DisplayAs(g.display))...)
	if err != nil {
		return nil, diag.From(err), nil
	}
	return files, nil, nil
}

// display turns a name inside the root back into a path relative to the
// working folder, or an absolute one when it is not under it.
func (g *scenarioRoot) display(name string) string {
	abs := filepath.Join(g.dir, filepath.FromSlash(name))
	if rel, err := filepath.Rel(g.cwd, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return abs
}
