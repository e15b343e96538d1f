package outcomes

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
)

// Units of metrics.
const (
	UnitCount   = "count"
	UnitPercent = "percent"
	UnitDays    = "days"
)

// Ids of the standard metrics (docs/reports.md). Every report has them, in
// this order, followed by one score-change metric for each instrument
// scored in the period, then any extra metrics.
const (
	MetricReferrals          = "referrals"
	MetricAssessments        = "assessments"
	MetricAllocations        = "allocations"
	MetricStarts             = "starts"
	MetricCompletions        = "completions"
	MetricPartialCompletions = "partial-completions"
	MetricWithdrawals        = "withdrawals"
	MetricSessionsAttended   = "sessions-attended"
	MetricVictimsSupported   = "victims-supported"
	MetricChildrenSupported  = "children-supported"
	MetricMeanDaysInService  = "mean-days-in-service"
	MetricCompletionRate     = "completion-rate"
	// MetricScoreChangePrefix starts the id of a score change metric:
	// "score-change:perpetrator-risk".
	MetricScoreChangePrefix = "score-change:"
)

// Metric describes one figure in a report.
//
// The standard metrics are computed by the report itself and have no New.
// An extra metric, such as one a rule pack's outcomes.yaml defines, has a
// New function and is added to a report run with WithMetrics: the run calls
// New once, passes every good event of the log to the Measure, each case's
// in the case's order (see ReadEvents), and asks it for its Value at the
// end.
type Metric struct {
	// ID is stable: partner systems read figures by it. Lower-case
	// letters, digits, hyphens and colons.
	ID string
	// Title is a short heading for people, such as "Referrals received".
	Title string
	// Unit is UnitCount, UnitPercent, UnitDays or another short word.
	Unit string
	// Description says exactly what is counted, in a sentence or two.
	Description string
	// New returns a fresh Measure for one report over period p. It is nil
	// for the standard metrics.
	New func(p Period) Measure
}

// Measure accumulates one extra metric over a report run. A run uses its
// Measure from one goroutine only.
type Measure interface {
	// Observe is called for every event of the log that has no problem,
	// each case's in its order, whatever its date: the Measure decides what counts
	// (usually events whose date the period Contains). c is the event's
	// case after the event. An error becomes a problem at the event's line
	// (code CodeMetric, unless it is a diag.Diagnostic with its own), and
	// the report is withheld.
	Observe(e Event, c CaseView) error
	// Value returns the metric's value, or false when it has none (a mean
	// over nothing). Values are rounded to one decimal place in reports.
	Value() (value float64, ok bool)
}

// CaseView is what a Measure sees of an event's case, after the event.
type CaseView struct {
	// ID is the case id.
	ID string
	// Stage is the case's stage after the event.
	Stage Stage
	// Programme is the programme the case was allocated to, or "".
	Programme string
}

// standardMetrics are the standard metrics (docs/reports.md), in report
// order.
var standardMetrics = []Metric{
	{ID: MetricReferrals, Title: "Referrals received", Unit: UnitCount,
		Description: "Referred events dated in the period."},
	{ID: MetricAssessments, Title: "Assessments conducted", Unit: UnitCount,
		Description: "Assessed events dated in the period."},
	{ID: MetricAllocations, Title: "Allocations to a programme", Unit: UnitCount,
		Description: "Allocated events dated in the period."},
	{ID: MetricStarts, Title: "Programme starts", Unit: UnitCount,
		Description: "Started events dated in the period."},
	{ID: MetricCompletions, Title: "Completed the programme", Unit: UnitCount,
		Description: "Completed events dated in the period."},
	{ID: MetricPartialCompletions, Title: "Partially completed", Unit: UnitCount,
		Description: "Partially-completed events dated in the period."},
	{ID: MetricWithdrawals, Title: "Withdrawals", Unit: UnitCount,
		Description: "Withdrawn events dated in the period."},
	{ID: MetricSessionsAttended, Title: "Sessions attended", Unit: UnitCount,
		Description: "Session-attended events dated in the period."},
	{ID: MetricVictimsSupported, Title: "Victims supported", Unit: UnitCount,
		Description: "The sum of victims over victim-supported events dated in the period."},
	{ID: MetricChildrenSupported, Title: "Children supported", Unit: UnitCount,
		Description: "The sum of children over victim-supported events dated in the period."},
	{ID: MetricMeanDaysInService, Title: "Mean days in service (victims)", Unit: UnitDays,
		Description: "For victims whose exit is dated in the period, the mean number of days from their victim-supported date to their exit."},
	{ID: MetricCompletionRate, Title: "Completion rate", Unit: UnitPercent,
		Description: "Of the programme exits in the period of cases that started a programme (completed, partially-completed, and withdrawn after a start), the percentage that completed."},
}

// StandardMetrics returns the metrics every report has (docs/reports.md),
// without the score-change metrics, whose ids depend on the instruments in
// the log.
func StandardMetrics() []Metric { return slices.Clone(standardMetrics) }

// ScoreChangeMetric describes score-change:INSTRUMENT for an instrument
// no Instrument names.
func ScoreChangeMetric(instrument string) Metric {
	return Instrument{ID: instrument}.metric()
}

// metric describes the instrument's score-change metric.
func (in Instrument) metric() Metric {
	title, what := in.Change, in.Title
	if what == "" {
		what = "the " + lowerFirst(humanise(in.ID)) + " score"
	}
	if title == "" {
		title = "Change in " + lowerFirst(what)
	}
	desc := "Over cases with both a pre and a post score for " + lowerFirst(what) +
		", whose post score is dated in the period: (mean post − mean pre) / mean pre, as a percentage. Negative is a fall, positive a rise."
	if in.Description != "" {
		desc = in.Description + " " + desc
	}
	return Metric{ID: MetricScoreChangePrefix + in.ID, Title: title, Unit: UnitPercent, Description: desc}
}

// lowerFirst lower-cases the first letter of s unless the second is upper
// case too (an acronym).
func lowerFirst(s string) string {
	if len(s) >= 2 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z') {
		return string(s[0]+'a'-'A') + s[1:]
	}
	return s
}

var metricID = regexp.MustCompile(`^[a-z0-9][a-z0-9:-]{0,99}$`)

// WithMetrics adds extra metrics to a report, after the standard ones and
// in the order given. Their ids must be well-formed, unique, and not a
// standard id or a score-change id; each must have a New function.
func WithMetrics(ms ...Metric) Option {
	return func(c *config) error {
		var errs []error
		for _, m := range ms {
			switch {
			case !metricID.MatchString(m.ID):
				errs = append(errs, fmt.Errorf("metric id %q must be lower-case letters, digits, hyphens and colons", m.ID))
			case m.New == nil:
				errs = append(errs, fmt.Errorf("metric %q has no New function", m.ID))
			case slices.ContainsFunc(standardMetrics, func(s Metric) bool { return s.ID == m.ID }),
				len(m.ID) >= len(MetricScoreChangePrefix) && m.ID[:len(MetricScoreChangePrefix)] == MetricScoreChangePrefix:
				errs = append(errs, fmt.Errorf("metric %q has the id of a standard metric", m.ID))
			case slices.ContainsFunc(c.extra, func(s Metric) bool { return s.ID == m.ID }):
				errs = append(errs, fmt.Errorf("metric %q is given twice", m.ID))
			default:
				c.extra = append(c.extra, m)
			}
		}
		return errors.Join(errs...)
	}
}
