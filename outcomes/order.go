package outcomes

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// How a log's lines are put in order (docs/events.md): the events of a
// case are taken in date order, those of one day in Rank order, then in
// file order. Lines of different cases may interleave in any way.
//
// A case's events wait in a short pending list and are handed on (to the
// lifecycle check and then the report) once the case's order up to them is
// settled: when a line of the case with a later date comes, or when the
// case has had no line for a while and the log has moved past the pending
// dates, or at the end. A log whose cases are each in date order, such as
// one sorted by date or by case, is so read in one pass with memory for
// the open cases and a few thousand pending events.
//
// A line that comes after events of its case that go after it ("late") was
// not foreseen. When the log can be read again (an io.Seeker) and the
// receiver can start over, reading goes on only to find every case with a
// late line, then starts over and holds all the events of those cases until
// the end, handing them on sorted. Otherwise (a pipe, or a receiver that
// cannot start over) every case is held so from the start.

// rec is one event in compact form: 28 bytes. A score's value is kept
// beside it (reader.values), so that the events that are not scores do not
// pay for it.
type rec struct {
	on     referral.Date
	line   int32
	cas    int32
	next   int32  // the next rec in a case's list, or -1
	aux    uint32 // victims and children (16 bits each), or a score's value slot
	prog   uint16 // programme index + 1; 0 for none
	instr  uint16 // instrument index + 1; 0 for none
	typ    uint8  // index into types
	phase  uint8
	reason uint8 // index into the reason table
	_      uint8
}

func (e *rec) victims() int  { return int(e.aux & 0xffff) }
func (e *rec) children() int { return int(e.aux >> 16) }
func (e *rec) isScore() bool { return types[e.typ] == Score }

const (
	phaseNone uint8 = iota
	phasePre
	phasePost
)

func (e *rec) rank() int { return Rank(types[e.typ], phaseOf(e.phase)) }

func phaseOf(p uint8) Phase {
	switch p {
	case phasePre:
		return Pre
	case phasePost:
		return Post
	}
	return ""
}

// before orders recs: date, rank, line.
func (e *rec) compare(f *rec) int {
	return cmp.Or(e.on.Compare(f.on), cmp.Compare(e.rank(), f.rank()), cmp.Compare(e.line, f.line))
}

// The ways of reading a log.
type readMode uint8

const (
	// modeStream hands events on as soon as their case's order is settled.
	modeStream readMode = iota
	// modeScan hands nothing on and records no problem: it only finds the
	// cases with late lines.
	modeScan
	// modeHoldAll holds every case's events until the end.
	modeHoldAll
)

// idleLines is how many lines a case may go without a line of its own
// before its pending events are handed on (when the log has moved past
// their date).
const idleLines = 4096

// lruEntry notes that a case had a line at line.
type lruEntry struct {
	cas, line int32
}

// alloc returns a free rec's index.
func (r *reader) alloc() int32 {
	r.inUse++
	if r.free >= 0 {
		i := r.free
		r.free = r.pool.at(i).next
		return i
	}
	if r.inUse > MaxHeldEvents {
		r.large("the log has too many events to put in order", fmt.Sprintf("At most %d events are held to be put in order. Sort the log by date (or by case, then date) and run again: a sorted log is read without holding its events.", MaxHeldEvents))
	}
	return r.pool.grow()
}

func (r *reader) release(i int32) {
	if e := r.pool.at(i); e.isScore() {
		r.freeValues = append(r.freeValues, int32(e.aux))
	}
	r.inUse--
	r.pool.at(i).next = r.free
	r.free = i
}

// push appends rec i to its case's pending or held list.
func (cs *caseState) push(r *reader, i int32) {
	r.pool.at(i).next = -1
	if cs.npend == 0 {
		cs.pend = i
	} else {
		r.pool.at(cs.pendTail).next = i
	}
	cs.pendTail = i
	cs.npend++
}

// add takes one good event in.
func (r *reader) addEvent(e *rec) {
	cs := r.cases.at(e.cas)
	if e.on.After(r.maxOn) {
		r.maxOn = e.on
	}
	if cs.held {
		if r.mode == modeScan {
			return // already known late; nothing to find
		}
		r.store(e, cs)
		return
	}
	if cs.hasW && (e.on.Before(cs.wOn) || e.on == cs.wOn && e.rank() < int(cs.wRank)) {
		r.lateLine(cs, e)
		return
	}
	// A later date settles the days before it.
	if cs.npend > 0 && cs.pendMax.Before(e.on) {
		r.flush(cs, e.on)
	}
	r.store(e, cs)
	if cs.npend == 1 || cs.pendMax.Before(e.on) {
		cs.pendMax = e.on
	}
	cs.lru = e.line
	r.lru = append(r.lru, lruEntry{cas: e.cas, line: e.line})
}

// store keeps a copy of e, and its score value, at the end of its case's
// list.
func (r *reader) store(e *rec, cs *caseState) {
	i := r.alloc()
	p := r.pool.at(i)
	*p = *e
	if e.isScore() {
		var v int32
		if n := len(r.freeValues); n > 0 {
			v = r.freeValues[n-1]
			r.freeValues = r.freeValues[:n-1]
		} else {
			v = r.values.grow()
		}
		*r.values.at(v) = r.value
		p.aux = uint32(v)
	}
	cs.push(r, i)
}

// idle hands on the pending events of cases that have had no line for
// idleLines lines, when the log has moved past their dates.
func (r *reader) idle() {
	cut := int32(r.line) - idleLines
	for r.lruHead < len(r.lru) && r.lru[r.lruHead].line < cut {
		en := r.lru[r.lruHead]
		r.lruHead++
		cs := r.cases.at(en.cas)
		if cs.lru != en.line || cs.held || cs.npend == 0 {
			continue // the case had a later line, or nothing waits
		}
		if cs.pendMax.Before(r.maxOn) {
			r.flush(cs, r.maxOn)
			continue
		}
		// Still the log's latest day: look again later.
		cs.lru = int32(r.line)
		r.lru = append(r.lru, lruEntry{cas: en.cas, line: cs.lru})
	}
	if r.lruHead > 4096 && r.lruHead > len(r.lru)/2 {
		r.lru = append(r.lru[:0], r.lru[r.lruHead:]...)
		r.lruHead = 0
	}
}

// flush hands on, in order, a case's pending events dated before until
// (all of them when until is zero).
func (r *reader) flush(cs *caseState, until referral.Date) {
	r.scratch = r.scratch[:0]
	for i := cs.pend; cs.npend > 0 && i >= 0; i = r.pool.at(i).next {
		r.scratch = append(r.scratch, i)
		if i == cs.pendTail {
			break
		}
	}
	if len(r.scratch) > 1 {
		slices.SortFunc(r.scratch, func(a, b int32) int { return r.pool.at(a).compare(r.pool.at(b)) })
	}
	cs.npend = 0
	keep := r.scratch[:0]
	for _, i := range r.scratch {
		e := r.pool.at(i)
		if !until.IsZero() && !e.on.Before(until) {
			keep = append(keep, i)
			continue
		}
		cs.hasW, cs.wOn, cs.wRank = true, e.on, int8(e.rank())
		r.deliver(cs, e)
		r.release(i)
	}
	for _, i := range keep {
		cs.push(r, i)
		if cs.npend == 1 || cs.pendMax.Before(r.pool.at(i).on) {
			cs.pendMax = r.pool.at(i).on
		}
	}
}

// late handles a line that goes before events of its case already handed
// on.
func (r *reader) lateLine(cs *caseState, e *rec) {
	if r.again {
		// The second pass holds every case found late in the first, and
		// hands the others on exactly as the first did, so this cannot
		// happen; if it does, say so rather than miscount.
		r.add(int(e.line), 1, diag.Error, CodeStopped, "", "the log could not be put in order",
			"Reading the log a second time found a line out of place that the first reading did not. Sort the log by date and run again.")
		r.stopped = true
		return
	}
	r.late.set(e.cas)
	r.anyLate = true
	if r.mode == modeStream {
		r.mode = modeScan // hand nothing more on; find the rest
	}
	cs.held = true
	for cs.npend > 0 {
		i := cs.pend
		cs.pend = r.pool.at(i).next
		cs.npend--
		r.release(i)
	}
}

// finish hands on everything still waiting, case by case.
func (r *reader) finish() {
	for c := int32(0); c < int32(r.cases.n); c++ {
		cs := r.cases.at(c)
		if cs.npend > 0 {
			r.flush(cs, referral.Date{})
		}
	}
}

// bitset is a set of case indexes: a bit each.
type bitset []uint64

func (b *bitset) set(i int32) {
	for int(i>>6) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i>>6] |= 1 << (i & 63)
}

func (b bitset) has(i int32) bool { return int(i>>6) < len(b) && b[i>>6]&(1<<(i&63)) != 0 }
