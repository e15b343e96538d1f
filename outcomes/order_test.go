package outcomes

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// orderLog is a small valid log: three cases through their lifecycles,
// with same-day events, scores, victims and a withdrawal after a start.
var orderLog = []string{
	"A referred 2023-05-01",
	`A victim-supported 2023-05-01 "victims": 2, "children": 1`,
	"A assessed 2023-05-01",
	`A allocated 2023-05-03 "programme": "cobi"`,
	`A started 2023-05-04 "programme": "cobi"`,
	`A score 2023-05-04 "instrument": "risk", "phase": "pre", "value": 40`,
	"A session-attended 2023-05-05",
	"A session-attended 2023-05-12",
	`A completed 2023-05-19 "programme": "cobi"`,
	`A score 2023-05-19 "instrument": "risk", "phase": "post", "value": 10`,
	"A victim-exited 2023-06-01",
	"B referred 2023-05-02",
	"B assessed 2023-05-02",
	`B allocated 2023-05-02 "programme": "healthy-relationships"`,
	"B started 2023-05-02",
	"B session-attended 2023-05-09",
	`B withdrawn 2023-05-10 "reason": "moved out of area", "programme": "healthy-relationships"`,
	"C referred 2023-05-03",
	`C withdrawn 2023-05-03 "reason": "declined"`,
	`C victim-supported 2023-05-03 "victims": 1`,
	"C victim-exited 2023-05-03",
}

// reordered returns the lines of orderLog (as event lines) in the order
// the function gives.
func reordered(order func([]string) []string) string {
	return evs(order(slices.Clone(orderLog))...)
}

func TestAnyLineOrder(t *testing.T) {
	field := func(i int) func(a, b string) int {
		return func(a, b string) int {
			return strings.Compare(strings.Fields(a)[i], strings.Fields(b)[i])
		}
	}
	orders := []struct {
		name  string
		order func([]string) []string
	}{
		{"as written: by case", func(l []string) []string { return l }},
		{"by date", func(l []string) []string { slices.SortStableFunc(l, field(2)); return l }},
		{"by type, alphabetically", func(l []string) []string { slices.SortStableFunc(l, field(1)); return l }},
		{"by case, then type alphabetically", func(l []string) []string {
			slices.SortStableFunc(l, func(a, b string) int {
				if c := field(0)(a, b); c != 0 {
					return c
				}
				return field(1)(a, b)
			})
			return l
		}},
		{"backwards", func(l []string) []string { slices.Reverse(l); return l }},
		{"a pre score after the sessions", func(l []string) []string {
			pre := l[5]
			l = slices.Delete(l, 5, 6)
			return slices.Insert(l, 9, pre)
		}},
		{"same-day events in reverse lifecycle order", func(l []string) []string {
			slices.Reverse(l[11:15])
			slices.Reverse(l[17:])
			return l
		}},
		{"interleaved, one line of each case in turn", func(l []string) []string {
			var out []string
			a, b, c := l[:11], l[11:17], l[17:]
			for i := 0; i < 11; i++ {
				for _, part := range [][]string{a, b, c} {
					if i < len(part) {
						out = append(out, part[i])
					}
				}
			}
			return out
		}},
	}
	p, err := ParsePeriod("2023/24")
	require.NoError(t, err)
	want := compute(t, evs(orderLog...), "2023/24", kentOptions(t)...)
	var wantJSON bytes.Buffer
	require.NoError(t, want.WriteJSON(&wantJSON))
	assert.Equal(t, 100*1/2.0, *value(t, want, MetricCompletionRate), "a completion and a withdrawal after a start")
	for _, o := range orders {
		for _, src := range []string{"file", "pipe"} {
			t.Run(o.name+", from a "+src, func(t *testing.T) {
				var r io.Reader = strings.NewReader(reordered(o.order))
				if src == "pipe" {
					r = onlyReader{r}
				}
				got, problems := Compute("events.jsonl", r, p, kentOptions(t)...)
				require.Empty(t, problems)
				var gotJSON bytes.Buffer
				require.NoError(t, got.WriteJSON(&gotJSON))
				assert.Equal(t, wantJSON.String(), gotJSON.String())
			})
		}
	}
}

// TestLifecycleErrorsInAnyOrder checks that each lifecycle error is
// reported once, at its own line, whatever the order of the lines.
func TestLifecycleErrorsInAnyOrder(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		bad   string // the line that is wrong
		code  string
	}{
		{"completed with no start", []string{"A referred 2023-05-01", "A assessed 2023-05-02", `A allocated 2023-05-03 "programme": "cobi"`}, "A completed 2023-05-09", CodeUnexpected},
		{"two starts", []string{"A referred 2023-05-01", "A assessed 2023-05-02", `A allocated 2023-05-03 "programme": "cobi"`, "A started 2023-05-04"}, "A started 2023-05-06", CodeDuplicate},
		{"a second allocation while the first is open", []string{"A referred 2023-05-01", "A assessed 2023-05-02", `A allocated 2023-05-03 "programme": "cobi"`}, `A allocated 2023-05-05 "programme": "healthy-relationships"`, CodeDuplicate},
		{"an event before the referral", []string{"A referred 2023-05-03"}, "A assessed 2023-05-01", CodeBeforeReferral},
		{"a programme other than the allocation", []string{"A referred 2023-05-01", "A assessed 2023-05-02", `A allocated 2023-05-03 "programme": "cobi"`}, `A started 2023-05-04 "programme": "healthy-relationships"`, CodeProgrammeMismatch},
		{"a programme with no allocation", []string{"A referred 2023-05-01"}, `A withdrawn 2023-05-04 "programme": "cobi", "reason": "declined"`, CodeProgrammeMismatch},
		{"a session after the end", []string{"A referred 2023-05-01", `A withdrawn 2023-05-02 "reason": "declined"`}, "A session-attended 2023-05-03", CodeUnexpected},
		{"a second end", []string{"A referred 2023-05-01", `A withdrawn 2023-05-02 "reason": "declined"`}, `A withdrawn 2023-05-03 "reason": "health"`, CodeDuplicateEnd},
		{"an exit with no victim in service", []string{"A referred 2023-05-01"}, "A victim-exited 2023-05-02", CodeUnexpected},
		{"a pre score dated after the post", []string{"A referred 2023-05-01", `A score 2023-05-02 "instrument": "risk", "phase": "post", "value": 3`}, `A score 2023-05-03 "instrument": "risk", "phase": "pre", "value": 4`, CodeUnexpected},
	}
	for _, tt := range tests {
		lines := append(slices.Clone(tt.lines), tt.bad)
		for _, order := range []string{"in date order", "backwards", "bad line first"} {
			t.Run(tt.name+", "+order, func(t *testing.T) {
				l := slices.Clone(lines)
				switch order {
				case "backwards":
					slices.Reverse(l)
				case "bad line first":
					l = append([]string{tt.bad}, tt.lines...)
				}
				at := slices.Index(l, tt.bad) + 1
				_, problems := read(t, evs(l...))
				var errs []string
				for _, p := range problems {
					if !strings.Contains(p, "not-counted") {
						errs = append(errs, p)
					}
				}
				require.Len(t, errs, 1, "%v", problems)
				assert.True(t, strings.HasPrefix(errs[0], fmt.Sprintf("%d:1 %s ", at, tt.code)), errs[0])
			})
		}
	}
}

func TestCSVLogs(t *testing.T) {
	tests := []struct {
		name   string
		log    string
		events int
		want   []string
	}{
		{"header in any order, empty cells absent", "type,on,case,programme\nreferred,2023-05-02,C-1,\nassessed,2023-05-03,C-1,\n", 2, nil},
		{"quoted cells, a comma and a quote inside", "case,type,on,reason\nC-1,referred,2023-05-02,\nC-1,withdrawn,2023-05-03,\"moved, \"\"away\"\"\"\n", 2, nil},
		{"a line break inside a quoted cell", "case,type,on,reason\nC-1,referred,2023-05-02,\nC-1,withdrawn,2023-05-03,\"moved\naway\"\nC-2,referred,2023-05-02,\n", 3, nil},
		{"CRLF, a byte order mark and padded cells", "\xef\xbb\xbfcase , type,on\r\n C-1 ,referred, 2023-05-02 \r\n", 1, nil},
		{"numbers are text in CSV", "case,type,on,victims,children\nC-1,referred,2023-05-02,,\nC-1,victim-supported,2023-05-02,2,\n", 2, nil},
		{"a number that is not one", "case,type,on,victims\nC-1,referred,2023-05-02,\nC-1,victim-supported,2023-05-02,two\n", 1,
			[]string{`3:33 bad-value case C-1: "victims" must be a whole number from 0 to 1000`}},
		{"an unknown column, once", "case,type,on,colour\nC-1,referred,2023-05-02,red\nC-2,referred,2023-05-02,blue\n", 2,
			[]string{`1:14 unknown-field unknown column "colour"`}},
		{"a column named twice", "case,type,on,case\nC-1,referred,2023-05-02,C-2\n", 1,
			[]string{`1:14 duplicate-field column "case" is named twice`}},
		{"no date column", "case,type\nC-1,referred\n", 0,
			[]string{`1:1 bad-header the header row has no "on" column`}},
		{"no header at all", "C-1,referred,2023-05-02\n", 0,
			[]string{"1:1 bad-header the log is neither JSON Lines nor CSV with a header row"}},
		{"too many cells", "case,type,on\nC-1,referred,2023-05-02,extra\nC-2,referred,2023-05-02\n", 1,
			[]string{"2:25 bad-row the row has 4 cells; the header row has 3"}},
		{"a stray quote", "case,type,on\nC-1,refe\"rred,2023-05-02\nC-2,referred,2023-05-02\n", 1,
			[]string{"2:9 not-csv the row has a double quote inside a cell that does not start with one"}},
		{"an over-long row is one problem", "case,type,on\n" + "C-1,referred,2023-05-02," + strings.Repeat("x", 3*MaxLineBytes) + "\nC-2,referred,2023-05-02\n", 1,
			[]string{"2:1 line-too-long line 2 is too long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, problems := read(t, tt.log)
			assert.Equal(t, tt.want, problems)
			assert.Len(t, events, tt.events)
		})
	}
}

// TestCSVUnclosedQuote checks that a quote never closed costs at most
// MaxLineBytes of the log: one problem, and reading goes on after it.
func TestCSVUnclosedQuote(t *testing.T) {
	var b strings.Builder
	b.WriteString("case,type,on\nC-1,referred,\"2023-05-02\n")
	for i := range 400 {
		fmt.Fprintf(&b, "C-%03d,referred,2023-05-02\n", i+2)
	}
	events, problems := read(t, b.String())
	assert.Equal(t, []string{"2:1 line-too-long line 2 is too long"}, problems)
	require.NotEmpty(t, events)
	assert.Less(t, len(events), 400)
	assert.Equal(t, "C-401", events[len(events)-1].Case)
	assert.Equal(t, 402, events[len(events)-1].Line, "lines keep their numbers after the bad record")
}

func TestReasonsMapped(t *testing.T) {
	opts := kentOptions(t)
	tests := []struct {
		text string
		want Reason
		warn bool
	}{
		{"moved-away", ReasonMovedAway, false},
		{"Moved out of area", ReasonMovedAway, false},
		{"  MOVED_OUT_OF_THE_AREA ", ReasonMovedAway, false},
		{"remanded in custody", ReasonCustody, false},
		{"went to live with her sister", ReasonOther, true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			log := evs("C-1 referred 2023-05-01", fmt.Sprintf(`C-1 withdrawn 2023-05-02 "reason": %q`, tt.text))
			var got []Event
			problems := ReadEvents("e.jsonl", strings.NewReader(log), func(e Event) error { got = append(got, e); return nil }, opts...)
			require.Len(t, got, 2)
			assert.Equal(t, tt.want, got[1].Reason)
			if !tt.warn {
				assert.Empty(t, problems)
				return
			}
			require.Len(t, problems, 1)
			assert.Equal(t, CodeUnknownReason, problems[0].Code)
			assert.Equal(t, 2, problems[0].Range.Start.Line)
			assert.NotContains(t, problems[0].Summary+problems[0].Detail, "sister", "the reason's text is never repeated")
		})
	}
}
