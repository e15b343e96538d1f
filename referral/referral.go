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
	ID               string          `json:"id,omitempty" validate:"required,max=100" class:"administrative" label:"the referral's reference" question:"Your reference for this referral" help:"A reference that identifies the referral in your own case system, such as KR-2024-0042."`
	Form             Form            `json:"form,omitempty" validate:"required,enum" class:"administrative" label:"which form was used" question:"Which form is this?" help:"COBI is for stalking; Healthy Relationships is for domestic abuse."`
	DateSent         Date            `json:"dateSent,omitzero" validate:"required" class:"administrative" label:"the date the referral was sent" question:"Date the referral is sent"`
	Referrer         Referrer        `json:"referrer" label:"the referrer" question:"About you, the referrer" help:"The police co-ordinator calls you about every referral."`
	Subject          Subject         `json:"subject" label:"the person referred" question:"The person referred"`
	BehaviourSummary Text            `json:"behaviourSummary,omitempty" validate:"required,max=10000" class:"criminal-offence" label:"the overview of the behaviours that led to the referral" question:"A brief overview of the behaviours that led to the referral" help:"Say what the person has done and their relationship to the victim or victims."`
	OtherAgencies    Agencies        `json:"otherAgencies,omitempty" validate:"max=50,dive" label:"other agencies" item:"agency" question:"Other agencies currently engaged with the person" help:"For example mental health, substance misuse support, probation or housing."`
	Victims          Victims         `json:"victims" validate:"min=1,max=50,dive" label:"victims" item:"victim" question:"Victims and survivors" help:"Add each victim or survivor the behaviour concerns."`
	Children         Children        `json:"children,omitempty" validate:"max=20,dive" label:"children" item:"child" question:"Children" help:"Add each child of the person referred or of a victim."`
	RiskToStaff      *RiskToStaff    `json:"riskToStaff,omitempty" label:"the risk to staff" question:"Risk to staff"`
	ImmediateRisk    *bool           `json:"immediateRisk,omitempty" class:"criminal-offence" label:"whether there is an immediate risk" question:"Is anyone at immediate risk?" help:"Answer yes if a victim, a child or anyone else may be harmed before the programme could start."`
	RiskAssessment   *RiskAssessment `json:"riskAssessment,omitempty" label:"the risk assessment" question:"Risk assessment" help:"A DASH or other risk assessment, if one was done."`
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
	Name         Name   `json:"name,omitempty" validate:"required,max=200" class:"personal-identifier" label:"the referrer's name" question:"Your name"`
	Organisation string `json:"organisation,omitempty" validate:"required,max=200" class:"administrative" label:"the referrer's organisation" question:"Your organisation"`
	Role         string `json:"role,omitempty" validate:"required,max=200" class:"administrative" label:"the referrer's role" question:"Your role"`
	Phone        Phone  `json:"phone,omitempty" validate:"max=50" class:"contact-detail" label:"the phone number" question:"Your contact telephone" help:"Give a phone number, an email address or both."`
	Email        Email  `json:"email,omitempty" validate:"omitempty,email,max=254" class:"contact-detail" label:"the email address" question:"Your contact email"`
}

// Subject is the person referred to the programme.
type Subject struct {
	Name        Name      `json:"name,omitempty" validate:"required,max=200" class:"personal-identifier" label:"the name of the person referred" question:"Name"`
	Address     Address   `json:"address,omitempty" validate:"max=2000" class:"contact-detail" label:"the address" question:"Address"`
	Phone       Phone     `json:"phone,omitempty" validate:"max=50" class:"contact-detail" label:"the phone number" question:"Contact telephone"`
	Email       Email     `json:"email,omitempty" validate:"omitempty,email,max=254" class:"contact-detail" label:"the email address" question:"Contact email"`
	DateOfBirth BirthDate `json:"dateOfBirth,omitzero" class:"personal-identifier" label:"the date of birth of the person referred" question:"Date of birth"`
	Gender      Gender    `json:"gender,omitempty" validate:"omitempty,enum" class:"special-category" label:"the gender of the person referred" question:"Gender"`
	// SubjectToSPO is asked on the COBI form only, where it must be answered.
	SubjectToSPO                 *bool          `json:"subjectToSPO,omitempty" class:"criminal-offence" label:"whether the person is subject to a Stalking Protection Order" question:"Are they subject to a Stalking Protection Order (SPO)?" forms:"cobi"`
	AcceptsResponsibility        Responsibility `json:"acceptsResponsibility,omitempty" validate:"omitempty,enum" class:"criminal-offence" label:"how far the person accepts responsibility" question:"Do they accept responsibility for their behaviour?" help:"Some responsibility can be as little as accepting the need to approach a relationship in a better way."`
	SubstanceMisuse              Manageability  `json:"substanceMisuse,omitempty" validate:"omitempty,enum" class:"special-category" label:"whether substance misuse is managed" question:"Is any substance misuse managed?" help:"Manageable means it can be managed with support."`
	MentalHealth                 Manageability  `json:"mentalHealth,omitempty" validate:"omitempty,enum" class:"special-category" label:"whether mental health is managed" question:"Are any mental health needs managed?" help:"Manageable means they can be managed with support."`
	ConsentsToInformationSharing *bool          `json:"consentsToInformationSharing,omitempty" class:"administrative" label:"whether the person consents to information sharing" question:"Do they consent to information being shared with the police, the provider and the victim service?"`
	CurrentOrder                 Order          `json:"currentOrder,omitempty" validate:"omitempty,enum" class:"criminal-offence" label:"the order the person is subject to" question:"Are they subject to a court order now?"`
	LikelyOrder                  Order          `json:"likelyOrder,omitempty" validate:"omitempty,enum" class:"criminal-offence" label:"the order the person is likely to be subject to" question:"Are they likely to be subject to a court order?"`
	NextCourtDate                Date           `json:"nextCourtDate,omitzero" class:"criminal-offence" label:"the date of the next court hearing" question:"Date of the next court hearing" showIf:"likelyOrder=custodial|community"`
}

// Agency is another agency currently engaged with the subject.
type Agency struct {
	Name    string  `json:"name,omitempty" validate:"required,max=200" class:"special-category" label:"the agency's name" question:"Agency"`
	Contact Contact `json:"contact,omitempty" validate:"max=2000" class:"contact-detail" label:"the contact details" question:"Contact details" help:"A name, a phone number or an email address at the agency."`
	Nature  Nature  `json:"nature,omitempty" validate:"omitempty,enum" class:"special-category" label:"what the agency does" question:"What the agency does for them"`
}

// Victim is one victim or survivor associated with the subject.
type Victim struct {
	Name                   Name         `json:"name,omitempty" validate:"required,max=200" class:"victim-detail" label:"the victim's name" question:"Name"`
	DateOfBirth            BirthDate    `json:"dateOfBirth,omitzero" class:"victim-detail" label:"the victim's date of birth" question:"Date of birth"`
	Address                Address      `json:"address,omitempty" validate:"max=2000" class:"victim-detail" label:"the address" question:"Address"`
	Gender                 Gender       `json:"gender,omitempty" validate:"omitempty,enum" class:"victim-detail" label:"the victim's gender" question:"Gender"`
	Relationship           Relationship `json:"relationship,omitempty" validate:"required,enum" class:"victim-detail" label:"the victim's relationship to the person referred" question:"Relationship to the person referred"`
	KnownToSupportService  *bool        `json:"knownToSupportService,omitempty" class:"victim-detail" label:"whether the victim is known to a support service" question:"Are they known to a domestic abuse or stalking support service?"`
	ReasonNotKnown         Text         `json:"reasonNotKnown,omitempty" validate:"max=2000" class:"victim-detail" label:"why the victim is not known to a support service" question:"Why are they not known to a support service?" showIf:"knownToSupportService=false"`
	AwareOfSupportServices *bool        `json:"awareOfSupportServices,omitempty" class:"victim-detail" label:"whether the victim was made aware of support services" question:"Have they been made aware of domestic abuse or stalking support services?"`
	ServicesProvided       Text         `json:"servicesProvided,omitempty" validate:"max=2000" class:"victim-detail" label:"the support services the victim was told about" question:"Which services were they told about?" showIf:"awareOfSupportServices=true"`
	ConsentsToContact      *bool        `json:"consentsToContact,omitempty" class:"victim-detail" label:"whether the victim consents to contact" question:"Do they consent to contact from a support service?"`
	WantsUpdates           *bool        `json:"wantsUpdates,omitempty" class:"victim-detail" label:"whether the victim wants updates" question:"Do they want updates about the programme?" showIf:"consentsToContact=true"`
	SupportServiceContact  Contact      `json:"supportServiceContact,omitempty" validate:"max=2000" class:"victim-detail" label:"the contact at the support service" question:"Contact at the support service"`
}

// Child is a child associated with the subject or a victim.
type Child struct {
	DateOfBirth      BirthDate `json:"dateOfBirth,omitzero" class:"victim-detail" label:"the child's date of birth" question:"Date of birth"`
	LivesWithSubject *bool     `json:"livesWithSubject,omitempty" class:"victim-detail" label:"whether the child lives with the person referred" question:"Does the child live with the person referred?"`
}

// RiskToStaff says whether the subject is a risk to staff, or there are
// other risks to know when delivering the intervention.
type RiskToStaff struct {
	Present *bool `json:"present,omitempty" class:"criminal-offence" label:"whether the person is a risk to staff" question:"Are they a risk to staff, or are there other risks to know when delivering the programme?"`
	Details Text  `json:"details,omitempty" validate:"max=2000" class:"criminal-offence" label:"the details" question:"Describe the risk" showIf:"present=true"`
}

// RiskAssessment is the result of a risk instrument such as the DASH.
type RiskAssessment struct {
	Instrument            Instrument `json:"instrument,omitempty" validate:"required,enum" class:"criminal-offence" label:"the risk assessment instrument" question:"Risk assessment used"`
	Score                 *int       `json:"score,omitempty" class:"criminal-offence" label:"the risk score" question:"Score"`
	CompletedOn           Date       `json:"completedOn,omitzero" class:"criminal-offence" label:"the date the risk assessment was completed" question:"Date it was completed"`
	ProfessionalJudgement *bool      `json:"professionalJudgement,omitempty" class:"criminal-offence" label:"whether a professional judges the risk high" question:"Does a professional judge the risk high, whatever the score?"`
	IncidentsLast6Months  *int       `json:"incidentsLast6Months,omitempty" validate:"omitnil,min=0,max=10000" class:"criminal-offence" label:"the number of incidents in the last 6 months" question:"Incidents in the last 6 months"`
}

// Yes returns a pointer to true, for building referrals in code.
func Yes() *bool { t := true; return &t }

// No returns a pointer to false, for building referrals in code.
func No() *bool { f := false; return &f }
