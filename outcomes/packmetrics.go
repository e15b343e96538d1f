package outcomes

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
)

// Aggregates a pack metric may use.
const (
	// AggregateCount counts the events its filter selects.
	AggregateCount = "count"
	// AggregateSum adds up a number field over the events selected.
	AggregateSum = "sum"
	// AggregateMean averages a number field over the events selected.
	AggregateMean = "mean"
	// AggregateRate is, of the events `over` selects, the percentage that
	// `when` also selects.
	AggregateRate = "rate"
)

var aggregates = []string{AggregateCount, AggregateSum, AggregateMean, AggregateRate}

// numberFields are the event fields sum and mean can aggregate.
var numberFields = []string{"victims", "children", "value"}

// metricSpec is one metric as outcomes.yaml writes it.
// Its struct tags give outcomes.yaml's JSON Schema its descriptions.
type metricSpec struct {
	ID          string         `json:"id" jsonschema:"title=Id,pattern=^[a-z0-9]+(-[a-z0-9]+)*$,example=withdrawals-disengaged-rate" jsonschema_description:"Lower-case words joined by hyphens; not a standard metric's id. Reports in JSON and CSV name the metric by it."`
	Title       string         `json:"title" jsonschema:"title=Title,minLength=1" jsonschema_description:"What the reports people read call the figure."`
	Description string         `json:"description" jsonschema:"title=Description,minLength=1" jsonschema_description:"Exactly what is counted."`
	Source      string         `json:"source" jsonschema:"title=Source,minLength=1" jsonschema_description:"The document that asks for the figure."`
	Unit        string         `json:"unit" jsonschema:"title=Unit,minLength=1,example=count" jsonschema_description:"count, percent, days or a short word."`
	Aggregate   string         `json:"aggregate" jsonschema:"title=Aggregate" jsonschema_description:"count the events selected; sum or mean a number field of them (of); or the rate of the selected among those over selects."`
	When        yamlsrc.Scalar `json:"when" jsonschema:"title=Events counted,example=type == \"withdrawn\" && reason == \"disengaged\"" jsonschema_description:"A condition over an event and its case: the events it is true for count."`
	Of          string         `json:"of,omitempty" jsonschema:"title=Of" jsonschema_description:"The number field a sum or a mean adds up."`
	Over        yamlsrc.Scalar `json:"over,omitempty" jsonschema:"title=Out of" jsonschema_description:"For a rate: the condition selecting the events the rate is out of."`
}

// reasonSpec is one withdrawal reason as outcomes.yaml writes it.
type reasonSpec struct {
	Code    string   `json:"code" jsonschema:"title=Code,pattern=^[a-z0-9]+(-[a-z0-9]+)*$,example=moved-away" jsonschema_description:"The reason's code, as reports in JSON and CSV name it."`
	Title   string   `json:"title" jsonschema:"title=Title,minLength=1,example=Moved out of the area" jsonschema_description:"What the reports people read call it."`
	Aliases []string `json:"aliases,omitempty" jsonschema:"title=Other spellings" jsonschema_description:"Other ways case systems write the reason; each is read as this code, ignoring case and punctuation."`
}

// instrumentSpec is one score instrument as outcomes.yaml writes it.
type instrumentSpec struct {
	ID          string `json:"id" jsonschema:"title=Id,pattern=^[a-z0-9]+(-[a-z0-9]+)*$,example=perpetrator-risk" jsonschema_description:"Named for what the instrument measures; score events name it."`
	Title       string `json:"title" jsonschema:"title=Title,minLength=1"`
	Change      string `json:"change,omitempty" jsonschema:"title=Change title" jsonschema_description:"What reports call the change in its score."`
	Description string `json:"description,omitempty" jsonschema:"title=Description"`
	Source      string `json:"source,omitempty" jsonschema:"title=Source"`
}

type metricsFile struct {
	Reasons     []reasonSpec     `json:"reasons,omitempty" jsonschema:"title=Withdrawal reasons" jsonschema_description:"The codes a withdrawal's reason is counted under; the default codes when left out."`
	Instruments []instrumentSpec `json:"instruments,omitempty" jsonschema:"title=Score instruments"`
	Metrics     []metricSpec     `json:"metrics,omitempty" jsonschema:"title=Metrics"`
}

// Definitions are what a rule pack's outcomes.yaml defines: its extra
// metrics, its withdrawal reasons and its score instruments.
type Definitions struct {
	// Metrics are added to every report after the standard ones.
	Metrics []Metric
	// Reasons are the withdrawal reason codes, with titles and aliases;
	// DefaultReasons when the file lists none.
	Reasons []ReasonCode
	// Instruments name the score instruments.
	Instruments []Instrument
}

// Options returns the report options that apply the definitions:
// WithMetrics, WithReasons and WithInstruments.
func (d *Definitions) Options() []Option {
	if d == nil {
		return nil
	}
	return []Option{WithMetrics(d.Metrics...), WithReasons(d.Reasons...), WithInstruments(d.Instruments...)}
}

// eventInput is what a metric's filter reads: the event and its case.
type eventInput struct {
	e *Event
	c *CaseView
}

func evIn(p any) *eventInput { return p.(*engine.Env).Root.(*eventInput) }

// eventSchemas are the event schemas made, by their reason codes. The
// versions of a pack, and each load of it, mostly list the same reasons,
// and a schema is made with reflection over all of it (for expr's
// checker): it is made once for each list. Only the first
// maxEventSchemas lists are kept, so that packs listing ever new reasons
// cannot grow it without end.
var eventSchemas struct {
	sync.Mutex
	byReasons map[string]*engine.Schema
}

const maxEventSchemas = 32

// eventSchemaFor returns eventSchema(reasons), made once for each list.
func eventSchemaFor(reasons []string) *engine.Schema {
	key := strings.Join(reasons, "\x00")
	eventSchemas.Lock()
	defer eventSchemas.Unlock()
	if s, ok := eventSchemas.byReasons[key]; ok {
		return s
	}
	s := eventSchema(slices.Clone(reasons))
	if eventSchemas.byReasons == nil {
		eventSchemas.byReasons = map[string]*engine.Schema{}
	}
	if len(eventSchemas.byReasons) < maxEventSchemas {
		eventSchemas.byReasons[key] = s
	}
	return s
}

// eventSchema is what the filters of outcomes.yaml read: every field of an
// event by its JSON name, and the event's case after the event as `stage`
// (referred, assessed, allocated, started, completed, partially-completed
// or withdrawn) and `caseProgramme` (the programme it was allocated to).
// reasons are the reason codes `reason` may be compared with.
func eventSchema(reasons []string) *engine.Schema {
	text := func(name string, get func(*eventInput) string) *engine.Field {
		return &engine.Field{Name: name, Kind: engine.KindText, Get: func(p any) engine.Value { return engine.Text(get(evIn(p))) }}
	}
	enum := func(name, enum string, values []string, get func(*eventInput) string) *engine.Field {
		f := text(name, get)
		f.Enum, f.Values = enum, values
		return f
	}
	var stages []string
	for st := StageReferred; st <= StageWithdrawn; st++ {
		stages = append(stages, st.String())
	}
	return engine.NewSchema(
		text("case", func(in *eventInput) string { return in.e.Case }),
		enum("type", "type", typeNames(), func(in *eventInput) string { return string(in.e.Type) }),
		&engine.Field{Name: "on", Kind: engine.KindDate, Get: func(p any) engine.Value { return engine.DateValue(evIn(p).e.On) }},
		text("programme", func(in *eventInput) string { return in.e.Programme }),
		enum("reason", "reason", reasons, func(in *eventInput) string { return string(in.e.Reason) }),
		&engine.Field{Name: "victims", Kind: engine.KindInt, Get: func(p any) engine.Value { return engine.Int(int64(evIn(p).e.Victims)) }},
		&engine.Field{Name: "children", Kind: engine.KindInt, Get: func(p any) engine.Value { return engine.Int(int64(evIn(p).e.Children)) }},
		text("instrument", func(in *eventInput) string { return in.e.Instrument }),
		enum("phase", "phase", []string{string(Pre), string(Post)}, func(in *eventInput) string { return string(in.e.Phase) }),
		&engine.Field{Name: "value", Kind: engine.KindFloat, Get: func(p any) engine.Value { return engine.Float(evIn(p).e.Value) }},
		enum("stage", "stage", stages, func(in *eventInput) string {
			if in.c.Stage == StageNone {
				return ""
			}
			return in.c.Stage.String()
		}),
		text("caseProgramme", func(in *eventInput) string { return in.c.Programme }),
	)
}

// ReadMetrics reads a rule pack's outcomes.yaml (data, named name in
// problems) and returns the metrics it adds to every report: each a filter
// over events (an expression through the same engine as every rule) and
// an aggregate (count, sum, mean or rate). Any problem makes the error a
// diag.List with every problem at file:line:col. Pass the metrics to a
// report with WithMetrics; ReadDefinitions reads the file's reasons and
// instruments too.
//
// A filter selects an event when it is true for it; an event a filter
// cannot decide (it reads a field the event does not have, such as the
// programme of a referred event) is not selected. Only events dated in the
// report's period count.
func ReadMetrics(name string, data []byte) ([]Metric, diag.List) {
	d, problems := ReadDefinitions(name, data)
	if d == nil {
		return nil, problems
	}
	return d.Metrics, problems
}

// ReadDefinitions reads a rule pack's outcomes.yaml: its withdrawal
// reasons (each a code, a title and aliases), its score instruments and
// its metrics (see ReadMetrics). The file is described in docs/reports.md.
// Every problem is returned at once, at file:line:col, warnings too; with
// any error among them, the Definitions hold only what had none.
func ReadDefinitions(name string, data []byte) (*Definitions, diag.List) {
	f, problems := yamlsrc.Parse(name, data)
	if f == nil {
		return nil, problems
	}
	defer func() { yamlsrc.Annotate(problems, f) }()
	var raw metricsFile
	pos, decoded := yamlsrc.Decode(f, f.Root, "", &raw)
	problems = append(problems, decoded...)
	defs := &Definitions{}
	at := func(path, field, code, summary, detail string) {
		p := yamlsrc.Field(path, field)
		problems = append(problems, f.Diag(pos.Node(p), code, summary, detail, p))
	}

	// Reasons.
	aliases := map[string]string{}
	for i, s := range raw.Reasons {
		path := yamlsrc.Index("reasons", i)
		switch {
		case !isSlug([]byte(s.Code)):
			at(path, "code", "bad-code", "The reason code is not a code",
				"A reason code is lower-case words joined by hyphens, such as moved-away: reports in JSON and CSV name it.")
			continue
		case slices.ContainsFunc(defs.Reasons, func(rc ReasonCode) bool { return string(rc.Code) == s.Code }):
			at(path, "code", "duplicate-code", fmt.Sprintf("The reason code %q is listed twice", s.Code), "List each reason once; put other spellings in its aliases.")
			continue
		case s.Title == "":
			at(path, "title", "missing-title", "The reason has no title", "Give the reason a title for the reports people read, such as \"Moved out of the area\".")
		}
		for j, a := range append([]string{s.Code}, s.Aliases...) {
			k := normaliseReason(a)
			if other, dup := aliases[k]; dup && other != s.Code {
				p := yamlsrc.Index(yamlsrc.Field(path, "aliases"), j-1)
				problems = append(problems, f.Diag(pos.Node(p), "duplicate-alias", fmt.Sprintf("This spelling already maps to %q", other),
					"A spelling can map to one reason only. Remove it from one of the two.", p))
				continue
			}
			aliases[k] = s.Code
		}
		defs.Reasons = append(defs.Reasons, ReasonCode{Code: Reason(s.Code), Title: s.Title, Aliases: s.Aliases})
	}
	if len(raw.Reasons) > 254 {
		at("", "reasons", "too-many-reasons", "More than 254 reasons", "A pack may list at most 254 withdrawal reasons.")
	}
	if len(defs.Reasons) == 0 {
		defs.Reasons = DefaultReasons()
	}
	var reasonCodes []string
	for _, rc := range newReasonTable(defs.Reasons).codes {
		reasonCodes = append(reasonCodes, string(rc.Code))
	}

	// Instruments.
	for i, s := range raw.Instruments {
		path := yamlsrc.Index("instruments", i)
		switch {
		case !isSlug([]byte(s.ID)):
			at(path, "id", "bad-id", "The instrument id is not an id",
				"An instrument id is lower-case words joined by hyphens, named for what the instrument measures, such as perpetrator-risk.")
			continue
		case slices.ContainsFunc(defs.Instruments, func(in Instrument) bool { return in.ID == s.ID }):
			at(path, "id", "duplicate-id", fmt.Sprintf("The instrument %q is listed twice", s.ID), "List each instrument once.")
			continue
		case s.Title == "":
			at(path, "title", "missing-title", "The instrument has no title", "Give the instrument a title for the reports people read.")
		}
		defs.Instruments = append(defs.Instruments, Instrument{ID: s.ID, Title: s.Title, Change: s.Change, Description: s.Description})
	}

	// Metrics.
	schema := eventSchemaFor(reasonCodes)
	seen := map[string]bool{}
	for i, s := range raw.Metrics {
		path := yamlsrc.Index("metrics", i)
		for _, need := range []struct{ field, value, what string }{
			{"id", s.ID, "an id, such as withdrawals-disengaged, that reports use"},
			{"title", s.Title, "a short title for reports"},
			{"description", s.Description, "a description of exactly what is counted"},
			{"source", s.Source, "the document that asks for the figure"},
			{"unit", s.Unit, "a unit: count, percent, days or a short word"},
		} {
			if need.value == "" {
				at(path, need.field, "missing-"+need.field, "The metric has no "+need.field, fmt.Sprintf("Every metric needs %s. Add `%s:` to it.", need.what, need.field))
			}
		}
		if s.ID != "" && (!engine.ValidID(s.ID) || isStandard(s.ID)) {
			at(path, "id", "bad-id", fmt.Sprintf("%q cannot be a metric id here", s.ID),
				"Ids are lower-case words joined by hyphens, and must not repeat a standard metric's id (referrals, completions, ...) or start with score-change.")
		}
		if seen[s.ID] && s.ID != "" {
			at(path, "id", "duplicate-id", fmt.Sprintf("The metric id %q is used twice", s.ID), "Give each metric its own id.")
		}
		seen[s.ID] = true
		if !slices.Contains(aggregates, s.Aggregate) {
			at(path, "aggregate", "bad-aggregate", "`aggregate` is not one of the allowed values",
				fmt.Sprintf("Say how events are combined: %s.%s", diag.Quoted(aggregates), diag.DidYouMean(s.Aggregate, aggregates)))
		}
		needsOf := s.Aggregate == AggregateSum || s.Aggregate == AggregateMean
		switch {
		case needsOf && !slices.Contains(numberFields, s.Of):
			at(path, "of", "bad-of", "`of` must name a number field of the events",
				fmt.Sprintf("A %s adds up %s.%s", s.Aggregate, diag.Quoted(numberFields), diag.DidYouMean(s.Of, numberFields)))
		case !needsOf && s.Of != "":
			at(path, "of", "of-not-used", "`of` is only for sum and mean", "Remove `of:`, or set `aggregate: sum` or `mean`.")
		}
		when := compileFilter(f, pos, schema, path, "when", s.When, &problems)
		var over *engine.Program
		switch {
		case s.Aggregate == AggregateRate && s.Over.Node == nil:
			at(path, "over", "missing-over", "A rate needs `over`",
				"Say which events the rate is out of, such as over: type in [\"completed\", \"partially-completed\", \"withdrawn\"].")
		case s.Aggregate == AggregateRate:
			over = compileFilter(f, pos, schema, path, "over", s.Over, &problems)
		case s.Over.Node != nil:
			at(path, "over", "over-not-used", "`over` is only for a rate", "Remove `over:`, or set `aggregate: rate`.")
		}
		if when == nil || (s.Aggregate == AggregateRate && over == nil) || problems.HasErrors() {
			continue
		}
		defs.Metrics = append(defs.Metrics, packMetric(s, when, over))
	}
	return defs, problems
}

func compileFilter(f *yamlsrc.File, pos yamlsrc.Positions, schema *engine.Schema, path, field string, s yamlsrc.Scalar, problems *diag.List) *engine.Program {
	p := yamlsrc.Field(path, field)
	if s.Node == nil {
		*problems = append(*problems, f.Diag(pos.Node(p), "missing-"+field, "The metric has no filter",
			"Say which events count in `when`, such as when: type == \"withdrawn\" && reason == \"disengaged\".", p))
		return nil
	}
	prog, errs := engine.Compile(s.Value, schema, engine.Source{File: f.Name, Line: f.Excerpt, Node: s.Node})
	for _, d := range errs {
		d.Path = p
	}
	*problems = append(*problems, errs...)
	return prog
}

func isStandard(id string) bool {
	if strings.HasPrefix(id, MetricScoreChangePrefix) || strings.HasPrefix(id, "score-change") {
		return true
	}
	return slices.ContainsFunc(standardMetrics, func(m Metric) bool { return m.ID == id })
}

func packMetric(s metricSpec, when, over *engine.Program) Metric {
	return Metric{ID: s.ID, Title: s.Title, Unit: s.Unit, Description: s.Description,
		New: func(p Period) Measure { return &packMeasure{spec: s, when: when, over: over, period: p} }}
}

// packMeasure accumulates one pack metric over a report run. Its
// session, environment and event are reused from event to event, so that
// measuring allocates nothing.
type packMeasure struct {
	spec       metricSpec
	when, over *engine.Program
	period     Period
	n, d       float64 // selected events (or the sum), and the rate's denominator
	ev         Event
	cv         CaseView
	in         eventInput
	env        engine.Env
	sess       *engine.Session
}

func (m *packMeasure) Observe(e Event, c CaseView) error {
	if !m.period.Contains(e.On) {
		return nil
	}
	if m.sess == nil {
		m.in = eventInput{e: &m.ev, c: &m.cv}
		m.env = engine.Env{Root: &m.in, Index: -1}
		m.sess = engine.NewSession(context.Background(), &m.env)
	}
	m.ev, m.cv, m.env.Today = e, c, e.On
	selected := func(p *engine.Program) (bool, error) {
		switch m.sess.Decide(p) {
		case engine.True:
			return true, nil
		case engine.False:
			return false, nil
		}
		if _, err := m.sess.Undecided(); err != nil {
			return false, fmt.Errorf("metric %s: %v", m.spec.ID, err)
		}
		return false, nil // a filter that cannot decide selects nothing
	}
	ok, err := selected(m.when)
	if err != nil {
		return err
	}
	if m.over != nil {
		// A rate counts, out of the events `over` selects, those `when`
		// also selects.
		in, err := selected(m.over)
		if err != nil {
			return err
		}
		if !in {
			return nil
		}
		m.d++
	}
	if !ok {
		return nil
	}
	switch m.spec.Of {
	case "victims":
		m.n += float64(e.Victims)
	case "children":
		m.n += float64(e.Children)
	case "value":
		m.n += e.Value
	default:
		m.n++
	}
	if m.spec.Aggregate == AggregateMean {
		m.d++
	}
	return nil
}

func (m *packMeasure) Value() (float64, bool) {
	switch m.spec.Aggregate {
	case AggregateMean:
		if m.d == 0 {
			return 0, false
		}
		return m.n / m.d, true
	case AggregateRate:
		if m.d == 0 {
			return 0, false
		}
		return math.Round(1000*m.n/m.d) / 10, true
	}
	return m.n, true
}
