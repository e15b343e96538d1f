package peers

import "github.com/saferpath/pathway/referral"

// goPeer is the floor: the rules written as plain Go, as in the main
// module's bench_test.go.
type goPeer struct {
	set *Set
}

func newGo(s *Set) *goPeer { return &goPeer{set: s} }

func (p *goPeer) Eval(i int, out *[NumRules]Outcome) error {
	r := p.set.Referrals[i]
	handWritten(r, r.DateSent, out)
	return nil
}

// handWritten is the pack's eligibility (the criteria and exclusions of
// 2022-08) written as plain Go. Like the engine, it is three-valued: a
// rule whose answer is missing, where the answer would change the result,
// is unknown.
func handWritten(r *referral.Referral, today referral.Date, out *[NumRules]Outcome) {
	s := &r.Subject
	switch s.AcceptsResponsibility {
	case "":
		out[0] = Unknown
	case referral.ResponsibilitySome, referral.ResponsibilityFull:
		out[0] = Pass
	default:
		out[0] = Fail
	}
	out[1] = manageable(s.SubstanceMisuse)
	out[2] = manageable(s.MentalHealth)
	switch {
	case s.ConsentsToInformationSharing == nil:
		out[3] = Unknown
	case *s.ConsentsToInformationSharing:
		out[3] = Pass
	default:
		out[3] = Fail
	}
	switch s.CurrentOrder {
	case "":
		out[4] = Unknown
	case referral.OrderCustodial, referral.OrderCommunity:
		out[4] = Fail
	default:
		out[4] = Pass
	}
	// likely && soon: false when either side is false, unknown when a side
	// is missing and the other is not false.
	likely := Unknown
	switch s.LikelyOrder {
	case referral.OrderCustodial, referral.OrderCommunity:
		likely = Pass
	case referral.OrderNone:
		likely = Fail
	}
	soon := Unknown
	if !s.NextCourtDate.IsZero() {
		soon = Fail
		if s.NextCourtDate.Days()-today.Days() <= 84 {
			soon = Pass
		}
	}
	switch {
	case likely == Fail || soon == Fail:
		out[5] = Pass
	case likely == Pass && soon == Pass:
		out[5] = Fail
	default:
		out[5] = Unknown
	}
}

func manageable(m referral.Manageability) Outcome {
	switch m {
	case "":
		return Unknown
	case referral.ManageabilityUnmanaged:
		return Fail
	}
	return Pass
}
