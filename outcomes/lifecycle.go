package outcomes

import (
	"fmt"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// Stage is how far a case has gone through its programme.
type Stage uint8

// The stages, in order. A case is at StageReferred after its referred event,
// and so on; the three ends are final.
const (
	StageNone Stage = iota
	StageReferred
	StageAssessed
	StageAllocated
	StageStarted
	StageCompleted
	StagePartiallyCompleted
	StageWithdrawn
)

// String names the stage by the event that reaches it.
func (st Stage) String() string {
	switch st {
	case StageReferred:
		return string(Referred)
	case StageAssessed:
		return string(Assessed)
	case StageAllocated:
		return string(Allocated)
	case StageStarted:
		return string(Started)
	case StageCompleted:
		return string(Completed)
	case StagePartiallyCompleted:
		return string(PartiallyCompleted)
	case StageWithdrawn:
		return string(Withdrawn)
	}
	return "not referred"
}

// Ended reports whether the case's programme has ended.
func (st Stage) Ended() bool { return st >= StageCompleted }

// caseState is everything remembered about one case: 56 bytes, plus
// victimState for a case with victims and scoreSlot for each score
// instrument it has.
type caseState struct {
	referLine int32
	allocLine int32
	stageLine int32
	stageOn   referral.Date
	victims   int32 // index + 1 of the case's victimState; 0 for none
	score     int32 // index + 1 of the case's first scoreSlot; 0 for none

	// ordering (order.go)
	pend, pendTail int32
	npend          int32
	lru            int32
	pendMax        referral.Date
	wOn            referral.Date

	prog    uint16 // the allocated programme's index + 1
	stage   Stage
	missing Stage // a stage an earlier event found missing, reported once
	wRank   int8
	started bool // a started event was handed on
	hasW    bool
	held    bool
}

// victimState is a case's victims in service: how many, the sum of their
// start days, the line of the first open victim-supported event (0 when
// none is open) and the line of the last victim-exited event.
type victimState struct {
	open        int64
	openDays    int64
	supportLine int32
	exitLine    int32
}

// scoreSlot remembers one instrument's pre score for a case.
type scoreSlot struct {
	pre      float64
	preLine  int32
	postLine int32
	instr    uint16 // instrument index + 1
}

func (cs *caseState) init(held bool) {
	*cs = caseState{pend: -1, pendTail: -1, held: held}
}

// effect is what an event closed, for metrics that need the case's
// history: victims leaving service, a pre score paired with a post, and
// whether an end came after a start.
type effect struct {
	exitedVictims int64
	exitedDays    int64 // the sum of the exiting victims' days in service
	pre           float64
	paired        bool
	afterStart    bool
}

// stageOf returns the stage an event type reaches and the stage it needs
// the case to be at; StageNone when the type is not a programme stage.
func stageOf(t Type) (reach, need Stage) {
	switch t {
	case Referred:
		return StageReferred, StageNone
	case Assessed:
		return StageAssessed, StageReferred
	case Allocated:
		return StageAllocated, StageAssessed
	case Started:
		return StageStarted, StageAllocated
	case SessionAttended:
		return StageStarted, StageStarted
	case Completed:
		return StageCompleted, StageStarted
	case PartiallyCompleted:
		return StagePartiallyCompleted, StageStarted
	case Withdrawn:
		return StageWithdrawn, StageReferred
	}
	return StageNone, StageNone
}

// sortedOrder is the sentence every ordering problem ends its
// explanation with.
const sortedOrder = "A case's events are taken in date order, and those of one day in the order referred, assessed, allocated, started, session-attended, score, then the end (completed, partially-completed or withdrawn), whatever the order of the lines."

// deliver checks an event against its case's lifecycle and, when it has
// no problem, hands it to the sink.
func (r *reader) deliver(cs *caseState, e *rec) {
	if r.mode == modeScan || r.stopped {
		return
	}
	before := r.errorsSoFar()
	r.out = r.toEvent(e)
	eff := r.advance(cs, e, &r.out)
	if r.hadError(before) {
		return
	}
	if err := r.sink.event(&r.out, cs, eff); err != nil {
		r.callbackError(int(e.line), err)
	}
}

// hadError reports whether a problem recorded since the first n is an
// error (not a warning).
func (r *reader) hadError(n int) bool {
	if r.unlisted > 0 {
		return true
	}
	for _, d := range r.problems[min(n, len(r.problems)):] {
		if d.Severity == diag.Error {
			return true
		}
	}
	return false
}

// advance checks e against its case's lifecycle, records any problem, and
// moves the case on. After a problem the case moves to the stage the event
// claims, so that one mistake gives one problem.
func (r *reader) advance(cs *caseState, e *rec, ev *Event) effect {
	var eff effect
	line := int(e.line)
	t := ev.Type
	reach, need := stageOf(t)
	add := func(sev diag.Severity, code, summary, detail string) {
		r.add(line, 1, sev, code, ev.Case, summary, detail)
	}
	if cs.stage == StageNone {
		if t == Referred {
			cs.stage, cs.stageLine, cs.stageOn, cs.referLine = StageReferred, e.line, e.on, e.line
			return eff
		}
		add(diag.Error, CodeBeforeReferral, fmt.Sprintf("%s before referred; the case has no referred event on or before %s", t, ev.On),
			fmt.Sprintf("Line %d is %s %s event for case %s on %s, but the case has no referred event dated on or before it. %s Add the case's referred event, or correct its date or this event's date or case id.", line, article(string(t)), t, ev.Case, ev.On, sortedOrder))
		cs.stage, cs.stageLine, cs.stageOn = max(reach, StageReferred), e.line, e.on
		if t == Allocated {
			cs.prog, cs.allocLine = e.prog, e.line
		}
		cs.started = cs.started || t == Started || t == SessionAttended
	} else if reach != StageNone {
		eff.afterStart = cs.started
		r.checkStage(cs, e, ev, reach, need)
	}
	if e.prog > 0 && t != Allocated {
		r.checkProgramme(cs, e, ev)
	}
	switch t {
	case VictimSupported:
		vs := r.victimsOf(cs)
		vs.open += int64(e.victims())
		vs.openDays += int64(e.victims()) * int64(e.on.Days())
		if vs.supportLine == 0 {
			vs.supportLine = e.line
		}
	case VictimExited:
		vs := r.victimsOf(cs)
		if vs.supportLine == 0 {
			detail := fmt.Sprintf("Line %d says case %s's victims left the service on %s, but no victim of the case is in service then: the case has no victim-supported event dated on or before it. %s Add the victim-supported event, or correct the dates, or remove this line.", line, ev.Case, ev.On, sortedOrder)
			if vs.exitLine > 0 {
				detail = fmt.Sprintf("Line %d says case %s's victims left the service on %s, but they already left (line %d) and no victim-supported event of the case is dated between the two. Remove one of the two lines, or add the victim-supported event between them.", line, ev.Case, ev.On, vs.exitLine)
			}
			add(diag.Error, CodeUnexpected, "victim-exited with no victim in service; expected a victim-supported event before it", detail)
		}
		eff.exitedVictims = vs.open
		eff.exitedDays = vs.open*int64(e.on.Days()) - vs.openDays
		vs.open, vs.openDays, vs.supportLine, vs.exitLine = 0, 0, 0, e.line
	case Score:
		eff = r.score(cs, e, ev)
	}
	return eff
}

// checkStage checks a programme event against the case's stage.
func (r *reader) checkStage(cs *caseState, e *rec, ev *Event, reach, need Stage) {
	line := int(e.line)
	t := ev.Type
	add := func(code, summary, detail string) {
		r.add(line, 1, diag.Error, code, ev.Case, summary, detail)
	}
	switch {
	case t == Referred && cs.referLine == 0:
		// Its earlier events were reported as coming before referral.
		cs.referLine = e.line
		return
	case t == Referred:
		add(CodeDuplicate, fmt.Sprintf("referred again; it was referred on line %d", cs.referLine),
			fmt.Sprintf("Line %d refers case %s, which line %d already referred. A case is referred once: give a new referral a new case id, or remove the repeated line.", line, ev.Case, cs.referLine))
		return
	case cs.stage.Ended():
		if t.Ends() {
			add(CodeDuplicateEnd, fmt.Sprintf("%s, but the case already ended (%s on line %d); a case ends once", t, cs.stage, cs.stageLine),
				fmt.Sprintf("Line %d ends case %s (%s on %s), but line %d already ended it (%s on %s). A case ends once: remove one of the two lines, or correct the case id.", line, ev.Case, t, ev.On, cs.stageLine, cs.stage, cs.stageOn))
		} else {
			add(CodeUnexpected, fmt.Sprintf("%s after the case ended (%s on line %d); the case's events, sorted by date, go %s before %s", t, cs.stage, cs.stageLine, cs.stage, t),
				fmt.Sprintf("Line %d is %s %s event for case %s on %s, but line %d ended the case (%s on %s) before it. %s Only victim-supported, victim-exited and score events may come after a case ends. Correct the dates or the case id.", line, article(string(t)), t, ev.Case, ev.On, cs.stageLine, cs.stage, cs.stageOn, sortedOrder))
		}
		return
	case t == Allocated && cs.stage >= StageAllocated:
		add(CodeDuplicate, fmt.Sprintf("allocated again; it was allocated on line %d", cs.allocLine),
			fmt.Sprintf("Line %d allocates case %s, which is already allocated (line %d) and has not ended. A case is allocated to one programme at a time: remove the repeated line, or end the first allocation (withdrawn) and refer the case again under a new case id.", line, ev.Case, cs.allocLine))
		return
	case t == Withdrawn || cs.stage == need:
		// in order
	case reach == cs.missing && cs.stage > need:
		// The stage an earlier event found missing, dated too late: that
		// problem is reported already.
		cs.missing = StageNone
		return
	case cs.stage < need:
		cs.missing = need
		add(CodeUnexpected, fmt.Sprintf("%s before %s; the case's events, sorted by date, go %s before %s", t, need, t, need),
			fmt.Sprintf("Line %d is %s %s event for case %s on %s, but the case has no %s event dated on or before it: its last stage by then is %s (line %d). %s Add the %s event, or correct the dates so that it comes first.", line, article(string(t)), t, ev.Case, ev.On, need, cs.stage, cs.stageLine, sortedOrder, need))
	case cs.stage == reach:
		add(CodeDuplicate, fmt.Sprintf("%s again; it was already %s on line %d", t, t, cs.stageLine),
			fmt.Sprintf("Line %d repeats case %s's %s event from line %d. A case passes each stage once: remove one of the two lines.", line, ev.Case, t, cs.stageLine))
		return
	default: // cs.stage > need: a stage dated too late
		add(CodeUnexpected, fmt.Sprintf("%s after %s (line %d); the case's events, sorted by date, go %s before %s", t, cs.stage, cs.stageLine, cs.stage, t),
			fmt.Sprintf("Line %d is %s %s event for case %s on %s, but the case was already %s on %s (line %d). The stages go referred, assessed, allocated, started, then the sessions and one end; %s Correct one of the dates.", line, article(string(t)), t, ev.Case, ev.On, cs.stage, cs.stageOn, cs.stageLine, sortedOrder))
		return
	}
	if t == Allocated {
		cs.prog, cs.allocLine = e.prog, e.line
	}
	if t == Started || t == SessionAttended {
		cs.started = true
	}
	if t == SessionAttended && cs.stage == StageStarted {
		return // sessions do not move the stage
	}
	cs.stage, cs.stageLine, cs.stageOn = max(cs.stage, reach), e.line, e.on
	if reach.Ended() {
		cs.stage = reach
	}
}

// checkProgramme checks the programme an event names against the case's
// allocation.
func (r *reader) checkProgramme(cs *caseState, e *rec, ev *Event) {
	line := int(e.line)
	switch {
	case cs.prog == 0:
		r.add(line, 1, diag.Error, CodeProgrammeMismatch, ev.Case, fmt.Sprintf("%s names programme %q, but the case is not allocated to a programme", ev.Type, ev.Programme),
			fmt.Sprintf("Line %d names programme %q, but case %s has no allocated event dated on or before %s. %s Add the allocation, or remove the programme from this line.", line, ev.Programme, ev.Case, ev.On, sortedOrder))
	case cs.prog != e.prog:
		alloc := r.progs[cs.prog-1]
		r.add(line, 1, diag.Error, CodeProgrammeMismatch, ev.Case, fmt.Sprintf("%s names programme %q, but the case is allocated to %q", ev.Type, ev.Programme, alloc),
			fmt.Sprintf("Line %d names programme %q, but case %s is allocated to %q. An event may name the case's programme, and then it must be the one allocated. Correct the programme, or the case id.", line, ev.Programme, ev.Case, alloc))
	}
}

// victimsOf returns a case's victim state, making it on first use.
func (r *reader) victimsOf(cs *caseState) *victimState {
	if cs.victims == 0 {
		cs.victims = r.victims.grow() + 1
	}
	return r.victims.at(cs.victims - 1)
}

// slot returns the score state of an instrument for a case: the first
// instrument's in a chunk, any other's in a map.
func (r *reader) slot(cs *caseState, e *rec) *scoreSlot {
	if cs.score == 0 {
		cs.score = r.slots.grow() + 1
		r.slots.at(cs.score - 1).instr = e.instr
	}
	if sc := r.slots.at(cs.score - 1); sc.instr == e.instr {
		return sc
	}
	k := uint64(e.cas)<<16 | uint64(e.instr)
	sc := r.scores[k]
	if sc == nil {
		sc = &scoreSlot{instr: e.instr}
		r.scores[k] = sc
	}
	return sc
}

// score checks a score event and pairs a post score with its pre score.
func (r *reader) score(cs *caseState, e *rec, ev *Event) effect {
	var eff effect
	line := int(e.line)
	sc := r.slot(cs, e)
	add := func(sev diag.Severity, code, summary, detail string) {
		r.add(line, 1, sev, code, ev.Case, summary, detail)
	}
	switch {
	case ev.Phase == Pre && sc.preLine > 0:
		add(diag.Error, CodeDuplicate, fmt.Sprintf("a second pre score for %s; the first is on line %d", ev.Instrument, sc.preLine),
			fmt.Sprintf("Line %d gives case %s a pre score for %s, which line %d already gave. A case has one pre and one post score for each instrument: remove one of the two lines.", line, ev.Case, ev.Instrument, sc.preLine))
	case ev.Phase == Pre && sc.postLine > 0:
		add(diag.Error, CodeUnexpected, fmt.Sprintf("pre score for %s after its post score (line %d); the case's events, sorted by date, go post before pre", ev.Instrument, sc.postLine),
			fmt.Sprintf("Line %d gives case %s a pre score for %s dated %s, after its post score (line %d). A pre score is taken before the programme and a post score after it; scores of one day are taken pre first. Correct the dates or the phase.", line, ev.Case, ev.Instrument, ev.On, sc.postLine))
	case ev.Phase == Pre:
		sc.pre, sc.preLine = ev.Value, e.line
	case sc.postLine > 0:
		add(diag.Error, CodeDuplicate, fmt.Sprintf("a second post score for %s; the first is on line %d", ev.Instrument, sc.postLine),
			fmt.Sprintf("Line %d gives case %s a post score for %s, which line %d already gave. A case has one pre and one post score for each instrument: remove one of the two lines.", line, ev.Case, ev.Instrument, sc.postLine))
	default:
		sc.postLine = e.line
		if sc.preLine == 0 {
			add(diag.Warning, CodeNotCounted, fmt.Sprintf("post score for %s with no pre score; not counted in score-change:%s", ev.Instrument, ev.Instrument),
				fmt.Sprintf("Line %d gives case %s a post score for %s, but the case has no pre score for it dated on or before %s, so the score cannot count towards the change. Add the pre score if there is one.", line, ev.Case, ev.Instrument, ev.On))
			break
		}
		eff.pre, eff.paired = sc.pre, true
	}
	return eff
}
