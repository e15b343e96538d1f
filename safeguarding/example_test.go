package safeguarding_test

import (
	"context"
	"fmt"
	"os"

	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

func ExamplePolicy_Actions() {
	data, _ := os.ReadFile("../rules/kent/2022-08/safeguarding.yaml")
	policy, problems := safeguarding.Read("safeguarding.yaml", data)
	if problems.HasErrors() {
		fmt.Println(problems)
		return
	}
	score := 15
	r := &referral.Referral{
		ImmediateRisk: referral.Yes(),
		Subject:       referral.Subject{SubjectToSPO: referral.No()},
		Victims: []referral.Victim{
			{ConsentsToContact: referral.Yes(), WantsUpdates: referral.No(), AwareOfSupportServices: referral.Yes()},
			{ConsentsToContact: referral.No(), AwareOfSupportServices: referral.No()},
		},
		RiskToStaff:    &referral.RiskToStaff{Present: referral.No()},
		RiskAssessment: &referral.RiskAssessment{Instrument: referral.InstrumentDASH24, Score: &score},
	}
	for _, a := range policy.Actions(context.Background(), r, referral.MustDate("2024-05-14")) {
		who := ""
		if a.Victim != nil {
			who = fmt.Sprintf(" (victim %d)", *a.Victim+1)
		}
		fmt.Printf("%s%s: %s within %d days\n", a.ID, who, a.Owner, a.DueWithinDays)
	}
	// Output:
	// immediate-risk-escalation: police-coordinator within 0 days
	// marac-referral: police-coordinator within 1 days
	// victim-link-worker-contact (victim 1): victim-link-worker within 2 days
	// signpost-support-services (victim 2): referrer within 2 days
}

func ExampleSharing_Redact() {
	data, _ := os.ReadFile("../rules/kent/2022-08/safeguarding.yaml")
	policy, _ := safeguarding.Read("safeguarding.yaml", data)
	r := &referral.Referral{
		Subject:          referral.Subject{Name: "Alex Example", Phone: "07700 900001"},
		BehaviourSummary: "Followed Jo Sample home twice.",
		Victims:          []referral.Victim{{Name: "Jo Sample", Relationship: referral.RelationshipExPartner}},
	}
	for _, role := range []string{"provider", "victim-link-worker", "commissioner"} {
		view, err := policy.Sharing.Redact(r, role)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: subject %q, phone %q, summary %q, victim %q, withheld %v\n", role,
			view.Subject.Name.Reveal(), view.Subject.Phone.Reveal(), view.BehaviourSummary.Reveal(), view.Victims[0].Name.Reveal(), view.Withheld)
	}
	_, err := policy.Sharing.Redact(r, "provder")
	fmt.Println(err)
	// Output:
	// provider: subject "Alex Example", phone "07700 900001", summary "[withheld: the police co-ordinator shares this after reading it]", victim "", withheld [behaviourSummary victims[].name victims[].relationship]
	// victim-link-worker: subject "Alex Example", phone "", summary "Followed Jo Sample home twice.", victim "Jo Sample", withheld [subject.phone]
	// commissioner: subject "", phone "", summary "", victim "", withheld [behaviourSummary subject.name subject.phone victims[].name victims[].relationship]
	// "provder" is not a role; the roles are "police-coordinator", "provider", "victim-link-worker", "referrer" or "commissioner". Did you mean "provider"?
}
