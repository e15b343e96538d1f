package pathway

import (
	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
)

// prepared is what assessing under a version takes that is the same for
// every referral, made once when the version loads: where each rule is
// written, each programme's reason for each outcome, and the options that
// validate a referral against the version's risk instrument ranges.
type prepared struct {
	// rules are the eligibility rules as Evaluate lists their results:
	// the criteria, then the exclusions.
	rules []ruleText
	// programmes are the catalogue's programmes, in its order, as
	// Conditions lists them.
	programmes []ruleText
	// validate are the options Validate checks referrals with.
	validate []referral.ValidateOption
}

type ruleText struct {
	rule   *rule.Rule
	source string
	// reasons by eligibility.Outcome; Unknown is for want of answers.
	reasons [eligibility.Unknown + 1]string
}

// prepare makes what assessing under v takes.
func prepare(v *Version) *prepared {
	ex := &prepared{}
	if v.Safeguarding != nil {
		ex.validate = []referral.ValidateOption{referral.WithScoreRanges(v.Safeguarding.ScoreRanges())}
	}
	if e := v.Eligibility; e != nil {
		ex.rules = make([]ruleText, 0, len(e.Criteria)+len(e.Exclusions))
		for _, list := range [][]*eligibility.Rule{e.Criteria, e.Exclusions} {
			for _, r := range list {
				ex.rules = append(ex.rules, ruleText{rule: &r.Rule, source: r.Origin()})
			}
		}
	}
	if c := v.Programmes; c != nil {
		ex.programmes = make([]ruleText, len(c.Programmes))
		for i, p := range c.Programmes {
			t := &ex.programmes[i]
			t.rule, t.source = &p.Rule, p.Origin()
			for o := eligibility.Pass; o <= eligibility.Unknown; o++ {
				t.reasons[o] = programmeReason(p, o)
			}
		}
	}
	return ex
}

// prepared returns what assessing under v takes: made when it loaded, or,
// for a version that was not loaded, now.
func (v *Version) prepared() *prepared {
	if v.prep != nil {
		return v.prep
	}
	return prepare(v)
}

// programmeReason is programme p's reason for an outcome that was decided,
// or (Unknown) that waits for missing answers.
func programmeReason(p *programmes.Programme, o eligibility.Outcome) string {
	switch o {
	case eligibility.Pass:
		return p.Title + ": suits this referral. " + p.Because
	case eligibility.Fail:
		return p.Title + ": does not suit this referral. " + p.Because
	}
	return p.Title + ": cannot be decided until the missing answers are given. " + p.Because
}

// ruleSource is where the i-th eligibility rule, r, is written.
func (ex *prepared) ruleSource(i int, r *rule.Rule) string {
	if i < len(ex.rules) && ex.rules[i].rule == r {
		return ex.rules[i].source
	}
	return r.Origin()
}

// programmeSource is where the i-th programme, p, has its condition.
func (ex *prepared) programmeSource(i int, p *programmes.Programme) string {
	if i < len(ex.programmes) && ex.programmes[i].rule == &p.Rule {
		return ex.programmes[i].source
	}
	return p.Origin()
}

// programmeOutcome is the outcome of the i-th programme's condition, c, and
// its reason.
func (ex *prepared) programmeOutcome(i int, c *programmes.Condition) (eligibility.Outcome, string) {
	p := c.Programme
	o := eligibility.Unknown
	switch {
	case c.Result.Truth == rule.True:
		o = eligibility.Pass
	case c.Result.Truth == rule.False:
		o = eligibility.Fail
	case c.Result.Err != nil:
		return eligibility.Unknown, p.Title + ": could not be decided: " + c.Result.Err.Error() + ". " + p.Because
	}
	if i < len(ex.programmes) && ex.programmes[i].rule == &p.Rule {
		return o, ex.programmes[i].reasons[o]
	}
	return o, programmeReason(p, o)
}
