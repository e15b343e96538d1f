package outcomes

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// Figure is one metric's value in a report.
type Figure struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Unit  string `json:"unit"`
	// Value is nil when the metric has no value for the period, such as a
	// mean over no victims; it encodes as null.
	Value *float64 `json:"value"`
	// Description says what is counted; it is shown in Markdown and HTML
	// reports, and is not part of the JSON contract.
	Description string `json:"-"`
}

// Int returns the value as a whole number, or 0 when there is none.
func (f Figure) Int() int64 {
	if f.Value == nil {
		return 0
	}
	return int64(math.Round(*f.Value))
}

// Breakdown is a table of counts by some key, such as withdrawal reason or
// programme.
type Breakdown struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Key names what the rows are, such as "reason".
	Key string `json:"key"`
	// Columns are the metric ids the values count.
	Columns []string       `json:"columns"`
	Rows    []BreakdownRow `json:"rows"`
}

// BreakdownRow is one row of a Breakdown.
type BreakdownRow struct {
	// Key is the row's id: a reason code or a programme id.
	Key string `json:"key"`
	// Title names the row for people; reports people read show it
	// instead of the key.
	Title  string  `json:"-"`
	Values []int64 `json:"values"`
}

// QuarterFigures are the counts for one financial quarter of the period
// (cut to the period when the period starts or ends inside the quarter).
type QuarterFigures struct {
	Period  Period   `json:"period"`
	Metrics []Figure `json:"metrics"`
}

// Report holds a period's figures. Its JSON form is described in
// docs/reports.md: period, pack and metrics, then breakdowns, quarters,
// the engine version and the generation date. It holds no case id or
// other personal data.
type Report struct {
	Period Period `json:"period"`
	// Pack is the rule pack version the report was made under, when one
	// was given (WithPack).
	Pack    *PackStamp `json:"pack,omitempty"`
	Metrics []Figure   `json:"metrics"`
	// Breakdowns: withdrawal reasons, and counts by programme.
	Breakdowns []Breakdown `json:"breakdowns"`
	// Quarters: the trend, one entry for each financial quarter the period
	// overlaps.
	Quarters []QuarterFigures `json:"quarters"`
	// Engine is the version of the library that made the report.
	Engine string `json:"engine"`
	// Generated is the date the report was made.
	Generated referral.Date `json:"generated"`
	// Events and Cases count what was read, whatever the dates.
	Events int64 `json:"-"`
	Cases  int   `json:"-"`
}

// Metric returns the figure with the given id, and whether there is one.
func (r *Report) Metric(id string) (Figure, bool) {
	i := slices.IndexFunc(r.Metrics, func(f Figure) bool { return f.ID == id })
	if i < 0 {
		return Figure{}, false
	}
	return r.Metrics[i], true
}

// NotAllocated is the programme key for withdrawals of cases never
// allocated to a programme.
const NotAllocated = "(not allocated)"

// The counts a report keeps for every period and quarter, in metric order.
const (
	cReferrals = iota
	cAssessments
	cAllocations
	cStarts
	cCompletions
	cPartial
	cWithdrawals
	cSessions
	cVictims
	cChildren
	numCounts
)

// trendCounts are the counts shown for each quarter.
const trendCounts = cSessions

// programmeColumns are the by-programme breakdown's columns.
var programmeColumns = []string{MetricAllocations, MetricStarts, MetricSessionsAttended, MetricCompletions, MetricPartialCompletions, MetricWithdrawals}

// tally accumulates one report. Its memory grows with the number of
// programmes, instruments and quarters, never with the number of events.
type tally struct {
	p          Period
	cfg        *config
	rd         *reader
	counts     [numCounts]int64
	exits      int64 // programme exits of cases that started
	quarters   [][trendCounts]int64
	firstQ     int
	exited     int64 // victims whose exit is in the period
	exitedDays int64
	scores     map[string]*scoreSums
	reasons    []int64 // by withdrawal reason, in the reason table's order
	programmes map[string]*[6]int64
	extra      []Measure
	events     int64
	instrSeen  []string
}

// scoreSums are the sums for one instrument's score change.
type scoreSums struct {
	pre, post float64
	pairs     int64
}

func quarterKey(start, q int) int { return start*4 + q - 1 }

// Compute reads an event log from r (name is the file name for problems)
// and returns the report for period p. The log may be JSON Lines or CSV,
// its lines in any order (see ReadEvents). Compute reads it with
// ReadEventsTo: a log whose cases are each in date order is read in one
// pass, with memory for the open cases; a log that is not is read twice
// when r is an io.Seeker (a file), holding only the events of the cases
// out of order, and held whole otherwise.
//
// When the log has any error (warnings do not count), the report is nil and
// the list says why: a report from a log with mistakes would publish a
// miscount. Warnings are returned with a report.
func Compute(name string, r io.Reader, p Period, opts ...Option) (*Report, diag.List) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, diag.List{{Severity: diag.Error, Code: CodeMetric, Summary: "the report's options cannot be used", Detail: err.Error()}}
	}
	if p.From.IsZero() || p.To.Before(p.From) {
		return nil, diag.List{periodError("no reporting period", "Give a period, such as ParsePeriod(\"2023/24\").")}
	}
	if cfg.generated.IsZero() {
		cfg.generated = today()
	}
	t := &tally{p: p, cfg: cfg}
	rd := newReader(name, cfg, t)
	t.rd = rd
	t.restart()
	problems := rd.read(r, false)
	if problems.HasErrors() {
		return nil, problems
	}
	rep := t.report()
	rep.Cases = rd.ids.len()
	return rep, problems
}

// restart empties the tally.
func (t *tally) restart() {
	p, cfg, rd := t.p, t.cfg, t.rd
	*t = tally{p: p, cfg: cfg, rd: rd, scores: make(map[string]*scoreSums), programmes: make(map[string]*[6]int64), reasons: make([]int64, len(rd.reasons.codes))}
	t.quarters = make([][trendCounts]int64, len(p.Quarters()))
	start, q := quarterOf(p.From)
	t.firstQ = quarterKey(start, q)
	for _, m := range cfg.extra {
		t.extra = append(t.extra, m.New(p))
	}
}

// event counts one good event.
func (t *tally) event(e *Event, cs *caseState, eff effect) error {
	t.events++
	var errs diag.List
	if len(t.extra) > 0 {
		view := CaseView{ID: e.Case, Stage: cs.stage}
		if cs.prog > 0 {
			view.Programme = t.rd.progs[cs.prog-1]
		}
		for i, m := range t.extra {
			if err := m.Observe(*e, view); err != nil {
				var list diag.List
				var one *diag.Diagnostic
				switch {
				case errors.As(err, &list):
					errs = append(errs, list...)
					continue
				case errors.As(err, &one):
					errs = append(errs, one)
					continue
				}
				errs = append(errs, &diag.Diagnostic{Severity: diag.Error, Code: CodeMetric,
					Summary: fmt.Sprintf("case %s: metric %s cannot measure this %s event", e.Case, t.cfg.extra[i].ID, e.Type),
					Detail:  err.Error()})
			}
		}
	}
	if !t.p.Contains(e.On) {
		if len(errs) > 0 {
			return errs
		}
		return nil
	}
	c := -1
	switch e.Type {
	case Referred:
		c = cReferrals
	case Assessed:
		c = cAssessments
	case Allocated:
		c = cAllocations
	case Started:
		c = cStarts
	case Completed:
		c = cCompletions
		t.exits++
	case PartiallyCompleted:
		c = cPartial
		t.exits++
	case Withdrawn:
		c = cWithdrawals
		if eff.afterStart {
			t.exits++
		}
		t.reasons[slices.IndexFunc(t.rd.reasons.codes, func(rc ReasonCode) bool { return rc.Code == e.Reason })]++
	case SessionAttended:
		c = cSessions
	case VictimSupported:
		t.counts[cVictims] += int64(e.Victims)
		t.counts[cChildren] += int64(e.Children)
	case VictimExited:
		t.exited += eff.exitedVictims
		t.exitedDays += eff.exitedDays
	case Score:
		sc := t.scores[e.Instrument]
		if sc == nil {
			sc = &scoreSums{}
			t.scores[e.Instrument] = sc
			t.instrSeen = append(t.instrSeen, e.Instrument)
		}
		if eff.paired {
			sc.pre += eff.pre
			sc.post += e.Value
			sc.pairs++
		}
	}
	if c >= 0 {
		t.counts[c]++
		if c < trendCounts {
			start, q := quarterOf(e.On)
			t.quarters[quarterKey(start, q)-t.firstQ][c]++
		}
		if c >= cAllocations && c <= cSessions {
			key := NotAllocated
			if cs.prog > 0 {
				key = t.rd.progs[cs.prog-1]
			}
			row := t.programmes[key]
			if row == nil {
				row = new([6]int64)
				t.programmes[key] = row
			}
			row[slices.Index(programmeColumns, countMetric(c))]++
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// countMetric returns the metric id of count c.
func countMetric(c int) string { return standardMetrics[c].ID }

// report turns the tally into a Report.
func (t *tally) report() *Report {
	r := &Report{Period: t.p, Pack: t.cfg.pack, Events: t.events, Engine: EngineVersion(), Generated: t.cfg.generated}
	for c := range numCounts {
		r.Metrics = append(r.Metrics, figure(standardMetrics[c], ptr(float64(t.counts[c]))))
	}
	var mean *float64
	if t.exited > 0 {
		mean = ptr(float64(t.exitedDays) / float64(t.exited))
	}
	r.Metrics = append(r.Metrics, figure(standardMetrics[numCounts], mean))
	var rate *float64
	if t.exits > 0 {
		rate = ptr(100 * float64(t.counts[cCompletions]) / float64(t.exits))
	}
	r.Metrics = append(r.Metrics, figure(standardMetrics[numCounts+1], rate))
	// Score changes: the named instruments first, in their order, then
	// any others the log has, by id.
	var named []string
	for _, in := range t.cfg.instruments {
		named = append(named, in.ID)
	}
	others := slices.DeleteFunc(slices.Clone(t.instrSeen), func(id string) bool { return slices.Contains(named, id) })
	slices.Sort(others)
	for _, id := range append(named, others...) {
		var change *float64
		if sc := t.scores[id]; sc != nil && sc.pairs > 0 && sc.pre > 0 {
			change = ptr(100 * (sc.post - sc.pre) / sc.pre)
		}
		m := ScoreChangeMetric(id)
		if i := slices.IndexFunc(t.cfg.instruments, func(in Instrument) bool { return in.ID == id }); i >= 0 {
			m = t.cfg.instruments[i].metric()
		}
		r.Metrics = append(r.Metrics, figure(m, change))
	}
	for i, m := range t.extra {
		var v *float64
		if x, ok := m.Value(); ok && !math.IsNaN(x) && !math.IsInf(x, 0) {
			v = ptr(x)
		}
		r.Metrics = append(r.Metrics, figure(t.cfg.extra[i], v))
	}

	byReason := Breakdown{ID: "withdrawal-reasons", Title: "Withdrawals by reason", Key: "reason", Columns: []string{MetricWithdrawals}}
	for i, rc := range t.rd.reasons.codes {
		byReason.Rows = append(byReason.Rows, BreakdownRow{Key: string(rc.Code), Title: t.rd.reasons.title(i), Values: []int64{t.reasons[i]}})
	}
	progs := Breakdown{ID: "programmes", Title: "By programme", Key: "programme", Columns: slices.Clone(programmeColumns), Rows: []BreakdownRow{}}
	for key, row := range t.programmes {
		progs.Rows = append(progs.Rows, BreakdownRow{Key: key, Title: t.programmeTitle(key), Values: slices.Clone(row[:])})
	}
	slices.SortFunc(progs.Rows, func(a, b BreakdownRow) int {
		return cmp.Or(cmp.Compare(b2i(a.Key == NotAllocated), b2i(b.Key == NotAllocated)), cmp.Compare(a.Key, b.Key))
	})
	r.Breakdowns = []Breakdown{byReason, progs}

	for i, qp := range t.p.Quarters() {
		qf := QuarterFigures{Period: qp}
		for c := range trendCounts {
			qf.Metrics = append(qf.Metrics, figure(standardMetrics[c], ptr(float64(t.quarters[i][c]))))
		}
		r.Quarters = append(r.Quarters, qf)
	}
	return r
}

// programmeTitle names a programme for people.
func (t *tally) programmeTitle(id string) string {
	if id == NotAllocated {
		return "Not allocated to a programme"
	}
	if s := t.cfg.programmes[id]; s != "" {
		return s
	}
	return humanise(id)
}

func (t *tally) restartable() {}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ptr(v float64) *float64 { return &v }

// figure makes a Figure, rounding the value to one decimal place.
func figure(m Metric, v *float64) Figure {
	if v != nil {
		x := math.Round(*v*10) / 10
		if x == 0 {
			x = 0 // no negative zero
		}
		v = &x
	}
	return Figure{ID: m.ID, Title: m.Title, Unit: m.Unit, Value: v, Description: m.Description}
}
