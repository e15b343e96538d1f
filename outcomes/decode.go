package outcomes

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// Problem codes. They are stable: partner systems and tests match on them.
const (
	// CodeReadError: the log could not be read (an I/O error, not a
	// mistake in the events). The CLI exits 2 on it.
	CodeReadError = "read-error"
	// CodeLineTooLong: a line is longer than MaxLineBytes.
	CodeLineTooLong = "line-too-long"
	// CodeNotJSON: a line is not one JSON object.
	CodeNotJSON = "not-json"
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
	// CodeBeforeReferral: an event for a case whose referred event has not
	// come yet.
	CodeBeforeReferral = "before-referral"
	// CodeOutOfOrder: an event dated before an earlier line of its case.
	CodeOutOfOrder = "out-of-order"
	// CodeUnexpected: an event that does not follow from the case's
	// stage (allocated before assessed, completed before started, a
	// programme event after the case ended, an exit with no one in
	// service).
	CodeUnexpected = "unexpected-event"
	// CodeDuplicate: a stage or score given twice for a case.
	CodeDuplicate = "duplicate-event"
	// CodeDuplicateEnd: a second end (completed, partially-completed or
	// withdrawn) for a case that already ended.
	CodeDuplicateEnd = "duplicate-end"
	// CodeNotCounted (a warning): an event that is valid but cannot count
	// in a metric, such as a post score with no pre score.
	CodeNotCounted = "not-counted"
	// CodeTooManyProblems: more than MaxProblems problems; the rest are
	// counted, not listed.
	CodeTooManyProblems = "too-many-problems"
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

// ReadEvents reads a JSON Lines event log from r, checks every event and
// every case's lifecycle (see the package documentation), and calls fn for
// each event that has no problem, in file order. name is the file name put
// in problems' ranges.
//
// Memory holds a small state for each case, never the events. The event
// passed to fn is a copy; its strings stay valid after fn returns.
//
// If fn returns a *diag.Diagnostic or a diag.List (or an error wrapping
// one), its problems are added to the result, with the event's file and
// line filled in where their range is empty, and reading goes on. Any other
// error from fn stops reading and is returned as a problem with code
// CodeStopped.
//
// The result holds every problem found, sorted by line; it may hold
// warnings only. Use its HasErrors (or Err) to decide. An I/O error is a
// problem with code CodeReadError.
func ReadEvents(name string, r io.Reader, fn func(Event) error) diag.List {
	s := newScanner(name)
	return s.run(r, func(e Event, _ *caseState, _ effect) error {
		if fn == nil {
			return nil
		}
		return fn(e)
	})
}

// fieldNames lists every field an event can have, for "did you mean".
var fieldNames = []string{"case", "type", "on", "programme", "reason", "victims", "children", "instrument", "phase", "value"}

// fieldsOf returns the fields beyond case, type and on that an event of
// type t may have.
func fieldsOf(t Type) []string {
	switch t {
	case Allocated:
		return []string{"programme"}
	case Withdrawn:
		return []string{"reason"}
	case VictimSupported:
		return []string{"victims", "children"}
	case Score:
		return []string{"instrument", "phase", "value"}
	}
	return nil
}

// scanner reads one log. It is not safe for concurrent use.
type scanner struct {
	name     string
	parser   lineParser
	problems diag.List
	unlisted int
	line     int
	text     []byte // the current line, for columns
	cases    map[string]*caseState
	ids      map[string]string // interned programme and instrument ids
	lineErr  bool              // the current line has an error
}

func newScanner(name string) *scanner {
	return &scanner{name: name, cases: make(map[string]*caseState), ids: make(map[string]string)}
}

// hook receives each good event with its case's state after the event and
// what the event closed (victim support, a score pair).
type hook func(Event, *caseState, effect) error

// run reads r to the end and returns every problem.
func (s *scanner) run(r io.Reader, h hook) diag.List {
	br := bufio.NewReaderSize(r, 64<<10)
	stop := false
	for !stop {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			s.line++
			s.text = nil
			n := len(line)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				n += len(line)
			}
			s.add(0, diag.Error, CodeLineTooLong, "", fmt.Sprintf("line %d is too long", s.line),
				fmt.Sprintf("Line %d has %d bytes or more; the most is %d, and an event line is a few hundred bytes at most. Put one event on each line.", s.line, n, MaxLineBytes))
			if err != nil && !errors.Is(err, io.EOF) {
				s.readError(err)
			}
			if err != nil {
				break
			}
			continue
		}
		if len(line) > 0 {
			s.line++
			if s.line == 1 {
				line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
			}
			stop = s.handle(line, h)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.readError(err)
			}
			break
		}
	}
	s.text = nil
	if s.unlisted > 0 {
		s.problems.Sort()
		s.problems = append(s.problems, &diag.Diagnostic{
			Severity: diag.Error, Code: CodeTooManyProblems,
			Summary: fmt.Sprintf("%d more problems not listed", s.unlisted),
			Detail:  fmt.Sprintf("Only the first %d problems are listed. Fix these and run again to see the rest.", MaxProblems),
			Range:   diag.Range{File: s.name},
		})
		return s.problems
	}
	s.problems.Sort()
	return s.problems
}

func (s *scanner) readError(err error) {
	s.problems = append(s.problems, &diag.Diagnostic{
		Severity: diag.Error, Code: CodeReadError,
		Summary: "cannot read the event log: " + err.Error(),
		Detail:  fmt.Sprintf("Reading stopped after line %d. Check that the file can be read and run again.", s.line),
		Range:   diag.Range{File: s.name, Start: diag.Pos{Line: max(s.line, 1), Column: 1}},
	})
}

// add records a problem at byte offset off of the current line. caseID,
// when not empty, prefixes the summary.
func (s *scanner) add(off int, sev diag.Severity, code, caseID, summary, detail string) {
	if sev == diag.Error {
		s.lineErr = true
	}
	if len(s.problems) >= MaxProblems {
		s.unlisted++
		return
	}
	col := 1
	if off > 0 && off <= len(s.text) {
		col = utf8.RuneCount(s.text[:off]) + 1
	}
	if caseID != "" {
		summary = "case " + caseID + ": " + summary
	}
	s.problems = append(s.problems, &diag.Diagnostic{
		Severity: sev, Code: code, Summary: summary, Detail: detail,
		Range: diag.Range{File: s.name, Start: diag.Pos{Line: s.line, Column: col}},
	})
}

// handle decodes and checks one line. It reports whether to stop reading.
func (s *scanner) handle(line []byte, h hook) bool {
	line = bytes.TrimRight(line, "\r\n")
	s.text = line
	s.lineErr = false
	if len(line) > MaxLineBytes {
		s.add(0, diag.Error, CodeLineTooLong, "", fmt.Sprintf("line %d is too long", s.line),
			fmt.Sprintf("Line %d has %d bytes; the most is %d, and an event line is a few hundred bytes at most. Put one event on each line.", s.line, len(line), MaxLineBytes))
		return false
	}
	if len(bytes.TrimSpace(line)) == 0 {
		return false
	}
	fields, jerr := s.parser.parse(line)
	if jerr != nil {
		s.add(jerr.off, diag.Error, CodeNotJSON, "", fmt.Sprintf("line %d is not a JSON event: %s", s.line, jerr.msg),
			`Each line must be one JSON object, such as {"case": "C-17", "type": "referred", "on": "2023-05-02"}. Correct the line, or remove it if it is not an event.`)
		return false
	}
	e, ok := s.decode(fields)
	if !ok {
		return false
	}
	cs, eff := s.advance(&e)
	if s.lineErr {
		return false
	}
	if err := h(e, cs, eff); err != nil {
		return s.callbackError(err)
	}
	return false
}

// callbackError records an error from the caller's function.
func (s *scanner) callbackError(err error) bool {
	var list diag.List
	var one *diag.Diagnostic
	switch {
	case errors.As(err, &list):
	case errors.As(err, &one):
		list = diag.List{one}
	default:
		s.add(0, diag.Error, CodeStopped, "", fmt.Sprintf("reading stopped at line %d: %v", s.line, err),
			"The events after this line were not read.")
		return true
	}
	for _, d := range list {
		if d == nil {
			continue
		}
		c := *d
		if c.Range.IsZero() {
			c.Range = diag.Range{File: s.name, Start: diag.Pos{Line: s.line, Column: 1}}
		}
		if len(s.problems) >= MaxProblems {
			s.unlisted++
			continue
		}
		s.problems = append(s.problems, &c)
	}
	return false
}

// decode turns a line's fields into an Event, reporting every problem on
// the line. It reports whether the event is usable.
func (s *scanner) decode(fields []jsonField) (Event, bool) {
	e := Event{Line: s.line}
	var caseF, typeF, onF *jsonField
	var seen [10]int // offsets+1 of fields seen, by index in fieldNames
	// First pass: names, duplicates and the three common fields.
	for i := range fields {
		f := &fields[i]
		idx := slices.IndexFunc(fieldNames, func(n string) bool { return n == string(f.key) })
		if idx < 0 {
			continue
		}
		if seen[idx] > 0 {
			continue
		}
		seen[idx] = f.keyOff + 1
		switch idx {
		case 0:
			caseF = f
		case 1:
			typeF = f
		case 2:
			onF = f
		}
	}
	// The case id first, so that later problems can name it.
	caseOK := false
	if caseF != nil && caseF.kind == jsonString {
		if id, ok := caseID(caseF.str); ok {
			e.Case = s.caseString(id)
			caseOK = true
		}
	}
	who := e.Case
	bad := false
	problem := func(off int, code, summary, detail string) {
		bad = true
		s.add(off, diag.Error, code, who, summary, detail)
	}
	// The type.
	typeOK := false
	switch {
	case typeF == nil || typeF.kind == jsonNull:
		problem(0, CodeMissingField, `missing "type"`, fmt.Sprintf("Line %d has no \"type\". Give the event's type: one of %s.", s.line, quotedTypes()))
	case typeF.kind != jsonString:
		problem(typeF.valOff, CodeWrongType, `"type" must be text`, fmt.Sprintf("Line %d gives \"type\" as %s. Give one of %s.", s.line, typeF.kind, quotedTypes()))
	default:
		if t, ok := typeOf(typeF.str); ok {
			e.Type, typeOK = t, true
		} else {
			problem(typeF.valOff, CodeUnknownType, "unknown event type "+shown(typeF.str),
				fmt.Sprintf("Line %d has type %s, which is not an event type. The types are %s.%s", s.line, shown(typeF.str), quotedTypes(), diag.DidYouMean(string(typeF.str), typeNames())))
		}
	}
	// The case.
	switch {
	case caseF == nil || caseF.kind == jsonNull:
		problem(0, CodeMissingField, `missing "case"`, fmt.Sprintf("Line %d has no \"case\". Give the case id the event belongs to, such as \"C-17\".", s.line))
	case caseF.kind != jsonString:
		problem(caseF.valOff, CodeWrongType, `"case" must be text`, fmt.Sprintf("Line %d gives \"case\" as %s. Give the case id as text, such as \"C-17\".", s.line, caseF.kind))
	case !caseOK:
		problem(caseF.valOff, CodeBadCase, "the case id is not valid",
			fmt.Sprintf("Line %d has a case id that is empty, longer than %d characters, or has characters other than letters, digits and . _ : / -. Use the case's id from the case system, such as \"C-17\", never a name.", s.line, MaxIDLength))
	}
	// The date.
	switch {
	case onF == nil || onF.kind == jsonNull:
		problem(0, CodeMissingField, `missing "on"`, fmt.Sprintf("Line %d has no \"on\". Give the date the event happened, as YYYY-MM-DD.", s.line))
	case onF.kind != jsonString:
		problem(onF.valOff, CodeWrongType, `"on" must be a date in double quotes`, fmt.Sprintf("Line %d gives \"on\" as %s. Give the date as text in the form YYYY-MM-DD, such as \"2023-05-02\".", s.line, onF.kind))
	default:
		if d, ok := parseDate(onF.str); ok {
			e.On = d
		} else {
			problem(onF.valOff, CodeBadDate, `"on" is not a real date`, fmt.Sprintf("Line %d gives \"on\" as %s, which is not a real date in the form YYYY-MM-DD. Give the date the event happened, such as \"2023-05-02\".", s.line, shown(onF.str)))
		}
	}
	// Every other field: known, not repeated, belonging to the type.
	allowed := fieldsOf(e.Type)
	var done [10]bool
	for i := range fields {
		f := &fields[i]
		idx := slices.IndexFunc(fieldNames, func(n string) bool { return n == string(f.key) })
		switch {
		case idx < 0:
			problem(f.keyOff, CodeUnknownField, "unknown field "+shown(f.key),
				fmt.Sprintf("Line %d has a field %s, which events do not have.%s Events have %s.", s.line, shown(f.key), diag.DidYouMean(string(f.key), fieldNames), diag.Quoted(fieldNames)))
			continue
		case seen[idx] != f.keyOff+1:
			problem(f.keyOff, CodeDuplicateField, fmt.Sprintf("%q is given twice", fieldNames[idx]),
				fmt.Sprintf("Line %d gives %q more than once. Give each field once.", s.line, fieldNames[idx]))
			continue
		case idx <= 2:
			continue
		case typeOK && !slices.Contains(allowed, fieldNames[idx]):
			problem(f.keyOff, CodeFieldNotAllowed, fmt.Sprintf("%q does not belong on a %s event", fieldNames[idx], e.Type),
				fmt.Sprintf("Line %d is a %s event, which %s. Remove %q, or correct the type.", s.line, e.Type, describeFields(e.Type), fieldNames[idx]))
			continue
		case !typeOK:
			continue
		}
		if f.kind == jsonNull {
			continue // absent; required fields are checked below
		}
		done[idx] = true
		s.field(&e, fieldNames[idx], f, problem)
	}
	// Required fields of the type.
	if typeOK {
		for _, name := range allowed {
			idx := slices.Index(fieldNames, name)
			if name == "children" {
				continue
			}
			if !done[idx] {
				problem(0, CodeMissingField, fmt.Sprintf("%s event without %q", e.Type, name),
					fmt.Sprintf("Line %d is a %s event, which %s. Add %q.", s.line, e.Type, describeFields(e.Type), name))
			}
		}
		if e.Type == VictimSupported && !bad && e.Victims == 0 && e.Children == 0 {
			problem(0, CodeBadValue, "victim-supported event supports no one",
				fmt.Sprintf("Line %d records support for 0 victims and 0 children. Give how many victims (and children) support began for.", s.line))
		}
	}
	return e, !bad
}

// field decodes one type-specific field into e.
func (s *scanner) field(e *Event, name string, f *jsonField, problem func(off int, code, summary, detail string)) {
	wantText := func(what string) bool {
		if f.kind != jsonString {
			problem(f.valOff, CodeWrongType, fmt.Sprintf("%q must be text", name),
				fmt.Sprintf("Line %d gives %q as %s. Give %s.", s.line, name, f.kind, what))
			return false
		}
		return true
	}
	switch name {
	case "programme", "instrument":
		what := "the programme's id, such as \"cobi\""
		if name == "instrument" {
			what = "the instrument's id, such as \"mirabel\""
		}
		if !wantText(what) {
			return
		}
		if !isSlug(f.str) {
			problem(f.valOff, CodeBadValue, fmt.Sprintf("%q is not an id", name),
				fmt.Sprintf("Line %d gives %q as text that is not an id: ids are lower-case letters, digits and hyphens, at most %d characters. Give %s.", s.line, name, MaxIDLength, what))
			return
		}
		id := s.intern(f.str)
		if name == "programme" {
			e.Programme = id
		} else {
			e.Instrument = id
		}
	case "reason":
		if !wantText("one of " + quotedReasons()) {
			return
		}
		i := slices.IndexFunc(reasons, func(r Reason) bool { return string(r) == string(f.str) })
		if i < 0 {
			problem(f.valOff, CodeBadValue, "unknown withdrawal reason",
				fmt.Sprintf("Line %d gives a withdrawal reason that is not on the list. The reasons are %s.%s Reasons are a fixed list so that no free text reaches a report.", s.line, quotedReasons(), diag.DidYouMean(string(f.str), reasonNames())))
			return
		}
		e.Reason = reasons[i]
	case "phase":
		if !wantText(`"pre" or "post"`) {
			return
		}
		switch string(f.str) {
		case "pre":
			e.Phase = Pre
		case "post":
			e.Phase = Post
		default:
			problem(f.valOff, CodeBadValue, `"phase" must be "pre" or "post"`,
				fmt.Sprintf("Line %d gives \"phase\" as %s. Give \"pre\" for a score taken before the programme and \"post\" for one taken after.", s.line, shown(f.str)))
		}
	case "victims", "children":
		if f.kind != jsonNumber {
			problem(f.valOff, CodeWrongType, fmt.Sprintf("%q must be a number", name),
				fmt.Sprintf("Line %d gives %q as %s. Give a whole number from 0 to %d, without quotes.", s.line, name, f.kind, MaxPeople))
			return
		}
		n, err := strconv.Atoi(string(f.num))
		if err != nil || n < 0 || n > MaxPeople {
			problem(f.valOff, CodeBadValue, fmt.Sprintf("%q must be a whole number from 0 to %d", name, MaxPeople),
				fmt.Sprintf("Line %d gives %q as %s. Give how many %s support began for, a whole number from 0 to %d.", s.line, name, f.num, name, MaxPeople))
			return
		}
		if name == "victims" {
			e.Victims = n
		} else {
			e.Children = n
		}
	case "value":
		if f.kind != jsonNumber {
			problem(f.valOff, CodeWrongType, `"value" must be a number`,
				fmt.Sprintf("Line %d gives \"value\" as %s. Give the score as a number from 0 to %d, without quotes.", s.line, f.kind, MaxScore))
			return
		}
		v, err := strconv.ParseFloat(string(f.num), 64)
		if err != nil || v < 0 || v > MaxScore {
			problem(f.valOff, CodeBadValue, fmt.Sprintf(`"value" must be from 0 to %d`, MaxScore),
				fmt.Sprintf("Line %d gives \"value\" as %s. Give the score as a number from 0 to %d.", s.line, f.num, MaxScore))
			return
		}
		e.Value = v
	}
}

// caseString returns the case id as a string, reusing the one held for a
// known case so that reading a known case allocates nothing.
func (s *scanner) caseString(id []byte) string {
	if cs, ok := s.cases[string(id)]; ok {
		return cs.id
	}
	return string(id)
}

// intern returns id as a string shared by every event that names it.
func (s *scanner) intern(id []byte) string {
	if v, ok := s.ids[string(id)]; ok {
		return v
	}
	v := string(id)
	s.ids[v] = v
	return v
}

// caseID checks a case id: 1 to MaxIDLength characters, letters, digits and
// . _ : / -, starting with a letter or digit.
func caseID(b []byte) ([]byte, bool) {
	if len(b) == 0 || len(b) > MaxIDLength {
		return nil, false
	}
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == ':' || c == '/' || c == '-'):
		default:
			return nil, false
		}
	}
	return b, true
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

func typeOf(b []byte) (Type, bool) {
	for _, t := range types {
		if string(t) == string(b) {
			return t, true
		}
	}
	return "", false
}

func typeNames() []string {
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = string(t)
	}
	return out
}

func reasonNames() []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = string(r)
	}
	return out
}

func quotedTypes() string   { return diag.Quoted(typeNames()) }
func quotedReasons() string { return diag.Quoted(reasonNames()) }

// describeFields says in words which fields a type has.
func describeFields(t Type) string {
	switch t {
	case Allocated:
		return `names the "programme" and has no other fields beyond "case", "type" and "on"`
	case Withdrawn:
		return `gives a "reason" and has no other fields beyond "case", "type" and "on"`
	case VictimSupported:
		return `gives "victims" and optionally "children", and no other fields beyond "case", "type" and "on"`
	case Score:
		return `gives "instrument", "phase" and "value", and no other fields beyond "case", "type" and "on"`
	}
	return `has only "case", "type" and "on"`
}
