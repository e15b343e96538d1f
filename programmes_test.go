package pathway_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
)

// The dates the programme tests assess on: one in each kent version.
var (
	in2021 = referral.MustDate("2021-11-01") // kent 2021-09
	in2023 = referral.MustDate("2023-05-14") // kent 2022-08
)

// exampleReferral decodes one of the example referrals afresh.
func exampleReferral(t *testing.T, name string) *referral.Referral {
	t.Helper()
	data, err := os.ReadFile("examples/referrals/" + name)
	require.NoError(t, err)
	r, problems := referral.Read(name, data)
	require.Empty(t, problems)
	return r
}

// victim returns a copy of r's first victim with the given gender and
// relationship.
func victim(r *referral.Referral, g referral.Gender, rel referral.Relationship) referral.Victim {
	v := r.Victims[0]
	v.Gender, v.Relationship = g, rel
	return v
}

// outcome is what an assessment decides about programmes.
type outcome struct {
	decision   pathway.Decision
	programmes []string
	failed     []string
}

var (
	eligibleBoth     = outcome{pathway.Eligible, []string{"healthy-relationships", "da-groupwork"}, []string{}}
	eligibleOneToOne = outcome{pathway.Eligible, []string{"healthy-relationships"}, []string{}}
	eligibleCOBI     = outcome{pathway.Eligible, []string{"cobi"}, []string{}}
	earlyResponse    = outcome{pathway.Eligible, []string{"early-response"}, []string{"accepts-responsibility"}}
	denied           = outcome{pathway.Ineligible, []string{}, []string{"accepts-responsibility"}}
)

// TestProgrammeConditions assesses variations of the example referrals
// under both kent versions and checks the decision, the programmes offered
// (in catalogue order) and the failed rules. Programme conditions:
// cobi for the COBI form; healthy-relationships for the Healthy
// Relationships form, any gender; da-groupwork for the Healthy
// Relationships form, a male subject and every partner or ex-partner victim
// female, with at least one; early-response (2022-08 only) for a denial,
// waiving accepts-responsibility alone.
func TestProgrammeConditions(t *testing.T) {
	const m, f = referral.GenderMale, referral.GenderFemale
	const partner, ex, family = referral.RelationshipPartner, referral.RelationshipExPartner, referral.RelationshipFamily
	tests := []struct {
		name   string
		file   string // hr-eligible.json or cobi-eligible.json
		change func(r *referral.Referral)
		v2021  outcome
		v2023  outcome
		// unknownProgrammes are the programmes whose condition cannot be
		// decided (they are not offered).
		unknownProgrammes []string
	}{
		{
			name:  "male subject, female ex-partner: one-to-one and groupwork",
			file:  "hr-eligible.json",
			v2021: eligibleBoth, v2023: eligibleBoth,
		},
		{
			name:   "female subject, male partner: one-to-one only",
			file:   "hr-eligible.json",
			change: func(r *referral.Referral) { r.Subject.Gender = f; r.Victims[0] = victim(r, m, partner) },
			v2021:  eligibleOneToOne, v2023: eligibleOneToOne,
		},
		{
			name:   "female subject, female ex-partner: one-to-one only",
			file:   "hr-eligible.json",
			change: func(r *referral.Referral) { r.Subject.Gender = f },
			v2021:  eligibleOneToOne, v2023: eligibleOneToOne,
		},
		{
			name:   "same-sex relationship, male subject and male partner: one-to-one only",
			file:   "hr-eligible.json",
			change: func(r *referral.Referral) { r.Victims[0] = victim(r, m, partner) },
			v2021:  eligibleOneToOne, v2023: eligibleOneToOne,
		},
		{
			name:   "subject of another gender: one-to-one only",
			file:   "hr-eligible.json",
			change: func(r *referral.Referral) { r.Subject.Gender = referral.GenderOther },
			v2021:  eligibleOneToOne, v2023: eligibleOneToOne,
		},
		{
			name:   "a family-member victim only: no partner victim, so one-to-one only",
			file:   "hr-eligible.json",
			change: func(r *referral.Referral) { r.Victims[0] = victim(r, f, family) },
			v2021:  eligibleOneToOne, v2023: eligibleOneToOne,
		},
		{
			name: "several victims, partner and ex-partner both female: groupwork too",
			file: "hr-eligible.json",
			change: func(r *referral.Referral) {
				r.Victims = append(r.Victims, victim(r, f, partner))
			},
			v2021: eligibleBoth, v2023: eligibleBoth,
		},
		{
			name: "several victims, a female ex-partner and a male family member: groupwork too",
			file: "hr-eligible.json",
			change: func(r *referral.Referral) {
				r.Victims = append(r.Victims, victim(r, m, family))
			},
			v2021: eligibleBoth, v2023: eligibleBoth,
		},
		{
			name: "several victims, a female partner and a male ex-partner: one-to-one only",
			file: "hr-eligible.json",
			change: func(r *referral.Referral) {
				r.Victims = []referral.Victim{victim(r, f, partner), victim(r, m, ex)}
			},
			v2021: eligibleOneToOne, v2023: eligibleOneToOne,
		},
		{
			name:              "a partner victim whose gender is missing: groupwork unknown, not offered",
			file:              "hr-eligible.json",
			change:            func(r *referral.Referral) { r.Victims[0].Gender = "" },
			v2021:             eligibleOneToOne,
			v2023:             eligibleOneToOne,
			unknownProgrammes: []string{"da-groupwork"},
		},
		{
			name: "a family victim whose gender is missing beside a female partner: groupwork",
			file: "hr-eligible.json",
			change: func(r *referral.Referral) {
				r.Victims = append(r.Victims, victim(r, "", family))
			},
			v2021: eligibleBoth, v2023: eligibleBoth,
		},
		{
			name:              "a subject whose gender is missing: groupwork unknown, not offered",
			file:              "hr-eligible.json",
			change:            func(r *referral.Referral) { r.Subject.Gender = "" },
			v2021:             eligibleOneToOne,
			v2023:             eligibleOneToOne,
			unknownProgrammes: []string{"da-groupwork"},
		},
		{
			name:   "a denial: ineligible in 2021, Early Response alone in 2023",
			file:   "hr-eligible.json",
			change: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = referral.ResponsibilityNone },
			v2021:  denied, v2023: earlyResponse,
		},
		{
			name:   "full acceptance of responsibility: no Early Response",
			file:   "hr-eligible.json",
			change: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = referral.ResponsibilityFull },
			v2021:  eligibleBoth, v2023: eligibleBoth,
		},
		{
			name: "a denial with unmanaged mental health: Early Response waives only accepts-responsibility",
			file: "hr-eligible.json",
			change: func(r *referral.Referral) {
				r.Subject.AcceptsResponsibility = referral.ResponsibilityNone
				r.Subject.MentalHealth = referral.ManageabilityUnmanaged
			},
			v2021: outcome{pathway.Ineligible, []string{}, []string{"accepts-responsibility", "mental-health-manageable"}},
			v2023: outcome{pathway.Ineligible, []string{}, []string{"accepts-responsibility", "mental-health-manageable"}},
		},
		{
			name: "a denial under a community order: an exclusion is never waived",
			file: "hr-eligible.json",
			change: func(r *referral.Referral) {
				r.Subject.AcceptsResponsibility = referral.ResponsibilityNone
				r.Subject.CurrentOrder = referral.OrderCommunity
			},
			v2021: outcome{pathway.Ineligible, []string{}, []string{"accepts-responsibility", "subject-to-order"}},
			v2023: outcome{pathway.Ineligible, []string{}, []string{"accepts-responsibility", "subject-to-order"}},
		},
		{
			name:   "responsibility not answered: incomplete, nothing offered",
			file:   "hr-eligible.json",
			change: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = "" },
			v2021:  outcome{pathway.Incomplete, []string{}, []string{}},
			v2023:  outcome{pathway.Incomplete, []string{}, []string{}},
			// early-response reads acceptsResponsibility in 2022-08 only;
			// checked below by version.
		},
		{
			name:  "COBI form: COBI only",
			file:  "cobi-eligible.json",
			v2021: eligibleCOBI, v2023: eligibleCOBI,
		},
		{
			name:   "COBI form, female subject: COBI only",
			file:   "cobi-eligible.json",
			change: func(r *referral.Referral) { r.Subject.Gender = f },
			v2021:  eligibleCOBI, v2023: eligibleCOBI,
		},
		{
			name:   "COBI form with a female partner victim: COBI only, never groupwork",
			file:   "cobi-eligible.json",
			change: func(r *referral.Referral) { r.Victims[0] = victim(r, f, partner) },
			v2021:  eligibleCOBI, v2023: eligibleCOBI,
		},
		{
			name:   "COBI form, a denial: ineligible in 2021, Early Response alone in 2023",
			file:   "cobi-eligible.json",
			change: func(r *referral.Referral) { r.Subject.AcceptsResponsibility = referral.ResponsibilityNone },
			v2021:  denied, v2023: earlyResponse,
		},
	}
	pack := pathway.Default()
	for _, tt := range tests {
		for _, v := range []struct {
			label string
			at    referral.Date
			want  outcome
		}{{"2021-09", in2021, tt.v2021}, {"2022-08", in2023, tt.v2023}} {
			t.Run(tt.name+"/"+v.label, func(t *testing.T) {
				r := exampleReferral(t, tt.file)
				if tt.change != nil {
					tt.change(r)
				}
				a, err := pack.Assess(context.Background(), r, pathway.At(v.at))
				require.NoError(t, err)
				require.Equal(t, v.label, a.Pack.Version)
				got := outcome{a.Decision, a.ProgrammeIDs(), a.Failed}
				assert.Equal(t, v.want, got, "problems: %v", a.Problems)
				var unknown []string
				for _, rr := range a.Rules {
					if rr.Kind == "programme" && rr.Outcome == "unknown" && rr.ID != "early-response" {
						unknown = append(unknown, rr.ID)
					}
				}
				assert.Equal(t, tt.unknownProgrammes, unknown)
			})
		}
	}
}

// TestEarlyResponseOffer checks what an Early Response offer says and that
// the programme is in 2022-08 only.
func TestEarlyResponseOffer(t *testing.T) {
	pack := pathway.Default()
	tests := []struct {
		name      string
		at        referral.Date
		responsib referral.Responsibility
		offered   bool
		outcome   string // the early-response rule's outcome; "" when absent
	}{
		{"a denial in 2023 is offered Early Response", in2023, referral.ResponsibilityNone, true, "pass"},
		{"some responsibility in 2023 is not", in2023, referral.ResponsibilitySome, false, "fail"},
		{"full responsibility in 2023 is not", in2023, referral.ResponsibilityFull, false, "fail"},
		{"an unanswered responsibility in 2023 cannot decide it", in2023, "", false, "unknown"},
		{"there is no Early Response in 2021", in2021, referral.ResponsibilityNone, false, ""},
		{"the first day of 2022-08 has it", referral.MustDate("2022-08-01"), referral.ResponsibilityNone, true, "pass"},
		{"the last day of 2021-09 does not", referral.MustDate("2022-07-31"), referral.ResponsibilityNone, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := exampleReferral(t, "hr-eligible.json")
			r.Subject.AcceptsResponsibility = tt.responsib
			a, err := pack.Assess(context.Background(), r, pathway.At(tt.at))
			require.NoError(t, err)
			outcome := ""
			for _, rr := range a.Rules {
				if rr.ID == "early-response" {
					outcome = rr.Outcome
					assert.Equal(t, "programme", rr.Kind)
					assert.True(t, strings.HasPrefix(rr.Source, "rules/kent/2022-08/programmes.yaml:"), rr.Source)
				}
			}
			assert.Equal(t, tt.outcome, outcome)
			assert.Equal(t, tt.offered, len(a.Programmes) > 0 && a.Programmes[0].ID == "early-response")
			if tt.offered {
				require.Len(t, a.Programmes, 1)
				reasons := strings.Join(a.Programmes[0].Reasons, " ")
				assert.Contains(t, reasons, "accepts-responsibility")
			}
		})
	}
}
