// Command partner is an agency system's use of Pathway from its own
// module, as another organisation would write it: it imports every public
// package and uses only what they export.
//
//	cd examples/partner && go run . ../referrals/hr-eligible.json ../events/2023-24.jsonl
//
// It lists the programme catalogue of the pack in force, evaluates
// eligibility on its own and reads each rule's outcome, lists the safety
// actions on their own, redacts the referral for a provider, runs the full
// assessment, and reports a year of case events.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
	"github.com/saferpath/pathway/safeguarding"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: partner REFERRAL EVENTS")
		os.Exit(2)
	}
	if err := run(context.Background(), os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "partner:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, referralFile, eventsFile string) error {
	pack := pathway.Default()

	data, err := os.ReadFile(referralFile)
	if err != nil {
		return err
	}
	r, problems := referral.Read(referralFile, data)
	if r == nil || problems.HasErrors() {
		return errors.Join(errors.New("the referral cannot be assessed"), problems)
	}
	v, err := pack.InForce(r.DateSent)
	if err != nil {
		return err
	}
	fmt.Printf("pack %s %s (%s), in force %s to %s\n", v.Name, v.Version, v.Digest, v.Effective.From, v.Effective.To)

	// The programme catalogue: what each programme is and what its
	// funding buys.
	fmt.Println("\nprogrammes:")
	for _, p := range v.Programmes.Programmes {
		printProgramme(p)
	}

	// Eligibility alone: each rule's outcome, reason and missing answers.
	fmt.Println("\neligibility:")
	for _, res := range v.Eligibility.Evaluate(ctx, r, r.DateSent) {
		printResult(res)
	}
	for _, c := range v.Programmes.Conditions(ctx, r, r.DateSent) {
		fmt.Printf("  programme %-22s suits: %s\n", c.Programme.ID, c.Result.Truth)
	}

	// Safety actions alone.
	fmt.Println("\nsafety actions:")
	for _, a := range v.Safeguarding.Actions(ctx, r, r.DateSent) {
		who := ""
		if a.Victim != nil {
			who = fmt.Sprintf(" (victim %d)", *a.Victim+1)
		}
		fmt.Printf("  %s%s: %s within %d days\n", a.ID, who, a.Owner, a.DueWithinDays)
	}

	// The referral as the provider may see it: no victim's details, and
	// free text withheld.
	view, err := v.Safeguarding.Redact(r, string(safeguarding.Provider))
	if err != nil {
		return err
	}
	if err := view.Validate(); err != nil {
		return fmt.Errorf("the provider's view is not a valid referral: %w", err)
	}
	fmt.Printf("\nprovider's view: %d victims, victim 1's relationship %q, victim 1's name given: %v\n",
		len(view.Victims), view.Victims[0].Relationship, view.Victims[0].Name != "")

	// The whole assessment, as the service and the CLI give it.
	a, err := pack.Assess(ctx, r)
	if err != nil {
		return err
	}
	fmt.Printf("\ndecision: %s, programmes offered %v\n", a.Decision, a.ProgrammeIDs())

	// Outcomes: a year of case events, with the pack's own metrics.
	f, err := os.Open(eventsFile)
	if err != nil {
		return err
	}
	defer f.Close()
	period := outcomes.FinancialYear(2023)
	report, problems := outcomes.Compute(eventsFile, f, period, outcomes.WithMetrics(pack.Nearest(period.To).Outcomes...))
	if report == nil {
		return diag.List(problems)
	}
	fmt.Printf("\noutcomes %s:\n", period.Label)
	for _, id := range []string{"referrals", "assessments", "completions", "partial-completions", "victims-supported"} {
		m, _ := report.Metric(id)
		fmt.Printf("  %-20s %d\n", m.Title, m.Int())
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"referral": a.Referral, "decision": a.Decision})
}

func printProgramme(p *programmes.Programme) {
	places, capped := p.Capacity()
	size := fmt.Sprintf("%d places", places)
	switch {
	case !capped:
		size = "no set number of places"
	case p.IsGroup():
		size = fmt.Sprintf("%d places in %d groups of up to %d", places, p.Groups, p.GroupSize)
	}
	sessions := "sessions as needed"
	if p.Sessions > 0 {
		sessions = fmt.Sprintf("%d sessions", p.Sessions)
		if p.SessionHours > 0 {
			sessions += fmt.Sprintf(" of up to %.1f h", p.SessionHours)
		}
	}
	fmt.Printf("  %-22s %-20s %s, %d facilitator(s), %s, funded %s to %s\n",
		p.ID, p.Delivery, sessions, p.Facilitators, size, p.Funding.From, p.Funding.To)
}

func printResult(res eligibility.Result) {
	var r *rule.Rule = &res.Rule.Rule
	fmt.Printf("  %-32s %-7s %s\n", r.ID, res.Outcome, res.Reason())
	if len(res.Missing) > 0 {
		fmt.Printf("  %-32s missing: %v\n", "", res.Missing)
	}
}
