package referral

import (
	"reflect"
	"slices"
)

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

// enums lists each enumeration's allowed values, keyed by the
// enumeration's name as it appears in messages and schemas, with the words
// a form shows for each value. It is the one place these values are listed:
// validation, the JSON Schema, the field description, the referral form and
// the rule checker read it, through EnumValues and EnumLabels.
var enums = []struct {
	name   string
	typ    reflect.Type
	values []string
	labels []string
}{
	{"form", reflect.TypeFor[Form](), []string{string(FormCOBI), string(FormHealthyRelationships)},
		[]string{"COBI: stalking", "Healthy Relationships: domestic abuse"}},
	{"gender", reflect.TypeFor[Gender](), []string{string(GenderMale), string(GenderFemale), string(GenderOther), string(GenderNotStated)},
		[]string{"Male", "Female", "Other", "Not stated"}},
	{"responsibility", reflect.TypeFor[Responsibility](), []string{string(ResponsibilityNone), string(ResponsibilitySome), string(ResponsibilityFull)},
		[]string{"None", "Some", "Full"}},
	{"manageability", reflect.TypeFor[Manageability](), []string{string(ManageabilityNone), string(ManageabilityManaged), string(ManageabilityManageable), string(ManageabilityUnmanaged)},
		[]string{"There are none", "Managed", "Can be managed with support", "Not managed"}},
	{"order", reflect.TypeFor[Order](), []string{string(OrderNone), string(OrderCustodial), string(OrderCommunity)},
		[]string{"None", "Custodial order", "Community order"}},
	{"relationship", reflect.TypeFor[Relationship](), []string{string(RelationshipPartner), string(RelationshipExPartner), string(RelationshipFamily),
		string(RelationshipAcquaintance), string(RelationshipStranger), string(RelationshipColleague), string(RelationshipOther)},
		[]string{"Partner", "Ex-partner", "Family member", "Acquaintance", "Stranger", "Colleague", "Other"}},
	{"nature", reflect.TypeFor[Nature](), []string{string(NatureMentalHealth), string(NatureSubstanceMisuse), string(NatureProbation),
		string(NatureHousing), string(NatureChildrenServices), string(NatureOther)},
		[]string{"Mental health", "Substance misuse", "Probation", "Housing", "Children's services", "Other"}},
	{"instrument", reflect.TypeFor[Instrument](), []string{string(InstrumentDASH24), string(InstrumentDASH27), string(InstrumentDARA), string(InstrumentSDASH), string(InstrumentOther)},
		[]string{"DASH (24 questions)", "DASH (27 questions)", "DARA", "S-DASH (stalking screening)", "Another instrument"}},
}

// EnumNames lists the enumerations' names: form, gender, responsibility,
// manageability, order, relationship, nature and instrument.
func EnumNames() []string {
	out := make([]string, len(enums))
	for i, e := range enums {
		out[i] = e.name
	}
	return out
}

// EnumValues returns the allowed values of enumeration name, in the order
// forms list them, or nil for a name that is not an enumeration. The slice
// is the caller's own.
func EnumValues(name string) []string {
	for _, e := range enums {
		if e.name == name {
			return slices.Clone(e.values)
		}
	}
	return nil
}

// EnumLabels returns the words a form shows for each of enumeration
// name's values, in the order of EnumValues, or nil for a name that is not
// an enumeration. The slice is the caller's own.
func EnumLabels(name string) []string {
	for _, e := range enums {
		if e.name == name {
			return slices.Clone(e.labels)
		}
	}
	return nil
}

// enumValues is EnumValues without the copy, for this package's own use.
func enumValues(name string) []string {
	for _, e := range enums {
		if e.name == name {
			return e.values
		}
	}
	return nil
}

// enumLabels is EnumLabels without the copy.
func enumLabels(name string) []string {
	for _, e := range enums {
		if e.name == name {
			return e.labels
		}
	}
	return nil
}

// EnumOf returns the enumeration name of a value of one of this package's
// enumeration types (Form, Gender, ...) or a pointer to one, or "" for any
// other value.
func EnumOf(v any) string {
	return enumOfType(reflect.TypeOf(v))
}

func enumOfType(t reflect.Type) string {
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for _, e := range enums {
		if e.typ == t {
			return e.name
		}
	}
	return ""
}

// Valid reports whether value is one of enumeration enum's values.
func Valid(enum, value string) bool { return slices.Contains(enumValues(enum), value) }
