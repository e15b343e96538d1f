package batch_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"time"
)

// naiveReferral is what a developer writing the floor by hand would decode
// each line into: the referral's fields, with encoding/json and no checks.
type naiveReferral struct {
	ID       string `json:"id"`
	Form     string `json:"form"`
	DateSent string `json:"dateSent"`
	Referrer struct {
		Name, Organisation, Role, Phone, Email string
	} `json:"referrer"`
	Subject struct {
		Name                         string `json:"name"`
		Address                      string `json:"address"`
		Phone                        string `json:"phone"`
		Email                        string `json:"email"`
		DateOfBirth                  string `json:"dateOfBirth"`
		Gender                       string `json:"gender"`
		SubjectToSPO                 *bool  `json:"subjectToSPO"`
		AcceptsResponsibility        string `json:"acceptsResponsibility"`
		SubstanceMisuse              string `json:"substanceMisuse"`
		MentalHealth                 string `json:"mentalHealth"`
		ConsentsToInformationSharing *bool  `json:"consentsToInformationSharing"`
		CurrentOrder                 string `json:"currentOrder"`
		LikelyOrder                  string `json:"likelyOrder"`
		NextCourtDate                string `json:"nextCourtDate"`
	} `json:"subject"`
	BehaviourSummary string `json:"behaviourSummary"`
	OtherAgencies    []struct {
		Name, Contact, Nature string
	} `json:"otherAgencies"`
	Victims []struct {
		Name                   string `json:"name"`
		DateOfBirth            string `json:"dateOfBirth"`
		Address                string `json:"address"`
		Gender                 string `json:"gender"`
		Relationship           string `json:"relationship"`
		KnownToSupportService  *bool  `json:"knownToSupportService"`
		ReasonNotKnown         string `json:"reasonNotKnown"`
		AwareOfSupportServices *bool  `json:"awareOfSupportServices"`
		ServicesProvided       string `json:"servicesProvided"`
		ConsentsToContact      *bool  `json:"consentsToContact"`
		WantsUpdates           *bool  `json:"wantsUpdates"`
		SupportServiceContact  string `json:"supportServiceContact"`
	} `json:"victims"`
	Children []struct {
		DateOfBirth      string `json:"dateOfBirth"`
		LivesWithSubject *bool  `json:"livesWithSubject"`
	} `json:"children"`
	ImmediateRisk  *bool `json:"immediateRisk"`
	RiskAssessment struct {
		Instrument            string `json:"instrument"`
		Score                 int    `json:"score"`
		CompletedOn           string `json:"completedOn"`
		ProfessionalJudgement *bool  `json:"professionalJudgement"`
		IncidentsLast6Months  *int   `json:"incidentsLast6Months"`
	} `json:"riskAssessment"`
}

type naiveResult struct {
	Referral string `json:"referral"`
	Decision string `json:"decision"`
	Failed   []string
}

var naiveRuleIDs = [6]string{"accepts-responsibility", "substance-misuse-manageable", "mental-health-manageable",
	"consents-to-information-sharing", "no-current-order", "no-order-likely-soon"}

// floor is the naive hand-written program the pipeline is measured
// against: it reads JSON Lines, decodes each line with encoding/json,
// applies kent's six eligibility rules by hand and writes a small JSON
// line per referral, on one goroutine.
func floor(in io.Reader, out io.Writer) (int, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	bw := bufio.NewWriter(out)
	n := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		n++
		var r naiveReferral
		res := naiveResult{Decision: "invalid"}
		if err := json.Unmarshal(line, &r); err == nil {
			res.Referral = r.ID
			sent, err1 := time.Parse(time.DateOnly, r.DateSent)
			s := &r.Subject
			var court time.Time
			var err2 error
			if s.NextCourtDate != "" {
				court, err2 = time.Parse(time.DateOnly, s.NextCourtDate)
			}
			if err1 == nil && err2 == nil {
				pass := [6]bool{
					s.AcceptsResponsibility == "some" || s.AcceptsResponsibility == "full",
					s.SubstanceMisuse != "unmanaged" && s.SubstanceMisuse != "",
					s.MentalHealth != "unmanaged" && s.MentalHealth != "",
					s.ConsentsToInformationSharing != nil && *s.ConsentsToInformationSharing,
					s.CurrentOrder != "custodial" && s.CurrentOrder != "community",
					!((s.LikelyOrder == "custodial" || s.LikelyOrder == "community") && !court.IsZero() && court.Sub(sent) <= 84*24*time.Hour),
				}
				res.Decision = "eligible"
				for i, p := range pass {
					if !p {
						res.Decision = "ineligible"
						res.Failed = append(res.Failed, naiveRuleIDs[i])
					}
				}
			}
		}
		data, err := json.Marshal(res)
		if err != nil {
			return n, err
		}
		bw.Write(append(data, '\n'))
	}
	if err := sc.Err(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}
