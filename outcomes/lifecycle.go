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

// caseState is everything remembered about one case: a few dozen bytes,
// plus one entry for each score instrument the case has.
type caseState struct {
	id        string
	programme string
	scores    []scoreState
	stage     Stage
	last      referral.Date // the latest date seen for the case
	lastLine  int           // the line of that date
	stageLine int           // the line that reached the current stage
	referLine int           // the line of the referred event; 0 if missing
	// victims in service: how many, the sum of their start days, the line
	// of the first open victim-supported event (0 when none is open) and
	// the line of the last victim-exited event.
	openVictims int64
	openDays    int64
	supportLine int
	exitLine    int
}

// scoreState remembers one instrument's pre score for a case.
type scoreState struct {
	instrument string
	pre        float64
	preLine    int
	postLine   int
}

// effect is what an event closed, for metrics that need the case's
// history: victims leaving service, and a pre score paired with a post.
type effect struct {
	exitedVictims int64
	exitedDays    int64 // the sum of the exiting victims' days in service
	pre           float64
	paired        bool
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

// article returns "a" or "an" for an event type name.
func article(s string) string {
	if s != "" && (s[0] == 'a' || s[0] == 'e' || s[0] == 'i' || s[0] == 'o' || s[0] == 'u') {
		return "an"
	}
	return "a"
}

// advance checks e against its case's lifecycle, records any problem, and
// moves the case on. After a problem the case moves to the stage the event
// claims, so that one missing line gives one problem.
func (s *scanner) advance(e *Event) (*caseState, effect) {
	var eff effect
	cs := s.cases[e.Case]
	reach, need := stageOf(e.Type)
	if cs == nil {
		cs = &caseState{id: e.Case, last: e.On, lastLine: s.line}
		s.cases[cs.id] = cs
		if e.Type == Referred {
			cs.stage, cs.stageLine, cs.referLine = StageReferred, s.line, s.line
			return cs, eff
		}
		s.add(0, diag.Error, CodeBeforeReferral, e.Case, fmt.Sprintf("%s before referred; expected the case's referred event first", e.Type),
			fmt.Sprintf("Line %d is %s %s event for case %s, but no earlier line refers the case. Add the case's referred event before this line (events for a case must follow its referral), or correct the case id.", s.line, article(string(e.Type)), e.Type, e.Case))
		cs.stage, cs.stageLine = max(reach, StageReferred), s.line
		if e.Type == Allocated {
			cs.programme = e.Programme
		}
	} else {
		s.checkDate(e, cs)
		if reach != StageNone {
			s.checkStage(e, cs, reach, need)
		}
	}
	switch e.Type {
	case VictimSupported:
		cs.openVictims += int64(e.Victims)
		cs.openDays += int64(e.Victims) * int64(e.On.Days())
		if cs.supportLine == 0 {
			cs.supportLine = s.line
		}
	case VictimExited:
		if cs.supportLine == 0 {
			detail := fmt.Sprintf("Line %d says case %s's victims left the service, but no victim of the case is in service: there is no victim-supported event for it before this line. Add the victim-supported event, or remove this line.", s.line, e.Case)
			if cs.exitLine > 0 {
				detail = fmt.Sprintf("Line %d says case %s's victims left the service, but they already left on line %d and no victim-supported event came since. Remove one of the two lines, or add the victim-supported event between them.", s.line, e.Case, cs.exitLine)
			}
			s.add(0, diag.Error, CodeUnexpected, e.Case, "victim-exited with no victim in service; expected a victim-supported event first", detail)
		}
		eff.exitedVictims = cs.openVictims
		eff.exitedDays = cs.openVictims*int64(e.On.Days()) - cs.openDays
		cs.openVictims, cs.openDays, cs.supportLine, cs.exitLine = 0, 0, 0, s.line
	case Score:
		eff = s.score(e, cs)
	}
	return cs, eff
}

// checkDate reports an event dated before an earlier line of its case.
func (s *scanner) checkDate(e *Event, cs *caseState) {
	if e.On.Before(cs.last) {
		s.add(0, diag.Error, CodeOutOfOrder, e.Case, fmt.Sprintf("%s on %s is before the case's event on line %d (%s); expected events in date order", e.Type, e.On, cs.lastLine, cs.last),
			fmt.Sprintf("Line %d is dated %s, but line %d, earlier in the file, has case %s's event on %s. The events of a case must be in date order (events of one case on the same day are taken in file order). Move this line up, or correct one of the dates.", s.line, e.On, cs.lastLine, e.Case, cs.last))
		return
	}
	cs.last, cs.lastLine = e.On, s.line
}

// checkStage checks a programme event against the case's stage.
func (s *scanner) checkStage(e *Event, cs *caseState, reach, need Stage) {
	t := e.Type
	switch {
	case t == Referred && cs.referLine == 0:
		s.add(0, diag.Error, CodeUnexpected, e.Case, fmt.Sprintf("referred after the case's first event on line %d; expected referred first", cs.stageLine),
			fmt.Sprintf("Line %d refers case %s, but line %d already has an event for it. Move the referred event before the case's other events.", s.line, e.Case, cs.stageLine))
		cs.referLine = s.line
		return
	case t == Referred:
		s.add(0, diag.Error, CodeDuplicate, e.Case, fmt.Sprintf("referred again; it was referred on line %d", cs.firstLine()),
			fmt.Sprintf("Line %d refers case %s, which line %d already referred. A case is referred once: give a new referral a new case id, or remove the repeated line.", s.line, e.Case, cs.firstLine()))
		return
	case cs.stage.Ended():
		if t.Ends() {
			s.add(0, diag.Error, CodeDuplicateEnd, e.Case, fmt.Sprintf("%s, but the case already ended (%s on line %d); a case ends once", t, cs.stage, cs.stageLine),
				fmt.Sprintf("Line %d ends case %s (%s), but line %d already ended it (%s). A case ends once: remove one of the two lines, or correct the case id.", s.line, e.Case, t, cs.stageLine, cs.stage))
		} else {
			s.add(0, diag.Error, CodeUnexpected, e.Case, fmt.Sprintf("%s after the case ended (%s on line %d); expected no programme events after the end", t, cs.stage, cs.stageLine),
				fmt.Sprintf("Line %d is %s %s event for case %s, but line %d already ended the case (%s). Only victim-supported, victim-exited and score events may come after a case ends. Correct the dates, the order or the case id.", s.line, article(string(t)), t, e.Case, cs.stageLine, cs.stage))
		}
		return
	case t == Withdrawn || cs.stage == need:
		// in order
	case cs.stage < need:
		s.add(0, diag.Error, CodeUnexpected, e.Case, fmt.Sprintf("%s before %s; expected %s %s event first", t, need, article(need.String()), need),
			fmt.Sprintf("Line %d is %s %s event for case %s, which has not been %s: its last stage is %s (line %d). Add the %s event before this line, or correct the type.", s.line, article(string(t)), t, e.Case, need, cs.stage, cs.stageLine, need))
	case cs.stage == reach:
		s.add(0, diag.Error, CodeDuplicate, e.Case, fmt.Sprintf("%s again; it was already %s on line %d", t, t, cs.stageLine),
			fmt.Sprintf("Line %d repeats case %s's %s event from line %d. A case passes each stage once: remove one of the two lines.", s.line, e.Case, t, cs.stageLine))
		return
	default: // cs.stage > need: a stage that came too late
		s.add(0, diag.Error, CodeUnexpected, e.Case, fmt.Sprintf("%s after %s; expected %s before %s", t, cs.stage, t, cs.stage),
			fmt.Sprintf("Line %d is %s %s event for case %s, which is already %s (line %d). The stages go referred, assessed, allocated, started, then the sessions and one end. Move this line before line %d, or correct the type.", s.line, article(string(t)), t, e.Case, cs.stage, cs.stageLine, cs.stageLine))
		return
	}
	if t == Allocated {
		cs.programme = e.Programme
	}
	if t == SessionAttended && cs.stage == StageStarted {
		return // sessions do not move the stage
	}
	cs.stage, cs.stageLine = max(cs.stage, reach), s.line
	if reach.Ended() {
		cs.stage = reach
	}
}

// firstLine is the line of the case's referred event, or of its first
// event when the referral is missing.
func (cs *caseState) firstLine() int {
	if cs.referLine > 0 {
		return cs.referLine
	}
	return cs.stageLine
}

// score checks a score event and pairs a post score with its pre score.
func (s *scanner) score(e *Event, cs *caseState) effect {
	var eff effect
	var sc *scoreState
	for i := range cs.scores {
		if cs.scores[i].instrument == e.Instrument {
			sc = &cs.scores[i]
		}
	}
	if sc == nil {
		cs.scores = append(cs.scores, scoreState{instrument: e.Instrument})
		sc = &cs.scores[len(cs.scores)-1]
	}
	switch {
	case e.Phase == Pre && sc.preLine > 0:
		s.add(0, diag.Error, CodeDuplicate, e.Case, fmt.Sprintf("a second pre score for %s; the first is on line %d", e.Instrument, sc.preLine),
			fmt.Sprintf("Line %d gives case %s a pre score for %s, which line %d already gave. A case has one pre and one post score for each instrument: remove one of the two lines.", s.line, e.Case, e.Instrument, sc.preLine))
	case e.Phase == Pre && sc.postLine > 0:
		s.add(0, diag.Error, CodeUnexpected, e.Case, fmt.Sprintf("pre score for %s after its post score on line %d; expected pre before post", e.Instrument, sc.postLine),
			fmt.Sprintf("Line %d gives case %s a pre score for %s after its post score (line %d). Move the pre score before the post score, or correct the phase.", s.line, e.Case, e.Instrument, sc.postLine))
	case e.Phase == Pre:
		sc.pre, sc.preLine = e.Value, s.line
	case sc.postLine > 0:
		s.add(0, diag.Error, CodeDuplicate, e.Case, fmt.Sprintf("a second post score for %s; the first is on line %d", e.Instrument, sc.postLine),
			fmt.Sprintf("Line %d gives case %s a post score for %s, which line %d already gave. A case has one pre and one post score for each instrument: remove one of the two lines.", s.line, e.Case, e.Instrument, sc.postLine))
	default:
		sc.postLine = s.line
		if sc.preLine == 0 {
			s.add(0, diag.Warning, CodeNotCounted, e.Case, fmt.Sprintf("post score for %s with no pre score; not counted in score-change:%s", e.Instrument, e.Instrument),
				fmt.Sprintf("Line %d gives case %s a post score for %s, but the case has no pre score for it, so the score cannot count towards the change. Add the pre score before this line if there is one.", s.line, e.Case, e.Instrument))
			break
		}
		eff.pre, eff.paired = sc.pre, true
	}
	return eff
}
