package peers

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/referral"
)

// testSet is the corpus the benchmarks use, with referrals added at the
// edges of the 12-week exclusion: a likely order with the next court date
// 83, 84 and 85 days after the referral is sent, and none likely with a
// court date close by.
func testSet(t *testing.T) *Set {
	s, err := NewSet(benchReferrals, benchSeed)
	require.NoError(t, err)
	added := 0
	for _, r := range s.Referrals {
		if added == 5 {
			break
		}
		if !Complete(r) {
			continue
		}
		for _, c := range []struct {
			order referral.Order
			days  int
		}{{referral.OrderCustodial, 83}, {referral.OrderCommunity, 84}, {referral.OrderCustodial, 85}, {referral.OrderNone, 10}} {
			e := *r
			e.Subject.LikelyOrder = c.order
			e.Subject.NextCourtDate = e.DateSent.AddDays(c.days)
			s.Referrals = append(s.Referrals, &e)
		}
		added++
	}
	return s
}

// disagreements compares every peer with Pathway's engine, rule by rule:
// hand-written Go on every referral, unknowns included, the two-valued
// peers on the complete referrals only. It lists each difference.
func disagreements(t *testing.T, s *Set, peers map[string]Peer) []string {
	engine, err := New("pathway", s)
	require.NoError(t, err)
	var diffs []string
	for i, r := range s.Referrals {
		var want [NumRules]Outcome
		require.NoError(t, engine.Eval(i, &want))
		for name, p := range peers {
			if name != "go" && !Complete(r) {
				continue
			}
			var got [NumRules]Outcome
			require.NoError(t, p.Eval(i, &got), name)
			for k := range got {
				if got[k] != want[k] {
					diffs = append(diffs, fmt.Sprintf("%s: referral %d (%s), %s: %s, Pathway %s", name, i, r.ID, RuleIDs[k], got[k], want[k]))
				}
			}
		}
	}
	return diffs
}

func TestPeersAgree(t *testing.T) {
	s := testSet(t)
	peers := map[string]Peer{}
	for _, name := range Names[1:] {
		p, err := New(name, s)
		require.NoError(t, err, name)
		peers[name] = p
	}
	assert.Empty(t, disagreements(t, s, peers))

	// The agreement means something only if every rule is seen to pass
	// and to fail on complete referrals, and if incomplete referrals are
	// there for the three-valued comparison.
	engine, err := New("pathway", s)
	require.NoError(t, err)
	seen := map[string]map[Outcome]int{}
	incomplete := 0
	for i, r := range s.Referrals {
		var out [NumRules]Outcome
		require.NoError(t, engine.Eval(i, &out))
		if !Complete(r) {
			incomplete++
			continue
		}
		for k, o := range out {
			require.NotEqual(t, Unknown, o, "%s is unknown for the complete referral %s", RuleIDs[k], r.ID)
			if seen[RuleIDs[k]] == nil {
				seen[RuleIDs[k]] = map[Outcome]int{}
			}
			seen[RuleIDs[k]][o]++
		}
	}
	for _, id := range RuleIDs {
		assert.Positive(t, seen[id][Pass], "%s never passes", id)
		assert.Positive(t, seen[id][Fail], "%s never fails", id)
	}
	assert.Positive(t, incomplete)
}

// missingConsentFails is hand-written Go that forgets the unknown: a
// missing consent fails.
type missingConsentFails struct{ *goPeer }

func (p missingConsentFails) Eval(i int, out *[NumRules]Outcome) error {
	err := p.goPeer.Eval(i, out)
	if p.set.Referrals[i].Subject.ConsentsToInformationSharing == nil {
		out[3] = Fail
	}
	return err
}

// TestAgreementCatchesMistakes gives the agreement check peers with a
// plausible mistake each: it must find them, on the rule that is wrong.
func TestAgreementCatchesMistakes(t *testing.T) {
	s := testSet(t)
	var exprTexts [NumRules]string
	for k, r := range s.Version.Eligibility.All() {
		exprTexts[k] = r.When
	}
	for _, c := range []struct {
		name string
		rule string
		peer func() (Peer, error)
	}{
		{"cel: fewer than 84 days", "order-likely-within-12-weeks", func() (Peer, error) {
			rules := celRules
			rules[5] = strings.Replace(rules[5], "<=", "<", 1)
			return newCELWith(s, rules)
		}},
		{"cel: full responsibility only", "accepts-responsibility", func() (Peer, error) {
			rules := celRules
			rules[0] = `subject.acceptsResponsibility == "full"`
			return newCELWith(s, rules)
		}},
		{"opa: within 85 days", "order-likely-within-12-weeks", func() (Peer, error) {
			return newOPAWith(s, strings.Replace(regoModule, "<= 84", "<= 85", 1))
		}},
		{"opa: manageable mental health forgotten", "mental-health-manageable", func() (Peer, error) {
			return newOPAWith(s, strings.Replace(regoModule, `mentalHealth in {"none", "managed", "manageable"}`, `mentalHealth in {"none", "managed"}`, 1))
		}},
		{"expr: only a custodial order excludes", "subject-to-order", func() (Peer, error) {
			texts := exprTexts
			texts[4] = `subject.currentOrder == "custodial"`
			return newExprWith(s, texts)
		}},
		{"go: a missing consent fails", "consents-to-information-sharing", func() (Peer, error) {
			return missingConsentFails{newGo(s)}, nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := c.peer()
			require.NoError(t, err)
			name := strings.SplitN(c.name, ":", 2)[0]
			diffs := disagreements(t, s, map[string]Peer{name: p})
			require.NotEmpty(t, diffs)
			for _, d := range diffs {
				assert.Contains(t, d, ", "+c.rule+": ")
			}
		})
	}
}
