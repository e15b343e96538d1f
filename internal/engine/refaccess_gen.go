// Code generated from the referral's description by TestReferralAccessIsGenerated; DO NOT EDIT.

package engine

import "github.com/saferpath/pathway/referral"

// referralAccess reads each field of the referral, by JSON path: get from
// the field's parent (a *referral.Referral, or a pointer to the group or
// list item holding it), and, for a field reached from the root through
// groups that are always there, direct from the Env (and, for text, yes/no
// and date answers, as Go values from the root, for the commonest shapes
// of condition; and, for text and yes/no answers, as deciders testing the
// answer, with the read written into the test so that a rule of those
// shapes is one call). It is generated from the referral's description;
// refschema.go puts it together with that description.
var referralAccess = map[string]access{
	"id": {
		get:    func(p any) Value { return Text(p.(*referral.Referral).ID) },
		direct: func(e *Env) Value { return Text(e.Root.(*referral.Referral).ID) },
		text:   func(r any) string { return string(r.(*referral.Referral).ID) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).ID)) }
		},
	},
	"form": {
		get:    func(p any) Value { return Text(string(p.(*referral.Referral).Form)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Form)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Form) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Form)) }
		},
	},
	"dateSent": {
		get:    func(p any) Value { return DateValue(p.(*referral.Referral).DateSent) },
		direct: func(e *Env) Value { return DateValue(e.Root.(*referral.Referral).DateSent) },
		date:   func(r any) referral.Date { return r.(*referral.Referral).DateSent },
	},
	"referrer": {
		get:    func(p any) Value { return Object(&p.(*referral.Referral).Referrer, true) },
		direct: func(e *Env) Value { return Object(&e.Root.(*referral.Referral).Referrer, true) },
	},
	"referrer.name": {
		get:    func(p any) Value { return Text(string(p.(*referral.Referrer).Name)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Referrer.Name)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Referrer.Name) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Referrer.Name)) }
		},
	},
	"referrer.organisation": {
		get:    func(p any) Value { return Text(p.(*referral.Referrer).Organisation) },
		direct: func(e *Env) Value { return Text(e.Root.(*referral.Referral).Referrer.Organisation) },
		text:   func(r any) string { return string(r.(*referral.Referral).Referrer.Organisation) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome {
				return t.decide(string(r.(*referral.Referral).Referrer.Organisation))
			}
		},
	},
	"referrer.role": {
		get:    func(p any) Value { return Text(p.(*referral.Referrer).Role) },
		direct: func(e *Env) Value { return Text(e.Root.(*referral.Referral).Referrer.Role) },
		text:   func(r any) string { return string(r.(*referral.Referral).Referrer.Role) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Referrer.Role)) }
		},
	},
	"referrer.phone": {
		get:    func(p any) Value { return Text(string(p.(*referral.Referrer).Phone)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Referrer.Phone)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Referrer.Phone) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Referrer.Phone)) }
		},
	},
	"referrer.email": {
		get:    func(p any) Value { return Text(string(p.(*referral.Referrer).Email)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Referrer.Email)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Referrer.Email) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Referrer.Email)) }
		},
	},
	"subject": {
		get:    func(p any) Value { return Object(&p.(*referral.Referral).Subject, true) },
		direct: func(e *Env) Value { return Object(&e.Root.(*referral.Referral).Subject, true) },
	},
	"subject.name": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).Name)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.Name)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.Name) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Subject.Name)) }
		},
	},
	"subject.address": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).Address)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.Address)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.Address) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Subject.Address)) }
		},
	},
	"subject.phone": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).Phone)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.Phone)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.Phone) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Subject.Phone)) }
		},
	},
	"subject.email": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).Email)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.Email)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.Email) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Subject.Email)) }
		},
	},
	"subject.dateOfBirth": {
		get:    func(p any) Value { return DateValue(p.(*referral.Subject).DateOfBirth.Date) },
		direct: func(e *Env) Value { return DateValue(e.Root.(*referral.Referral).Subject.DateOfBirth.Date) },
		date:   func(r any) referral.Date { return r.(*referral.Referral).Subject.DateOfBirth.Date },
	},
	"subject.gender": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).Gender)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.Gender)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.Gender) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).Subject.Gender)) }
		},
	},
	"subject.subjectToSPO": {
		get:    func(p any) Value { return YesNo(p.(*referral.Subject).SubjectToSPO) },
		direct: func(e *Env) Value { return YesNo(e.Root.(*referral.Referral).Subject.SubjectToSPO) },
		yesNo:  func(r any) *bool { return r.(*referral.Referral).Subject.SubjectToSPO },
		yesNoIs: func(t *yesNoTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(r.(*referral.Referral).Subject.SubjectToSPO) }
		},
	},
	"subject.acceptsResponsibility": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).AcceptsResponsibility)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.AcceptsResponsibility)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.AcceptsResponsibility) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome {
				return t.decide(string(r.(*referral.Referral).Subject.AcceptsResponsibility))
			}
		},
	},
	"subject.substanceMisuse": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).SubstanceMisuse)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.SubstanceMisuse)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.SubstanceMisuse) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome {
				return t.decide(string(r.(*referral.Referral).Subject.SubstanceMisuse))
			}
		},
	},
	"subject.mentalHealth": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).MentalHealth)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.MentalHealth)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.MentalHealth) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome {
				return t.decide(string(r.(*referral.Referral).Subject.MentalHealth))
			}
		},
	},
	"subject.consentsToInformationSharing": {
		get:    func(p any) Value { return YesNo(p.(*referral.Subject).ConsentsToInformationSharing) },
		direct: func(e *Env) Value { return YesNo(e.Root.(*referral.Referral).Subject.ConsentsToInformationSharing) },
		yesNo:  func(r any) *bool { return r.(*referral.Referral).Subject.ConsentsToInformationSharing },
		yesNoIs: func(t *yesNoTest) decideFn {
			return func(r any, _ referral.Date) Outcome {
				return t.decide(r.(*referral.Referral).Subject.ConsentsToInformationSharing)
			}
		},
	},
	"subject.currentOrder": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).CurrentOrder)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.CurrentOrder)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.CurrentOrder) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome {
				return t.decide(string(r.(*referral.Referral).Subject.CurrentOrder))
			}
		},
	},
	"subject.likelyOrder": {
		get:    func(p any) Value { return Text(string(p.(*referral.Subject).LikelyOrder)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).Subject.LikelyOrder)) },
		text:   func(r any) string { return string(r.(*referral.Referral).Subject.LikelyOrder) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome {
				return t.decide(string(r.(*referral.Referral).Subject.LikelyOrder))
			}
		},
	},
	"subject.nextCourtDate": {
		get:    func(p any) Value { return DateValue(p.(*referral.Subject).NextCourtDate) },
		direct: func(e *Env) Value { return DateValue(e.Root.(*referral.Referral).Subject.NextCourtDate) },
		date:   func(r any) referral.Date { return r.(*referral.Referral).Subject.NextCourtDate },
	},
	"behaviourSummary": {
		get:    func(p any) Value { return Text(string(p.(*referral.Referral).BehaviourSummary)) },
		direct: func(e *Env) Value { return Text(string(e.Root.(*referral.Referral).BehaviourSummary)) },
		text:   func(r any) string { return string(r.(*referral.Referral).BehaviourSummary) },
		textIs: func(t *textTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(string(r.(*referral.Referral).BehaviourSummary)) }
		},
	},
	"otherAgencies": {
		get:    func(p any) Value { return List(&p.(*referral.Referral).OtherAgencies) },
		direct: func(e *Env) Value { return List(&e.Root.(*referral.Referral).OtherAgencies) },
		len:    func(l any) int { return len(*l.(*referral.Agencies)) },
		item:   func(l any, i int) any { return &(*l.(*referral.Agencies))[i] },
	},
	"otherAgencies[].name": {
		get: func(p any) Value { return Text(p.(*referral.Agency).Name) },
	},
	"otherAgencies[].contact": {
		get: func(p any) Value { return Text(string(p.(*referral.Agency).Contact)) },
	},
	"otherAgencies[].nature": {
		get: func(p any) Value { return Text(string(p.(*referral.Agency).Nature)) },
	},
	"victims": {
		get:    func(p any) Value { return List(&p.(*referral.Referral).Victims) },
		direct: func(e *Env) Value { return List(&e.Root.(*referral.Referral).Victims) },
		len:    func(l any) int { return len(*l.(*referral.Victims)) },
		item:   func(l any, i int) any { return &(*l.(*referral.Victims))[i] },
	},
	"victims[].name": {
		get: func(p any) Value { return Text(string(p.(*referral.Victim).Name)) },
	},
	"victims[].dateOfBirth": {
		get: func(p any) Value { return DateValue(p.(*referral.Victim).DateOfBirth.Date) },
	},
	"victims[].address": {
		get: func(p any) Value { return Text(string(p.(*referral.Victim).Address)) },
	},
	"victims[].gender": {
		get: func(p any) Value { return Text(string(p.(*referral.Victim).Gender)) },
	},
	"victims[].relationship": {
		get: func(p any) Value { return Text(string(p.(*referral.Victim).Relationship)) },
	},
	"victims[].knownToSupportService": {
		get: func(p any) Value { return YesNo(p.(*referral.Victim).KnownToSupportService) },
	},
	"victims[].reasonNotKnown": {
		get: func(p any) Value { return Text(string(p.(*referral.Victim).ReasonNotKnown)) },
	},
	"victims[].awareOfSupportServices": {
		get: func(p any) Value { return YesNo(p.(*referral.Victim).AwareOfSupportServices) },
	},
	"victims[].servicesProvided": {
		get: func(p any) Value { return Text(string(p.(*referral.Victim).ServicesProvided)) },
	},
	"victims[].consentsToContact": {
		get: func(p any) Value { return YesNo(p.(*referral.Victim).ConsentsToContact) },
	},
	"victims[].wantsUpdates": {
		get: func(p any) Value { return YesNo(p.(*referral.Victim).WantsUpdates) },
	},
	"victims[].supportServiceContact": {
		get: func(p any) Value { return Text(string(p.(*referral.Victim).SupportServiceContact)) },
	},
	"children": {
		get:    func(p any) Value { return List(&p.(*referral.Referral).Children) },
		direct: func(e *Env) Value { return List(&e.Root.(*referral.Referral).Children) },
		len:    func(l any) int { return len(*l.(*referral.Children)) },
		item:   func(l any, i int) any { return &(*l.(*referral.Children))[i] },
	},
	"children[].dateOfBirth": {
		get: func(p any) Value { return DateValue(p.(*referral.Child).DateOfBirth.Date) },
	},
	"children[].livesWithSubject": {
		get: func(p any) Value { return YesNo(p.(*referral.Child).LivesWithSubject) },
	},
	"riskToStaff": {
		get:    func(p any) Value { v := p.(*referral.Referral).RiskToStaff; return Object(v, v != nil) },
		direct: func(e *Env) Value { v := e.Root.(*referral.Referral).RiskToStaff; return Object(v, v != nil) },
	},
	"riskToStaff.present": {
		get: func(p any) Value { return YesNo(p.(*referral.RiskToStaff).Present) },
	},
	"riskToStaff.details": {
		get: func(p any) Value { return Text(string(p.(*referral.RiskToStaff).Details)) },
	},
	"immediateRisk": {
		get:    func(p any) Value { return YesNo(p.(*referral.Referral).ImmediateRisk) },
		direct: func(e *Env) Value { return YesNo(e.Root.(*referral.Referral).ImmediateRisk) },
		yesNo:  func(r any) *bool { return r.(*referral.Referral).ImmediateRisk },
		yesNoIs: func(t *yesNoTest) decideFn {
			return func(r any, _ referral.Date) Outcome { return t.decide(r.(*referral.Referral).ImmediateRisk) }
		},
	},
	"riskAssessment": {
		get:    func(p any) Value { v := p.(*referral.Referral).RiskAssessment; return Object(v, v != nil) },
		direct: func(e *Env) Value { v := e.Root.(*referral.Referral).RiskAssessment; return Object(v, v != nil) },
	},
	"riskAssessment.instrument": {
		get: func(p any) Value { return Text(string(p.(*referral.RiskAssessment).Instrument)) },
	},
	"riskAssessment.score": {
		get: func(p any) Value { return IntPtr(p.(*referral.RiskAssessment).Score) },
	},
	"riskAssessment.completedOn": {
		get: func(p any) Value { return DateValue(p.(*referral.RiskAssessment).CompletedOn) },
	},
	"riskAssessment.professionalJudgement": {
		get: func(p any) Value { return YesNo(p.(*referral.RiskAssessment).ProfessionalJudgement) },
	},
	"riskAssessment.incidentsLast6Months": {
		get: func(p any) Value { return IntPtr(p.(*referral.RiskAssessment).IncidentsLast6Months) },
	},
}
