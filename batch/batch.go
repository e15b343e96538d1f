// Package batch assesses referrals in bulk: JSON Lines in, one assessment a
// line out, in input order, on every core.
//
// A line that is not a referral (not JSON, not an object, a value of the
// wrong type, a form that fails validation) becomes an invalid assessment
// that names its line, and the batch goes on: one bad record never stops a
// night's import. The library reports progress through a callback; drawing
// a progress bar is the caller's business.
package batch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// MaxLine is the longest line accepted, in bytes; a longer line becomes an
// invalid assessment.
const MaxLine = 4 << 20

// MaxRunaway is how much of a line longer than MaxLine is skipped, looking
// for its end, before the input is taken not to be JSON Lines at all (a
// device that never ends a line, say): reading stops with an error that
// names the line.
const MaxRunaway = 64 << 20

// Options configures a batch. The zero Options assesses on every core, each
// referral as on its dateSent.
type Options struct {
	// Workers is how many referrals are assessed at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
	// Name names the input in problems (file:line:col); "" means "input".
	Name string
	// At assesses every referral as on this date instead of its dateSent.
	At referral.Date
	// Progress, when set, is called from one goroutine after each
	// assessment is written, with the counts so far. It must be quick.
	Progress func(Progress)
	// Assessed, when set, is called with each assessment before it is
	// written, and with the line it came from: a service records each
	// decision with it. It is called concurrently, from the goroutine that
	// made the assessment, not in input order, and must not modify the
	// assessment. When it returns an error the assessment is not written
	// and the batch stops with that error. Once the batch is stopped (ctx
	// done), Assessed is not called again and neither that line nor any
	// after it is written: what is written is always every line up to a
	// point, in order. Lines after that point may have been seen already.
	Assessed func(line int, a *pathway.Assessment) error
}

// Progress is how far a batch has got.
type Progress struct {
	// Lines is the number of assessments written.
	Lines int
	// Bytes is how much of the input those lines took.
	Bytes int64
}

// Summary counts a batch's assessments by decision.
type Summary struct {
	Lines                                     int
	Eligible, Ineligible, Incomplete, Invalid int
}

func (s *Summary) count(d pathway.Decision) {
	s.Lines++
	switch d {
	case pathway.Eligible:
		s.Eligible++
	case pathway.Ineligible:
		s.Ineligible++
	case pathway.Incomplete:
		s.Incomplete++
	default:
		s.Invalid++
	}
}

type job struct {
	seq, line int
	end       int64 // input offset after the line
	data      []byte
	tooLong   bool
}

type result struct {
	seq      int
	end      int64
	out      []byte
	decision pathway.Decision
}

// AssessLines reads one referral per line from r (JSON Lines; blank lines
// are skipped), assesses each under pack, and writes one assessment per
// line to w as JSON, in input order. Referrals are assessed concurrently
// by opts.Workers goroutines; output is reordered, and at most a bounded
// number of lines is held in memory, whatever the input's size.
//
// Each line stands alone: a malformed line, a line longer than MaxLine or
// a referral with no pack version in force on its date becomes an
// assessment with decision invalid whose problems say why, at the line's
// number (name:line:col); a referral without an id is named "line N".
// Problems never quote the line's text, which may hold personal data.
//
// It returns an error only when it cannot go on: reading r or writing w
// fails, a line has no end after MaxRunaway bytes (the input is not JSON
// Lines), or ctx is done. The Summary counts what was written.
func AssessLines(ctx context.Context, pack *pathway.Pack, r io.Reader, w io.Writer, opts Options) (Summary, error) {
	var sum Summary
	if pack == nil {
		return sum, errors.New("no rule pack")
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if opts.Name == "" {
		opts.Name = "input"
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	inFlight := make(chan struct{}, workers*32)
	jobs := make(chan job, workers*4)
	results := make(chan result, workers*4)

	workersDone := make(chan struct{})
	go func() {
		defer close(workersDone)
		done := make(chan struct{})
		for range workers {
			go func() {
				defer func() { done <- struct{}{} }()
				var buf []byte // each line's JSON, reused
				for j := range jobs {
					a := assessLine(ctx, pack, opts, j)
					if opts.Assessed != nil {
						if ctx.Err() != nil {
							results <- result{seq: j.seq, end: j.end, decision: a.Decision}
							continue
						}
						if err := opts.Assessed(j.line, a); err != nil {
							cancel(fmt.Errorf("line %d: %w", j.line, err))
							results <- result{seq: j.seq, end: j.end, decision: a.Decision}
							continue
						}
					}
					out, err := encode(&buf, a)
					if err != nil {
						cancel(fmt.Errorf("line %d: cannot write the assessment: %w", j.line, err))
						out = nil
					}
					results <- result{seq: j.seq, end: j.end, out: append(out, '\n'), decision: a.Decision}
				}
			}()
		}
		for range workers {
			<-done
		}
		close(results)
	}()

	writeDone := make(chan struct{})
	go func() {
		defer close(writeDone)
		bw := bufio.NewWriterSize(w, 64<<10)
		pending := map[int]result{}
		next := 0
		failed, stopped := false, false // a write failed; a line was held back
		for res := range results {
			pending[res.seq] = res
			for {
				p, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				<-inFlight
				if p.out == nil {
					// A line was not to be written: nothing after it is
					// either, so that what is written has no gap.
					stopped = true
				}
				if failed || stopped {
					continue
				}
				if _, err := bw.Write(p.out); err != nil {
					cancel(fmt.Errorf("cannot write the assessments: %w", err))
					failed = true
					continue
				}
				sum.count(p.decision)
				if opts.Progress != nil {
					opts.Progress(Progress{Lines: sum.Lines, Bytes: p.end})
				}
			}
		}
		if !failed {
			if err := bw.Flush(); err != nil {
				cancel(fmt.Errorf("cannot write the assessments: %w", err))
			}
		}
	}()

	readErr := readLines(r, func(j job) bool {
		select {
		case inFlight <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		select {
		case jobs <- j:
			return true
		case <-ctx.Done():
			<-inFlight
			return false
		}
	})
	close(jobs)
	<-workersDone
	<-writeDone
	if readErr != nil {
		return sum, readErr
	}
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

// encode writes a as JSON into *buf, reused from line to line, and returns
// a copy with room for the newline that ends its line.
func encode(buf *[]byte, a *pathway.Assessment) ([]byte, error) {
	b, err := a.AppendJSON((*buf)[:0])
	if err != nil {
		return nil, err
	}
	*buf = b
	out := make([]byte, len(b), len(b)+1)
	copy(out, b)
	return out, nil
}

// Line is one line of JSON Lines input, as Lines gives it.
type Line struct {
	// Number counts lines from 1, blank ones included.
	Number int
	// Text is the line without the space around it; empty when TooLong.
	Text []byte
	// TooLong is set for a line longer than MaxLine: one bad entry.
	TooLong bool
	// End is the input offset after the line.
	End int64
}

// Lines splits r into lines as AssessLines does and calls fn with each
// non-blank one, until fn returns false or r ends. Memory is bounded
// whatever the input: a line longer than MaxLine is given as TooLong,
// without its text; a line with no end after MaxRunaway bytes more stops
// reading with an error naming it.
func Lines(r io.Reader, fn func(Line) bool) error {
	return readLines(r, func(j job) bool {
		return fn(Line{Number: j.line, Text: j.data, TooLong: j.tooLong, End: j.end})
	})
}

// readLines splits r into lines and hands each non-blank one to send,
// numbered from 1, until send returns false or r ends.
func readLines(r io.Reader, send func(job) bool) error {
	br := bufio.NewReaderSize(r, 256<<10)
	line, seq := 0, 0
	var offset int64
	for {
		var buf []byte
		tooLong, eof := false, false
		start := offset
		for {
			chunk, err := br.ReadSlice('\n')
			offset += int64(len(chunk))
			if !tooLong {
				if len(buf)+len(chunk) > MaxLine+2 {
					tooLong, buf = true, nil
				} else {
					buf = append(buf, chunk...)
				}
			}
			if err == bufio.ErrBufferFull {
				if offset-start > MaxLine+MaxRunaway {
					return fmt.Errorf("line %d has no end after %d MiB: this is not JSON Lines, one referral a line; check the input", line+1, (offset-start)>>20)
				}
				continue
			}
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return fmt.Errorf("cannot read the referrals: %w", err)
			}
			break
		}
		if eof && len(buf) == 0 && !tooLong {
			return nil
		}
		line++
		if trimmed := bytes.TrimSpace(buf); len(trimmed) > 0 || tooLong {
			if !send(job{seq: seq, line: line, end: offset, data: trimmed, tooLong: tooLong}) {
				return nil
			}
			seq++
		}
		if eof {
			return nil
		}
	}
}

// assessLine assesses one line. It always returns an assessment.
func assessLine(ctx context.Context, pack *pathway.Pack, opts Options, j job) *pathway.Assessment {
	lineID := "line " + strconv.Itoa(j.line)
	if j.tooLong {
		return invalid(pack, opts, lineID, diag.List{{Severity: diag.Error, Code: "too-large", Summary: "The line is too long",
			Detail: fmt.Sprintf("A line may hold at most %d bytes. Check that each referral is on its own line.", MaxLine),
			Range:  diag.Range{File: opts.Name, Start: diag.Pos{Line: j.line, Column: 1}}}})
	}
	// Decode only: Assess validates, once, against the pack version's own
	// risk instrument ranges. Every problem is placed on the line below.
	r, err := referral.Decode(opts.Name, j.data)
	problems := diag.From(err)
	for _, d := range problems {
		d.Excerpt = "" // the line is the whole referral: never echo it
		d.Range.File = opts.Name
		if d.Range.Start.Line > 0 {
			d.Range.Start.Line = j.line
		}
		if d.Range.End.Line > 0 {
			d.Range.End.Line = j.line
		}
		if d.Range.Start.IsZero() {
			d.Range.Start = diag.Pos{Line: j.line, Column: 1}
		}
	}
	if r == nil {
		return invalid(pack, opts, lineID, problems)
	}
	aopts := []pathway.AssessOption{pathway.WithProblems(problems)}
	if !opts.At.IsZero() {
		aopts = append(aopts, pathway.At(opts.At))
	}
	a, err := pack.Assess(ctx, r, aopts...)
	if err != nil {
		var nv *pathway.NoVersionError
		if !errors.As(err, &nv) {
			return invalid(pack, opts, idOr(r.ID, lineID), diag.List{{Severity: diag.Error, Code: "not-assessed", Summary: "The referral could not be assessed",
				Detail: err.Error() + ".", Range: diag.Range{File: opts.Name, Start: diag.Pos{Line: j.line, Column: 1}}}})
		}
		return invalid(pack, opts, idOr(r.ID, lineID), diag.List{{Severity: diag.Error, Code: "no-version-in-force", Path: "dateSent",
			Summary: "No version of the rule pack is in force on the referral's date",
			Detail:  nv.Error() + ". Check the date, or assess it as on another date.",
			Range:   diag.Range{File: opts.Name, Start: diag.Pos{Line: j.line, Column: 1}}}})
	}
	if a.Referral == "" {
		a.Referral = lineID
	}
	for _, d := range a.Problems {
		if d.Range.Start.IsZero() {
			d.Range = diag.Range{File: opts.Name, Start: diag.Pos{Line: j.line, Column: 1}}
		}
	}
	return a
}

func idOr(id, alt string) string {
	if id == "" {
		return alt
	}
	return id
}

// invalid builds the assessment of a line that could not be assessed. It
// is stamped with the version in force on opts.At, or the latest.
func invalid(pack *pathway.Pack, opts Options, id string, problems diag.List) *pathway.Assessment {
	versions := pack.Versions()
	v := versions[len(versions)-1]
	at := v.Effective.To
	if !opts.At.IsZero() {
		at = opts.At
		if iv, err := pack.InForce(opts.At); err == nil {
			v = iv
		}
	}
	problems.Sort()
	return &pathway.Assessment{
		Referral: id, Pack: pathway.Stamp{Name: v.Name, Version: v.Version, Digest: v.Digest, Engine: pathway.EngineVersion()}, At: at,
		Decision: pathway.Invalid, Problems: problems, Failed: []string{}, Unknown: []string{}, Missing: []string{},
		Rules: []pathway.RuleResult{}, Programmes: []pathway.Offer{}, Actions: []pathway.Action{},
	}
}
