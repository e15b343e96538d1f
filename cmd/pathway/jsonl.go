package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/batch"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
)

// runCheckJSONL is pathway check --jsonl: each file holds one referral per
// line; one assessment per line is written to stdout, in input order.
func runCheckJSONL(cmd *cobra.Command, pack *pathway.Pack, at referral.Date, format string, args []string) error {
	if format != "json" {
		return usageErr("--jsonl writes JSON Lines: leave out --format, or use --format json")
	}
	roomyHeap()
	stderr := cmd.ErrOrStderr()
	out := cmd.OutOrStdout()
	code := 0
	for _, name := range args {
		in, size, err := openInput(cmd.InOrStdin(), name)
		if err != nil {
			fmt.Fprintf(stderr, "pathway: cannot read %s: %s\n", shown(name), ioReason(err))
			code = 2
			continue
		}
		opts := batch.Options{Name: name, At: at}
		bar := newBar(stderr, size, name)
		if bar != nil {
			opts.Progress = func(p batch.Progress) {
				if size > 0 {
					_ = bar.Set64(p.Bytes)
				} else {
					_ = bar.Set(p.Lines)
				}
			}
		}
		sum, err := batch.AssessLines(cmd.Context(), pack, in, out, opts)
		if bar != nil {
			_ = bar.Finish()
			fmt.Fprintln(stderr)
		}
		_ = in.Close()
		if err != nil {
			fmt.Fprintf(stderr, "pathway: %s: %v\n", shown(name), err)
			code = 2
			continue
		}
		if sum.Invalid > 0 {
			code = max(code, 1)
		}
	}
	if code != 0 {
		return exitCode(code)
	}
	return nil
}

// newBar returns a progress bar drawn on w when w is a terminal, or nil: in
// a pipe or a file, nothing extra is written. With a known size the bar
// counts bytes; otherwise it counts referrals. The bar draws itself with
// terminal codes, so it writes to the terminal under an escaping writer;
// the file's name in it is escaped.
func newBar(w io.Writer, size int64, name string) *progressbar.ProgressBar {
	w = rawWriter(w)
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(safetext.String(name)),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionSetWidth(30),
	}
	if size > 0 {
		return progressbar.NewOptions64(size, append(opts, progressbar.OptionShowBytes(true))...)
	}
	return progressbar.NewOptions64(-1, append(opts, progressbar.OptionShowCount(), progressbar.OptionSetItsString("referrals"), progressbar.OptionShowIts())...)
}
