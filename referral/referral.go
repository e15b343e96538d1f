// Package referral holds the referral to a perpetrator programme: its types
// (wire format v1, described in docs/referral.md), strict decoding from JSON
// and YAML, validation, and the JSON Schema partner systems validate against.
//
// The referral's fields are described once, by the struct tags of these
// types: the JSON name, the validation rules, the class of data (which
// decides who may see it) and the label used in messages. Fields lists that
// description; the rule engine, the sharing policy, the JSON Schema and the
// scenario files' paths are all derived from it.
//
// Yes/no answers are *bool: nil means the question was not answered, which
// is not the same as "no". Enumerations are string types whose allowed
// values are listed once and used by validation, the JSON Schema and the
// rule checker. Personal details (names, addresses, phone numbers, emails,
// contacts, dates of birth and free text) have types that print as
// [redacted] through String, fmt verbs and slog; encoding a referral as JSON
// is unchanged.
package referral

// Referral is one referral form, COBI (stalking) or Healthy Relationships
// (domestic abuse), as partner systems send it.
type Referral struct {
	ID               string          `json:"id,omitempty" validate:"required,max=100" class:"administrative" label:"the referral's reference"`
	Form             Form            `json:"form,omitempty" validate:"required,enum" class:"administrative" label:"which form was used"`
	DateSent         Date            `json:"dateSent,omitzero" validate:"required" class:"administrative" label:"the date the referral was sent"`
	Referrer         Referrer        `json:"referrer" label:"the referrer"`
	Subject          Subject         `json:"subject" label:"the person referred"`
	BehaviourSummary Text            `json:"behaviourSummary,omitempty" validate:"required,max=10000" class:"criminal-offence" label:"the overview of the behaviours that led to the referral"`
	OtherAgencies    Agencies        `json:"otherAgencies,omitempty" validate:"max=50,dive" label:"other agencies"`
	Victims          Victims         `json:"victims" validate:"min=1,max=50,dive" label:"victims"`
	Children         Children        `json:"children,omitempty" validate:"max=20,dive" label:"children"`
	RiskToStaff      *RiskToStaff    `json:"riskToStaff,omitempty" label:"the risk to staff"`
	ImmediateRisk    *bool           `json:"immediateRisk,omitempty" class:"criminal-offence" label:"whether there is an immediate risk"`
	RiskAssessment   *RiskAssessment `json:"riskAssessment,omitempty" label:"the risk assessment"`
	// Withheld, on a view of a referral for one role (see package
	// safeguarding), lists the answers the view leaves out, by JSON path
	// with [] for list items: a required answer listed here is not
	// missing. A referral as sent has none.
	Withheld []string `json:"withheld,omitempty" validate:"max=200" class:"administrative" label:"the answers this view withholds"`
}

// Agencies are the other agencies engaged with the subject. The named
// type lets a list of them redact itself in logs.
type Agencies []Agency

// Victims are the victims or survivors associated with the subject.
type Victims []Victim

// Children are the children associated with the subject or a victim.
type Children []Child

// Referrer is the professional who sent the referral.
type Referrer struct {
	Name         Name   `json:"name,omitempty" validate:"required,max=200" class:"personal-identifier" label:"the referrer's name"`
	Organisation string `json:"organisation,omitempty" validate:"required,max=200" class:"administrative" label:"the referrer's organisation"`
	Role         string `json:"role,omitempty" validate:"required,max=200" class:"administrative" label:"the referrer's role"`
	Phone        Phone  `json:"phone,omitempty" validate:"max=50" class:"contact-detail" label:"the phone number"`
	Email        Email  `json:"email,omitempty" validate:"omitempty,email,max=254" class:"contact-detail" label:"the email address"`
}

// Subject is the person referred to the programme.
type Subject struct {
	Name        Name      `json:"name,omitempty" validate:"required,max=200" class:"personal-identifier" label:"the name of the person referred"`
	Address     Address   `json:"address,omitempty" validate:"max=2000" class:"contact-detail" label:"the address"`
	Phone       Phone     `json:"phone,omitempty" validate:"max=50" class:"contact-detail" label:"the phone number"`
	Email       Email     `json:"email,omitempty" validate:"omitempty,email,max=254" class:"contact-detail" label:"the email address"`
	DateOfBirth BirthDate `json:"dateOfBirth,omitzero" class:"personal-identifier" label:"the date of birth of the person referred"`
	Gender      Gender    `json:"gender,omitempty" validate:"omitempty,enum" class:"special-category" label:"the gender of the person referred"`
	// SubjectToSPO is asked on the COBI form only, where it must be answered.
	SubjectToSPO                 *bool          `json:"subjectToSPO,omitempty" class:"criminal-offence" label:"whether the person is subject to a Stalking Protection Order"`
	AcceptsResponsibility        Responsibility `json:"acceptsResponsibility,omitempty" validate:"omitempty,enum" class:"criminal-offence" label:"how far the person accepts responsibility"`
	SubstanceMisuse              Manageability  `json:"substanceMisuse,omitempty" validate:"omitempty,enum" class:"special-category" label:"whether substance misuse is managed"`
	MentalHealth                 Manageability  `json:"mentalHealth,omitempty" validate:"omitempty,enum" class:"special-category" label:"whether mental health is managed"`
	ConsentsToInformationSharing *bool          `json:"consentsToInformationSharing,omitempty" class:"administrative" label:"whether the person consents to information sharing"`
	CurrentOrder                 Order          `json:"currentOrder,omitempty" validate:"omitempty,enum" class:"criminal-offence" label:"the order the person is subject to"`
	LikelyOrder                  Order          `json:"likelyOrder,omitempty" validate:"omitempty,enum" class:"criminal-offence" label:"the order the person is likely to be subject to"`
	NextCourtDate                Date           `json:"nextCourtDate,omitzero" class:"criminal-offence" label:"the date of the next court hearing"`
}

// Agency is another agency currently engaged with the subject.
type Agency struct {
	Name    string  `json:"name,omitempty" validate:"required,max=200" class:"special-category" label:"the agency's name"`
	Contact Contact `json:"contact,omitempty" validate:"max=2000" class:"contact-detail" label:"the contact details"`
	Nature  Nature  `json:"nature,omitempty" validate:"omitempty,enum" class:"special-category" label:"what the agency does"`
}

// Victim is one victim or survivor associated with the subject.
type Victim struct {
	Name                   Name         `json:"name,omitempty" validate:"required,max=200" class:"victim-detail" label:"the victim's name"`
	DateOfBirth            BirthDate    `json:"dateOfBirth,omitzero" class:"victim-detail" label:"the victim's date of birth"`
	Address                Address      `json:"address,omitempty" validate:"max=2000" class:"victim-detail" label:"the address"`
	Gender                 Gender       `json:"gender,omitempty" validate:"omitempty,enum" class:"victim-detail" label:"the victim's gender"`
	Relationship           Relationship `json:"relationship,omitempty" validate:"required,enum" class:"victim-detail" label:"the victim's relationship to the person referred"`
	KnownToSupportService  *bool        `json:"knownToSupportService,omitempty" class:"victim-detail" label:"whether the victim is known to a support service"`
	ReasonNotKnown         Text         `json:"reasonNotKnown,omitempty" validate:"max=2000" class:"victim-detail" label:"why the victim is not known to a support service"`
	AwareOfSupportServices *bool        `json:"awareOfSupportServices,omitempty" class:"victim-detail" label:"whether the victim was made aware of support services"`
	ServicesProvided       Text         `json:"servicesProvided,omitempty" validate:"max=2000" class:"victim-detail" label:"the support services the victim was told about"`
	ConsentsToContact      *bool        `json:"consentsToContact,omitempty" class:"victim-detail" label:"whether the victim consents to contact"`
	WantsUpdates           *bool        `json:"wantsUpdates,omitempty" class:"victim-detail" label:"whether the victim wants updates"`
	SupportServiceContact  Contact      `json:"supportServiceContact,omitempty" validate:"max=2000" class:"victim-detail" label:"the contact at the support service"`
}

// Child is a child associated with the subject or a victim.
type Child struct {
	DateOfBirth      BirthDate `json:"dateOfBirth,omitzero" class:"victim-detail" label:"the child's date of birth"`
	LivesWithSubject *bool     `json:"livesWithSubject,omitempty" class:"victim-detail" label:"whether the child lives with the person referred"`
}

// RiskToStaff says whether the subject is a risk to staff, or there are
// other risks to know when delivering the intervention.
type RiskToStaff struct {
	Present *bool `json:"present,omitempty" class:"criminal-offence" label:"whether the person is a risk to staff"`
	Details Text  `json:"details,omitempty" validate:"max=2000" class:"criminal-offence" label:"the details"`
}

// RiskAssessment is the result of a risk instrument such as the DASH.
type RiskAssessment struct {
	Instrument            Instrument `json:"instrument,omitempty" validate:"required,enum" class:"criminal-offence" label:"the risk assessment instrument"`
	Score                 *int       `json:"score,omitempty" class:"criminal-offence" label:"the risk score"`
	CompletedOn           Date       `json:"completedOn,omitzero" class:"criminal-offence" label:"the date the risk assessment was completed"`
	ProfessionalJudgement *bool      `json:"professionalJudgement,omitempty" class:"criminal-offence" label:"whether a professional judges the risk high"`
	IncidentsLast6Months  *int       `json:"incidentsLast6Months,omitempty" validate:"omitnil,min=0,max=10000" class:"criminal-offence" label:"the number of incidents in the last 6 months"`
}

// Yes returns a pointer to true, for building referrals in code.
func Yes() *bool { t := true; return &t }

// No returns a pointer to false, for building referrals in code.
func No() *bool { f := false; return &f }
