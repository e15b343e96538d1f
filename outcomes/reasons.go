package outcomes

import (
	"slices"
	"strings"
	"unicode"

	"github.com/saferpath/pathway/diag"
)

// Reason is a withdrawal reason code. Reasons are codes so that a report
// can count them and so that no free text (which might name a person)
// reaches a report.
type Reason string

// The default withdrawal reason codes, used when a pack lists none.
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

// ReasonCode is one withdrawal reason a log's reasons are mapped to: its
// code, its title for reports people read, and the other spellings case
// systems use for it.
type ReasonCode struct {
	// Code is the reason's id, such as "moved-away"; reports in JSON and
	// CSV name it.
	Code Reason
	// Title names the reason for people, such as "Moved out of the area".
	Title string
	// Aliases are other ways a log may write the reason, such as "moved
	// out of area". Matching ignores case, spaces, hyphens and
	// underscores at either end or repeated, and treats them as one.
	Aliases []string
}

var defaultReasons = []ReasonCode{
	{Code: ReasonDisengaged, Title: "Disengaged"},
	{Code: ReasonDeclined, Title: "Declined the programme"},
	{Code: ReasonMovedAway, Title: "Moved away"},
	{Code: ReasonCustody, Title: "In custody"},
	{Code: ReasonCourtOrder, Title: "Subject to a court order"},
	{Code: ReasonHealth, Title: "Health"},
	{Code: ReasonNoLongerEligible, Title: "No longer eligible"},
	{Code: ReasonRiskEscalated, Title: "Risk escalated"},
	{Code: ReasonOther, Title: "Other reason"},
}

// DefaultReasons returns the withdrawal reasons used when a pack lists
// none: disengaged, declined, moved-away, custody, court-order, health,
// no-longer-eligible, risk-escalated and other.
func DefaultReasons() []ReasonCode {
	out := slices.Clone(defaultReasons)
	for i := range out {
		out[i].Aliases = slices.Clone(out[i].Aliases)
	}
	return out
}

// reasonTable maps a log's reason text to a code.
type reasonTable struct {
	codes []ReasonCode
	index map[string]uint8 // normalised spelling → index in codes
	other uint8
}

// newReasonTable builds the table for codes (the defaults when empty).
// "other" is added at the end when codes lack it.
func newReasonTable(codes []ReasonCode) *reasonTable {
	if len(codes) == 0 {
		codes = defaultReasons
	}
	codes = slices.Clone(codes)
	if !slices.ContainsFunc(codes, func(c ReasonCode) bool { return c.Code == ReasonOther }) {
		codes = append(codes, ReasonCode{Code: ReasonOther, Title: "Other reason"})
	}
	if len(codes) > 255 {
		codes = codes[:255]
	}
	t := &reasonTable{codes: codes, index: map[string]uint8{}}
	for i, c := range codes {
		if c.Code == ReasonOther {
			t.other = uint8(i)
		}
		for _, s := range append([]string{string(c.Code)}, c.Aliases...) {
			if k := normaliseReason(s); k != "" {
				if _, dup := t.index[k]; !dup {
					t.index[k] = uint8(i)
				}
			}
		}
	}
	return t
}

// lookup returns the index of the code text maps to, and false when it
// maps to none (the caller counts it as other).
func (t *reasonTable) lookup(text []byte) (uint8, bool) {
	var buf [96]byte
	k := appendNormalReason(buf[:0], text)
	i, ok := t.index[string(k)]
	return i, ok
}

// normaliseReason folds a reason's spelling: lower case, and each run of
// spaces, hyphens, underscores and full stops one hyphen, none at either
// end.
func normaliseReason(s string) string { return string(appendNormalReason(nil, []byte(s))) }

func appendNormalReason(b, text []byte) []byte {
	sep := false
	for _, r := range strings.ToLower(string(text)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if sep && len(b) > 0 {
				b = append(b, '-')
			}
			sep = false
			b = append(b, string(r)...)
		default:
			sep = true
		}
	}
	return b
}

// quoted lists the codes for a message.
func (t *reasonTable) quoted() string {
	names := make([]string, len(t.codes))
	for i, c := range t.codes {
		names[i] = string(c.Code)
	}
	return diag.Quoted(names)
}

// title returns the title of code i.
func (t *reasonTable) title(i int) string {
	if c := t.codes[i]; c.Title != "" {
		return c.Title
	}
	return humanise(string(t.codes[i].Code))
}

// humanise makes a title of an id, for ids nothing gives a title: "moved-away"
// becomes "Moved away".
func humanise(id string) string {
	s := strings.ReplaceAll(id, "-", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
