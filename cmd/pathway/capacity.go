package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
)

func init() { commands = append(commands, newCapacityCmd) }

func newCapacityCmd() *cobra.Command {
	var rules, on, format, input string
	cmd := &cobra.Command{
		Use:   "capacity [--rules DIR] [--on DATE] [--format text|json] [--input-format jsonl|csv|auto] EVENTS",
		Short: "Places used and free, waiting lists and groups, from a case event log",
		Long: `Capacity replays a case event log (JSON Lines or CSV with a header row,
told apart by content unless --input-format says; "-" reads standard
input) into each programme's places as on a date: places funded,
used and free, who is waiting (first in line first) and, for a group
programme, its groups.

Places are what a programme's funding buys over its funding window, not
seats at one time. An allocation takes a free place or joins the waiting
list; a withdrawal before starting returns the place to the first person
waiting; starting uses the place for good. A group programme fills each
group before it opens the next, and never opens more groups than funded.

The date is --on, or else the date of the latest event in the log; events
after it are ignored. The programmes, their places and funding windows are
those of the pack version in force on that date. Events are replayed by
date, then by case id, then in each case's own order (lifecycle order
within a day), so the same events give the same places whatever order the
lines come in.

Every event is checked as "pathway report" checks it. If any has a
problem, every problem is listed as file:line:col and no table is written.
An allocation to a programme the version does not have, or dated outside
the programme's funding window, is refused: it takes no place, it is
listed as a problem with its line and case, the table is written without
it, and the exit status is 1.

Exit status: 0 the table was written; 1 the log has problems or an
allocation was refused; 2 a usage error, a file that cannot be read, a
broken rule pack or no pack version in force on the date.`,
		Example: `  pathway capacity events.jsonl
  pathway capacity --on 2024-03-31 --format json events.jsonl`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			in, err := outcomes.ParseInputFormat(input)
			if err != nil {
				return usageErr("--input-format: %v", err)
			}
			date, err := parseDateFlag("on", on)
			if err != nil {
				return err
			}
			pack, err := loadPack(rules, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return runCapacity(cmd, pack, args[0], date, format, in)
		},
	}
	inputFlag(cmd, &input)
	rulesFlag(cmd, &rules)
	cmd.Flags().StringVar(&on, "on", "", "the date to show places on, YYYY-MM-DD (default: the latest event's date)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	completeFlag(cmd, "format", "text\ta table for people", "json\tfor systems")
	noCompletion(cmd, "on")
	return cmd
}

// runCapacity reads the log, replays it under the version in force on the
// date and writes the places.
func runCapacity(cmd *cobra.Command, pack *pathway.Pack, name string, on referral.Date, format string, input outcomes.InputFormat) error {
	stderr := cmd.ErrOrStderr()
	in, done, err := openEvents(cmd, name)
	if err != nil {
		return err
	}
	defer done()
	opts := []outcomes.Option{outcomes.WithInputFormat(input)}
	if !on.IsZero() {
		opts = append(opts, outcomes.WithReasons(pack.Nearest(on).Reasons...))
	} else {
		opts = append(opts, outcomes.WithReasons(pack.Versions()[len(pack.Versions())-1].Reasons...))
	}
	history, problems := programmes.ReadHistory(name, in, opts...)
	writeProblems(stderr, problems)
	if slices.ContainsFunc(problems, func(d *diag.Diagnostic) bool { return d.Code == outcomes.CodeReadError }) {
		return exitCode(2)
	}
	if problems.HasErrors() {
		fmt.Fprintf(stderr, "pathway: %s has %s; no table was written\n", name, countProblems(problems))
		return exitCode(1)
	}
	fromLog := on.IsZero()
	if fromLog {
		on = history.Latest()
		if on.IsZero() {
			return usageErr("the event log has no events, so it has no latest date; give --on DATE")
		}
	}
	v, err := pack.InForce(on)
	if err != nil {
		if fromLog {
			return usageErr("%v (%s is the latest event's date; give --on DATE to choose another)", err, on)
		}
		return usageErr("%v", err)
	}
	ledger, refusals := history.Replay(v.Programmes, on)
	writeProblems(stderr, refusals)
	out := bufio.NewWriter(cmd.OutOrStdout())
	if format == "json" {
		err = writeJSON(out, capacityView(ledger))
	} else {
		err = writeCapacityText(out, ledger, v)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return usageErr("cannot write the table: %v", err)
	}
	if refusals.HasErrors() {
		fmt.Fprintf(stderr, "pathway: %s has %s; the table leaves the refused allocations out\n", name, countProblems(refusals))
		return exitCode(1)
	}
	return nil
}

// capacityJSON is the capacity JSON contract (docs/cli.md).
type capacityJSON struct {
	On         referral.Date           `json:"on"`
	Programmes []capacityProgrammeJSON `json:"programmes"`
}

// capacityProgrammeJSON is one programme's places. Places and free are
// null for a programme whose funding sets no number of places; groups is
// present for group programmes only.
type capacityProgrammeJSON struct {
	ID      string               `json:"id"`
	Places  *int                 `json:"places"`
	Used    int                  `json:"used"`
	Free    *int                 `json:"free"`
	Waiting []string             `json:"waiting"`
	Groups  *[]capacityGroupJSON `json:"groups,omitempty"`
}

// capacityGroupJSON is one open group: its number (from 1, in the order
// groups opened) and its members in the order they joined.
type capacityGroupJSON struct {
	Number  int      `json:"number"`
	Members []string `json:"members"`
}

func capacityView(l *programmes.Ledger) capacityJSON {
	view := capacityJSON{On: l.On(), Programmes: []capacityProgrammeJSON{}}
	for _, a := range l.Accounts() {
		p := capacityProgrammeJSON{ID: a.ID, Used: a.Used, Waiting: a.Waiting}
		if a.Capped {
			p.Places, p.Free = &a.Places, &a.Free
		}
		if a.Group {
			groups := make([]capacityGroupJSON, len(a.Groups))
			for i, g := range a.Groups {
				groups[i] = capacityGroupJSON{Number: g.Number, Members: g.Members}
			}
			p.Groups = &groups
		}
		view.Programmes = append(view.Programmes, p)
	}
	return view
}

// writeCapacityText writes the places as a table, then each waiting list
// and each group programme's groups.
func writeCapacityText(w io.Writer, l *programmes.Ledger, v *pathway.Version) error {
	accounts := l.Accounts()
	fmt.Fprintf(w, "Places on %s, under %s %s (in force %s to %s)\n\n", l.On(), v.Name, v.Version, v.Effective.From, v.Effective.To)
	width := len("programme")
	for _, a := range accounts {
		width = max(width, len(a.ID))
	}
	fmt.Fprintf(w, "%-*s  %6s  %4s  %4s  %7s  %s\n", width, "programme", "places", "used", "free", "waiting", "groups")
	for _, a := range accounts {
		places, free, groups := "-", "-", "-"
		if a.Capped {
			places, free = fmt.Sprint(a.Places), fmt.Sprint(a.Free)
		}
		if a.Group {
			groups = fmt.Sprintf("%d of %d", len(a.Groups), a.FundedGroups)
		}
		fmt.Fprintf(w, "%-*s  %6s  %4d  %4s  %7d  %s\n", width, a.ID, places, a.Used, free, len(a.Waiting), groups)
	}
	for _, a := range accounts {
		if len(a.Waiting) > 0 {
			fmt.Fprintf(w, "\nWaiting for %s, first in line first:\n  %s\n", a.ID, strings.Join(a.Waiting, ", "))
		}
	}
	for _, a := range accounts {
		if !a.Group {
			continue
		}
		fmt.Fprintf(w, "\nGroups of %s (%d funded, up to %d each):\n", a.ID, a.FundedGroups, a.GroupSize)
		if len(a.Groups) == 0 {
			fmt.Fprintln(w, "  none open")
		}
		for _, g := range a.Groups {
			fmt.Fprintf(w, "  group %d (%d of %d)", g.Number, len(g.Members), a.GroupSize)
			if len(g.Members) > 0 {
				fmt.Fprintf(w, ": %s", strings.Join(g.Members, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	return nil
}
