package eligibility

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
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
	f, problems := yamlsrc.Parse("eligibility.yaml", []byte(sample))
	require.Empty(t, problems)
	rs, problems := Parse(f)
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
			res := rs.Evaluate(&engine.Env{Root: r, Index: -1})
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

func TestParseNeedsCriteria(t *testing.T) {
	f, problems := yamlsrc.Parse("eligibility.yaml", []byte("exclusions: []\n"))
	require.Empty(t, problems)
	_, problems = Parse(f)
	require.Len(t, problems, 1)
	assert.Equal(t, "no-criteria", problems[0].Code)
}
