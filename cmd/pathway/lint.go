package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/safetext"
)

func init() { commands = append(commands, newLintCmd) }

func newLintCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "lint [DIR]",
		Short: "Check a rule pack and report every problem",
		Long: `Lint loads a rule pack (a folder of version folders, or one version folder)
and reports every problem in every file at once, one a line:

  rules/kent/2022-08/eligibility.yaml:12:11: error: "mail" is not one of ... [bad-enum]

With --format text each problem comes with its snippet and what to do.
With no DIR, the embedded kent pack is checked.

Exit status: 0 no problems, 1 problems found, 2 the folder cannot be read.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "compact", "text", "json"); err != nil {
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
				if format != "json" {
					fmt.Fprintf(cmd.ErrOrStderr(), "%d problem(s) in %s\n", len(problems), dir)
				}
				return exitCode(1)
			}
			if format != "json" {
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
	cmd.Flags().StringVar(&format, "format", "compact", "output: compact (file:line:col), text (with snippets) or json")
	return cmd
}
