package main

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/batch"
	"github.com/saferpath/pathway/impact"
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

Each pack is used as if it were in force on the referral's date: the version
in force on its dateSent, or else the latest version that starts before it
(a draft's dates may not reach the date yet), or else the earliest version.

The JSON output is {"total": N, "changed": M, "transitions": [{"from":
"ineligible", "to": "eligible", "count": K, "referrals": ["id", ...]}]}.
Only referral ids are printed, never personal data.

Exit status: 0 the report was made; 2 usage errors, unreadable files, files
that are not JSON or YAML, or broken rule packs.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runImpact(cmd, o, args) },
	}
	cmd.Flags().StringVar(&o.from, "from", "", "the rule pack in force (a folder)")
	cmd.Flags().StringVar(&o.to, "to", "", "the changed rule pack (a folder)")
	cmd.Flags().StringVar(&o.format, "format", "text", "output: text or json")
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
		data, err := readInput(cmd.InOrStdin(), name)
		if err != nil {
			return usageErr("cannot read %s: %s", name, ioReason(err))
		}
		if !strings.HasSuffix(name, ".jsonl") {
			r, problems := referral.Read(name, data)
			if r == nil {
				fmt.Fprintf(stderr, "pathway: %s is not a JSON or YAML document:\n", name)
				_ = problems.WriteCompact(stderr)
				return exitCode(2)
			}
			if _, _, err := cmp.Add(cmd.Context(), seq, idOr(r.ID, name), r, problems); err != nil {
				return usageErr("%s: %v", name, err)
			}
			seq++
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, batch.MaxLine)
		line := 0
		for sc.Scan() {
			line++
			text := bytes.TrimSpace(sc.Bytes())
			if len(text) == 0 {
				continue
			}
			where := fmt.Sprintf("%s:%d", name, line)
			r, problems := referral.Read(where, text)
			if r == nil {
				cmp.AddUnread()
				seq++
				continue
			}
			if _, _, err := cmp.Add(cmd.Context(), seq, idOr(r.ID, where), r, problems); err != nil {
				return usageErr("%s: %v", where, err)
			}
			seq++
		}
		if err := sc.Err(); err != nil {
			return usageErr("cannot read %s: line %d: %v", name, line+1, err)
		}
	}
	rep := cmp.Report()
	out := cmd.OutOrStdout()
	if o.format == "json" {
		return writeJSON(out, rep)
	}
	fmt.Fprintf(out, "Impact of the rules in %s over those in %s\n\n", o.to, o.from)
	return rep.WriteText(out)
}

func idOr(id, alt string) string {
	if id == "" {
		return alt
	}
	return id
}
