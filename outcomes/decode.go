package outcomes

import (
	"fmt"
	"strconv"
	"time"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// Problem codes. They are stable: partner systems and tests match on them.
const (
	// CodeReadError: the log could not be read (an I/O error, not a
	// mistake in the events). The CLI exits 2 on it.
	CodeReadError = "read-error"
	// CodeLineTooLong: a line (or CSV record) is longer than MaxLineBytes.
	CodeLineTooLong = "line-too-long"
	// CodeNotJSON: a line of a JSON Lines log is not one JSON object.
	CodeNotJSON = "not-json"
	// CodeNotCSV: a row of a CSV log is not valid CSV (a stray or
	// unclosed double quote).
	CodeNotCSV = "not-csv"
	// CodeBadHeader: a CSV log's header row does not name the fields an
	// event needs, or the log is neither JSON Lines nor CSV.
	CodeBadHeader = "bad-header"
	// CodeBadRow: a CSV row with more cells than the header row.
	CodeBadRow = "bad-row"
	// CodeUnknownField: a field events do not have.
	CodeUnknownField = "unknown-field"
	// CodeDuplicateField: a field given twice on one line.
	CodeDuplicateField = "duplicate-field"
	// CodeFieldNotAllowed: a field that belongs to another type of event.
	CodeFieldNotAllowed = "field-not-allowed"
	// CodeWrongType: text where a number belongs, and so on.
	CodeWrongType = "wrong-type"
	// CodeMissingField: a required field is absent or null.
	CodeMissingField = "missing-field"
	// CodeUnknownType: a type that is not one of Types.
	CodeUnknownType = "unknown-type"
	// CodeBadDate: a date that is not a real YYYY-MM-DD date.
	CodeBadDate = "bad-date"
	// CodeBadValue: a value outside what its field allows.
	CodeBadValue = "bad-value"
	// CodeBadCase: a case id that is empty, too long or has characters
	// case ids do not have.
	CodeBadCase = "bad-case"
	// CodeUnknownReason (a warning): a withdrawal reason that is neither a
	// reason code nor one of its aliases. It counts as "other".
	CodeUnknownReason = "unknown-reason"
	// CodeBeforeReferral: an event of a case that, taking the case's
	// events in date order, comes before the case's referred event.
	CodeBeforeReferral = "before-referral"
	// CodeOutOfOrder is no longer raised: the lines of a log may come in
	// any order (docs/events.md).
	//
	// Deprecated: kept so that code matching on it still compiles.
	CodeOutOfOrder = "out-of-order"
	// CodeUnexpected: an event impossible at its place in its case's
	// events taken in date order (completed before started, a programme
	// event after the case ended, an exit with no one in service).
	CodeUnexpected = "unexpected-event"
	// CodeDuplicate: a stage or score given twice for a case.
	CodeDuplicate = "duplicate-event"
	// CodeDuplicateEnd: a second end (completed, partially-completed or
	// withdrawn) for a case that already ended.
	CodeDuplicateEnd = "duplicate-end"
	// CodeProgrammeMismatch: an event that names a programme other than
	// the one its case is allocated to, or names one for a case not
	// allocated to any.
	CodeProgrammeMismatch = "programme-mismatch"
	// CodeNotCounted (a warning): an event that is valid but cannot count
	// in a metric, such as a post score with no pre score.
	CodeNotCounted = "not-counted"
	// CodeTooManyProblems: more than MaxProblems problems; the rest are
	// counted, not listed.
	CodeTooManyProblems = "too-many-problems"
	// CodeTooLarge: the log has more cases, more programme or instrument
	// ids, or more lines to hold for reordering than the limits allow.
	CodeTooLarge = "too-large"
	// CodeStopped: reading stopped because the caller's function returned
	// an error that is not a diagnostic.
	CodeStopped = "stopped"
	// CodeMetric: an extra metric could not measure an event.
	CodeMetric = "metric-error"
)

// MaxProblems is the most problems listed for one log; beyond it the rest
// are counted in one final problem, so a file of garbage cannot exhaust
// memory.
const MaxProblems = 1000

// fieldsOf returns the fields beyond case, type and on that an event of
// type t may have.
func fieldsOf(t Type) []int {
	switch t {
	case Allocated:
		return []int{fProgramme}
	case Started, SessionAttended, Completed, PartiallyCompleted:
		return []int{fProgramme}
	case Withdrawn:
		return []int{fReason, fProgramme}
	case VictimSupported:
		return []int{fVictims, fChildren}
	case Score:
		return []int{fInstrument, fPhase, fValue}
	}
	return nil
}

// required reports whether field f is required on events of type t.
func required(t Type, f int) bool {
	switch f {
	case fProgramme:
		return t == Allocated
	case fChildren:
		return false
	}
	return true
}

// decode checks a line's fields and turns them into a rec, reporting every
// problem on the line. lenient is true for CSV, whose numbers are text. It
// reports whether the event is usable.
func (r *reader) decode(ev *rawEvent, lenient bool, out *rec) bool {
	*out = rec{line: int32(r.line), cas: -1, next: -1}
	f := &ev.f
	r.bad, r.who = false, nil
	// The case id first, so that later problems can name it.
	caseOK := false
	if c := &f[fCase]; c.present && c.kind == kindText {
		if validCaseID(c.text) {
			caseOK = true
			r.who = c.text
		}
	}
	problem := r.problem
	// The type.
	var t Type
	typeOK := false
	switch c := &f[fType]; {
	case !c.present || c.kind == kindNull:
		problem(1, CodeMissingField, `missing "type"`, fmt.Sprintf("Line %d has no \"type\". Give the event's type: one of %s.", r.line, quotedTypes()))
	case c.kind != kindText:
		problem(c.col, CodeWrongType, `"type" must be text`, fmt.Sprintf("Line %d gives \"type\" as %s. Give one of %s.", r.line, c.kind, quotedTypes()))
	default:
		if i := typeIndex(c.text); i >= 0 {
			t, typeOK = types[i], true
			out.typ = uint8(i)
		} else {
			problem(c.col, CodeUnknownType, "unknown event type "+shown(c.text),
				fmt.Sprintf("Line %d has type %s, which is not an event type. The types are %s.%s", r.line, shown(c.text), quotedTypes(), didYouMeanSafe(string(c.text), typeNames())))
		}
	}
	// The case.
	switch c := &f[fCase]; {
	case !c.present || c.kind == kindNull:
		problem(1, CodeMissingField, `missing "case"`, fmt.Sprintf("Line %d has no \"case\". Give the case id the event belongs to, such as \"C-17\".", r.line))
	case c.kind != kindText:
		problem(c.col, CodeWrongType, `"case" must be text`, fmt.Sprintf("Line %d gives \"case\" as %s. Give the case id as text, such as \"C-17\".", r.line, c.kind))
	case !caseOK:
		problem(c.col, CodeBadCase, "the case id is not valid",
			fmt.Sprintf("Line %d has a case id that is empty, longer than %d characters, or has characters other than letters, digits and . _ : / -. Use the case's id from the case system, such as \"C-17\", never a name.", r.line, MaxIDLength))
	}
	// The date.
	switch c := &f[fOn]; {
	case !c.present || c.kind == kindNull:
		problem(1, CodeMissingField, `missing "on"`, fmt.Sprintf("Line %d has no \"on\". Give the date the event happened, as YYYY-MM-DD.", r.line))
	case c.kind != kindText:
		problem(c.col, CodeWrongType, `"on" must be a date in double quotes`, fmt.Sprintf("Line %d gives \"on\" as %s. Give the date as text in the form YYYY-MM-DD, such as \"2023-05-02\".", r.line, c.kind))
	default:
		if d, ok := parseDate(c.text); ok {
			out.on = d
		} else {
			problem(c.col, CodeBadDate, `"on" is not a real date`, fmt.Sprintf("Line %d gives \"on\" as %s, which is not a real date in the form YYYY-MM-DD. Give the date the event happened, such as \"2023-05-02\".", r.line, shown(c.text)))
		}
	}
	// Every other field: belonging to the type, of the right kind.
	var allowed []int
	if typeOK {
		allowed = fieldsOf(t)
	}
	for i := fProgramme; i < numFields; i++ {
		c := &f[i]
		if !c.present {
			continue
		}
		if !typeOK {
			continue
		}
		if slicesIndex(allowed, i) < 0 {
			if c.kind == kindNull {
				continue
			}
			problem(c.col, CodeFieldNotAllowed, fmt.Sprintf("%q does not belong on %s %s event", fieldNames[i], article(string(t)), t),
				fmt.Sprintf("Line %d is %s %s event, which %s. Remove %q, or correct the type.", r.line, article(string(t)), t, describeFields(t), fieldNames[i]))
			continue
		}
		if c.kind == kindNull {
			continue // absent; required fields are checked below
		}
		if !r.field(out, i, c, lenient) {
			r.bad = true
		}
	}
	// Required fields of the type.
	if typeOK {
		for _, i := range allowed {
			if required(t, i) && (!f[i].present || f[i].kind == kindNull) {
				problem(1, CodeMissingField, fmt.Sprintf("%s event without %q", t, fieldNames[i]),
					fmt.Sprintf("Line %d is %s %s event, which %s. Add %q.", r.line, article(string(t)), t, describeFields(t), fieldNames[i]))
			}
		}
		if t == VictimSupported && !r.bad && out.aux == 0 {
			problem(1, CodeBadValue, "victim-supported event supports no one",
				fmt.Sprintf("Line %d records support for 0 victims and 0 children. Give how many victims (and children) support began for.", r.line))
		}
	}
	if r.bad {
		return false
	}
	idx, ok := r.caseIndex(f[fCase].text)
	if !ok {
		return false
	}
	out.cas = idx
	return true
}

// field decodes one type-specific field into out. It reports whether the
// field is good.
func (r *reader) field(out *rec, i int, c *rawField, lenient bool) bool {
	name := fieldNames[i]
	problem := r.problem
	wantText := func(what string) bool {
		if c.kind != kindText {
			problem(c.col, CodeWrongType, fmt.Sprintf("%q must be text", name),
				fmt.Sprintf("Line %d gives %q as %s. Give %s.", r.line, name, c.kind, what))
			return false
		}
		return true
	}
	wantNumber := func(what func() string) bool {
		if c.kind == kindNumber || (lenient && c.kind == kindText) {
			return true
		}
		problem(c.col, CodeWrongType, fmt.Sprintf("%q must be a number", name),
			fmt.Sprintf("Line %d gives %q as %s. Give %s, without quotes.", r.line, name, c.kind, what()))
		return false
	}
	switch i {
	case fProgramme, fInstrument:
		what := "the programme's id, such as \"cobi\""
		if i == fInstrument {
			what = "the instrument's id, such as \"perpetrator-risk\""
		}
		if !wantText(what) {
			return false
		}
		if !isSlug(c.text) {
			problem(c.col, CodeBadValue, fmt.Sprintf("%q is not an id", name),
				fmt.Sprintf("Line %d gives %q as text that is not an id: ids are lower-case letters, digits and hyphens, at most %d characters. Give %s.", r.line, name, MaxIDLength, what))
			return false
		}
		if i == fProgramme {
			id, ok := r.internID(&r.progIdx, &r.progs, c.text, "programme")
			out.prog = id
			return ok
		}
		id, ok := r.internID(&r.instIdx, &r.insts, c.text, "instrument")
		out.instr = id
		return ok
	case fReason:
		if !wantText("the reason the case was withdrawn, such as \"moved-away\"") {
			return false
		}
		code, ok := r.reasons.lookup(c.text)
		if !ok {
			code = r.reasons.other
			r.add(r.line, c.col, diag.Warning, CodeUnknownReason, "", "the withdrawal reason is not one of the reasons; counted as other",
				fmt.Sprintf("Line %d gives a withdrawal reason that is neither a reason code nor a spelling the pack maps to one, so it counts as %q. The codes are %s. If the case system has its own words for one of them, add them to that reason's aliases in the pack's outcomes.yaml; otherwise give the code.", r.line, ReasonOther, r.reasons.quoted()))
		}
		out.reason = code
	case fPhase:
		if !wantText(`"pre" or "post"`) {
			return false
		}
		switch string(c.text) {
		case "pre":
			out.phase = phasePre
		case "post":
			out.phase = phasePost
		default:
			problem(c.col, CodeBadValue, `"phase" must be "pre" or "post"`,
				fmt.Sprintf("Line %d gives \"phase\" as %s. Give \"pre\" for a score taken before the programme and \"post\" for one taken after.", r.line, shown(c.text)))
			return false
		}
	case fVictims, fChildren:
		if !wantNumber(func() string { return fmt.Sprintf("a whole number from 0 to %d", MaxPeople) }) {
			return false
		}
		n, err := strconv.Atoi(string(c.text))
		if err != nil || n < 0 || n > MaxPeople {
			problem(c.col, CodeBadValue, fmt.Sprintf("%q must be a whole number from 0 to %d", name, MaxPeople),
				fmt.Sprintf("Line %d gives %q as %s. Give how many %s support began for, a whole number from 0 to %d.", r.line, name, shownNumber(c.text), name, MaxPeople))
			return false
		}
		if i == fVictims {
			out.aux |= uint32(n)
		} else {
			out.aux |= uint32(n) << 16
		}
	case fValue:
		if !wantNumber(func() string { return fmt.Sprintf("the score as a number from 0 to %d", MaxScore) }) {
			return false
		}
		v, err := strconv.ParseFloat(string(c.text), 64)
		if err != nil || v < 0 || v > MaxScore || v != v {
			problem(c.col, CodeBadValue, fmt.Sprintf(`"value" must be a number from 0 to %d`, MaxScore),
				fmt.Sprintf("Line %d gives \"value\" as %s. Give the score as a number from 0 to %d.", r.line, shownNumber(c.text), MaxScore))
			return false
		}
		r.value = v
	}
	return true
}

// problem records an error on the current line, naming its case when the
// line has a good case id.
func (r *reader) problem(col int, code, summary, detail string) {
	r.bad = true
	who := ""
	if r.who != nil {
		who = string(r.who)
	}
	r.add(r.line, col, diag.Error, code, who, summary, detail)
}

// shownNumber shows a number from the log, or "a value" for anything that
// is not plainly a number.
func shownNumber(b []byte) string {
	if len(b) == 0 || len(b) > 24 {
		return "a value"
	}
	for _, c := range b {
		if !(isDigit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return "a value"
		}
	}
	return string(b)
}

// validCaseID checks a case id: 1 to MaxIDLength characters, letters,
// digits and . _ : / -, starting with a letter or digit.
func validCaseID(b []byte) bool {
	if len(b) == 0 || len(b) > MaxIDLength {
		return false
	}
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == ':' || c == '/' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// isSlug reports whether b is a programme or instrument id: lower-case
// letters, digits and hyphens, starting with a letter or digit.
func isSlug(b []byte) bool {
	if len(b) == 0 || len(b) > MaxIDLength {
		return false
	}
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0:
		default:
			return false
		}
	}
	return true
}

// shown quotes a value from the log for a message when it looks like an
// id or a date; anything else (which might be personal) is not repeated.
func shown(b []byte) string {
	if len(b) > 0 && len(b) <= 40 {
		ok := true
		for _, c := range b {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '/' || c == '.') {
				ok = false
				break
			}
		}
		if ok {
			return strconv.Quote(string(b))
		}
	}
	return "a value"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseDate reads YYYY-MM-DD without allocating.
func parseDate(b []byte) (referral.Date, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return referral.Date{}, false
	}
	num := func(p []byte) (int, bool) {
		n := 0
		for _, c := range p {
			if !isDigit(c) {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	m, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	if !ok1 || !ok2 || !ok3 || y < 1000 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return referral.Date{}, false
	}
	return referral.NewDate(y, time.Month(m), d), true
}

// daysIn returns the number of days in month m of year y.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func typeIndex(b []byte) int {
	for i, t := range types {
		if string(t) == string(b) {
			return i
		}
	}
	return -1
}

func typeNames() []string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = string(t)
	}
	return out
}

func quotedTypes() string  { return diag.Quoted(typeNames()) }
func quotedFields() string { return diag.Quoted(fieldNames) }

func didYouMean(name string, candidates []string) string { return diag.DidYouMean(name, candidates) }

// article returns "a" or "an" for an event type name.
func article(s string) string {
	if s != "" && (s[0] == 'a' || s[0] == 'e' || s[0] == 'i' || s[0] == 'o' || s[0] == 'u') {
		return "an"
	}
	return "a"
}

// describeFields says in words which fields a type has.
func describeFields(t Type) string {
	switch t {
	case Allocated:
		return `names the "programme" and has no other fields beyond "case", "type" and "on"`
	case Started, SessionAttended, Completed, PartiallyCompleted:
		return `may name the case's "programme" and has no other fields beyond "case", "type" and "on"`
	case Withdrawn:
		return `gives a "reason", may name the case's "programme", and has no other fields beyond "case", "type" and "on"`
	case VictimSupported:
		return `gives "victims" and optionally "children", and no other fields beyond "case", "type" and "on"`
	case Score:
		return `gives "instrument", "phase" and "value", and no other fields beyond "case", "type" and "on"`
	}
	return `has only "case", "type" and "on"`
}
