package programmes_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
)

// eventLog builds a case event log line by line.
type eventLog struct{ lines []string }

func (b *eventLog) add(format string, args ...any) *eventLog {
	b.lines = append(b.lines, fmt.Sprintf(format, args...))
	return b
}

// allocate refers, assesses and allocates case c to programme p on day on.
func (b *eventLog) allocate(c, on, p string) *eventLog {
	b.add(`{"case":%q,"type":"referred","on":%q}`, c, on)
	b.add(`{"case":%q,"type":"assessed","on":%q}`, c, on)
	return b.add(`{"case":%q,"type":"allocated","on":%q,"programme":%q}`, c, on, p)
}

func (b *eventLog) start(c, on string) *eventLog {
	return b.add(`{"case":%q,"type":"started","on":%q}`, c, on)
}

func (b *eventLog) withdraw(c, on string) *eventLog {
	return b.add(`{"case":%q,"type":"withdrawn","on":%q,"reason":"disengaged"}`, c, on)
}

// allocateMany allocates cases first..last (C-1, C-2, ...) to p, one a
// day from 2023-01-01.
func (b *eventLog) allocateMany(p string, first, last int) *eventLog {
	for i := first; i <= last; i++ {
		b.allocate(caseID(i), day(i), p)
	}
	return b
}

func (b *eventLog) String() string { return strings.Join(b.lines, "\n") + "\n" }

func caseID(i int) string { return fmt.Sprintf("C-%d", i) }

// day returns the date i days after 2022-12-31.
func day(i int) string { return referral.MustDate("2022-12-31").AddDays(i).String() }

func cases(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, caseID(i))
	}
	return out
}

// replay reads log and replays it against kent 2022-08 as on on (the latest
// event when empty), failing on any problem the log itself has.
func replay(t testing.TB, log, on string) (*programmes.Ledger, diag.List) {
	t.Helper()
	h, problems := programmes.ReadHistory("events.jsonl", strings.NewReader(log))
	require.False(t, problems.HasErrors(), "%v", problems)
	var d referral.Date
	if on != "" {
		d = referral.MustDate(on)
	}
	return h.Replay(kent(t, "2022-08"), d)
}

func account(t testing.TB, l *programmes.Ledger, id string) programmes.Account {
	t.Helper()
	a, ok := l.Account(id)
	require.True(t, ok, id)
	return a
}

// codes renders problems as "line code" for comparison.
func codes(problems diag.List) []string {
	var out []string
	for _, d := range problems {
		out = append(out, fmt.Sprintf("%d %s", d.Range.Start.Line, d.Code))
	}
	return out
}

func TestLedgerOneToOne(t *testing.T) {
	tests := []struct {
		name    string
		log     *eventLog
		on      string
		want    programmes.Account
		partial bool // compare only places, used, free and waiting
	}{
		{
			name: "forty allocations take every place",
			log:  new(eventLog).allocateMany("cobi", 1, 40),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Free: 0, Waiting: []string{}},
		},
		{
			name: "the 41st allocation waits",
			log:  new(eventLog).allocateMany("cobi", 1, 41),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Free: 0, Waiting: []string{"C-41"}},
		},
		{
			name: "the waiting list keeps allocation order",
			log:  new(eventLog).allocateMany("cobi", 1, 44),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Waiting: []string{"C-41", "C-42", "C-43", "C-44"}},
		},
		{
			name: "a withdrawal before starting hands the place to the first waiting",
			log:  new(eventLog).allocateMany("cobi", 1, 42).withdraw("C-3", day(50)),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Waiting: []string{"C-42"}},
		},
		{
			name: "a withdrawal before starting with no one waiting frees the place",
			log:  new(eventLog).allocateMany("cobi", 1, 10).withdraw("C-3", day(50)),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 9, Free: 31, Waiting: []string{}},
		},
		{
			name: "starting uses the place for good: a later withdrawal returns nothing",
			log:  new(eventLog).allocateMany("cobi", 1, 41).start("C-3", day(45)).withdraw("C-3", day(50)),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Started: 1, Waiting: []string{"C-41"}},
		},
		{
			name: "a withdrawal while waiting leaves the list",
			log:  new(eventLog).allocateMany("cobi", 1, 43).withdraw("C-42", day(50)),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Waiting: []string{"C-41", "C-43"}},
		},
		{
			name: "the place goes to the first still waiting",
			log:  new(eventLog).allocateMany("cobi", 1, 43).withdraw("C-41", day(50)).withdraw("C-7", day(51)),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Waiting: []string{"C-43"}},
		},
		{
			name: "the person given a place can start it",
			log:  new(eventLog).allocateMany("cobi", 1, 41).withdraw("C-1", day(50)).start("C-41", day(55)),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Started: 1, Waiting: []string{}},
		},
		{
			name: "on a date, later events are ignored",
			log:  new(eventLog).allocateMany("cobi", 1, 42).withdraw("C-3", day(50)),
			on:   day(41),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Waiting: []string{"C-41"}},
		},
		{
			name: "on the day of an event, it counts",
			log:  new(eventLog).allocateMany("cobi", 1, 42).withdraw("C-3", day(50)),
			on:   day(50),
			want: programmes.Account{ID: "cobi", Capped: true, Places: 40, Used: 40, Waiting: []string{"C-42"}},
		},
		{
			name: "an uncapped programme counts people and never has a waiting list",
			log:  new(eventLog).allocateMany("early-response", 1, 60).withdraw("C-5", day(70)).start("C-6", day(70)),
			want: programmes.Account{ID: "early-response", Capped: false, Used: 59, Started: 1, Waiting: []string{}},
		},
		{
			name: "places of one programme are not another's",
			log:  new(eventLog).allocateMany("cobi", 1, 40).allocate("C-41", day(41), "healthy-relationships"),
			want: programmes.Account{ID: "healthy-relationships", Capped: true, Places: 40, Used: 1, Free: 39, Waiting: []string{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, problems := replay(t, tt.log.String(), tt.on)
			assert.Empty(t, problems)
			assert.Equal(t, tt.want, account(t, l, tt.want.ID))
		})
	}
}

func TestLedgerGroups(t *testing.T) {
	groupOf := func(n int, members ...string) programmes.Group { return programmes.Group{Number: n, Members: members} }
	tests := []struct {
		name    string
		log     *eventLog
		used    int
		waiting []string
		groups  []programmes.Group
	}{
		{
			name:    "eight men fill the first group",
			log:     new(eventLog).allocateMany("da-groupwork", 1, 8),
			used:    8,
			waiting: []string{},
			groups:  []programmes.Group{groupOf(1, cases(1, 8)...)},
		},
		{
			name:    "a ninth man opens a second group",
			log:     new(eventLog).allocateMany("da-groupwork", 1, 9),
			used:    9,
			waiting: []string{},
			groups:  []programmes.Group{groupOf(1, cases(1, 8)...), groupOf(2, "C-9")},
		},
		{
			name:    "the eleventh group is refused: the 81st man waits",
			log:     new(eventLog).allocateMany("da-groupwork", 1, 82),
			used:    80,
			waiting: []string{"C-81", "C-82"},
			groups: func() []programmes.Group {
				var gs []programmes.Group
				for g := range 10 {
					gs = append(gs, groupOf(g+1, cases(g*8+1, g*8+8)...))
				}
				return gs
			}(),
		},
		{
			name:    "a withdrawal before starting hands the group place to the first waiting",
			log:     new(eventLog).allocateMany("da-groupwork", 1, 82).withdraw("C-3", day(90)),
			used:    80,
			waiting: []string{"C-82"},
			groups: func() []programmes.Group {
				gs := []programmes.Group{groupOf(1, "C-1", "C-2", "C-4", "C-5", "C-6", "C-7", "C-8", "C-81")}
				for g := 1; g < 10; g++ {
					gs = append(gs, groupOf(g+1, cases(g*8+1, g*8+8)...))
				}
				return gs
			}(),
		},
		{
			name:    "a place returned with no one waiting goes to the next man, in the lowest group with room",
			log:     new(eventLog).allocateMany("da-groupwork", 1, 10).withdraw("C-2", day(20)).allocate("C-11", day(21), "da-groupwork"),
			used:    10,
			waiting: []string{},
			groups:  []programmes.Group{groupOf(1, "C-1", "C-3", "C-4", "C-5", "C-6", "C-7", "C-8", "C-11"), groupOf(2, "C-9", "C-10")},
		},
		{
			name:    "a started member keeps his place in the group",
			log:     new(eventLog).allocateMany("da-groupwork", 1, 9).start("C-2", day(20)).withdraw("C-2", day(30)),
			used:    9,
			waiting: []string{},
			groups:  []programmes.Group{groupOf(1, cases(1, 8)...), groupOf(2, "C-9")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, problems := replay(t, tt.log.String(), "")
			assert.Empty(t, problems)
			a := account(t, l, "da-groupwork")
			assert.Equal(t, 80, a.Places)
			assert.Equal(t, tt.used, a.Used)
			assert.Equal(t, 80-tt.used, a.Free)
			assert.Equal(t, tt.waiting, a.Waiting)
			assert.Equal(t, tt.groups, a.Groups)
			assert.LessOrEqual(t, len(a.Groups), a.FundedGroups)
			for _, g := range a.Groups {
				assert.LessOrEqual(t, len(g.Members), a.GroupSize)
			}
		})
	}
}

func TestLedgerRefusals(t *testing.T) {
	tests := []struct {
		name   string
		log    *eventLog
		on     string
		want   []string // "line code"
		used   int      // cobi places used
		golden string
	}{
		{
			name:   "an allocation after the window closes is refused",
			log:    new(eventLog).allocate("C-1", "2025-03-31", "cobi").allocate("C-2", "2025-04-01", "cobi"),
			on:     "2025-04-30",
			want:   []string{"6 outside-funding-window"},
			used:   1,
			golden: "after-window",
		},
		{
			name:   "an allocation before the window opens is refused",
			log:    new(eventLog).allocate("C-1", "2022-07-31", "cobi").allocate("C-2", "2022-08-01", "cobi"),
			want:   []string{"3 outside-funding-window"},
			used:   1,
			golden: "before-window",
		},
		{
			name:   "an allocation to an unknown programme is refused",
			log:    new(eventLog).allocate("C-1", "2023-01-01", "cobbi"),
			want:   []string{"3 unknown-programme"},
			used:   0,
			golden: "unknown-programme",
		},
		{
			name: "a refused case's later events are ignored",
			log:  new(eventLog).allocate("C-1", "2025-04-01", "cobi").start("C-1", "2025-04-02").withdraw("C-1", "2025-04-03"),
			on:   "2025-04-30",
			want: []string{"3 outside-funding-window"},
			used: 0,
		},
		{
			name:   "a case that starts while waiting is warned about and takes the next place for good",
			log:    new(eventLog).allocateMany("cobi", 1, 41).start("C-41", day(45)).withdraw("C-1", day(50)),
			want:   []string{"124 started-while-waiting"},
			used:   40,
			golden: "started-while-waiting",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, problems := replay(t, tt.log.String(), tt.on)
			assert.Equal(t, tt.want, codes(problems))
			for _, d := range problems {
				assert.Equal(t, "events.jsonl", d.Range.File)
			}
			a := account(t, l, "cobi")
			assert.Equal(t, tt.used, a.Used)
			assert.Empty(t, a.Waiting)
			if tt.golden != "" {
				var b bytes.Buffer
				require.NoError(t, problems.Text(&b))
				checkGolden(t, "ledger/"+tt.golden+".golden", b.Bytes())
			}
		})
	}
}

func TestApplyOrder(t *testing.T) {
	l := programmes.NewLedger(kent(t, "2022-08"), referral.MustDate("2024-01-01"))
	ev := func(c, on string) outcomes.Event {
		return outcomes.Event{Line: 7, Case: c, Type: outcomes.Allocated, On: referral.MustDate(on), Programme: "cobi"}
	}
	tests := []struct {
		name string
		e    outcomes.Event
		want string // code, or "" for none
	}{
		{"the first event", ev("C-2", "2023-05-02"), ""},
		{"a later case on the same day", ev("C-3", "2023-05-02"), ""},
		{"an earlier case on the same day", ev("C-1", "2023-05-02"), programmes.CodeReplayOrder},
		{"an earlier day", ev("C-9", "2023-05-01"), programmes.CodeReplayOrder},
		{"a later day, any case", ev("C-1", "2023-05-03"), ""},
		{"a second allocation of one case", ev("C-1", "2023-05-04"), programmes.CodeReallocated},
		{"after the ledger's date: ignored", ev("C-0", "2024-01-02"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := l.Apply(tt.e)
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			d := diag.From(err)
			require.Len(t, d, 1)
			assert.Equal(t, tt.want, d[0].Code)
			assert.Equal(t, 7, d[0].Range.Start.Line)
		})
	}
	a := account(t, l, "cobi")
	assert.Equal(t, 3, a.Used)
	assert.Equal(t, referral.MustDate("2024-01-01"), l.On())
	_, ok := l.Account("nothing")
	assert.False(t, ok)
}

// TestLedgerShuffled checks the ledger is a pure replay: the same events in
// any interleaving of their cases' lines give the same ledger and the same
// problems.
func TestLedgerShuffled(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cat := kent(t, "2022-08")
	for round := range 5 {
		cs := generateCases(rng, "", 400, referral.MustDate("2022-07-29"), 40)
		base := interleave(rng, cs)
		want, wantProblems := replayLines(t, cat, base)
		// The log must exercise what the ledger does.
		waited := false
		for _, a := range want.Accounts() {
			waited = waited || len(a.Waiting) > 0
		}
		require.True(t, waited, "round %d: the generated log has no waiting list: %+v", round, want.Accounts())
		require.NotEmpty(t, wantProblems, "round %d: the generated log has no refusal", round)
		for i := range 40 {
			lines := interleave(rng, cs)
			got, gotProblems := replayLines(t, cat, lines)
			require.Equal(t, want.Accounts(), got.Accounts(), "round %d shuffle %d", round, i)
			require.Equal(t, wantProblems, gotProblems, "round %d shuffle %d", round, i)
		}
	}
}

// replayLines replays lines as on their latest date, returning the ledger
// and its problems as "case code" (lines differ between shuffles).
func replayLines(t *testing.T, cat *programmes.Catalogue, lines []string) (*programmes.Ledger, []string) {
	t.Helper()
	h, problems := programmes.ReadHistory("events.jsonl", strings.NewReader(strings.Join(lines, "\n")))
	require.False(t, problems.HasErrors(), "%v", problems)
	l, refusals := h.Replay(cat, referral.Date{})
	var out []string
	for _, d := range refusals {
		out = append(out, strings.Fields(d.Summary)[1]+" "+d.Code)
	}
	slices.Sort(out)
	return l, out
}

// generateCases makes n cases' event lines (case ids are unique for each
// prefix), each case's in its own order.
// Allocations start at from and spread over spread days, so that many
// fall on the same day, places run out, and some fall outside the funding
// window.
func generateCases(rng *rand.Rand, prefix string, n int, from referral.Date, spread int) [][]string {
	progs := []string{"cobi", "healthy-relationships", "da-groupwork", "da-groupwork", "early-response", "cobi"}
	out := make([][]string, n)
	for i := range n {
		c := fmt.Sprintf("C-%05d", rng.IntN(n*100))
		if rng.IntN(200) == 0 {
			c = fmt.Sprintf("C-%05d", i) // a few ids that sort among the others
		}
		c = fmt.Sprintf("%s-%s%d", c, prefix, i) // unique
		d := from.AddDays(rng.IntN(spread))
		var lines []string
		add := func(format string, args ...any) {
			lines = append(lines, fmt.Sprintf(`{"case":%q,`, c)+fmt.Sprintf(format, args...))
		}
		next := func() string {
			d = d.AddDays(rng.IntN(3))
			return d.String()
		}
		add(`"type":"referred","on":%q}`, next())
		add(`"type":"victim-supported","on":%q,"victims":%d,"children":%d}`, next(), 1+rng.IntN(3), rng.IntN(3))
		add(`"type":"assessed","on":%q}`, next())
		p := progs[rng.IntN(len(progs))]
		if rng.IntN(100) == 0 {
			p = "cobbi"
		}
		add(`"type":"allocated","on":%q,"programme":%q}`, next(), p)
		switch r := rng.IntN(10); {
		case r < 3:
			add(`"type":"withdrawn","on":%q,"reason":"declined"}`, next())
		case r < 9:
			add(`"type":"started","on":%q}`, next())
			for range rng.IntN(6) {
				add(`"type":"session-attended","on":%q}`, next())
			}
			switch rng.IntN(4) {
			case 0:
				add(`"type":"withdrawn","on":%q,"reason":"disengaged"}`, next())
			case 1:
				add(`"type":"partially-completed","on":%q}`, next())
			default:
				add(`"type":"completed","on":%q}`, next())
			}
		}
		out[i] = lines
	}
	return out
}

// interleave merges the cases' lines in a random order that keeps each
// case's own lines in order.
func interleave(rng *rand.Rand, cs [][]string) []string {
	var total int
	var bag []int // one entry per line, naming its case
	for i, c := range cs {
		total += len(c)
		for range c {
			bag = append(bag, i)
		}
	}
	rng.Shuffle(len(bag), func(i, j int) { bag[i], bag[j] = bag[j], bag[i] })
	next := make([]int, len(cs))
	out := make([]string, 0, total)
	for _, c := range bag {
		out = append(out, cs[c][next[c]])
		next[c]++
	}
	return out
}

func TestReplayListsAtMostMaxProblems(t *testing.T) {
	log := new(eventLog)
	for i := 1; i <= 40+outcomes.MaxProblems+5; i++ {
		log.allocate(caseID(i), "2023-01-01", "cobi").start(caseID(i), "2023-02-01")
	}
	l, problems := replay(t, log.String(), "")
	require.Len(t, problems, outcomes.MaxProblems+1)
	last := problems[len(problems)-1]
	assert.Equal(t, outcomes.CodeTooManyProblems, last.Code)
	assert.Equal(t, "5 more problems not listed", last.Summary)
	assert.Equal(t, diag.Warning, last.Severity)
	assert.False(t, problems.HasErrors())
	a := account(t, l, "cobi")
	assert.Len(t, a.Waiting, outcomes.MaxProblems+5)
	assert.Equal(t, 40, a.Started)
}

func TestLedgerWithoutCatalogue(t *testing.T) {
	l := programmes.NewLedger(nil, referral.MustDate("2024-01-01"))
	err := l.Apply(outcomes.Event{Line: 3, Case: "C-1", Type: outcomes.Allocated, On: referral.MustDate("2023-01-01"), Programme: "cobi"})
	require.Error(t, err)
	assert.Equal(t, programmes.CodeUnknownProgramme, diag.From(err)[0].Code)
	assert.Empty(t, l.Accounts())
}

// FuzzReplay checks that no event log, however broken, panics the reader
// or the ledger, and that replaying a history twice gives the same ledger.
func FuzzReplay(f *testing.F) {
	f.Add([]byte(new(eventLog).allocateMany("cobi", 1, 42).withdraw("C-3", day(50)).String()))
	f.Add([]byte(new(eventLog).allocateMany("da-groupwork", 1, 10).start("C-1", day(11)).String()))
	f.Add([]byte(new(eventLog).allocate("C-1", "2025-04-01", "cobbi").String()))
	f.Add([]byte("not json\n{\"case\":\"C-1\"}\n"))
	cat := kent(f, "2022-08")
	f.Fuzz(func(t *testing.T, data []byte) {
		h, _ := programmes.ReadHistory("events.jsonl", bytes.NewReader(data))
		a, pa := h.Replay(cat, referral.Date{})
		b, pb := h.Replay(cat, referral.Date{})
		if !assert.ObjectsAreEqual(a.Accounts(), b.Accounts()) || len(pa) != len(pb) {
			t.Fatal("two replays of one history differ")
		}
		for _, acc := range a.Accounts() {
			if acc.Capped && (acc.Used > acc.Places || acc.Free < 0) {
				t.Fatalf("%s uses %d of %d places", acc.ID, acc.Used, acc.Places)
			}
			if acc.Group && len(acc.Groups) > acc.FundedGroups {
				t.Fatalf("%s opened %d of %d groups", acc.ID, len(acc.Groups), acc.FundedGroups)
			}
		}
	})
}
