// Package referral holds the referral to a perpetrator programme: its types
// (wire format v1), strict decoding from JSON and YAML, validation, and the
// JSON Schema partner systems validate against.
//
// Yes/no answers are *bool: nil means the question was not answered, which
// is not the same as "no". Enumerations are string types whose allowed
// values are listed once, in Enums, and used by validation, the JSON Schema
// and the rule checker. Personal details (names, addresses, phone numbers,
// emails, dates of birth) have types that print as [redacted] through
// String, fmt verbs and slog; encoding a referral as JSON is unchanged.
package referral

// Referral is one referral form, COBI (stalking) or Healthy Relationships
// (domestic abuse), as partner systems send it.
type Referral struct {
	ID               string          `json:"id" yaml:"id" expr:"id" validate:"required,max=100"`
	Form             Form            `json:"form" yaml:"form" expr:"form" validate:"required,enum"`
	DateSent         Date            `json:"dateSent" yaml:"dateSent" expr:"dateSent" validate:"required"`
	Referrer         Referrer        `json:"referrer" yaml:"referrer" expr:"referrer"`
	Subject          Subject         `json:"subject" yaml:"subject" expr:"subject"`
	BehaviourSummary Text            `json:"behaviourSummary" yaml:"behaviourSummary" expr:"behaviourSummary" validate:"required,max=10000"`
	OtherAgencies    []Agency        `json:"otherAgencies,omitempty" yaml:"otherAgencies,omitempty" expr:"otherAgencies" validate:"max=50,dive"`
	Victims          []Victim        `json:"victims" yaml:"victims" expr:"victims" validate:"min=1,max=50,dive"`
	Children         []Child         `json:"children,omitempty" yaml:"children,omitempty" expr:"children" validate:"max=50,dive"`
	RiskToStaff      *RiskToStaff    `json:"riskToStaff,omitempty" yaml:"riskToStaff,omitempty" expr:"riskToStaff"`
	ImmediateRisk    *bool           `json:"immediateRisk,omitempty" yaml:"immediateRisk,omitempty" expr:"immediateRisk"`
	RiskAssessment   *RiskAssessment `json:"riskAssessment,omitempty" yaml:"riskAssessment,omitempty" expr:"riskAssessment"`
}

// Referrer is the professional who sent the referral.
type Referrer struct {
	Name         Name   `json:"name" yaml:"name" expr:"name" validate:"required,max=200"`
	Organisation string `json:"organisation" yaml:"organisation" expr:"organisation" validate:"required,max=200"`
	Role         string `json:"role" yaml:"role" expr:"role" validate:"required,max=200"`
	Phone        Phone  `json:"phone,omitempty" yaml:"phone,omitempty" expr:"phone" validate:"max=50"`
	Email        Email  `json:"email,omitempty" yaml:"email,omitempty" expr:"email" validate:"omitempty,email,max=254"`
}

// Subject is the person referred to the programme.
type Subject struct {
	Name        Name      `json:"name" yaml:"name" expr:"name" validate:"required,max=200"`
	Address     Address   `json:"address,omitempty" yaml:"address,omitempty" expr:"address" validate:"max=2000"`
	Phone       Phone     `json:"phone,omitempty" yaml:"phone,omitempty" expr:"phone" validate:"max=50"`
	Email       Email     `json:"email,omitempty" yaml:"email,omitempty" expr:"email" validate:"omitempty,email,max=254"`
	DateOfBirth BirthDate `json:"dateOfBirth,omitzero" yaml:"dateOfBirth,omitempty" expr:"dateOfBirth"`
	Gender      Gender    `json:"gender,omitempty" yaml:"gender,omitempty" expr:"gender" validate:"omitempty,enum"`
	// SubjectToSPO is asked on the COBI form only, where it must be answered.
	SubjectToSPO                 *bool          `json:"subjectToSPO,omitempty" yaml:"subjectToSPO,omitempty" expr:"subjectToSPO"`
	AcceptsResponsibility        Responsibility `json:"acceptsResponsibility,omitempty" yaml:"acceptsResponsibility,omitempty" expr:"acceptsResponsibility" validate:"omitempty,enum"`
	SubstanceMisuse              Manageability  `json:"substanceMisuse,omitempty" yaml:"substanceMisuse,omitempty" expr:"substanceMisuse" validate:"omitempty,enum"`
	MentalHealth                 Manageability  `json:"mentalHealth,omitempty" yaml:"mentalHealth,omitempty" expr:"mentalHealth" validate:"omitempty,enum"`
	ConsentsToInformationSharing *bool          `json:"consentsToInformationSharing,omitempty" yaml:"consentsToInformationSharing,omitempty" expr:"consentsToInformationSharing"`
	CurrentOrder                 Order          `json:"currentOrder,omitempty" yaml:"currentOrder,omitempty" expr:"currentOrder" validate:"omitempty,enum"`
	LikelyOrder                  Order          `json:"likelyOrder,omitempty" yaml:"likelyOrder,omitempty" expr:"likelyOrder" validate:"omitempty,enum"`
	NextCourtDate                Date           `json:"nextCourtDate,omitzero" yaml:"nextCourtDate,omitempty" expr:"nextCourtDate"`
}

// Agency is another agency currently engaged with the subject.
type Agency struct {
	Name    string `json:"name" yaml:"name" expr:"name" validate:"required,max=200"`
	Contact Text   `json:"contact,omitempty" yaml:"contact,omitempty" expr:"contact" validate:"max=2000"`
	Nature  Nature `json:"nature,omitempty" yaml:"nature,omitempty" expr:"nature" validate:"omitempty,enum"`
}

// Victim is one victim or survivor associated with the subject.
type Victim struct {
	Name                   Name         `json:"name" yaml:"name" expr:"name" validate:"required,max=200"`
	DateOfBirth            BirthDate    `json:"dateOfBirth,omitzero" yaml:"dateOfBirth,omitempty" expr:"dateOfBirth"`
	Address                Address      `json:"address,omitempty" yaml:"address,omitempty" expr:"address" validate:"max=2000"`
	Gender                 Gender       `json:"gender,omitempty" yaml:"gender,omitempty" expr:"gender" validate:"omitempty,enum"`
	Relationship           Relationship `json:"relationship" yaml:"relationship" expr:"relationship" validate:"required,enum"`
	KnownToSupportService  *bool        `json:"knownToSupportService,omitempty" yaml:"knownToSupportService,omitempty" expr:"knownToSupportService"`
	ReasonNotKnown         Text         `json:"reasonNotKnown,omitempty" yaml:"reasonNotKnown,omitempty" expr:"reasonNotKnown" validate:"max=2000"`
	AwareOfSupportServices *bool        `json:"awareOfSupportServices,omitempty" yaml:"awareOfSupportServices,omitempty" expr:"awareOfSupportServices"`
	ServicesProvided       Text         `json:"servicesProvided,omitempty" yaml:"servicesProvided,omitempty" expr:"servicesProvided" validate:"max=2000"`
	ConsentsToContact      *bool        `json:"consentsToContact,omitempty" yaml:"consentsToContact,omitempty" expr:"consentsToContact"`
	WantsUpdates           *bool        `json:"wantsUpdates,omitempty" yaml:"wantsUpdates,omitempty" expr:"wantsUpdates"`
	SupportServiceContact  Text         `json:"supportServiceContact,omitempty" yaml:"supportServiceContact,omitempty" expr:"supportServiceContact" validate:"max=2000"`
}

// Child is a child associated with the subject or a victim.
type Child struct {
	DateOfBirth      BirthDate `json:"dateOfBirth,omitzero" yaml:"dateOfBirth,omitempty" expr:"dateOfBirth"`
	LivesWithSubject *bool     `json:"livesWithSubject,omitempty" yaml:"livesWithSubject,omitempty" expr:"livesWithSubject"`
}

// RiskToStaff says whether the subject is a risk to staff, or there are
// other risks to know when delivering the intervention.
type RiskToStaff struct {
	Present *bool `json:"present,omitempty" yaml:"present,omitempty" expr:"present"`
	Details Text  `json:"details,omitempty" yaml:"details,omitempty" expr:"details" validate:"max=2000"`
}

// RiskAssessment is the result of a risk instrument such as the DASH.
type RiskAssessment struct {
	Instrument            Instrument `json:"instrument" yaml:"instrument" expr:"instrument" validate:"required,enum"`
	Score                 *int       `json:"score,omitempty" yaml:"score,omitempty" expr:"score"`
	CompletedOn           Date       `json:"completedOn,omitzero" yaml:"completedOn,omitempty" expr:"completedOn"`
	ProfessionalJudgement *bool      `json:"professionalJudgement,omitempty" yaml:"professionalJudgement,omitempty" expr:"professionalJudgement"`
	IncidentsLast6Months  *int       `json:"incidentsLast6Months,omitempty" yaml:"incidentsLast6Months,omitempty" expr:"incidentsLast6Months" validate:"omitnil,min=0,max=10000"`
}

// Yes returns a pointer to true, for building referrals in code.
func Yes() *bool { t := true; return &t }

// No returns a pointer to false, for building referrals in code.
func No() *bool { f := false; return &f }
