package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/referral"
)

func init() {
	commands = append(commands, newReportCmd)
	schemas["events"] = outcomes.Schema
}

func newReportCmd() *cobra.Command {
	var period, from, to, format, rules, input string
	cmd := &cobra.Command{
		Use:   "report [--period P | --from DATE --to DATE] [--format md|json|csv|html] [--input-format jsonl|csv|auto] EVENTS",
		Short: "Outcome report for a period from a case event log",
		Long: `Report reads a case event log ("-" reads standard input) and writes the
outcome figures for a period: referrals,
assessments, allocations, starts, completions, partial completions,
withdrawals, sessions attended, victims and children supported, mean days in
service, completion rate and the change in each risk score, with breakdowns
by withdrawal reason, programme and quarter.

The log is JSON Lines (one JSON event a line) or CSV with a header row
naming the same fields, as case systems export them; the format is told
from the content unless --input-format says. Its lines may come in any
order: each case's events are taken in date order, those of one day in
lifecycle order. docs/events.md describes the format; "pathway schema
events" prints its JSON Schema.

The period is a financial year (--period 2023/24: 1 April 2023 to 31 March
2024), a quarter (--period 2023/24-Q1) or --from and --to dates, both
included. An event counts in the period that holds its date.

Every event is checked: its fields, its date, and its place in its case's
lifecycle. If any event has a problem, every problem is listed as
file:line:col and no report is written: a report from a log with mistakes
would publish a miscount.

The rule pack's outcomes.yaml adds its own metrics after the standard ones,
names the withdrawal reasons (with the other spellings case systems use
for them) and the score instruments: those of the pack version in force on
the period's last day (or, when none is, the latest version begun by then).
With no --rules, the embedded kent pack is used. Every report says which
pack version (and its digest), which version of Pathway and which date
made it.

Formats: md (Markdown, the default), json, csv, and html (one self-contained
page with charts, for offline use and for print). docs/reports.md
describes them.

Exit status: 0 the report was written; 1 the log has problems; 2 a usage
error or a file that cannot be read.`,
		Example: `  pathway report --period 2023/24 events.jsonl
  pathway report --period 2023/24-Q3 --format json events.jsonl
  pathway report --from 2023-04-01 --to 2023-09-30 --format html events.jsonl > report.html
  pathway report --period 2023/24 --input-format csv export.txt`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := reportPeriod(period, from, to)
			if err != nil {
				return err
			}
			f, err := outcomes.ParseFormat(format)
			if err != nil {
				return usageErr("--format: %v", err)
			}
			in, err := outcomes.ParseInputFormat(input)
			if err != nil {
				return usageErr("--input-format: %v", err)
			}
			pack, err := loadPack(rules, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			opts := append(reportOptions(pack.Nearest(p.To)), outcomes.WithInputFormat(in))
			return runReport(cmd, args[0], p, f, opts...)
		},
	}
	rulesFlag(cmd, &rules)
	cmd.Flags().StringVar(&period, "period", "", "financial year (2023/24) or quarter (2023/24-Q1)")
	cmd.Flags().StringVar(&from, "from", "", "first day of a custom period, YYYY-MM-DD (with --to)")
	cmd.Flags().StringVar(&to, "to", "", "last day of a custom period, YYYY-MM-DD (with --from)")
	cmd.Flags().StringVar(&format, "format", "md", "output format: md, json, csv or html")
	inputFlag(cmd, &input)
	formats := make([]string, 0, 4)
	for _, f := range outcomes.Formats() {
		formats = append(formats, string(f))
	}
	completeFlag(cmd, "format", formats...)
	_ = cmd.RegisterFlagCompletionFunc("period", periodCompletions)
	noCompletion(cmd, "from")
	noCompletion(cmd, "to")
	return cmd
}

// inputFlag adds --input-format to a command that reads an event log.
func inputFlag(cmd *cobra.Command, input *string) {
	cmd.Flags().StringVar(input, "input-format", "auto", "event log format: jsonl, csv, or auto (told from the content)")
	formats := make([]string, 0, 3)
	for _, f := range outcomes.InputFormats() {
		formats = append(formats, string(f))
	}
	completeFlag(cmd, "input-format", formats...)
}

// reportOptions are the options a pack version gives a report: its
// metrics, withdrawal reasons, instruments and programme titles, and its
// name, version and digest.
func reportOptions(v *pathway.Version) []outcomes.Option {
	titles := map[string]string{}
	if v.Programmes != nil {
		for _, p := range v.Programmes.Programmes {
			titles[p.ID] = p.Title
		}
	}
	return []outcomes.Option{
		outcomes.WithMetrics(v.Outcomes...),
		outcomes.WithReasons(v.Reasons...),
		outcomes.WithInstruments(v.Instruments...),
		outcomes.WithProgrammes(titles),
		outcomes.WithPack(outcomes.PackStamp{Name: v.Name, Version: v.Version, Digest: v.Digest}),
	}
}

// reportPeriod reads --period, or --from and --to.
func reportPeriod(period, from, to string) (outcomes.Period, error) {
	switch {
	case period != "" && (from != "" || to != ""):
		return outcomes.Period{}, usageErr("give either --period or --from and --to, not both")
	case period != "":
		p, err := outcomes.ParsePeriod(period)
		if err != nil {
			return p, usageErr("--period: %s", problemText(err))
		}
		return p, nil
	case from == "" && to == "":
		return outcomes.Period{}, usageErr("give a period: --period 2023/24, --period 2023/24-Q1, or --from DATE --to DATE")
	case from == "" || to == "":
		return outcomes.Period{}, usageErr("a custom period needs both --from and --to")
	}
	f, err := referral.ParseDate(from)
	if err != nil {
		return outcomes.Period{}, usageErr("--from: %v", err)
	}
	t, err := referral.ParseDate(to)
	if err != nil {
		return outcomes.Period{}, usageErr("--to: %v", err)
	}
	p, err := outcomes.NewPeriod(f, t)
	if err != nil {
		return p, usageErr("%s", problemText(err))
	}
	return p, nil
}

// problemText renders a period problem as its summary and detail.
func problemText(err error) string {
	l := diag.From(err)
	if len(l) == 0 {
		return err.Error()
	}
	s := l[0].Summary
	if l[0].Detail != "" {
		s += ". " + l[0].Detail
	}
	return s
}

// runReport reads the log, computes the report and writes it.
func runReport(cmd *cobra.Command, name string, p outcomes.Period, f outcomes.Format, opts ...outcomes.Option) error {
	stderr := cmd.ErrOrStderr()
	in, done, err := openEvents(cmd, name)
	if err != nil {
		return err
	}
	defer done()
	rep, problems := outcomes.Compute(name, in, p, opts...)
	if slices.ContainsFunc(problems, func(d *diag.Diagnostic) bool { return d.Code == outcomes.CodeReadError }) {
		writeProblems(stderr, problems)
		return exitCode(2)
	}
	writeProblems(stderr, problems)
	if rep == nil {
		fmt.Fprintf(stderr, "pathway: %s has %s; no report was written\n", name, countProblems(problems))
		return exitCode(1)
	}
	out := bufio.NewWriter(cmd.OutOrStdout())
	if err := rep.Write(out, f); err != nil {
		return usageErr("cannot write the report: %v", err)
	}
	if err := out.Flush(); err != nil {
		return usageErr("cannot write the report: %v", err)
	}
	return nil
}

// writeProblems lists problems one a line as file:line:col: severity:
// summary [code], each with its detail indented below.
func writeProblems(w io.Writer, problems diag.List) {
	for _, d := range problems {
		fmt.Fprintln(w, d.Compact())
		if d.Detail != "" {
			fmt.Fprintln(w, "    "+d.Detail)
		}
	}
}

// countProblems says "1 problem" or "N problems", counting errors only.
func countProblems(l diag.List) string {
	n := 0
	for _, d := range l {
		if d.Severity == diag.Error {
			n++
		}
	}
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}

// progress returns a progress bar for reading file when stderr is a
// terminal and the file is large enough to wait for; nil otherwise.
// openEvents opens an event log ("-" is standard input), with a progress
// bar on a terminal for a large file. done closes it.
func openEvents(cmd *cobra.Command, name string) (in io.Reader, done func(), err error) {
	leanHeap()
	if name == "-" {
		return cmd.InOrStdin(), func() {}, nil
	}
	// A folder, a device or a named pipe is refused at once; the log is
	// read line by line, each line bounded (see package outcomes).
	file, _, err := openRegular(name, "a case event log: a JSON Lines or CSV file, or - for standard input")
	if err != nil {
		return nil, nil, usageErr("cannot read the event log %s: %s", shown(name), ioReason(err))
	}
	bar := progress(file, cmd.ErrOrStderr())
	if bar == nil {
		return file, func() { _ = file.Close() }, nil
	}
	r := progressbar.NewReader(file, bar)
	return &seekableProgress{Reader: &r, file: file, bar: bar}, func() {
		_ = bar.Clear()
		_ = file.Close()
	}, nil
}

// seekableProgress reads a file through a progress bar and can still seek,
// so that a log out of date order is read a second time rather than held
// in memory; the bar starts again with it.
type seekableProgress struct {
	io.Reader
	file *os.File
	bar  *progressbar.ProgressBar
}

func (s *seekableProgress) Seek(off int64, whence int) (int64, error) {
	n, err := s.file.Seek(off, whence)
	if err == nil && whence == io.SeekStart {
		_ = s.bar.Set64(n)
	}
	return n, err
}

func progress(file *os.File, stderr io.Writer) *progressbar.ProgressBar {
	stderr = rawWriter(stderr)
	errFile, ok := stderr.(*os.File)
	if !ok {
		return nil
	}
	st, err := errFile.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	info, err := file.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() < 32<<20 {
		return nil
	}
	return progressbar.NewOptions64(info.Size(),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("reading events"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(200_000_000),
		progressbar.OptionClearOnFinish(),
	)
}
