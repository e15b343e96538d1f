package outcomes

import (
	"slices"
	"strconv"
	"unicode/utf8"

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

// types lists every event type.
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

// Phase says whether a score was taken before or after the programme.
type Phase string

// Score phases.
const (
	Pre  Phase = "pre"
	Post Phase = "post"
)

// Reason is why a case was withdrawn. Reasons are a fixed list so that a
// report can count them and so that no free text (which might name a
// person) reaches a report.
type Reason string

// Withdrawal reasons.
const (
	ReasonDisengaged       Reason = "disengaged"
	ReasonDeclined         Reason = "declined"
	ReasonMovedAway        Reason = "moved-away"
	ReasonCustody          Reason = "custody"
	ReasonCourtOrder       Reason = "court-order"
	ReasonHealth           Reason = "health"
	ReasonNoLongerEligible Reason = "no-longer-eligible"
	ReasonRiskEscalated    Reason = "risk-escalated"
	ReasonOther            Reason = "other"
)

// reasons lists every withdrawal reason.
var reasons = []Reason{
	ReasonDisengaged, ReasonDeclined, ReasonMovedAway, ReasonCustody,
	ReasonCourtOrder, ReasonHealth, ReasonNoLongerEligible,
	ReasonRiskEscalated, ReasonOther,
}

// Reasons returns every withdrawal reason, in report order.
func Reasons() []Reason { return slices.Clone(reasons) }

// Limits on event values. They keep sums exact and reports readable.
const (
	// MaxLineBytes is the longest line an event log may have, in bytes.
	MaxLineBytes = 4096
	// MaxIDLength is the longest case, programme or instrument id.
	MaxIDLength = 64
	// MaxPeople is the most victims, or children, one victim-supported
	// event may record.
	MaxPeople = 1000
	// MaxScore is the highest score value; scores are zero or more.
	MaxScore = 1_000_000
)

// Event is one line of an event log. Which of the optional fields an event
// has depends on its type:
//
//	allocated         programme (required)
//	withdrawn         reason (required)
//	victim-supported  victims (required), children (optional, default 0)
//	score             instrument, phase and value (all required)
//
// The other types have only case, type and on.
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
	// Programme is the programme a case is allocated to (allocated only).
	Programme string
	// Reason is why a case was withdrawn (withdrawn only).
	Reason Reason
	// Victims and Children are how many people support began for
	// (victim-supported only).
	Victims, Children int
	// Instrument names the questionnaire or risk tool (score only), e.g.
	// "mirabel".
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
	b = appendString(b, e.Case)
	b = append(b, `,"type":`...)
	b = appendString(b, string(e.Type))
	b = append(b, `,"on":"`...)
	if !e.On.IsZero() {
		b = e.On.Time().AppendFormat(b, referral.DateLayout)
	}
	b = append(b, '"')
	switch e.Type {
	case Allocated:
		b = append(b, `,"programme":`...)
		b = appendString(b, e.Programme)
	case Withdrawn:
		b = append(b, `,"reason":`...)
		b = appendString(b, string(e.Reason))
	case VictimSupported:
		b = append(b, `,"victims":`...)
		b = strconv.AppendInt(b, int64(e.Victims), 10)
		b = append(b, `,"children":`...)
		b = strconv.AppendInt(b, int64(e.Children), 10)
	case Score:
		b = append(b, `,"instrument":`...)
		b = appendString(b, e.Instrument)
		b = append(b, `,"phase":`...)
		b = appendString(b, string(e.Phase))
		b = append(b, `,"value":`...)
		b = strconv.AppendFloat(b, e.Value, 'g', -1, 64)
	}
	return append(b, '}')
}

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}
