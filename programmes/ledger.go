package programmes

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/referral"
)

// Problem codes of the capacity ledger. They are stable: partner systems
// and tests match on them.
const (
	// CodeUnknownProgramme: an allocation to a programme the catalogue
	// does not have. The allocation is refused.
	CodeUnknownProgramme = "unknown-programme"
	// CodeOutsideWindow: an allocation dated before the programme's
	// funding window opens or after it closes. The allocation is refused.
	CodeOutsideWindow = "outside-funding-window"
	// CodeReallocated: a second allocation for a case the ledger already
	// holds. It is refused; the first stands.
	CodeReallocated = "already-allocated"
	// CodeStartedWhileWaiting (a warning): a case started its programme
	// while it was on the waiting list, with every funded place in use. It
	// stays first in line for the next place that comes free, and takes
	// it for good.
	CodeStartedWhileWaiting = "started-while-waiting"
	// CodeReplayOrder: Apply was given an event earlier in replay order
	// than one it already applied. The event is not applied.
	CodeReplayOrder = "out-of-replay-order"
)

// Ledger is the capacity of a catalogue's programmes as on one date, built
// by replaying case events (docs/events.md): places used and free, waiting
// lists and groups.
//
// Places are what a programme's funding buys over its funding window, not
// seats at one time:
//
//   - An allocation takes a free place, or joins the end of that
//     programme's waiting list.
//   - A withdrawal before starting returns the place, and the first person
//     waiting takes it. A withdrawal while waiting leaves the list.
//   - Starting uses the place for good: a withdrawal after starting, a
//     completion or a partial completion does not return it.
//   - A group programme fills a group to its largest size before it opens
//     the next, and never opens more groups than are funded. A place
//     returned in a group is taken by the first person waiting; with no one
//     waiting, the next allocation takes the free place in the
//     lowest-numbered group with room.
//   - A programme whose funding sets no number of places (uncapped) counts
//     the people allocated and never has a waiting list.
//   - An allocation to a programme the catalogue does not have, or dated
//     outside the programme's funding window, is refused: it takes no
//     place, the case's later events are ignored, and Apply returns a
//     problem naming the line and the case.
//
// Events must reach a ledger in replay order: by date; events on the same
// date by case id (byte order); and a case's own events in its order
// (docs/events.md: lifecycle order within a day, then file order). So the same events give the same ledger whatever order
// the lines of different cases come in. History.Replay sorts a log into
// that order; Apply refuses an event that breaks it.
//
// A Ledger is mutable and not safe for concurrent use: use one goroutine,
// or guard it with a lock.
type Ledger struct {
	on       referral.Date
	accounts []*account          // in catalogue order
	byID     map[string]*account // by programme id
	cases    map[string]*holding
	ids      []string // catalogue ids, for "did you mean"
	quoted   string   // the ids quoted, for messages
	quiet    bool     // build no problem text: no one will read it

	// the last event applied, for the replay order check
	lastDay  referral.Date
	lastCase string
}

// account is one programme's places.
type account struct {
	p        *Programme
	capacity int
	capped   bool
	used     int
	started  int
	waiting  []*holding // in allocation order; entries that left are skipped
	head     int        // waiting[:head] have left the list
	nWaiting int
	groups   []*group
	room     int // the lowest index of a group that may have room
}

// group is one group of a group programme.
type group struct {
	members []*holding // in the order they joined
}

// state is where a case stands in its programme's ledger.
type state uint8

const (
	holdsPlace   state = iota // allocated a place, not started
	startedPlace              // started: the place is used for good
	waiting                   // on the waiting list
	left                      // withdrew before starting, or while waiting
	refused                   // the allocation was refused
)

// holding is one case's allocation.
type holding struct {
	id      string
	acct    *account
	state   state
	group   *group
	started bool // started while waiting: takes the next place for good
}

// NewLedger returns an empty ledger for the programmes of cat as on date
// on: Apply ignores events dated after on. A nil cat gives a ledger that
// refuses every allocation.
func NewLedger(cat *Catalogue, on referral.Date) *Ledger {
	l := &Ledger{on: on, byID: map[string]*account{}, cases: map[string]*holding{}}
	if cat != nil {
		for _, p := range cat.Programmes {
			n, capped := p.Capacity()
			a := &account{p: p, capacity: n, capped: capped}
			l.accounts = append(l.accounts, a)
			l.byID[p.ID] = a
			l.ids = append(l.ids, p.ID)
		}
	}
	l.quoted = diag.Quoted(l.ids)
	return l
}

// On returns the date the ledger is as on.
func (l *Ledger) On() referral.Date { return l.on }

// Apply replays one event. Events dated after the ledger's date, and event
// types that do not bear on places (referred, assessed, sessions, scores,
// victims), are ignored. It returns nil, or a *diag.Diagnostic when the
// event is refused (see the Code constants) or is a warning; the problem's
// range names the event's line when the event has one. The file name is
// left empty for the caller to fill in, as outcomes.ReadEvents does.
func (l *Ledger) Apply(e outcomes.Event) error {
	if e.On.After(l.on) {
		return nil
	}
	if c := cmp.Or(e.On.Compare(l.lastDay), cmp.Compare(e.Case, l.lastCase)); c < 0 && !l.lastDay.IsZero() {
		return l.problem(e, diag.Error, CodeReplayOrder, func() (string, string) {
			return fmt.Sprintf("case %s's %s event on %s comes after case %s's event on %s in replay order", e.Case, e.Type, e.On, l.lastCase, l.lastDay),
				"A ledger replays events by date, then by case id, then in each case's own order, so that the same events always give the same ledger. Sort the events into that order, or use History.Replay, which does."
		})
	}
	l.lastDay, l.lastCase = e.On, e.Case
	switch e.Type {
	case outcomes.Allocated:
		return l.allocate(e)
	case outcomes.Started:
		return l.start(e)
	case outcomes.Withdrawn:
		l.withdraw(e)
	}
	return nil
}

func (l *Ledger) allocate(e outcomes.Event) error {
	if h := l.cases[e.Case]; h != nil {
		return l.problem(e, diag.Error, CodeReallocated, func() (string, string) {
			return fmt.Sprintf("case %s is allocated a second time", e.Case),
				fmt.Sprintf("Line %d allocates case %s to %q, but the case was already allocated to %q; a case takes one place. The allocation is refused. Remove the line, or record the first allocation's withdrawal and refer the case again under a new case id.",
					e.Line, e.Case, e.Programme, h.programme())
		})
	}
	a := l.byID[e.Programme]
	if a == nil {
		l.cases[e.Case] = &holding{id: e.Case, state: refused}
		return l.problem(e, diag.Error, CodeUnknownProgramme, func() (string, string) {
			return fmt.Sprintf("case %s is allocated to %q, which is not a programme of this pack version", e.Case, e.Programme),
				fmt.Sprintf("The programmes in force on %s are %s.%s The allocation is refused and takes no place. Correct the programme id.",
					l.on, l.quoted, diag.DidYouMean(e.Programme, l.ids))
		})
	}
	if w := a.p.Funding; !w.Contains(e.On) {
		l.cases[e.Case] = &holding{id: e.Case, state: refused}
		when := "after its funding window closed"
		if e.On.Before(w.From) {
			when = "before its funding window opened"
		}
		return l.problem(e, diag.Error, CodeOutsideWindow, func() (string, string) {
			return fmt.Sprintf("case %s is allocated to %s on %s, %s", e.Case, a.p.ID, e.On, when),
				fmt.Sprintf("The places of %s are funded from %s to %s, and an allocation outside those dates cannot take one. The allocation is refused. Correct its date, or count it under the pack version in force on that date.",
					a.p.ID, w.From, w.To)
		})
	}
	h := &holding{id: e.Case, acct: a}
	l.cases[e.Case] = h
	a.place(h)
	return nil
}

func (l *Ledger) start(e outcomes.Event) error {
	h := l.cases[e.Case]
	if h == nil {
		return nil
	}
	switch h.state {
	case holdsPlace:
		h.state = startedPlace
		h.acct.started++
	case waiting:
		if h.started {
			return nil
		}
		h.started = true
		return l.problem(e, diag.Warning, CodeStartedWhileWaiting, func() (string, string) {
			return fmt.Sprintf("case %s started %s while on its waiting list", e.Case, h.acct.p.ID),
				fmt.Sprintf("Every funded place of %s was in use on %s, so the case had no place to start in. It keeps its place on the waiting list, and when a place comes to it, it uses it for good. Check the allocation and start dates, or the programme's places.",
					h.acct.p.ID, e.On)
		})
	}
	return nil
}

func (l *Ledger) withdraw(e outcomes.Event) {
	h := l.cases[e.Case]
	if h == nil {
		return
	}
	a := h.acct
	switch h.state {
	case holdsPlace:
		h.state = left
		a.used--
		if h.group != nil {
			g := h.group
			g.members = slices.DeleteFunc(g.members, func(m *holding) bool { return m == h })
			h.group = nil
			a.room = min(a.room, slices.Index(a.groups, g))
		}
		a.promote()
	case waiting:
		h.state = left
		a.nWaiting--
		a.compact()
	}
}

func (h *holding) programme() string {
	if h.acct == nil {
		return "a programme that was refused"
	}
	return h.acct.p.ID
}

// problem builds a diagnostic about event e, at its line, with the summary
// and detail text gives. A quiet ledger skips the text and returns a shared
// diagnostic with the code and severity alone.
func (l *Ledger) problem(e outcomes.Event, sev diag.Severity, code string, text func() (summary, detail string)) *diag.Diagnostic {
	if l.quiet {
		return &diag.Diagnostic{Severity: sev, Code: code}
	}
	summary, detail := text()
	d := &diag.Diagnostic{Severity: sev, Code: code, Summary: summary, Detail: detail}
	if e.Line > 0 {
		d.Range = diag.Range{Start: diag.Pos{Line: e.Line, Column: 1}}
	}
	return d
}

// hasRoom reports whether a place is free.
func (a *account) hasRoom() bool { return !a.capped || a.used < a.capacity }

// place gives h a free place, or puts it at the end of the waiting list.
func (a *account) place(h *holding) {
	if !a.hasRoom() {
		h.state = waiting
		a.waiting = append(a.waiting, h)
		a.nWaiting++
		return
	}
	a.take(h)
}

// take gives h a place; there must be room.
func (a *account) take(h *holding) {
	a.used++
	h.state = holdsPlace
	if h.started {
		h.state = startedPlace
		a.started++
	}
	if !a.p.IsGroup() {
		return
	}
	// The lowest-numbered group with room, else a new group: groups fill to
	// their largest size before the next opens, and there is room, so
	// fewer groups than funded are open when all open ones are full.
	for a.room < len(a.groups) && len(a.groups[a.room].members) >= a.p.GroupSize {
		a.room++
	}
	if a.room == len(a.groups) {
		a.groups = append(a.groups, &group{})
	}
	g := a.groups[a.room]
	g.members = append(g.members, h)
	h.group = g
}

// promote gives free places to the people waiting, first come first served.
func (a *account) promote() {
	for a.nWaiting > 0 && a.hasRoom() {
		h := a.waiting[a.head]
		a.head++
		if h.state != waiting {
			continue
		}
		a.nWaiting--
		a.take(h)
	}
	a.compact()
}

// compact drops the entries at the front of the waiting list that have
// left it, and reclaims the list's memory once most of it is gone.
func (a *account) compact() {
	for a.head < len(a.waiting) && a.waiting[a.head].state != waiting {
		a.head++
	}
	if a.head > 64 && a.head > len(a.waiting)/2 {
		a.waiting = slices.Clone(a.waiting[a.head:])
		a.head = 0
	}
}

// Account is one programme's places as on the ledger's date. It is a copy:
// changing it does not change the ledger.
type Account struct {
	// ID is the programme's id.
	ID string
	// Capped is false when the programme's funding sets no number of
	// places; then Places and Free are 0 and Waiting is empty.
	Capped bool
	// Places is how many people the funding buys places for over the
	// window (groups × group size for a group programme).
	Places int
	// Used counts the places taken: allocated and not withdrawn before
	// starting, or started.
	Used int
	// Started counts the places used for good.
	Started int
	// Free is Places − Used.
	Free int
	// Waiting lists the case ids waiting for a place, first in line first.
	Waiting []string
	// Group is true for a group programme; Groups lists its open groups.
	Group bool
	// Groups are the groups opened, in the order they opened.
	Groups []Group
	// FundedGroups and GroupSize are the group programme's funded number
	// of groups and largest group.
	FundedGroups, GroupSize int
}

// Group is one group of a group programme.
type Group struct {
	// Number counts groups from 1, in the order they opened.
	Number int
	// Members lists the case ids holding a place in the group, in the
	// order they joined.
	Members []string
}

// Accounts returns every programme's places, in catalogue order.
func (l *Ledger) Accounts() []Account {
	out := make([]Account, len(l.accounts))
	for i, a := range l.accounts {
		out[i] = a.snapshot()
	}
	return out
}

// Account returns one programme's places, and false when the catalogue
// has no programme with that id.
func (l *Ledger) Account(id string) (Account, bool) {
	a := l.byID[id]
	if a == nil {
		return Account{}, false
	}
	return a.snapshot(), true
}

func (a *account) snapshot() Account {
	s := Account{ID: a.p.ID, Capped: a.capped, Used: a.used, Started: a.started, Waiting: []string{}, Group: a.p.IsGroup()}
	if a.capped {
		s.Places, s.Free = a.capacity, a.capacity-a.used
	}
	for _, h := range a.waiting[a.head:] {
		if h.state == waiting {
			s.Waiting = append(s.Waiting, h.id)
		}
	}
	if s.Group {
		s.FundedGroups, s.GroupSize = a.p.Groups, a.p.GroupSize
		s.Groups = make([]Group, len(a.groups))
		for i, g := range a.groups {
			s.Groups[i] = Group{Number: i + 1, Members: make([]string, len(g.members))}
			for j, m := range g.members {
				s.Groups[i].Members[j] = m.id
			}
		}
	}
	return s
}

// History is what capacity depends on in a case event log: its allocated,
// started and withdrawn events, a few dozen bytes each, sorted into replay
// order (see Ledger), and the latest date in the log. The other events are
// read, checked and dropped. A History is immutable once read and safe for
// concurrent use; each Replay builds its own Ledger.
type History struct {
	name   string
	cases  []string // case ids, interned, in order of first appearance
	progs  []string // programme ids, interned
	steps  []step   // in replay order
	latest referral.Date
}

// step is one event that bears on places: 24 bytes.
type step struct {
	day  referral.Date
	rank int32 // the case id's place in byte order
	cas  int32 // index into cases
	line int32
	prog int32 // index into progs (allocated only)
	kind stepKind
}

// stepKind is the type of a step's event.
type stepKind uint8

const (
	stepAllocated stepKind = iota
	stepStarted
	stepWithdrawn
)

var stepTypes = [...]outcomes.Type{stepAllocated: outcomes.Allocated, stepStarted: outcomes.Started, stepWithdrawn: outcomes.Withdrawn}

// ReadHistory reads a case event log from r — JSON Lines or CSV, lines in
// any order (docs/events.md) — with outcomes.ReadEventsTo, which checks
// every event and every case's lifecycle, and keeps what capacity depends
// on. name is the file name put in problems; opts may say the input format
// (outcomes.WithInputFormat) and the withdrawal reasons
// (outcomes.WithReasons). The problems are outcomes.ReadEventsTo's; with
// any error among them, the History holds only the events without
// problems, and a ledger replayed from it may miscount.
func ReadHistory(name string, r io.Reader, opts ...outcomes.Option) (*History, diag.List) {
	b := &historyBuilder{h: &History{name: name}}
	b.Restart()
	problems := outcomes.ReadEventsTo(name, r, b, opts...)
	b.h.sort()
	return b.h, problems
}

// historyBuilder collects a History from a log's events; it starts over
// when the log is read again.
type historyBuilder struct {
	h       *History
	caseIdx map[string]int32
	progIdx map[string]int32
}

func (b *historyBuilder) Restart() {
	b.h = &History{name: b.h.name}
	b.caseIdx = map[string]int32{}
	b.progIdx = map[string]int32{}
}

func (b *historyBuilder) Event(e outcomes.Event) error {
	h := b.h
	if e.On.After(h.latest) {
		h.latest = e.On
	}
	var kind stepKind
	switch e.Type {
	case outcomes.Allocated:
		kind = stepAllocated
	case outcomes.Started:
		kind = stepStarted
	case outcomes.Withdrawn:
		kind = stepWithdrawn
	default:
		return nil
	}
	ci, ok := b.caseIdx[e.Case]
	if !ok {
		ci = int32(len(h.cases))
		b.caseIdx[e.Case] = ci
		h.cases = append(h.cases, e.Case)
	}
	s := step{day: e.On, cas: ci, line: int32(e.Line), prog: -1, kind: kind}
	if e.Type == outcomes.Allocated {
		pi, ok := b.progIdx[e.Programme]
		if !ok {
			pi = int32(len(h.progs))
			b.progIdx[e.Programme] = pi
			h.progs = append(h.progs, e.Programme)
		}
		s.prog = pi
	}
	h.steps = append(h.steps, s)
	return nil
}

// sort puts the steps into replay order: date, case id, then the case's
// own order, in which the reader handed them on.
func (h *History) sort() {
	order := make([]int32, len(h.cases))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(h.cases[a], h.cases[b]) })
	rank := make([]int32, len(h.cases))
	for r, c := range order {
		rank[c] = int32(r)
	}
	for i := range h.steps {
		h.steps[i].rank = rank[h.steps[i].cas]
	}
	slices.SortStableFunc(h.steps, func(a, b step) int {
		return cmp.Or(a.day.Compare(b.day), cmp.Compare(a.rank, b.rank))
	})
}

// Latest returns the latest date of any event in the log, or the zero
// Date for a log without events.
func (h *History) Latest() referral.Date { return h.latest }

// Len returns how many events bearing on places the history holds.
func (h *History) Len() int { return len(h.steps) }

// Replay builds the ledger of cat's programmes as on date on (the latest
// date in the log when on is zero): every event of the history dated on or
// before on, in replay order. It returns the ledger and the problems its
// events raised (refused allocations, starts while waiting), sorted by
// line, each naming the log's file and the event's line. At most
// outcomes.MaxProblems are listed; a last problem counts the rest.
func (h *History) Replay(cat *Catalogue, on referral.Date) (*Ledger, diag.List) {
	if on.IsZero() {
		on = h.latest
	}
	l := NewLedger(cat, on)
	var problems diag.List
	unlisted, unlistedErrors := 0, false
	for _, s := range h.steps {
		if s.day.After(on) {
			break
		}
		e := outcomes.Event{Line: int(s.line), Case: h.cases[s.cas], Type: stepTypes[s.kind], On: s.day}
		if s.prog >= 0 {
			e.Programme = h.progs[s.prog]
		}
		if err := l.Apply(e); err != nil {
			d, ok := err.(*diag.Diagnostic)
			if !ok {
				d = diag.From(err)[0]
			}
			if len(problems) == outcomes.MaxProblems {
				l.quiet = true // only counted from now on
				unlisted++
				unlistedErrors = unlistedErrors || d.Severity == diag.Error
				continue
			}
			d.Range.File = h.name
			problems = append(problems, d)
		}
	}
	problems.Sort()
	if unlisted > 0 {
		sev := diag.Warning
		if unlistedErrors {
			sev = diag.Error
		}
		problems = append(problems, &diag.Diagnostic{Severity: sev, Code: outcomes.CodeTooManyProblems,
			Summary: fmt.Sprintf("%d more problems not listed", unlisted),
			Detail:  fmt.Sprintf("Only the first %d problems are listed. Fix these and run again to see the rest.", outcomes.MaxProblems),
			Range:   diag.Range{File: h.name}})
	}
	return l, problems
}
