package referral

import "slices"

// Form is which referral form was used.
type Form string

// The referral forms.
const (
	FormCOBI                 Form = "cobi"
	FormHealthyRelationships Form = "healthy-relationships"
)

// Gender is a person's gender as the referrer recorded it.
type Gender string

// Genders.
const (
	GenderMale      Gender = "male"
	GenderFemale    Gender = "female"
	GenderOther     Gender = "other"
	GenderNotStated Gender = "not-stated"
)

// Responsibility is how far the subject accepts responsibility for their
// behaviour. "some" can be as little as accepting the need to approach a
// relationship in a better way.
type Responsibility string

// Levels of accepted responsibility.
const (
	ResponsibilityNone Responsibility = "none"
	ResponsibilitySome Responsibility = "some"
	ResponsibilityFull Responsibility = "full"
)

// Manageability describes substance misuse or mental health needs.
type Manageability string

// Manageability answers.
const (
	ManageabilityNone       Manageability = "none"
	ManageabilityManaged    Manageability = "managed"
	ManageabilityManageable Manageability = "manageable"
	ManageabilityUnmanaged  Manageability = "unmanaged"
)

// Order is a court order the subject is, or is likely to be, subject to.
type Order string

// Orders.
const (
	OrderNone      Order = "none"
	OrderCustodial Order = "custodial"
	OrderCommunity Order = "community"
)

// Relationship is the victim's relationship to the subject.
type Relationship string

// Relationships.
const (
	RelationshipPartner      Relationship = "partner"
	RelationshipExPartner    Relationship = "ex-partner"
	RelationshipFamily       Relationship = "family"
	RelationshipAcquaintance Relationship = "acquaintance"
	RelationshipStranger     Relationship = "stranger"
	RelationshipColleague    Relationship = "colleague"
	RelationshipOther        Relationship = "other"
)

// Nature is what another agency does for the subject.
type Nature string

// Natures of agency involvement.
const (
	NatureMentalHealth     Nature = "mental-health"
	NatureSubstanceMisuse  Nature = "substance-misuse"
	NatureProbation        Nature = "probation"
	NatureHousing          Nature = "housing"
	NatureChildrenServices Nature = "children-services"
	NatureOther            Nature = "other"
)

// Instrument is a risk assessment instrument.
type Instrument string

// Risk instruments.
const (
	InstrumentDASH24 Instrument = "dash-24"
	InstrumentDASH27 Instrument = "dash-27"
	InstrumentDARA   Instrument = "dara"
	InstrumentSDASH  Instrument = "s-dash"
	InstrumentOther  Instrument = "other"
)

// Enums lists each enumeration's allowed values, keyed by the enumeration's
// name as it appears in messages and schemas. It is the one place these
// values are listed: validation, the JSON Schema and the rule checker read
// it. Callers must not modify it.
var Enums = map[string][]string{
	"form":           {string(FormCOBI), string(FormHealthyRelationships)},
	"gender":         {string(GenderMale), string(GenderFemale), string(GenderOther), string(GenderNotStated)},
	"responsibility": {string(ResponsibilityNone), string(ResponsibilitySome), string(ResponsibilityFull)},
	"manageability":  {string(ManageabilityNone), string(ManageabilityManaged), string(ManageabilityManageable), string(ManageabilityUnmanaged)},
	"order":          {string(OrderNone), string(OrderCustodial), string(OrderCommunity)},
	"relationship": {string(RelationshipPartner), string(RelationshipExPartner), string(RelationshipFamily),
		string(RelationshipAcquaintance), string(RelationshipStranger), string(RelationshipColleague), string(RelationshipOther)},
	"nature": {string(NatureMentalHealth), string(NatureSubstanceMisuse), string(NatureProbation),
		string(NatureHousing), string(NatureChildrenServices), string(NatureOther)},
	"instrument": {string(InstrumentDASH24), string(InstrumentDASH27), string(InstrumentDARA), string(InstrumentSDASH), string(InstrumentOther)},
}

// EnumOf returns the enumeration name of a value of one of this package's
// enumeration types (Form, Gender, ...), or "" for any other value.
func EnumOf(v any) string {
	switch v.(type) {
	case Form, *Form:
		return "form"
	case Gender, *Gender:
		return "gender"
	case Responsibility, *Responsibility:
		return "responsibility"
	case Manageability, *Manageability:
		return "manageability"
	case Order, *Order:
		return "order"
	case Relationship, *Relationship:
		return "relationship"
	case Nature, *Nature:
		return "nature"
	case Instrument, *Instrument:
		return "instrument"
	}
	return ""
}

// Valid reports whether value is one of enumeration enum's values.
func Valid(enum, value string) bool { return slices.Contains(Enums[enum], value) }
