package engine

import (
	"sync"

	"github.com/saferpath/pathway/referral"
)

func ref(p any) *referral.Referral { return p.(*Env).Root.(*referral.Referral) }

// enumField is a text field whose values come from referral.Enums.
func enumField(name, enum string, get func(any) Value) *Field {
	return &Field{Name: name, Kind: KindText, Enum: enum, Values: referral.Enums[enum], Get: get}
}

func textField(name string, personal bool, get func(any) Value) *Field {
	return &Field{Name: name, Kind: KindText, Personal: personal, Get: get}
}

func boolField(name string, get func(any) Value) *Field {
	return &Field{Name: name, Kind: KindBool, Get: get}
}

func dateField(name string, personal bool, get func(any) Value) *Field {
	return &Field{Name: name, Kind: KindDate, Personal: personal, Get: get}
}

// TodayField is the evaluation date, `today` in expressions.
func TodayField() *Field {
	return dateField("today", false, func(p any) Value { return DateValue(p.(*Env).Today) })
}

// referralFields are the referral's fields, read from a *referral.Referral
// obtained from the parent by root.
func referralFields(root func(any) *referral.Referral) []*Field {
	subj := func(p any) *referral.Subject { return &root(p).Subject }
	return []*Field{
		textField("id", false, func(p any) Value { return Text(root(p).ID) }),
		enumField("form", "form", func(p any) Value { return Text(string(root(p).Form)) }),
		dateField("dateSent", false, func(p any) Value { return DateValue(root(p).DateSent) }),
		{Name: "referrer", Kind: KindObject, Get: func(p any) Value { return Object(&root(p).Referrer, true) }, Fields: []*Field{
			textField("name", true, func(p any) Value { return Text(string(p.(*referral.Referrer).Name)) }),
			textField("organisation", false, func(p any) Value { return Text(p.(*referral.Referrer).Organisation) }),
			textField("role", false, func(p any) Value { return Text(p.(*referral.Referrer).Role) }),
			textField("phone", true, func(p any) Value { return Text(string(p.(*referral.Referrer).Phone)) }),
			textField("email", true, func(p any) Value { return Text(string(p.(*referral.Referrer).Email)) }),
		}},
		{Name: "subject", Kind: KindObject, Get: func(p any) Value { return Object(subj(p), true) }, Fields: []*Field{
			textField("name", true, func(p any) Value { return Text(string(p.(*referral.Subject).Name)) }),
			textField("address", true, func(p any) Value { return Text(string(p.(*referral.Subject).Address)) }),
			textField("phone", true, func(p any) Value { return Text(string(p.(*referral.Subject).Phone)) }),
			textField("email", true, func(p any) Value { return Text(string(p.(*referral.Subject).Email)) }),
			dateField("dateOfBirth", true, func(p any) Value { return DateValue(p.(*referral.Subject).DateOfBirth.Date) }),
			enumField("gender", "gender", func(p any) Value { return Text(string(p.(*referral.Subject).Gender)) }),
			boolField("subjectToSPO", func(p any) Value { return YesNo(p.(*referral.Subject).SubjectToSPO) }),
			enumField("acceptsResponsibility", "responsibility", func(p any) Value {
				return Text(string(p.(*referral.Subject).AcceptsResponsibility))
			}),
			enumField("substanceMisuse", "manageability", func(p any) Value { return Text(string(p.(*referral.Subject).SubstanceMisuse)) }),
			enumField("mentalHealth", "manageability", func(p any) Value { return Text(string(p.(*referral.Subject).MentalHealth)) }),
			boolField("consentsToInformationSharing", func(p any) Value {
				return YesNo(p.(*referral.Subject).ConsentsToInformationSharing)
			}),
			enumField("currentOrder", "order", func(p any) Value { return Text(string(p.(*referral.Subject).CurrentOrder)) }),
			enumField("likelyOrder", "order", func(p any) Value { return Text(string(p.(*referral.Subject).LikelyOrder)) }),
			dateField("nextCourtDate", false, func(p any) Value { return DateValue(p.(*referral.Subject).NextCourtDate) }),
		}},
		textField("behaviourSummary", true, func(p any) Value { return Text(string(root(p).BehaviourSummary)) }),
		{Name: "otherAgencies", Kind: KindList, Get: func(p any) Value { return List(&root(p).OtherAgencies) },
			Len:    func(l any) int { return len(*l.(*[]referral.Agency)) },
			Item:   func(l any, i int) any { return &(*l.(*[]referral.Agency))[i] },
			Fields: agencyFields()},
		{Name: "victims", Kind: KindList, Get: func(p any) Value { return List(&root(p).Victims) },
			Len:    func(l any) int { return len(*l.(*[]referral.Victim)) },
			Item:   func(l any, i int) any { return &(*l.(*[]referral.Victim))[i] },
			Fields: victimFields()},
		{Name: "children", Kind: KindList, Get: func(p any) Value { return List(&root(p).Children) },
			Len:    func(l any) int { return len(*l.(*[]referral.Child)) },
			Item:   func(l any, i int) any { return &(*l.(*[]referral.Child))[i] },
			Fields: childFields()},
		{Name: "riskToStaff", Kind: KindObject, Get: func(p any) Value {
			r := root(p).RiskToStaff
			return Object(r, r != nil)
		}, Fields: []*Field{
			boolField("present", func(p any) Value { return YesNo(p.(*referral.RiskToStaff).Present) }),
			textField("details", true, func(p any) Value { return Text(string(p.(*referral.RiskToStaff).Details)) }),
		}},
		boolField("immediateRisk", func(p any) Value { return YesNo(root(p).ImmediateRisk) }),
		{Name: "riskAssessment", Kind: KindObject, Get: func(p any) Value {
			r := root(p).RiskAssessment
			return Object(r, r != nil)
		}, Fields: []*Field{
			enumField("instrument", "instrument", func(p any) Value { return Text(string(p.(*referral.RiskAssessment).Instrument)) }),
			{Name: "score", Kind: KindInt, Get: func(p any) Value { return IntPtr(p.(*referral.RiskAssessment).Score) }},
			dateField("completedOn", false, func(p any) Value { return DateValue(p.(*referral.RiskAssessment).CompletedOn) }),
			boolField("professionalJudgement", func(p any) Value { return YesNo(p.(*referral.RiskAssessment).ProfessionalJudgement) }),
			{Name: "incidentsLast6Months", Kind: KindInt, Get: func(p any) Value {
				return IntPtr(p.(*referral.RiskAssessment).IncidentsLast6Months)
			}},
		}},
	}
}

func agencyFields() []*Field {
	return []*Field{
		textField("name", false, func(p any) Value { return Text(p.(*referral.Agency).Name) }),
		textField("contact", true, func(p any) Value { return Text(string(p.(*referral.Agency).Contact)) }),
		enumField("nature", "nature", func(p any) Value { return Text(string(p.(*referral.Agency).Nature)) }),
	}
}

func victimFields() []*Field {
	v := func(p any) *referral.Victim { return p.(*referral.Victim) }
	return []*Field{
		textField("name", true, func(p any) Value { return Text(string(v(p).Name)) }),
		dateField("dateOfBirth", true, func(p any) Value { return DateValue(v(p).DateOfBirth.Date) }),
		textField("address", true, func(p any) Value { return Text(string(v(p).Address)) }),
		enumField("gender", "gender", func(p any) Value { return Text(string(v(p).Gender)) }),
		enumField("relationship", "relationship", func(p any) Value { return Text(string(v(p).Relationship)) }),
		boolField("knownToSupportService", func(p any) Value { return YesNo(v(p).KnownToSupportService) }),
		textField("reasonNotKnown", true, func(p any) Value { return Text(string(v(p).ReasonNotKnown)) }),
		boolField("awareOfSupportServices", func(p any) Value { return YesNo(v(p).AwareOfSupportServices) }),
		textField("servicesProvided", true, func(p any) Value { return Text(string(v(p).ServicesProvided)) }),
		boolField("consentsToContact", func(p any) Value { return YesNo(v(p).ConsentsToContact) }),
		boolField("wantsUpdates", func(p any) Value { return YesNo(v(p).WantsUpdates) }),
		textField("supportServiceContact", true, func(p any) Value { return Text(string(v(p).SupportServiceContact)) }),
	}
}

func childFields() []*Field {
	return []*Field{
		dateField("dateOfBirth", true, func(p any) Value { return DateValue(p.(*referral.Child).DateOfBirth.Date) }),
		boolField("livesWithSubject", func(p any) Value { return YesNo(p.(*referral.Child).LivesWithSubject) }),
	}
}

// ReferralSchema is what referral rules (eligibility criteria and
// exclusions, programme conditions, referral-level safeguarding triggers)
// read: every referral field by its JSON name, and `today`. The Env's Root
// must be a *referral.Referral.
func ReferralSchema() *Schema { return referralSchema() }

var referralSchema = sync.OnceValue(func() *Schema {
	return WithRoot[referral.Referral](NewSchema(append(referralFields(ref), TodayField())...))
})

// VictimSchema is ReferralSchema plus `victim`, the current victim, for
// victim-scoped triggers. The Env's Scope must be a *referral.Victim.
func VictimSchema() *Schema { return victimSchema() }

var victimSchema = sync.OnceValue(func() *Schema {
	victim := &Field{Name: "victim", Kind: KindObject, Alias: "victims[]", Fields: victimFields(),
		Get: func(p any) Value { return Object(p.(*Env).Scope, p.(*Env).Scope != nil) }}
	return WithRoot[referral.Referral](NewSchema(append(referralFields(ref), TodayField(), victim)...))
})

// ChildSchema is ReferralSchema plus `child`, the current child, for
// child-scoped triggers. The Env's Scope must be a *referral.Child.
func ChildSchema() *Schema { return childSchema() }

var childSchema = sync.OnceValue(func() *Schema {
	child := &Field{Name: "child", Kind: KindObject, Alias: "children[]", Fields: childFields(),
		Get: func(p any) Value { return Object(p.(*Env).Scope, p.(*Env).Scope != nil) }}
	return WithRoot[referral.Referral](NewSchema(append(referralFields(ref), TodayField(), child)...))
})
