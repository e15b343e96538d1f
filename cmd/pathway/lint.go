package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/safetext"
)

func init() { commands = append(commands, newLintCmd) }

func newLintCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "lint [--format compact|gcc|text|json|sarif] [DIR]",
		Short: "Check a rule pack and report every problem",
		Long: `Lint loads a rule pack (a folder of version folders, or one version folder)
and reports every problem in every file at once, one a line:

  rules/kent/2022-08/eligibility.yaml:12:11: error: "mail" is not one of ... [bad-enum]

With --format text each problem comes with its snippet and what to do.
With --format gcc each problem is one line as GCC writes it, which VS Code's
$gcc problem matcher (and Vim's and Emacs's compilation modes) read:

  rules/kent/2022-08/eligibility.yaml:12:11: error: "mail" is not one of ... [bad-enum]

With --format sarif the problems are a SARIF 2.1.0 log (JSON), for code
scanning services: one result per problem, its code as the rule.
With no DIR, the embedded kent pack is checked.

Exit status: 0 no problems, 1 problems found, 2 the folder cannot be read.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, lintFormats...); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			var p *pathway.Pack
			var err error
			dir := "rules/kent (embedded)"
			if len(args) == 0 {
				p = pathway.Default()
			} else {
				dir = args[0]
				if info, statErr := os.Stat(dir); statErr != nil || !info.IsDir() {
					return usageErr("cannot read %s: it does not exist or is not a folder; name a rule pack folder, one that holds pack.yaml or folders that do", dir)
				}
				p, err = pathway.LoadDir(dir)
			}
			var problems diag.List
			if err != nil && !errors.As(err, &problems) {
				return usageErr("%s: %v", dir, err)
			}
			switch format {
			case "sarif":
				if problems == nil {
					problems = diag.List{}
				}
				if err := relativeFiles(problems).WriteSARIF(out, pathwayTool()); err != nil {
					return err
				}
			case "gcc":
				if err := problems.WriteGCC(out); err != nil {
					return err
				}
			case "json":
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if problems == nil {
					problems = diag.List{}
				}
				if err := enc.Encode(problems); err != nil {
					return err
				}
			case "text":
				if err := problems.Text(out); err != nil {
					return err
				}
			default:
				if err := problems.WriteCompact(out); err != nil {
					return err
				}
			}
			if len(problems) > 0 {
				if !machineFormat(format) {
					fmt.Fprintf(cmd.ErrOrStderr(), "%d problem(s) in %s\n", len(problems), dir)
				}
				return exitCode(1)
			}
			if !machineFormat(format) {
				for _, v := range p.Versions() {
					var programmes, triggers int
					if v.Programmes != nil {
						programmes = len(v.Programmes.Programmes)
					}
					if v.Safeguarding != nil {
						triggers = len(v.Safeguarding.Triggers)
					}
					fmt.Fprintf(out, "%s %s (%s to %s): %d criteria, %d exclusions, %d programmes, %d action triggers, %d metrics\n",
						safetext.String(p.Name()), safetext.String(v.Version), v.Effective.From, v.Effective.To, len(v.Eligibility.Criteria), len(v.Eligibility.Exclusions),
						programmes, triggers, len(v.Outcomes))
				}
				fmt.Fprintf(out, "%s: no problems\n", dir)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "compact", "output: compact (file:line:col), gcc (for editors' problem matchers), text (with snippets), json or sarif")
	completeFlag(cmd, "format", lintFormats...)
	return cmd
}

// lintFormats are the formats of pathway lint, with what each is, for
// --help and shell completion.
var lintFormats = []string{
	"compact\tone problem a line: file:line:col: path: error: summary [code]",
	"gcc\tone problem a line, as GCC writes it, for VS Code's $gcc problem matcher",
	"text\teach problem with its snippet and what to do",
	"json\ta JSON list of the problems",
	"sarif\ta SARIF 2.1.0 log, for code scanning",
}

// machineFormat reports whether format is read by programs only: then
// lint writes nothing but the problems, and nothing on standard error.
func machineFormat(format string) bool { return format == "json" || format == "sarif" }

// pathwayTool names Pathway in a SARIF log, with the module's version
// when the binary was built from a tagged module.
func pathwayTool() diag.Tool {
	t := diag.Tool{Name: "pathway", InformationURI: "https://github.com/saferpath/pathway"}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		t.Version = info.Main.Version
	}
	return t
}

// relativeFiles copies problems with each absolute file name made relative
// to the working folder, as SARIF readers resolve locations against the
// folder they scan.
func relativeFiles(problems diag.List) diag.List {
	wd, err := os.Getwd()
	if err != nil {
		return problems
	}
	out := make(diag.List, len(problems))
	for i, d := range problems {
		c := *d
		if filepath.IsAbs(c.Range.File) {
			if rel, err := filepath.Rel(wd, c.Range.File); err == nil {
				c.Range.File = filepath.ToSlash(rel)
			}
		}
		out[i] = &c
	}
	return out
}
