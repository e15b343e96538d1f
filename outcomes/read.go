package outcomes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// Sink receives a log's good events, each case's in order (see
// ReadEventsTo).
type Sink interface {
	// Event receives one event with no problem. Returning a
	// *diag.Diagnostic or a diag.List (or an error wrapping one) adds its
	// problems to the result, at the event's line when they have no range
	// of their own, and reading goes on; any other error stops reading
	// and becomes a problem with code CodeStopped.
	Event(Event) error
	// Restart tells the sink to forget every event it was given: the log
	// is being read again from its start, because some case's lines were
	// not in date order (see ReadEventsTo).
	Restart()
}

// ReadEvents reads an event log from r — JSON Lines or CSV with a header
// row, told apart by content unless WithInputFormat says which
// (docs/events.md) — checks every event and every case's lifecycle, and
// calls fn for each event that has no problem. name is the file name put
// in problems' ranges.
//
// Lines may come in any order. fn receives each case's events in the
// case's order: by date, events of one day in Rank order, then in file
// order. Events of different cases come in no set order. The event passed
// to fn is a copy; its strings stay valid after fn returns.
//
// fn is called once for each good event, so ReadEvents cannot hand a case
// on before it has seen all of its lines: when r is an io.Seeker it reads
// the log twice, first to find the cases whose lines are not in date order,
// then to hand the others on as it goes and those at the end; otherwise it
// holds every event (40 bytes each) until the end. ReadEventsTo reads a log
// in date order once.
//
// If fn returns a *diag.Diagnostic or a diag.List (or an error wrapping
// one), its problems are added to the result, with the event's file and
// line filled in where their range is empty, and reading goes on. Any other
// error from fn stops reading and is returned as a problem with code
// CodeStopped.
//
// The result holds every problem found, sorted by line; it may hold
// warnings only. Use its HasErrors (or Err) to decide. An I/O error is a
// problem with code CodeReadError. Options other than WithInputFormat and
// WithReasons are ignored.
func ReadEvents(name string, r io.Reader, fn func(Event) error, opts ...Option) diag.List {
	return ReadEventsTo(name, r, funcSink(fn), opts...)
}

// funcSink is a Sink that cannot start over.
type funcSink func(Event) error

func (f funcSink) Event(e Event) error {
	if f == nil {
		return nil
	}
	return f(e)
}

func (funcSink) Restart() {}

// ReadEventsTo is ReadEvents with a Sink that can start over, which lets a
// log be read in one pass with memory bounded by its open cases when each
// case's lines are in date order (a log sorted by date, or by case then
// date). When a line comes after events of its case that go after it and r
// is an io.Seeker, reading goes on to find every such case, then s.Restart
// is called and the log read again, holding only those cases' events until
// the end. When r cannot seek, every event is held until the end.
func ReadEventsTo(name string, r io.Reader, s Sink, opts ...Option) diag.List {
	cfg, err := newConfig(opts)
	if err != nil {
		return diag.List{{Severity: diag.Error, Code: CodeMetric, Summary: "the options cannot be used", Detail: err.Error(), Range: diag.Range{File: name}}}
	}
	_, once := s.(funcSink)
	rd := newReader(name, cfg, &userSink{s: s})
	return rd.read(r, once)
}

// userSink adapts a Sink to the reader.
type userSink struct{ s Sink }

func (u *userSink) event(e *Event, _ *caseState, _ effect) error { return u.s.Event(*e) }
func (u *userSink) restart()                                     { u.s.Restart() }

// sink receives events with their case's state and what they closed.
type sink interface {
	event(e *Event, cs *caseState, eff effect) error
	restart()
}

// reader reads one log. It is not safe for concurrent use.
type reader struct {
	name     string
	cfg      *config
	reasons  *reasonTable
	sink     sink
	problems diag.List
	unlisted int
	line     int
	mode     readMode
	stopped  bool
	tooLarge bool

	ids     *idTable // case ids
	cases   chunks[caseState]
	victims chunks[victimState]
	slots   chunks[scoreSlot]
	progIdx map[string]uint16
	progs   []string
	instIdx map[string]uint16
	insts   []string
	scores  map[uint64]*scoreSlot // second and later instruments of a case

	pool       chunks[rec]
	values     chunks[float64] // score values of the recs in pool
	freeValues []int32
	value      float64 // the score value of the line being read
	free       int32
	inUse      int
	scratch    []int32
	maxOn      referral.Date
	lru        []lruEntry
	lruHead    int
	late       bitset // the cases with a late line
	again      bool   // the second pass
	anyLate    bool

	raw     rawEvent
	ev      rec
	json    *jsonLine
	out     Event  // the event handed on; reused
	bad     bool   // the current line has an error
	who     []byte // the current line's case id, when good
	unknown func(name []byte, col int)
}

func newReader(name string, cfg *config, s sink) *reader {
	r := &reader{name: name, cfg: cfg, sink: s, reasons: newReasonTable(cfg.reasons),
		ids: newIDTable(), progIdx: map[string]uint16{}, instIdx: map[string]uint16{},
	}
	r.reset()
	return r
}

// reset clears everything but the interned ids and the late cases, for a
// new pass.
func (r *reader) reset() {
	r.problems, r.unlisted, r.line, r.stopped, r.tooLarge = nil, 0, 0, false, false
	for c := int32(0); c < int32(r.cases.n); c++ {
		r.cases.at(c).init(r.late.has(c))
	}
	r.victims.reset()
	r.slots.reset()
	r.scores = map[uint64]*scoreSlot{}
	r.pool.reset()
	r.values.reset()
	r.free, r.inUse, r.freeValues = -1, 0, r.freeValues[:0]
	r.maxOn = referral.Date{}
	r.lru, r.lruHead = r.lru[:0], 0
}

// read reads src to the end, in one or two passes, and returns every
// problem. mustBeSure is true for a sink that cannot start over.
func (r *reader) read(src io.Reader, mustBeSure bool) diag.List {
	seeker, canSeek := src.(io.Seeker)
	var start int64
	if canSeek {
		var err error
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			canSeek = false
		}
	}
	switch {
	case !canSeek:
		r.mode = modeHoldAll
	case mustBeSure:
		r.mode = modeScan
	default:
		r.mode = modeStream
	}
	first := r.mode
	r.pass(src)
	if r.mode == modeHoldAll || (first == modeStream && !r.anyLate) || r.stopped && first != modeScan {
		return r.result()
	}
	// Read again, holding the cases with late lines.
	if _, err := seeker.Seek(start, io.SeekStart); err != nil {
		r.readError(err)
		return r.result()
	}
	r.sink.restart()
	r.reset()
	r.mode, r.again = modeStream, true
	r.pass(src)
	return r.result()
}

// pass reads the log once.
func (r *reader) pass(src io.Reader) {
	br := bufio.NewReaderSize(src, 64<<10)
	format := r.cfg.input
	if format == "" || format == InputAuto {
		format = detect(br)
	}
	if format == InputCSV {
		r.passCSV(br)
	} else {
		r.passJSON(br)
	}
	if !r.stopped {
		r.finish()
	}
}

func (r *reader) passJSON(br *bufio.Reader) {
	if r.json == nil {
		r.json = newJSONLine()
	}
	for !r.stopped {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			r.next()
			n := len(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				n += len(line)
			}
			r.tooLong(r.line, n)
		} else if len(line) > 0 {
			r.next()
			if r.line == 1 {
				line = bytes.TrimPrefix(line, bom)
			}
			r.jsonLine(line)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				r.readError(err)
			}
			return
		}
	}
}

// next moves to the next line.
func (r *reader) next() {
	if r.line == math.MaxInt32-1 {
		r.large("the log has too many lines", fmt.Sprintf("A log may have at most %d lines. Split it by year.", math.MaxInt32-1))
		return
	}
	r.line++
	if r.line%64 == 0 {
		r.idle()
	}
}

func (r *reader) tooLong(line, n int) {
	r.add(line, 1, diag.Error, CodeLineTooLong, "", fmt.Sprintf("line %d is too long", line),
		fmt.Sprintf("Line %d has %d bytes or more; the most is %d, and an event is a few hundred bytes at most. Put one event on each line.", line, n, MaxLineBytes))
}

func (r *reader) jsonLine(line []byte) {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) > MaxLineBytes {
		r.tooLong(r.line, len(line))
		return
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	if r.unknown == nil {
		r.unknown = r.unknownField
	}
	nBefore := r.errorsSoFar()
	p, ok := r.json.parse(line, &r.raw, r.unknown)
	if !ok {
		r.add(r.line, p.col, diag.Error, p.code, "", p.summary, p.detail)
		return
	}
	good := r.decode(&r.raw, false, &r.ev)
	if good && !r.hadError(nBefore) {
		r.addEvent(&r.ev)
	}
}

// unknownField reports a field events do not have.
func (r *reader) unknownField(name []byte, col int) {
	r.add(r.line, col, diag.Error, CodeUnknownField, "", "unknown field "+shown(name),
		fmt.Sprintf("Line %d has a field %s, which events do not have.%s Events have %s.", r.line, shown(name), didYouMeanSafe(string(name), fieldNames), quotedFields()))
}

func (r *reader) passCSV(br *bufio.Reader) {
	problem := func(line, col int, code, summary, detail string) {
		r.add(line, col, diag.Error, code, "", summary, detail)
	}
	c := newCSVLog(br, r.tooLong)
	if !c.header(problem) {
		if c.feed.err != nil && !errors.Is(c.feed.err, io.EOF) {
			r.readError(c.feed.err)
		}
		return
	}
	for !r.stopped {
		line, more, ok := c.next(&r.raw, problem)
		for r.line < line && !r.stopped {
			r.next()
		}
		if !more {
			if c.feed.err != nil && !errors.Is(c.feed.err, io.EOF) {
				r.readError(c.feed.err)
			}
			return
		}
		if !ok {
			continue
		}
		if r.decode(&r.raw, true, &r.ev) {
			r.addEvent(&r.ev)
		}
	}
}

// errorsSoFar counts the errors recorded, to tell whether a line had one.
func (r *reader) errorsSoFar() int { return len(r.problems) + r.unlisted }

// caseIndex interns a case id.
func (r *reader) caseIndex(id []byte) (int32, bool) {
	if i, ok := r.ids.find(id); ok {
		return i, true
	}
	if r.ids.len() >= MaxCases {
		r.large("the log has too many cases", fmt.Sprintf("A log may hold at most %d cases. Split it by year.", MaxCases))
		return 0, false
	}
	i := r.ids.add(id)
	r.cases.grow()
	r.cases.at(i).init(r.mode == modeHoldAll)
	return i, true
}

// internID interns a programme or instrument id.
func (r *reader) internID(idx *map[string]uint16, list *[]string, id []byte, what string) (uint16, bool) {
	if i, ok := (*idx)[string(id)]; ok {
		return i + 1, true
	}
	if len(*list) >= MaxIDs {
		r.large(fmt.Sprintf("the log names too many %s ids", what), fmt.Sprintf("A log may name at most %d different %s ids. Check the %s column.", MaxIDs, what, what))
		return 0, false
	}
	s := string(id)
	(*idx)[s] = uint16(len(*list))
	*list = append(*list, s)
	return uint16(len(*list)), true
}

// large records that the log is beyond a limit, and stops reading.
func (r *reader) large(summary, detail string) {
	if !r.tooLarge {
		r.tooLarge = true
		r.add(r.line, 1, diag.Error, CodeTooLarge, "", summary, detail)
	}
	r.stopped = true
}

func (r *reader) readError(err error) {
	r.problems = append(r.problems, &diag.Diagnostic{
		Severity: diag.Error, Code: CodeReadError,
		Summary: "cannot read the event log: " + err.Error(),
		Detail:  fmt.Sprintf("Reading stopped after line %d. Check that the file can be read and run again.", r.line),
		Range:   diag.Range{File: r.name, Start: diag.Pos{Line: max(r.line, 1), Column: 1}},
	})
	r.stopped = true
}

// add records a problem at a line and column. caseID, when not empty,
// prefixes the summary. A scanning pass records nothing.
func (r *reader) add(line, col int, sev diag.Severity, code, caseID, summary, detail string) {
	if r.mode == modeScan && code != CodeReadError {
		return
	}
	if len(r.problems) >= MaxProblems {
		r.unlisted++
		return
	}
	if caseID != "" {
		summary = "case " + caseID + ": " + summary
	}
	r.problems = append(r.problems, &diag.Diagnostic{
		Severity: sev, Code: code, Summary: summary, Detail: detail,
		Range: diag.Range{File: r.name, Start: diag.Pos{Line: max(line, 1), Column: max(col, 1)}},
	})
}

// result sorts the problems and counts those not listed.
func (r *reader) result() diag.List {
	r.problems.Sort()
	if r.unlisted > 0 {
		r.problems = append(r.problems, &diag.Diagnostic{
			Severity: diag.Error, Code: CodeTooManyProblems,
			Summary: fmt.Sprintf("%d more problems not listed", r.unlisted),
			Detail:  fmt.Sprintf("Only the first %d problems are listed. Fix these and run again to see the rest.", MaxProblems),
			Range:   diag.Range{File: r.name},
		})
	}
	return r.problems
}

// toEvent makes the Event of a stored rec; its strings are shared, not
// copied.
func (r *reader) toEvent(e *rec) Event {
	victims, children := 0, 0
	if types[e.typ] == VictimSupported {
		victims, children = e.victims(), e.children()
	}
	return Event{Victims: victims, Children: children, Line: int(e.line), Case: r.ids.id(e.cas), Type: types[e.typ], On: e.on,
		Phase: phaseOf(e.phase), Value: r.valueOf(e),
		Programme: r.idText(r.progs, e.prog), Instrument: r.idText(r.insts, e.instr), Reason: r.reasonOf(e)}
}

// valueOf returns a stored score's value.
func (r *reader) valueOf(e *rec) float64 {
	if !e.isScore() {
		return 0
	}
	return *r.values.at(int32(e.aux))
}

func (r *reader) idText(list []string, i uint16) string {
	if i == 0 {
		return ""
	}
	return list[i-1]
}

func (r *reader) reasonOf(e *rec) Reason {
	if types[e.typ] != Withdrawn {
		return ""
	}
	return r.reasons.codes[e.reason].Code
}

// callbackError records an error from the sink.
func (r *reader) callbackError(line int, err error) {
	var list diag.List
	var one *diag.Diagnostic
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = diag.List{one}
	default:
		r.add(line, 1, diag.Error, CodeStopped, "", fmt.Sprintf("reading stopped at line %d: %v", line, err),
			"The events after this one were not read.")
		r.stopped = true
		return
	}
	for _, d := range list {
		if d == nil {
			continue
		}
		c := *d
		if c.Range.IsZero() {
			c.Range = diag.Range{File: r.name, Start: diag.Pos{Line: line, Column: 1}}
		}
		if len(r.problems) >= MaxProblems {
			r.unlisted++
			continue
		}
		r.problems = append(r.problems, &c)
	}
}
