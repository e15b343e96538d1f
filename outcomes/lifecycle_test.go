package outcomes

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// ev writes one event line: "C-1 referred 2023-05-02 [extra JSON fields]".
func ev(spec string) string {
	parts := strings.SplitN(spec, " ", 4)
	extra := ""
	if len(parts) == 4 {
		extra = ", " + parts[3]
	}
	return fmt.Sprintf(`{"case": %q, "type": %q, "on": %q%s}`, parts[0], parts[1], parts[2], extra) + "\n"
}

func evs(specs ...string) string {
	var b strings.Builder
	for _, s := range specs {
		b.WriteString(ev(s))
	}
	return b.String()
}

func TestLifecycle(t *testing.T) {
	const (
		r    = "C-1 referred 2023-05-01"
		a    = "C-1 assessed 2023-05-02"
		al   = `C-1 allocated 2023-05-03 "programme": "cobi"`
		s    = "C-1 started 2023-05-04"
		sess = "C-1 session-attended 2023-05-05"
		c    = "C-1 completed 2023-05-06"
	)
	tests := []struct {
		name   string
		events []string
		want   []string
		passed int
	}{
		{"the whole lifecycle", []string{r, a, al, s, sess, sess, c}, nil, 7},
		{"same-day events in file order", []string{"C-1 referred 2023-05-01", "C-1 assessed 2023-05-01", "C-1 withdrawn 2023-05-01 \"reason\": \"declined\""}, nil, 3},
		{"withdrawn straight after referral", []string{r, `C-1 withdrawn 2023-05-02 "reason": "declined"`}, nil, 2},
		{"withdrawn after starting", []string{r, a, al, s, `C-1 withdrawn 2023-05-05 "reason": "custody"`}, nil, 5},
		{"cases interleave freely", []string{r, "C-2 referred 2023-04-01", a, "C-2 assessed 2023-04-02"}, nil, 4},
		{"victim and score events after the end", []string{r, a, al, s, c,
			`C-1 victim-supported 2023-06-01 "victims": 1`, "C-1 victim-exited 2023-07-01",
			`C-1 score 2023-07-02 "instrument": "risk", "phase": "pre", "value": 3`}, nil, 8},
		{"support again after an exit", []string{r, `C-1 victim-supported 2023-05-02 "victims": 1`, "C-1 victim-exited 2023-05-03",
			`C-1 victim-supported 2023-05-04 "victims": 2`, "C-1 victim-exited 2023-05-05"}, nil, 5},
		{"an event's line before the referral's", []string{a, r}, nil, 2},
		{"event dated before the referral", []string{"C-1 assessed 2023-04-30", r}, []string{
			"1:1 before-referral case C-1: assessed before referred; the case has no referred event on or before 2023-04-30"}, 1},
		{"referred twice", []string{r, r}, []string{
			"2:1 duplicate-event case C-1: referred again; it was referred on line 1"}, 1},
		{"one missing referral is one problem", []string{a, al, s, c}, []string{
			"1:1 before-referral case C-1: assessed before referred; the case has no referred event on or before 2023-05-02"}, 3},
		{"lines out of date order", []string{al, r, s, a}, nil, 4},
		{"skipped assessment", []string{r, al}, []string{
			"2:1 unexpected-event case C-1: allocated before assessed; the case's events, sorted by date, go allocated before assessed"}, 1},
		{"completed before started", []string{r, a, al, c}, []string{
			"4:1 unexpected-event case C-1: completed before started; the case's events, sorted by date, go completed before started"}, 3},
		{"session before start", []string{r, a, al, sess}, []string{
			"4:1 unexpected-event case C-1: session-attended before started; the case's events, sorted by date, go session-attended before started"}, 3},
		{"assessed twice", []string{r, a, a}, []string{
			"3:1 duplicate-event case C-1: assessed again; it was already assessed on line 2"}, 2},
		{"assessed dated after the allocation is one problem", []string{r, al, "C-1 assessed 2023-05-04"}, []string{
			"2:1 unexpected-event case C-1: allocated before assessed; the case's events, sorted by date, go allocated before assessed"}, 2},
		{"assessed again after allocation", []string{r, a, al, "C-1 assessed 2023-05-03"}, []string{
			"4:1 duplicate-event case C-1: assessed again; it was already assessed on line 2"}, 3},
		{"duplicate end", []string{r, a, al, s, c, "C-1 partially-completed 2023-05-07"}, []string{
			"6:1 duplicate-end case C-1: partially-completed, but the case already ended (completed on line 5); a case ends once"}, 5},
		{"withdrawn after completion", []string{r, a, al, s, c, `C-1 withdrawn 2023-05-07 "reason": "other"`}, []string{
			"6:1 duplicate-end case C-1: withdrawn, but the case already ended (completed on line 5); a case ends once"}, 5},
		{"session after the end", []string{r, `C-1 withdrawn 2023-05-02 "reason": "declined"`, sess}, []string{
			"3:1 unexpected-event case C-1: session-attended after the case ended (withdrawn on line 2); the case's events, sorted by date, go withdrawn before session-attended"}, 2},
		{"exit without support", []string{r, "C-1 victim-exited 2023-05-02"}, []string{
			"2:1 unexpected-event case C-1: victim-exited with no victim in service; expected a victim-supported event before it"}, 1},
		{"two exits", []string{r, `C-1 victim-supported 2023-05-02 "victims": 1`, "C-1 victim-exited 2023-05-03", "C-1 victim-exited 2023-05-04"}, []string{
			"4:1 unexpected-event case C-1: victim-exited with no victim in service; expected a victim-supported event before it"}, 3},
		{"two pre scores", []string{r, `C-1 score 2023-05-02 "instrument": "risk", "phase": "pre", "value": 3`, `C-1 score 2023-05-03 "instrument": "risk", "phase": "pre", "value": 4`}, []string{
			"3:1 duplicate-event case C-1: a second pre score for risk; the first is on line 2"}, 2},
		{"pre after post", []string{r, `C-1 score 2023-05-02 "instrument": "risk", "phase": "post", "value": 3`, `C-1 score 2023-05-03 "instrument": "risk", "phase": "pre", "value": 4`}, []string{
			"2:1 not-counted case C-1: post score for risk with no pre score; not counted in score-change:risk",
			"3:1 unexpected-event case C-1: pre score for risk after its post score (line 2); the case's events, sorted by date, go post before pre"}, 2},
		{"two post scores", []string{r, `C-1 score 2023-05-02 "instrument": "dash", "phase": "pre", "value": 3`, `C-1 score 2023-05-03 "instrument": "dash", "phase": "post", "value": 1`, `C-1 score 2023-05-04 "instrument": "dash", "phase": "post", "value": 1`}, []string{
			"4:1 duplicate-event case C-1: a second post score for dash; the first is on line 3"}, 3},
		{"instruments are separate", []string{r, `C-1 score 2023-05-02 "instrument": "a", "phase": "pre", "value": 3`, `C-1 score 2023-05-02 "instrument": "b", "phase": "pre", "value": 3`}, nil, 3},
		{"victim event before referral", []string{`C-1 victim-supported 2023-05-02 "victims": 1`}, []string{
			"1:1 before-referral case C-1: victim-supported before referred; the case has no referred event on or before 2023-05-02"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, problems := read(t, evs(tt.events...))
			assert.Equal(t, tt.want, problems)
			assert.Len(t, events, tt.passed)
		})
	}
}
