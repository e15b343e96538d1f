package safeguarding

import (
	"fmt"
	"slices"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
)

// Instrument is a risk instrument as a pack configures it: the range of
// scores it gives and, for instruments with one, the score at or above
// which risk is visibly high (a MARAC referral criterion).
type Instrument struct {
	ID    referral.Instrument
	Title string
	// Range is the scores the instrument gives, both ends inclusive; Max
	// is referral.Unbounded when there is no upper limit.
	Range referral.ScoreRange
	// Threshold is the visible-high-risk score; HasThreshold is false for
	// instruments without one (their scores never show high risk alone).
	Threshold    int
	HasThreshold bool
}

type instrumentSpec struct {
	ID        string     `json:"id" jsonschema:"title=Instrument" jsonschema_description:"The instrument's id as referrals name it (riskAssessment.instrument)."`
	Title     string     `json:"title" jsonschema:"title=Title,minLength=1,example=DASH risk checklist (24 questions)"`
	Range     *rangeSpec `json:"range" jsonschema:"title=Score range" jsonschema_description:"The scores the instrument gives, both ends inclusive: a referral's score outside it is invalid."`
	Threshold *int       `json:"threshold,omitempty" jsonschema:"title=MARAC threshold,minimum=0,example=14" jsonschema_description:"The score at or above which risk is visibly high (a MARAC referral criterion); leave out for an instrument without one."`
}

type rangeSpec struct {
	Min *int `json:"min" jsonschema:"minimum=0,example=0"`
	Max *int `json:"max,omitempty" jsonschema:"minimum=0,example=24" jsonschema_description:"Leave out when the instrument has no upper limit."`
}

func parseInstruments(f *yamlsrc.File, pos yamlsrc.Positions, specs []instrumentSpec, problems *diag.List) ([]*Instrument, map[referral.Instrument]referral.ScoreRange) {
	known := referral.EnumValues("instrument")
	if len(specs) == 0 {
		add(problems, f, pos, "instruments", "no-instruments", "The file has no risk instruments",
			fmt.Sprintf("Add `instruments:` with an entry for each instrument the referral form allows (%s): its id, title, score range and, if it has one, its MARAC threshold.", diag.Quoted(known)))
		return nil, nil
	}
	var out []*Instrument
	ranges := map[referral.Instrument]referral.ScoreRange{}
	seen := map[string]string{}
	for i, s := range specs {
		path := yamlsrc.Index("instruments", i)
		at := func(field string) string { return yamlsrc.Field(path, field) }
		ok := true
		switch {
		case s.ID == "":
			add(problems, f, pos, at("id"), "missing-id", "The instrument has no id",
				fmt.Sprintf("Every instrument needs an id, one of %s, as referrals name it in riskAssessment.instrument. Add `id:`.", diag.Quoted(known)))
			ok = false
		case !slices.Contains(known, s.ID):
			add(problems, f, pos, at("id"), "unknown-instrument", fmt.Sprintf("%q is not an instrument the referral form allows", s.ID),
				fmt.Sprintf("The referral form allows %s.%s", diag.Quoted(known), diag.DidYouMean(s.ID, known)))
			ok = false
		case seen[s.ID] != "":
			add(problems, f, pos, at("id"), "duplicate-instrument", fmt.Sprintf("The instrument %q is configured twice", s.ID),
				fmt.Sprintf("It is already configured at %s. Keep one of them.", pos.Range(f, seen[s.ID])))
			ok = false
		}
		if s.ID != "" && seen[s.ID] == "" {
			seen[s.ID] = at("id")
		}
		if s.Title == "" {
			add(problems, f, pos, at("title"), "missing-title", "The instrument has no title",
				"Give the instrument's name for people in `title`, such as DASH risk identification checklist.")
		}
		in := &Instrument{ID: referral.Instrument(s.ID), Title: s.Title}
		switch {
		case s.Range == nil || s.Range.Min == nil:
			add(problems, f, pos, at("range"), "missing-range", "The instrument has no score range",
				"Give the scores it can give in `range: {min: 0, max: 24}`; leave out max when there is no upper limit.")
			ok = false
		default:
			in.Range = referral.ScoreRange{Min: *s.Range.Min, Max: referral.Unbounded}
			if s.Range.Max != nil {
				in.Range.Max = *s.Range.Max
			}
			if in.Range.Min < 0 {
				add(problems, f, pos, yamlsrc.Field(at("range"), "min"), "bad-range", "A score range cannot start below 0",
					"Risk scores count answers or points, so they start at 0 or more. Correct `min`.")
				ok = false
			}
			if in.Range.Max < in.Range.Min {
				add(problems, f, pos, yamlsrc.Field(at("range"), "max"), "bad-range", "The score range ends before it starts",
					fmt.Sprintf("`max` (%d) must be at least `min` (%d). Correct the range.", in.Range.Max, in.Range.Min))
				ok = false
			}
		}
		if s.Threshold != nil {
			in.Threshold, in.HasThreshold = *s.Threshold, true
			if s.Range != nil && s.Range.Min != nil && (in.Threshold < in.Range.Min || in.Threshold > in.Range.Max) {
				add(problems, f, pos, at("threshold"), "threshold-out-of-range", "The threshold is outside the instrument's score range",
					fmt.Sprintf("No score of this instrument could reach %d, so the threshold would never show high risk. Give a score within the range.", in.Threshold))
				ok = false
			}
		}
		if ok {
			out = append(out, in)
			ranges[in.ID] = in.Range
		}
	}
	if !problems.HasErrors() {
		for _, id := range known {
			if _, ok := seen[id]; !ok {
				add(problems, f, pos, "instruments", "missing-instrument", fmt.Sprintf("The instrument %q is not configured", id),
					fmt.Sprintf("The referral form allows %s, so scores from each must be checked against a range. Add an entry for %q under `instruments:` with its range (and its threshold, if it has one).", diag.Quoted(known), id))
			}
		}
	}
	return out, ranges
}

// MARAC holds the criteria for referring a case to a Multi-Agency Risk
// Assessment Conference. Triggers read them as marac.visibleHighRisk,
// marac.professionalJudgement and marac.potentialEscalation, yes/no answers
// worked out from the referral's riskAssessment with these settings.
type MARAC struct {
	// Source names the protocol the criteria come from.
	Source string
	// VisibleHighRisk: refer when a score is at or above its instrument's
	// threshold.
	VisibleHighRisk bool
	// ProfessionalJudgement: refer when a professional judges the risk
	// high, whatever the score.
	ProfessionalJudgement bool
	// Escalation: refer on potential escalation, EscalationIncidents or
	// more incidents in EscalationMonths months. Off when
	// EscalationIncidents is 0.
	EscalationIncidents, EscalationMonths int
}

type maracSpec struct {
	Source                string          `json:"source" jsonschema:"minLength=1" jsonschema_description:"The MARAC protocol the criteria come from."`
	VisibleHighRisk       *bool           `json:"visibleHighRisk" jsonschema_description:"Refer when a risk score is at or above its instrument's threshold."`
	ProfessionalJudgement *bool           `json:"professionalJudgement" jsonschema_description:"Refer when a professional judges the risk high whatever the score."`
	PotentialEscalation   *escalationSpec `json:"potentialEscalation,omitempty" jsonschema_description:"Refer on potential escalation: this many incidents in this many months. Leave out to refer on no count of incidents."`
}

type escalationSpec struct {
	Incidents *int `json:"incidents" jsonschema:"minimum=1,example=3"`
	Months    *int `json:"months" jsonschema:"minimum=1,example=6"`
}

// formMonths is the window the referral form counts incidents over
// (riskAssessment.incidentsLast6Months).
const formMonths = 6

func parseMARAC(f *yamlsrc.File, pos yamlsrc.Positions, s *maracSpec, problems *diag.List) MARAC {
	if s == nil {
		add(problems, f, pos, "marac", "missing-marac", "The file has no MARAC criteria",
			"Add `marac:` with visibleHighRisk, professionalJudgement and potentialEscalation: {incidents: 3, months: 6}, as the local MARAC protocol sets them.")
		return MARAC{}
	}
	m := MARAC{Source: s.Source}
	if s.Source == "" {
		add(problems, f, pos, "marac.source", "missing-source", "The MARAC criteria have no source",
			"Name the protocol the criteria come from in `source`.")
	}
	flag := func(name string, v *bool) bool {
		if v == nil && !present(pos, "marac."+name) {
			add(problems, f, pos, "marac."+name, "missing-"+name, fmt.Sprintf("The MARAC criteria do not say whether %s counts", name),
				fmt.Sprintf("Add `%s: true` (or false, to turn the criterion off).", name))
			return false
		}
		return v != nil && *v
	}
	m.VisibleHighRisk = flag("visibleHighRisk", s.VisibleHighRisk)
	m.ProfessionalJudgement = flag("professionalJudgement", s.ProfessionalJudgement)
	if e := s.PotentialEscalation; e != nil {
		switch {
		case e.Incidents == nil && present(pos, "marac.potentialEscalation.incidents"):
		case e.Incidents == nil:
			add(problems, f, pos, "marac.potentialEscalation.incidents", "missing-incidents", "Potential escalation has no number of incidents",
				"Add `incidents:`, the number of incidents that shows potential escalation (3 in Kent and Medway).")
		case *e.Incidents < 1:
			add(problems, f, pos, "marac.potentialEscalation.incidents", "bad-incidents", "The number of incidents must be at least 1",
				"Give the number of incidents that shows potential escalation, such as 3.")
		default:
			m.EscalationIncidents = *e.Incidents
		}
		switch {
		case e.Months == nil && present(pos, "marac.potentialEscalation.months"):
		case e.Months == nil:
			add(problems, f, pos, "marac.potentialEscalation.months", "missing-months", "Potential escalation has no number of months",
				fmt.Sprintf("Add `months: %d`.", formMonths))
		case *e.Months != formMonths:
			add(problems, f, pos, "marac.potentialEscalation.months", "unsupported-months", fmt.Sprintf("Incidents can only be counted over %d months", formMonths),
				fmt.Sprintf("The referral form records incidents in the last %d months (riskAssessment.incidentsLast6Months), so potential escalation cannot be judged over %d. Set `months: %d`.", formMonths, *e.Months, formMonths))
		default:
			m.EscalationMonths = *e.Months
		}
	}
	return m
}

// visibleHighRisk says whether r's score is at or above its instrument's
// threshold: false when the criterion is off or the instrument has none,
// missing when there is no score or no known instrument.
func (p *Policy) visibleHighRisk(r *referral.Referral) (yes, known bool) {
	if !p.MARAC.VisibleHighRisk {
		return false, true
	}
	a := r.RiskAssessment
	if a == nil || a.Instrument == "" {
		return false, false
	}
	in := p.Instrument(a.Instrument)
	if in == nil {
		return false, false
	}
	if !in.HasThreshold {
		return false, true
	}
	if a.Score == nil {
		return false, false
	}
	return *a.Score >= in.Threshold, true
}

func (p *Policy) professionalJudgement(r *referral.Referral) (yes, known bool) {
	if !p.MARAC.ProfessionalJudgement {
		return false, true
	}
	a := r.RiskAssessment
	if a == nil || a.ProfessionalJudgement == nil {
		return false, false
	}
	return *a.ProfessionalJudgement, true
}

func (p *Policy) potentialEscalation(r *referral.Referral) (yes, known bool) {
	if p.MARAC.EscalationIncidents == 0 {
		return false, true
	}
	a := r.RiskAssessment
	if a == nil || a.IncidentsLast6Months == nil {
		return false, false
	}
	return *a.IncidentsLast6Months >= p.MARAC.EscalationIncidents, true
}

// maracSources maps a MARAC answer's path to the referral answers it is
// worked out from, so that an action to establish it names what to ask.
func (p *Policy) maracSources(path string, r *referral.Referral) []string {
	a := r.RiskAssessment
	if a == nil {
		switch path {
		case "marac.visibleHighRisk", "marac.professionalJudgement", "marac.potentialEscalation":
			return []string{"riskAssessment"}
		}
		return []string{path}
	}
	switch path {
	case "marac.visibleHighRisk":
		if a.Instrument == "" || p.Instrument(a.Instrument) == nil {
			return []string{"riskAssessment.instrument"}
		}
		return []string{"riskAssessment.score"}
	case "marac.professionalJudgement":
		return []string{"riskAssessment.professionalJudgement"}
	case "marac.potentialEscalation":
		return []string{"riskAssessment.incidentsLast6Months"}
	}
	return []string{path}
}
