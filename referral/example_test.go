package referral_test

import (
	"fmt"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// An agency system decodes a referral it received and validates it.
func ExampleRead() {
	data := []byte(`{
  "id": "KR-2024-0042",
  "form": "healthy-relationships",
  "dateSent": "2024-05-14",
  "referrer": {"name": "Priya Example", "organisation": "Probation", "role": "Probation Officer", "email": "priya@example.org"},
  "subject": {"name": "Daniel Sample", "gender": "male", "acceptsResponsibility": "some"},
  "behaviourSummary": "Controlling behaviour towards his ex-partner.",
  "victims": [{"name": "Laura Specimen", "relationship": "ex-partner", "consentsToContact": true}]
}`)
	r, problems := referral.Read("referral.json", data)
	if r == nil {
		fmt.Println("not a referral:", problems)
		return
	}
	if len(problems) > 0 {
		fmt.Println("invalid:", problems)
		return
	}
	fmt.Println(r.ID, r.Form, r.DateSent, len(r.Victims), "victim")
	fmt.Println("subject:", r.Subject.Name) // personal details redact themselves
	// Output:
	// KR-2024-0042 healthy-relationships 2024-05-14 1 victim
	// subject: [redacted]
}

// An invalid referral: every problem at once, with its place in the file.
func ExampleRead_invalid() {
	data := []byte(`id: KR-2021-0107
form: cobi
dateSent: 2021-11-31
referrer: {name: Tom Placeholder, organisation: Police, role: Coordinator, email: tom.example.org}
subject: {name: Gareth Testcase, mentalHelth: none}
behaviourSummary: Repeated unwanted contact.
victims:
  - name: Helen Fixture
    relationship: acquaintance
    knownToSupportService: false
`)
	r, problems := referral.Read("referral.yaml", data)
	fmt.Println("decoded:", r != nil)
	for _, d := range problems {
		fmt.Println(d.Compact())
	}
	// Output:
	// decoded: true
	// referral.yaml:3:11: dateSent: error: Not a real date in the form YYYY-MM-DD [bad-date]
	// referral.yaml:4:83: referrer.email: error: Not a valid email address [bad-email]
	// referral.yaml:5:10: subject.subjectToSPO: error: Whether the person is subject to a Stalking Protection Order is not answered [spo-unanswered]
	// referral.yaml:5:34: subject: error: Unknown key [unknown-key]
	// referral.yaml:8:5: victims[0].reasonNotKnown: error: Why the victim is not known to a support service is missing [reason-not-known-required]
}

// Validate checks a referral built in code; its problems have JSON paths.
func ExampleReferral_Validate() {
	r := &referral.Referral{
		ID:               "KR-1",
		Form:             referral.FormHealthyRelationships,
		DateSent:         referral.MustDate("2024-05-14"),
		Referrer:         referral.Referrer{Name: "A", Organisation: "B", Role: "C", Phone: "01632 960000"},
		Subject:          referral.Subject{Name: "D"},
		BehaviourSummary: "E",
		Victims:          []referral.Victim{{Name: "F", Relationship: "ex partner", WantsUpdates: referral.Yes()}},
	}
	for _, d := range diag.From(r.Validate()) {
		fmt.Printf("%s: %s [%s]\n", d.Path, d.Summary, d.Code)
	}
	// Output:
	// victims[0].relationship: Not one of the allowed values [bad-enum]
	// victims[0].wantsUpdates: Updates are wanted without consent to contact [updates-without-consent]
}
