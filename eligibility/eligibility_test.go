package eligibility

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/referral"
)

const sample = `criteria:
  - id: consents
    title: Consents to information sharing
    description: Consents.
    source: Test
    when: subject.consentsToInformationSharing == true
    because: The team shares information.
exclusions:
  - id: custodial
    title: Subject to a custodial order
    description: Custodial.
    source: Test
    when: subject.currentOrder == "custodial"
    because: Orders come first.
`

func TestEvaluateOutcomes(t *testing.T) {
	rs, problems := Read("eligibility.yaml", []byte(sample))
	require.Empty(t, problems)
	require.Len(t, rs.All(), 2)
	tests := []struct {
		name    string
		consent *bool
		order   referral.Order
		want    [2]Outcome
		reasons [2]string
	}{
		{"criterion met, exclusion does not apply", referral.Yes(), referral.OrderNone, [2]Outcome{Pass, Pass},
			[2]string{"Consents to information sharing: met. The team shares information.", "Subject to a custodial order: does not apply. Orders come first."}},
		{"criterion not met, exclusion applies", referral.No(), referral.OrderCustodial, [2]Outcome{Fail, Fail},
			[2]string{"Consents to information sharing: not met. The team shares information.", "Subject to a custodial order: applies. Orders come first."}},
		{"both unknown", nil, "", [2]Outcome{Unknown, Unknown},
			[2]string{"Consents to information sharing: cannot be decided until the missing answers are given. The team shares information.",
				"Subject to a custodial order: cannot be decided until the missing answers are given. Orders come first."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &referral.Referral{Subject: referral.Subject{ConsentsToInformationSharing: tt.consent, CurrentOrder: tt.order}}
			res := rs.Evaluate(context.Background(), r, referral.MustDate("2024-05-14"))
			require.Len(t, res, 2)
			for i := range res {
				assert.Equal(t, tt.want[i], res[i].Outcome)
				assert.Equal(t, tt.reasons[i], res[i].Reason())
			}
		})
	}
	failed := Result{Rule: rs.Criteria[0], Outcome: Unknown, Err: errors.New("division by zero")}
	assert.Equal(t, "Consents to information sharing: could not be decided: division by zero. The team shares information.", failed.Reason())
}

func TestReadNeedsCriteria(t *testing.T) {
	_, problems := Read("eligibility.yaml", []byte("exclusions: []\n"))
	require.Len(t, problems, 1)
	assert.Equal(t, "no-criteria", problems[0].Code)
}

func TestReadReportsDuplicatesWhateverElseIsWrong(t *testing.T) {
	src := `criteria:
  - id: same
    title: First
    description: d
    source: s
    when: subject.gender == "mail"
    because: b
  - id: same
    title: Second
    description: d
    source: s
    when: subject.gender ==
    because: b
`
	rs, problems := Read("eligibility.yaml", []byte(src))
	codes := []string{}
	for _, d := range problems {
		codes = append(codes, d.Code)
	}
	assert.ElementsMatch(t, []string{"bad-enum", "expr-syntax", "duplicate-id"}, codes)
	assert.Empty(t, rs.All(), "rules with mistakes are left out")
	assert.Len(t, rs.Seen, 2)
	for _, d := range problems {
		assert.NotEmpty(t, d.Excerpt, "%s has its snippet", d.Code)
	}
}

func TestZeroRules(t *testing.T) {
	var rs *Rules
	assert.Nil(t, rs.Evaluate(context.Background(), &referral.Referral{}, referral.Date{}))
	assert.Nil(t, rs.All())
	var zero Rules
	assert.Empty(t, zero.Evaluate(context.Background(), &referral.Referral{}, referral.Date{}))
	assert.Empty(t, zero.Evaluate(context.Background(), nil, referral.Date{}))
	var r *Rule
	assert.Nil(t, r.Reads(&referral.Referral{}, referral.Date{}))
}
