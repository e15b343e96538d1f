package pathway_test

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
)

// An agency system compiles its rule pack into its binary with go:embed.
//
//go:embed rules/kent
var rulesFS embed.FS

// Embed a rule pack, assess a referral and print the explanation a
// referrer reads.
func Example() {
	sub, err := fs.Sub(rulesFS, "rules/kent")
	if err != nil {
		panic(err)
	}
	pack := pathway.MustLoad(sub, pathway.NamedAs("rules/kent"))

	data, err := os.ReadFile("examples/referrals/hr-eligible.json")
	if err != nil {
		panic(err)
	}
	r, problems := referral.Read("hr-eligible.json", data)
	a, err := pack.Assess(context.Background(), r, pathway.WithProblems(problems))
	if err != nil {
		panic(err)
	}
	if err := a.WriteText(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// Referral KR-2024-0042: ELIGIBLE
	// Assessed under kent 2022-08 on 2024-05-14.
	//
	// Suitable for referral. Offered: Healthy Relationships (healthy-relationships); DA Groupwork (da-groupwork).
	//
	// Criteria:
	//   [ok]   Accepts some responsibility (accepts-responsibility): met. The programmes work with people who accept at least some responsibility for their behaviour, even only the need to approach a relationship in a better way.
	//          looked at: subject.acceptsResponsibility = "some"
	//   [ok]   Substance misuse is, or can be, managed (substance-misuse-manageable): met. Unmanaged substance misuse stops a person engaging with the sessions; it must be absent, managed or manageable.
	//          looked at: subject.substanceMisuse = "managed"
	//   [ok]   Mental health is, or can be, managed (mental-health-manageable): met. Unmanaged mental health needs stop a person engaging with the sessions; they must be absent, managed or manageable.
	//          looked at: subject.mentalHealth = "none"
	//   [ok]   Consents to information sharing (consents-to-information-sharing): met. The police, the provider and the victim service share information to keep victims safe, so the person must consent to it.
	//          looked at: subject.consentsToInformationSharing = yes
	//
	// Exclusions:
	//   [ok]   Subject to a custodial or community order (subject-to-order): does not apply. People under a custodial or community order are worked with through that order, not through these voluntary programmes.
	//          looked at: subject.currentOrder = "none"
	//   [ok]   Likely to be subject to an order within 12 weeks (order-likely-within-12-weeks): does not apply. A custodial or community order expected within 12 weeks (84 days, judged by the next court date) would interrupt the programme.
	//          looked at: subject.likelyOrder = "none"; subject.nextCourtDate = (not answered); today = "2024-05-14"
	//
	// Programmes offered:
	//   - Healthy Relationships — domestic abuse one-to-one perpetrator programme (healthy-relationships)
	//       Healthy Relationships is the one-to-one domestic abuse programme, open to every perpetrator group, for referrals made on the Healthy Relationships form.
	//   - Domestic abuse groupwork programme (da-groupwork)
	//       The groupwork programme is for men referred for abuse in heterosexual relationships: the subject is male and every partner or ex-partner victim is female.
	//
	// Safeguarding actions:
	//   - Contact the victim (victim-link-worker-contact) for victim 1: The victim consents to contact. Make contact safely, offer support and agree a safety plan. (victim-link-worker, within 2 days)
	//       tell: police-coordinator
	//   - Find out whether to plan for the risk to staff (establish-staff-risk-plan): The form does not say whether the person referred is a risk to staff. Ask the police co-ordinator before the first session. (provider, within 5 days)
	//       missing: riskToStaff
	//   - Update the victim (victim-updates) for victim 1: The victim wants updates. Agree how they are given, and pass on starts, missed sessions, completion and exit as the provider reports them. (victim-link-worker, within 5 days)
	//       tell: provider
}

// A referral that does not yet accept responsibility: in 2021 it is
// ineligible; from August 2022 Early Response waives that criterion.
func ExamplePack_Assess_earlyResponse() {
	data, err := os.ReadFile("examples/referrals/hr-eligible.json")
	if err != nil {
		panic(err)
	}
	r, _ := referral.Read("hr-eligible.json", data)
	r.Subject.AcceptsResponsibility = referral.ResponsibilityNone
	for _, at := range []string{"2022-01-10", "2023-06-01"} {
		a, err := pathway.Default().Assess(context.Background(), r, pathway.At(referral.MustDate(at)))
		if err != nil {
			panic(err)
		}
		fmt.Println(at, a.Pack.Version, a.Decision, a.Failed, a.ProgrammeIDs())
	}
	// Output:
	// 2022-01-10 2021-09 ineligible [accepts-responsibility] []
	// 2023-06-01 2022-08 eligible [accepts-responsibility] [early-response]
}

// A referral with unanswered questions is incomplete, and says which
// answers would decide it.
func ExamplePack_Assess_incomplete() {
	data, err := os.ReadFile("examples/referrals/hr-eligible.json")
	if err != nil {
		panic(err)
	}
	r, _ := referral.Read("hr-eligible.json", data)
	r.Subject.MentalHealth = ""
	a, err := pathway.Default().Assess(context.Background(), r)
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Decision, a.Unknown, a.Missing)
	// Output:
	// incomplete [mental-health-manageable] [subject.mentalHealth]
}
