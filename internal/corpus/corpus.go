// Package corpus generates referrals for benchmarks and load tests: varied
// answers, one to four victims, children, risk assessments of both
// instruments, about one in twenty invalid and some incomplete, all
// fictional. The same seed gives the same corpus.
package corpus

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"
)

var firstNames = []string{"Alex", "Sam", "Jordan", "Casey", "Robin", "Morgan", "Taylor", "Jamie", "Charlie", "Drew"}
var lastNames = []string{"Example", "Sample", "Specimen", "Mock", "Fixture", "Dummy", "Pretend", "Mockup"}

// Lines returns n referrals as JSON Lines.
func Lines(n int, seed uint64) []byte {
	var out []byte
	for i := range n {
		out = append(out, Line(i, seed)...)
		out = append(out, '\n')
	}
	return out
}

// Line returns the i-th referral of the corpus for seed, as one line of
// JSON without its newline.
func Line(i int, seed uint64) []byte {
	data, err := json.Marshal(Referral(i, seed))
	if err != nil {
		panic(err) // only maps, strings, numbers and booleans: cannot fail
	}
	return data
}

// Referral returns the i-th referral of the corpus for seed as a generic
// value, ready to be changed and encoded.
func Referral(i int, seed uint64) map[string]any {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	pick := func(vs ...any) any { return vs[r.IntN(len(vs))] }
	name := func() string {
		return firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
	}
	day := func(from string, span int) string {
		t, _ := time.Parse(time.DateOnly, from)
		return t.AddDate(0, 0, r.IntN(span)).Format(time.DateOnly)
	}
	phone := func() string { return fmt.Sprintf("07700 900%03d", r.IntN(1000)) }

	form := pick("healthy-relationships", "healthy-relationships", "healthy-relationships", "cobi").(string)
	sent := day("2021-09-01", 1300)
	sentT, _ := time.Parse(time.DateOnly, sent)
	subject := map[string]any{
		"name":                         name(),
		"address":                      fmt.Sprintf("%d Fictional Road, Exampleton, EX%d %dAB", 1+r.IntN(200), 1+r.IntN(9), 1+r.IntN(9)),
		"phone":                        phone(),
		"dateOfBirth":                  day("1960-01-01", 14000),
		"gender":                       pick("male", "male", "male", "female", "other"),
		"acceptsResponsibility":        pick("none", "some", "some", "some", "full", "full", "full", "full"),
		"substanceMisuse":              pick("none", "none", "none", "none", "managed", "managed", "manageable", "manageable", "manageable", "unmanaged"),
		"mentalHealth":                 pick("none", "none", "none", "none", "managed", "managed", "manageable", "manageable", "manageable", "unmanaged"),
		"consentsToInformationSharing": r.IntN(10) > 0,
		"currentOrder":                 pick("none", "none", "none", "none", "none", "none", "community", "custodial"),
		"likelyOrder":                  pick("none", "none", "none", "community", "custodial"),
	}
	if r.IntN(3) == 0 {
		subject["email"] = "subject@example.org"
	}
	if lo := subject["likelyOrder"]; lo != "none" || r.IntN(4) == 0 {
		subject["nextCourtDate"] = sentT.AddDate(0, 0, 1+r.IntN(200)).Format(time.DateOnly)
	}
	if form == "cobi" {
		subject["subjectToSPO"] = pick(false, false, true)
	}
	// Some referrals leave eligibility answers out: incomplete.
	if r.IntN(8) == 0 {
		delete(subject, pick("acceptsResponsibility", "consentsToInformationSharing", "substanceMisuse").(string))
	}

	victims := []any{}
	for v := range 1 + r.IntN(4) {
		victim := map[string]any{
			"name":                   name(),
			"gender":                 pick("female", "female", "female", "male"),
			"relationship":           pick("partner", "ex-partner", "ex-partner", "family", "other"),
			"knownToSupportService":  true,
			"awareOfSupportServices": true,
			"servicesProvided":       "Local domestic abuse outreach service and the national helpline.",
			"consentsToContact":      v == 0 || r.IntN(2) == 0,
			"supportServiceContact":  "IDVA team, " + phone(),
		}
		victim["wantsUpdates"] = victim["consentsToContact"].(bool) && r.IntN(3) > 0
		if r.IntN(2) == 0 {
			victim["dateOfBirth"] = day("1965-01-01", 13000)
			victim["address"] = "Not shared: held by the victim service"
		}
		if r.IntN(4) == 0 {
			victim["knownToSupportService"] = false
			victim["reasonNotKnown"] = "First disclosure was made to the health visitor last week."
		}
		victims = append(victims, victim)
	}
	m := map[string]any{
		"id":       fmt.Sprintf("GEN-%07d", i),
		"form":     form,
		"dateSent": sent,
		"referrer": map[string]any{
			"name":         name(),
			"organisation": "Exampleton Probation Delivery Unit (fictional)",
			"role":         "Probation Officer",
			"phone":        "01632 960123",
			"email":        "referrer@example.org",
		},
		"subject":          subject,
		"behaviourSummary": "Controlling behaviour towards his ex-partner over two years, including checking her phone and limiting contact with friends. Police attended twice.",
		"otherAgencies": []any{
			map[string]any{"name": "Exampleton Recovery Service (fictional)", "contact": "Key worker, 01632 960200", "nature": pick("substance-misuse", "probation", "mental-health")},
		},
		"victims":       victims,
		"immediateRisk": r.IntN(10) == 0,
	}
	if r.IntN(2) == 0 {
		children := []any{}
		for range 1 + r.IntN(3) {
			children = append(children, map[string]any{"dateOfBirth": day("2008-01-01", 5000), "livesWithSubject": r.IntN(2) == 0})
		}
		m["children"] = children
	}
	if form == "cobi" {
		m["riskAssessment"] = map[string]any{"instrument": "dash-27", "score": r.IntN(28), "completedOn": sentT.AddDate(0, 0, -r.IntN(10)).Format(time.DateOnly)}
	} else {
		m["riskAssessment"] = map[string]any{"instrument": "dash-24", "score": r.IntN(25), "completedOn": sentT.AddDate(0, 0, -r.IntN(10)).Format(time.DateOnly),
			"professionalJudgement": r.IntN(10) == 0, "incidentsLast6Months": r.IntN(6)}
	}
	// About one in twenty is invalid, in one of several ways.
	if r.IntN(20) == 0 {
		switch r.IntN(4) {
		case 0:
			m["dateSent"] = "2023-13-45"
		case 1:
			subject["gender"] = "unknown-value"
		case 2:
			m["victims"] = []any{}
		default:
			m["riskAssessment"].(map[string]any)["score"] = 99
		}
	}
	return m
}
