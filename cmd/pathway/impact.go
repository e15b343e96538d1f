package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/batch"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/impact"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
)

func init() { commands = append(commands, newImpactCmd) }

type impactOptions struct {
	from, to, format string
}

func newImpactCmd() *cobra.Command {
	var o impactOptions
	cmd := &cobra.Command{
		Use:   "impact --from DIR --to DIR [--format text|json] FILE...",
		Short: "Show which referrals a change to the rules would move",
		Long: `Impact assesses every referral (JSON or YAML files, or JSON Lines files ending
in .jsonl, one referral a line) under the rule pack in --from (the rules in
force) and under the one in --to (the change), and reports the referrals
whose decision, programmes offered or safety actions would differ, grouped by
transition: ineligible → eligible, say. A change of programmes or actions
with the same decision is a transition too, from a decision to itself.
Each referral is given with the rules that moved it: the criteria,
exclusions and programme conditions whose outcome differs, by their titles
and ids.

Each pack is used as if it were in force on the referral's date: the version
in force on its dateSent, or else the latest version that starts before it
(a draft's dates may not reach the date yet), or else the earliest version.

JSON Lines files are read as they come, a line at a time. An entry that is
not a referral at all (not JSON or YAML, not a group of named fields, a line
longer than 4 MiB) is invalid under both packs: it is counted, and named by
its file and line with its problem, never quoted.

The JSON output is {"total": N, "changed": M, "invalid": I,
"invalidEntries": [{"file": "corpus.jsonl", "line": 7, "code": "syntax",
"problem": "..."}], "transitions": [{"from": "ineligible", "to": "eligible",
"count": K, "referrals": ["id", ...], "movedBy": {"id": ["rule-id", ...]}}],
"titles": {"rule-id": "Title"}}: movedBy gives each referral's moving
rules by id, and titles their titles. Only referral ids are printed, never
personal data.

Exit status: 0 the report was made; 1 the report was made, but some entries
are not referrals (they are listed); 2 usage errors, files that cannot be
read (a folder, a device or a named pipe, a referral file over 4 MiB), or
broken rule packs.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runImpact(cmd, o, args) },
	}
	cmd.Flags().StringVar(&o.from, "from", "", "the rule pack in force (a folder)")
	cmd.Flags().StringVar(&o.to, "to", "", "the changed rule pack (a folder)")
	cmd.Flags().StringVar(&o.format, "format", "text", "output: text or json")
	completeFlag(cmd, "format", "text\tfor people: each referral with the rules that moved it", "json\tfor systems")
	_ = cmd.MarkFlagRequired("from")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.MarkFlagDirname("from")
	_ = cmd.MarkFlagDirname("to")
	return cmd
}

func runImpact(cmd *cobra.Command, o impactOptions, args []string) error {
	if err := checkFormat(o.format, "text", "json"); err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	from, err := loadPack(o.from, stderr)
	if err != nil {
		return err
	}
	to, err := loadPack(o.to, stderr)
	if err != nil {
		return err
	}
	cmp := impact.New(from, to)
	seq := 0
	for _, name := range args {
		if strings.HasSuffix(name, ".jsonl") {
			if err := impactLines(cmd, cmp, name, &seq); err != nil {
				return err
			}
			continue
		}
		data, err := readInput(cmd.InOrStdin(), name)
		if err != nil {
			return usageErr("cannot read %s: %s", shown(name), ioReason(err))
		}
		r, problems := referral.Read(name, data)
		if r == nil {
			cmp.AddInvalid(seq, invalidEntry(name, 0, problems))
			seq++
			continue
		}
		if _, _, err := cmp.Add(cmd.Context(), seq, idOr(r.ID, name), r, problems); err != nil {
			return usageErr("%s: %v", shown(name), err)
		}
		seq++
	}
	rep := cmp.Report()
	out := cmd.OutOrStdout()
	if o.format == "json" {
		if err := writeJSON(out, rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(out, "Impact of the rules in %s over those in %s\n\n", safetext.String(o.to), safetext.String(o.from))
		if err := rep.WriteText(out); err != nil {
			return err
		}
	}
	if rep.Invalid > 0 {
		return exitCode(1)
	}
	return nil
}

// impactLines adds each line of a JSON Lines file to cmp, as it reads it:
// a line that is not a referral, or is longer than batch.MaxLine, is one
// invalid entry, named by its line and never quoted.
func impactLines(cmd *cobra.Command, cmp *impact.Comparison, name string, seq *int) error {
	in, _, err := openInput(cmd.InOrStdin(), name)
	if err != nil {
		return usageErr("cannot read %s: %s", shown(name), ioReason(err))
	}
	defer in.Close()
	var addErr error
	err = batch.Lines(in, func(l batch.Line) bool {
		defer func() { *seq++ }()
		if l.TooLong {
			cmp.AddInvalid(*seq, impact.Entry{File: name, Line: l.Number, Code: "too-large",
				Problem: fmt.Sprintf("The line is longer than %d MiB", batch.MaxLine>>20)})
			return true
		}
		where := fmt.Sprintf("%s:%d", name, l.Number)
		r, problems := referral.Read(where, l.Text)
		if r == nil {
			cmp.AddInvalid(*seq, invalidEntry(name, l.Number, problems))
			return true
		}
		if _, _, err := cmp.Add(cmd.Context(), *seq, idOr(r.ID, where), r, problems); err != nil {
			addErr = usageErr("%s: %v", where, err)
			return false
		}
		return true
	})
	if addErr != nil {
		return addErr
	}
	if err != nil {
		return usageErr("cannot read %s: %v", shown(name), err)
	}
	return nil
}

// invalidEntry names an entry that is not a referral by its first problem,
// which never quotes it. line is its line in a JSON Lines file, or 0 for a
// file of one referral (then the problem's own line is given).
func invalidEntry(name string, line int, problems diag.List) impact.Entry {
	e := impact.Entry{File: name, Line: line, Code: "not-a-referral", Problem: "Not a referral"}
	for _, d := range problems {
		if d.Severity != diag.Error {
			continue
		}
		e.Code, e.Problem = d.Code, d.Summary
		if line == 0 {
			e.Line = d.Range.Start.Line
		}
		break
	}
	return e
}

func idOr(id, alt string) string {
	if id == "" {
		return alt
	}
	return id
}
