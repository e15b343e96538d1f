package outcomes

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// read reads log and returns the good events and the problems rendered as
// "line:col code summary".
func read(t *testing.T, log string) ([]Event, []string) {
	t.Helper()
	var events []Event
	l := ReadEvents("events.jsonl", strings.NewReader(log), func(e Event) error {
		events = append(events, e)
		return nil
	})
	var got []string
	for _, d := range l {
		require.Equal(t, "events.jsonl", d.Range.File)
		got = append(got, fmt.Sprintf("%d:%d %s %s", d.Range.Start.Line, d.Range.Start.Column, d.Code, d.Summary))
	}
	return events, got
}

const ref = `{"case": "C-1", "type": "referred", "on": "2023-05-02"}` + "\n"

func TestReadEventsDecodes(t *testing.T) {
	d := referral.MustDate
	tests := []struct {
		name string
		line string
		want Event
	}{
		{"referred", `{"case": "C-2", "type": "referred", "on": "2023-05-02"}`,
			Event{Case: "C-2", Type: Referred, On: d("2023-05-02")}},
		{"allocated", `{"case": "C-1", "type": "withdrawn", "on": "2023-05-03", "reason": "moved-away"}`,
			Event{Case: "C-1", Type: Withdrawn, On: d("2023-05-03"), Reason: ReasonMovedAway}},
		{"victim-supported without children", `{"case": "C-1", "type": "victim-supported", "on": "2023-05-03", "victims": 2}`,
			Event{Case: "C-1", Type: VictimSupported, On: d("2023-05-03"), Victims: 2}},
		{"victim-supported with null children", `{"case": "C-1", "type": "victim-supported", "on": "2023-05-03", "victims": 1, "children": null}`,
			Event{Case: "C-1", Type: VictimSupported, On: d("2023-05-03"), Victims: 1}},
		{"score with decimals and exponent", `{"case":"C-1","type":"score","on":"2023-05-03","instrument":"perpetrator-risk","phase":"pre","value":1.25e1}`,
			Event{Case: "C-1", Type: Score, On: d("2023-05-03"), Instrument: "perpetrator-risk", Phase: Pre, Value: 12.5}},
		{"escaped text", `{"case": "C\u002d1", "type": "victim-supported", "on": "2023-05-03", "victims": 1, "children": 3}`,
			Event{Case: "C-1", Type: VictimSupported, On: d("2023-05-03"), Victims: 1, Children: 3}},
		{"fields in any order, spaces and CRLF", "  { \"on\" : \"2023-05-03\" ,\t\"type\":\"victim-exited\", \"case\":\"C-1\" }\r",
			Event{Case: "C-1", Type: VictimExited, On: d("2023-05-03")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := ref + `{"case": "C-1", "type": "victim-supported", "on": "2023-05-02", "victims": 1}` + "\n" + tt.line + "\n"
			events, problems := read(t, log)
			require.Empty(t, problems)
			require.Len(t, events, 3)
			tt.want.Line = 3
			assert.Equal(t, tt.want, events[2])
		})
	}
}

func TestReadEventsProblems(t *testing.T) {
	tests := []struct {
		name string
		line string // line 2, after C-1's referral
		want []string
	}{
		{"not JSON", `case C-1 referred`, []string{"2:1 not-json the line is not a JSON event"}},
		{"a JSON list", `["C-1"]`, []string{"2:1 not-json the line is not a JSON object"}},
		{"two objects", `{"case": "C-1", "type": "assessed", "on": "2023-05-03"} {}`, []string{"2:58 not-json the line has more than one JSON value"}},
		{"unclosed text", `{"case": "C-1`, []string{"2:14 not-json the line is not a JSON event"}},
		{"trailing comma", `{"case": "C-1",}`, []string{"2:15 not-json the line is not a JSON event"}},
		{"bad number", `{"case": "C-1", "type": "victim-supported", "on": "2023-05-03", "victims": 01}`, []string{"2:77 not-json the line is not a JSON event"}},
		{"invalid UTF-8", "{\"case\": \"C-\xff\"}", []string{"2:13 not-json the line is not a JSON event"}},
		{"unknown type", `{"case": "C-1", "type": "asessed", "on": "2023-05-03"}`, []string{`2:25 unknown-type case C-1: unknown event type "asessed"`}},
		{"unknown field", `{"case": "C-1", "type": "assessed", "on": "2023-05-03", "outcome": "ok"}`, []string{`2:57 unknown-field unknown field "outcome"`}},
		{"duplicate field", `{"case": "C-1", "type": "assessed", "on": "2023-05-03", "on": "2023-05-04"}`, []string{`2:57 duplicate-field "on" is given twice`}},
		{"field of another type", `{"case": "C-1", "type": "assessed", "on": "2023-05-03", "programme": "cobi"}`, []string{`2:70 field-not-allowed case C-1: "programme" does not belong on an assessed event`}},
		{"missing everything", `{}`, []string{
			`2:1 missing-field missing "type"`, `2:1 missing-field missing "case"`, `2:1 missing-field missing "on"`}},
		{"null case", `{"case": null, "type": "assessed", "on": "2023-05-03"}`, []string{`2:1 missing-field missing "case"`}},
		{"case as a number", `{"case": 17, "type": "assessed", "on": "2023-05-03"}`, []string{`2:10 wrong-type "case" must be text`}},
		{"case with spaces", `{"case": "Jane Doe", "type": "assessed", "on": "2023-05-03"}`, []string{`2:10 bad-case the case id is not valid`}},
		{"type as a list", `{"case": "C-1", "type": ["assessed"], "on": "2023-05-03"}`, []string{`2:25 wrong-type case C-1: "type" must be text`}},
		{"impossible date", `{"case": "C-1", "type": "assessed", "on": "2023-02-29"}`, []string{`2:43 bad-date case C-1: "on" is not a real date`}},
		{"date in another form", `{"case": "C-1", "type": "assessed", "on": "03/05/2023"}`, []string{`2:43 bad-date case C-1: "on" is not a real date`}},
		{"date as a number", `{"case": "C-1", "type": "assessed", "on": 20230503}`, []string{`2:43 wrong-type case C-1: "on" must be a date in double quotes`}},
		{"allocated without programme", `{"case": "C-1", "type": "allocated", "on": "2023-05-03"}`, []string{`2:1 missing-field case C-1: allocated event without "programme"`}},
		{"programme not an id", `{"case": "C-1", "type": "allocated", "on": "2023-05-03", "programme": "COBI group"}`, []string{`2:71 bad-value case C-1: "programme" is not an id`}},
		{"unknown reason", `{"case": "C-1", "type": "withdrawn", "on": "2023-05-03", "reason": "disengage"}`, []string{`2:68 unknown-reason the withdrawal reason is not one of the reasons; counted as other`}},
		{"victims as text", `{"case": "C-1", "type": "victim-supported", "on": "2023-05-03", "victims": "2"}`, []string{`2:76 wrong-type case C-1: "victims" must be a number`}},
		{"victims negative", `{"case": "C-1", "type": "victim-supported", "on": "2023-05-03", "victims": -1}`, []string{`2:76 bad-value case C-1: "victims" must be a whole number from 0 to 1000`}},
		{"victims fractional", `{"case": "C-1", "type": "victim-supported", "on": "2023-05-03", "victims": 1.5}`, []string{`2:76 bad-value case C-1: "victims" must be a whole number from 0 to 1000`}},
		{"supports no one", `{"case": "C-1", "type": "victim-supported", "on": "2023-05-03", "victims": 0, "children": 0}`, []string{`2:1 bad-value case C-1: victim-supported event supports no one`}},
		{"score missing phase", `{"case": "C-1", "type": "score", "on": "2023-05-03", "instrument": "risk", "value": 3}`, []string{`2:1 missing-field case C-1: score event without "phase"`}},
		{"score bad phase", `{"case": "C-1", "type": "score", "on": "2023-05-03", "instrument": "risk", "phase": "during", "value": 3}`, []string{`2:85 bad-value case C-1: "phase" must be "pre" or "post"`}},
		{"score too large", `{"case": "C-1", "type": "score", "on": "2023-05-03", "instrument": "risk", "phase": "pre", "value": 1e300}`, []string{`2:101 bad-value case C-1: "value" must be a number from 0 to 1000000`}},
		{"score as text", `{"case": "C-1", "type": "score", "on": "2023-05-03", "instrument": "risk", "phase": "pre", "value": "3"}`, []string{`2:101 wrong-type case C-1: "value" must be a number`}},
		{"several problems on one line", `{"case": "C-1", "type": "allocated", "on": "2023-13-01", "programe": "cobi"}`, []string{
			`2:1 missing-field case C-1: allocated event without "programme"`,
			`2:44 bad-date case C-1: "on" is not a real date`,
			`2:58 unknown-field unknown field "programe"`}},
		{"columns count characters", `{"case": "C-1", "note": "é", "x": 1, "type": "assessed", "on": "2023-05-03"}`, []string{
			`2:17 unknown-field unknown field "note"`, `2:30 unknown-field unknown field "x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, problems := read(t, ref+tt.line+"\n")
			assert.Equal(t, tt.want, problems)
			if tt.name == "unknown reason" {
				require.Len(t, events, 2, "a warning does not stop the event")
				assert.Equal(t, ReasonOther, events[1].Reason)
				return
			}
			assert.Len(t, events, 1, "only the referral is passed on")
		})
	}
}

func TestReadEventsLines(t *testing.T) {
	t.Run("blank lines and a byte order mark are skipped, line numbers kept", func(t *testing.T) {
		events, problems := read(t, "\xef\xbb\xbf"+ref+"\n   \n"+`{"case": "C-1", "type": "assessed", "on": "2023-05-03"}`)
		assert.Empty(t, problems)
		require.Len(t, events, 2)
		assert.Equal(t, 4, events[1].Line)
	})
	t.Run("a very long line is one problem and reading goes on", func(t *testing.T) {
		long := `{"case": "C-1", "type": "assessed", "on": "2023-05-03", "x": "` + strings.Repeat("a", 200_000) + `"}`
		events, problems := read(t, ref+long+"\n"+`{"case": "C-1", "type": "assessed", "on": "2023-05-03"}`+"\n")
		assert.Equal(t, []string{"2:1 line-too-long line 2 is too long"}, problems)
		assert.Len(t, events, 2)
	})
	t.Run("a line just over the limit", func(t *testing.T) {
		long := `{"case": "C-1", "type": "assessed", "on": "2023-05-03"}` + strings.Repeat(" ", MaxLineBytes)
		_, problems := read(t, ref+long)
		assert.Equal(t, []string{"2:1 line-too-long line 2 is too long"}, problems)
	})
	t.Run("too many problems are counted, not listed", func(t *testing.T) {
		_, problems := read(t, strings.Repeat("{x\n", MaxProblems+5))
		require.Len(t, problems, MaxProblems+1)
		assert.Equal(t, "0:0 too-many-problems 5 more problems not listed", problems[MaxProblems])
	})
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		r.n++
		return copy(p, ref), nil
	}
	return 0, errors.New("disk on fire")
}

func TestReadEventsCallback(t *testing.T) {
	t.Run("diagnostics from the callback are collected with the line", func(t *testing.T) {
		l := ReadEvents("e.jsonl", strings.NewReader(ref+`{"case": "C-1", "type": "assessed", "on": "2023-05-03"}`), func(e Event) error {
			if e.Type == Assessed {
				return &diag.Diagnostic{Severity: diag.Error, Code: "full", Summary: "no places"}
			}
			return nil
		})
		require.Len(t, l, 1)
		assert.Equal(t, "e.jsonl:2:1: error: no places [full]", l[0].Compact())
	})
	t.Run("another error stops reading", func(t *testing.T) {
		n := 0
		l := ReadEvents("e.jsonl", strings.NewReader(ref+ref+ref), func(e Event) error {
			n++
			return errors.New("ledger closed")
		})
		assert.Equal(t, 1, n)
		require.Len(t, l, 1)
		assert.Equal(t, CodeStopped, l[0].Code)
	})
	t.Run("an I/O error is a read-error problem", func(t *testing.T) {
		l := ReadEvents("e.jsonl", &failingReader{}, nil)
		require.Len(t, l, 1)
		assert.Equal(t, CodeReadError, l[0].Code)
		assert.Contains(t, l[0].Summary, "disk on fire")
	})
}

func TestEventJSONRoundTrip(t *testing.T) {
	d := referral.MustDate("2023-05-03")
	tests := []struct {
		name string
		e    Event
	}{
		{"allocated", Event{Case: "C-1", Type: Allocated, On: d, Programme: "cobi"}},
		{"withdrawn", Event{Case: "C-1", Type: Withdrawn, On: d, Reason: ReasonCustody}},
		{"victim-supported", Event{Case: "C-1", Type: VictimSupported, On: d, Victims: 0, Children: 2}},
		{"score", Event{Case: "C-1", Type: Score, On: d, Instrument: "perpetrator-risk", Phase: Pre, Value: 0.1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.e.MarshalJSON()
			require.NoError(t, err)
			events, problems := read(t, ref+`{"case": "C-1", "type": "assessed", "on": "2023-05-02"}`+"\n"+string(b)+"\n")
			require.Empty(t, problems)
			require.Len(t, events, 3)
			tt.e.Line = 3
			assert.Equal(t, tt.e, events[2])
		})
	}
	assert.Equal(t, `{"case":"a\"\\\u0001","type":"referred","on":""}`, string(Event{Case: "a\"\\\x01", Type: Referred}.AppendJSON(nil)))
}
