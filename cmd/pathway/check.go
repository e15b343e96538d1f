package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
)

func init() { commands = append(commands, newCheckCmd) }

type checkOptions struct {
	rules, at, format string
	jsonl             bool
}

func newCheckCmd() *cobra.Command {
	var o checkOptions
	cmd := &cobra.Command{
		Use:   "check [--rules DIR] [--at DATE] [--format json|text] FILE...",
		Short: "Assess referrals: decision, reasons, programmes and safety actions",
		Long: `Check assesses each referral (a JSON or YAML file, or - for standard input)
under the version of the rule pack in force on its dateSent (or --at), and
prints the assessment: the decision (eligible, ineligible, incomplete or
invalid), every rule's outcome with its reason and the answers it read, the
programmes offered and the victim-safety actions.

With one FILE, --format json prints one assessment object; with several, a
JSON array of them in the order given.

With --jsonl, each FILE holds one referral per line (JSON Lines), and one
assessment per line is written, in input order, assessed on every core; a
malformed line becomes an invalid assessment naming its line. A progress
bar is shown on a terminal, and nothing extra in a pipe.

A referral file, and standard input, may hold at most 4 MiB; a JSON Lines
file may be of any size, with at most 4 MiB a line. Each FILE must be a
regular file: a folder, a device or a named pipe is refused at once.

Exit status: 0 a decision was made for every referral; 1 a referral is
invalid; 2 usage errors, unreadable files (a folder, a device, a named pipe,
a referral over 4 MiB, a JSON Lines line with no end), files that are not
JSON or YAML, a broken rule pack, or no pack version in force on the date.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runCheck(cmd, o, args) },
	}
	rulesFlag(cmd, &o.rules)
	cmd.Flags().StringVar(&o.at, "at", "", "assess as on this date (YYYY-MM-DD) instead of each referral's dateSent")
	cmd.Flags().StringVar(&o.format, "format", "json", "output: json or text")
	cmd.Flags().BoolVar(&o.jsonl, "jsonl", false, "read one referral per line and write one assessment per line (JSON Lines)")
	completeFlag(cmd, "format", "json\tthe assessment, for systems", "text\tthe explanation a referrer reads")
	noCompletion(cmd, "at")
	return cmd
}

func runCheck(cmd *cobra.Command, o checkOptions, args []string) error {
	if err := checkFormat(o.format, "json", "text"); err != nil {
		return err
	}
	at, err := parseDateFlag("at", o.at)
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	pack, err := loadPack(o.rules, stderr)
	if err != nil {
		return err
	}
	if o.jsonl {
		return runCheckJSONL(cmd, pack, at, o.format, args)
	}
	var opts []pathway.AssessOption
	if !at.IsZero() {
		opts = append(opts, pathway.At(at))
	}
	code := 0
	var results []*pathway.Assessment
	for _, name := range args {
		a, c := assessFile(cmd, pack, name, opts)
		code = max(code, c)
		if a != nil {
			results = append(results, a)
		}
	}
	out := cmd.OutOrStdout()
	if o.format == "text" {
		for i, a := range results {
			if i > 0 {
				fmt.Fprintln(out, "\n----------------------------------------")
			}
			if err := a.WriteText(out); err != nil {
				return err
			}
		}
	} else if len(args) > 1 || len(results) == 1 {
		// One file: its assessment, or nothing when it could not be
		// assessed. Several: an array of those that could.
		var v any = results
		if len(args) == 1 {
			v = results[0]
		} else if results == nil {
			v = []*pathway.Assessment{}
		}
		if err := writeJSON(out, v); err != nil {
			return err
		}
	}
	if code != 0 {
		return exitCode(code)
	}
	return nil
}

// assessFile reads and assesses one file, printing problems that stop it
// to stderr. It returns the assessment (nil when there is none) and the
// file's exit status.
func assessFile(cmd *cobra.Command, pack *pathway.Pack, name string, opts []pathway.AssessOption) (*pathway.Assessment, int) {
	stderr := cmd.ErrOrStderr()
	data, err := readInput(cmd.InOrStdin(), name)
	if err != nil {
		fmt.Fprintf(stderr, "pathway: cannot read %s: %s\n", shown(name), ioReason(err))
		return nil, 2
	}
	r, problems := referral.Read(name, data)
	if r == nil {
		fmt.Fprintf(stderr, "pathway: %s is not a JSON or YAML document:\n", safetext.String(name))
		_ = problems.WriteCompact(stderr)
		return nil, 2
	}
	a, err := pack.Assess(cmd.Context(), r, append(opts, pathway.WithProblems(problems))...)
	if err != nil {
		fmt.Fprintf(stderr, "pathway: %s: %v\n", safetext.String(name), err)
		return nil, 2
	}
	if a.Decision == pathway.Invalid {
		return a, 1
	}
	return a, 0
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
