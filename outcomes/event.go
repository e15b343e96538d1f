package outcomes

import (
	"slices"
	"strconv"

	"github.com/saferpath/pathway/internal/jsonout"
	"github.com/saferpath/pathway/referral"
)

// Type is what happened to a case.
type Type string

// The event types, in lifecycle order where they have one.
const (
	Referred           Type = "referred"
	Assessed           Type = "assessed"
	Allocated          Type = "allocated"
	Started            Type = "started"
	SessionAttended    Type = "session-attended"
	Completed          Type = "completed"
	PartiallyCompleted Type = "partially-completed"
	Withdrawn          Type = "withdrawn"
	VictimSupported    Type = "victim-supported"
	VictimExited       Type = "victim-exited"
	Score              Type = "score"
)

// types lists every event type; an event's type is stored as its index.
var types = []Type{
	Referred, Assessed, Allocated, Started, SessionAttended, Completed,
	PartiallyCompleted, Withdrawn, VictimSupported, VictimExited, Score,
}

// Types returns every event type, in lifecycle order.
func Types() []Type { return slices.Clone(types) }

// Known reports whether t is one of Types.
func (t Type) Known() bool { return slices.Contains(types, t) }

// Ends reports whether t ends a case's programme: completed,
// partially-completed or withdrawn.
func (t Type) Ends() bool {
	return t == Completed || t == PartiallyCompleted || t == Withdrawn
}

// Rank is the place of an event among a case's events of one day: the
// events of a case are taken in date order, and those of one day in rank
// order (then in file order). The lifecycle goes referred, assessed,
// allocated, started, session-attended, score (pre before post), then the
// end (completed, partially-completed or withdrawn); victim-supported and
// victim-exited come after those, so that a victim's support begun and
// ended on one day is a day in service of nought.
func Rank(t Type, ph Phase) int {
	switch t {
	case Referred:
		return 0
	case Assessed:
		return 1
	case Allocated:
		return 2
	case Started:
		return 3
	case SessionAttended:
		return 4
	case Score:
		if ph == Post {
			return 6
		}
		return 5
	case Completed, PartiallyCompleted, Withdrawn:
		return 7
	case VictimSupported:
		return 8
	case VictimExited:
		return 9
	}
	return 10
}

// Phase says whether a score was taken before or after the programme.
type Phase string

// Score phases.
const (
	Pre  Phase = "pre"
	Post Phase = "post"
)

// Limits on event values and logs. Every read is bounded by them.
const (
	// MaxLineBytes is the longest line (or CSV record) an event log may
	// have, in bytes. A longer one is one problem; reading goes on at the
	// next line.
	MaxLineBytes = 4096
	// MaxIDLength is the longest case, programme or instrument id.
	MaxIDLength = 64
	// MaxPeople is the most victims, or children, one victim-supported
	// event may record.
	MaxPeople = 1000
	// MaxScore is the highest score value; scores are zero or more.
	MaxScore = 1_000_000
	// MaxIDs is the most different programme ids, and the most different
	// instrument ids, one log may name.
	MaxIDs = 1000
	// MaxCases is the most cases one log may hold.
	MaxCases = 4_000_000
	// MaxHeldEvents is the most events held in memory at once to be put
	// in order (see ReadEvents); a log that needs more is refused with
	// advice to sort it by date.
	MaxHeldEvents = 16_000_000
)

// Event is one event of a log. Which of the optional fields an event has
// depends on its type:
//
//	allocated            programme (required)
//	started, session-attended, completed, partially-completed
//	                     programme (optional; it must be the allocated one)
//	withdrawn            reason (required); programme (optional, as above)
//	victim-supported     victims (required), children (optional, default 0)
//	score                instrument, phase and value (all required)
//
// referred, assessed and victim-exited have only case, type and on. The
// event format is described in docs/events.md.
type Event struct {
	// Line is the line of the log the event came from (from 1); zero for
	// an event made in code.
	Line int
	// Case is the case id, e.g. "C-17": letters, digits and . _ : / -,
	// starting with a letter or digit, at most MaxIDLength characters.
	Case string
	// Type is what happened.
	Type Type
	// On is the date it happened.
	On referral.Date
	// Programme is the programme a case is allocated to (allocated), or
	// the programme an event of the case's programme names.
	Programme string
	// Reason is why a case was withdrawn (withdrawn only): a withdrawal
	// reason code (see ReasonCode). The log's own words are mapped to the
	// code and never kept.
	Reason Reason
	// Victims and Children are how many people support began for
	// (victim-supported only).
	Victims, Children int
	// Instrument names the questionnaire or scale (score only), named for
	// what it measures, such as "perpetrator-risk".
	Instrument string
	// Phase is pre or post (score only).
	Phase Phase
	// Value is the score (score only), from 0 to MaxScore.
	Value float64
}

// MarshalJSON writes the event as one line of the wire format, with only
// the fields its type has.
func (e Event) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil), nil }

// AppendJSON appends the event's wire form (without a line end) to b.
func (e Event) AppendJSON(b []byte) []byte {
	b = append(b, `{"case":`...)
	b = jsonout.AppendString(b, e.Case, false)
	b = append(b, `,"type":`...)
	b = jsonout.AppendString(b, string(e.Type), false)
	b = append(b, `,"on":"`...)
	if !e.On.IsZero() {
		b = e.On.Time().AppendFormat(b, referral.DateLayout)
	}
	b = append(b, '"')
	if e.Programme != "" && (e.Type == Allocated || programmeOptional(e.Type)) {
		b = append(b, `,"programme":`...)
		b = jsonout.AppendString(b, e.Programme, false)
	}
	switch e.Type {
	case Withdrawn:
		b = append(b, `,"reason":`...)
		b = jsonout.AppendString(b, string(e.Reason), false)
	case VictimSupported:
		b = append(b, `,"victims":`...)
		b = strconv.AppendInt(b, int64(e.Victims), 10)
		b = append(b, `,"children":`...)
		b = strconv.AppendInt(b, int64(e.Children), 10)
	case Score:
		b = append(b, `,"instrument":`...)
		b = jsonout.AppendString(b, e.Instrument, false)
		b = append(b, `,"phase":`...)
		b = jsonout.AppendString(b, string(e.Phase), false)
		b = append(b, `,"value":`...)
		b = strconv.AppendFloat(b, e.Value, 'g', -1, 64)
	}
	return append(b, '}')
}

// CSVHeader is the header row AppendCSV's rows go under.
var CSVHeader = []string{"case", "type", "on", "programme", "reason", "victims", "children", "instrument", "phase", "value"}

// CSVRecord returns the event as a CSV row under CSVHeader; fields the
// event's type does not have are empty.
func (e Event) CSVRecord() []string {
	rec := make([]string, len(CSVHeader))
	rec[0], rec[1], rec[2] = e.Case, string(e.Type), e.On.String()
	if e.Programme != "" && (e.Type == Allocated || programmeOptional(e.Type)) {
		rec[3] = e.Programme
	}
	switch e.Type {
	case Withdrawn:
		rec[4] = string(e.Reason)
	case VictimSupported:
		rec[5], rec[6] = strconv.Itoa(e.Victims), strconv.Itoa(e.Children)
	case Score:
		rec[7], rec[8], rec[9] = e.Instrument, string(e.Phase), strconv.FormatFloat(e.Value, 'g', -1, 64)
	}
	return rec
}

// programmeOptional reports whether events of type t may name the case's
// programme.
func programmeOptional(t Type) bool {
	switch t {
	case Started, SessionAttended, Completed, PartiallyCompleted, Withdrawn:
		return true
	}
	return false
}
