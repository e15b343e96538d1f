package referral

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Kind is the kind of answer a field holds.
type Kind string

// Kinds of field.
const (
	// KindText is text: a name, an address, free text.
	KindText Kind = "text"
	// KindChoice is one of an enumeration's values (Field.Values).
	KindChoice Kind = "choice"
	// KindYesNo is true, false or not answered.
	KindYesNo Kind = "yes-no"
	// KindNumber is a whole number.
	KindNumber Kind = "number"
	// KindDate is a date, YYYY-MM-DD.
	KindDate Kind = "date"
	// KindGroup is a group of answers, such as subject.
	KindGroup Kind = "group"
	// KindList is a list of groups of answers, such as victims.
	KindList Kind = "list"
)

// Class is a class of data. A rule pack's sharing policy says which roles
// see which classes (docs/rules.md).
type Class string

// Classes of data.
const (
	// ClassPersonalIdentifier: names and dates of birth of the person
	// referred and of the referrer.
	ClassPersonalIdentifier Class = "personal-identifier"
	// ClassContactDetail: addresses, phone numbers, emails and contacts.
	ClassContactDetail Class = "contact-detail"
	// ClassSpecialCategory: health, gender and the agencies engaged (which
	// reveal health or other needs): special category data.
	ClassSpecialCategory Class = "special-category"
	// ClassCriminalOffence: the behaviour, orders, court dates, risk and
	// responsibility: criminal offence data.
	ClassCriminalOffence Class = "criminal-offence"
	// ClassVictimDetail: everything about victims and children.
	ClassVictimDetail Class = "victim-detail"
	// ClassAdministrative: the referral's reference, form and date, the
	// referrer's organisation and role, and the consent to share.
	ClassAdministrative Class = "administrative"
)

// Classes lists every class of data.
func Classes() []Class {
	return []Class{ClassPersonalIdentifier, ClassContactDetail, ClassSpecialCategory, ClassCriminalOffence, ClassVictimDetail, ClassAdministrative}
}

// Identifier says what kind of identifying value a personal field holds,
// so that the same value can be recognised where it is written again in
// free text.
type Identifier string

// Kinds of identifying value.
const (
	IdentifierName    Identifier = "name"
	IdentifierAddress Identifier = "address"
	IdentifierPhone   Identifier = "phone"
	IdentifierEmail   Identifier = "email"
	IdentifierContact Identifier = "contact"
	IdentifierDate    Identifier = "date"
)

// Field describes one field of the referral. The description comes from
// the struct tags of the referral's types: it is the one place a field is
// described, and everything else that needs to know about the referral's
// fields reads it.
type Field struct {
	// Path is the field's JSON path, with [] where a list index goes:
	// "subject.mentalHealth", "victims[].name".
	Path string
	// Name is the field's JSON name, the last part of its path.
	Name string
	Kind Kind
	// Enum names the enumeration of a choice, Values lists its values,
	// and ValueLabels the words a form shows for each, in the same order.
	Enum        string
	Values      []string
	ValueLabels []string
	// Class is the class of data of an answer; groups and lists have
	// none (their answers have one each).
	Class Class
	// Personal marks values that identify or locate a person (names,
	// addresses, contact details, dates of birth) and free text, which
	// may mention anyone: they are never repeated in explanations, logs
	// or messages.
	Personal bool
	// Identifier is the kind of identifying value a personal field holds;
	// "" for free text and for fields that are not personal.
	Identifier Identifier
	// FreeText marks text written freely by the referrer.
	FreeText bool
	// Label names the field in messages: "the victim's name".
	Label string
	// Item names one item of a list, as a form says it: "victim" in
	// "Add another victim".
	Item string
	// Required is true when a referral without the field is invalid.
	Required bool
	// Max is the most characters a text may have, or items a list; 0 for
	// no limit of its own.
	Max int
	// Optional is true for a group that may be left out as a whole
	// (riskToStaff, riskAssessment).
	Optional bool
	// Question is how the referral form asks for the field, and Help
	// what the form says to help answer it.
	Question, Help string
	// Forms lists the forms that ask the question; empty for every form
	// (subjectToSPO is asked on the COBI form only).
	Forms []Form
	// ShowIf, when set, says the form asks the question only when another
	// answer of the same group has one of some values: the reason a
	// victim is not known to a support service only when they are not.
	ShowIf *Condition

	index []int        // the struct field's index path in its parent
	typ   reflect.Type // the struct field's Go type
}

// Condition is when a form asks a question: when the answer Field (a
// field of the same group, by JSON name) is one of Values, written as JSON
// writes them ("true", "false", "community").
type Condition struct {
	Field  string
	Values []string
}

// Leaf reports whether the field is a single answer, not a group or a
// list.
func (f Field) Leaf() bool { return f.Kind != KindGroup && f.Kind != KindList }

// Fields returns the description of every field of the referral, in the
// order the form asks them: each group or list before its members. The
// slice and its values are the caller's own.
func Fields() []Field {
	all := description().fields
	out := make([]Field, len(all))
	for i, f := range all {
		out[i] = f.clone()
	}
	return out
}

// FieldAt returns the description of the field at path, a JSON path with
// [] or [n] where a list index goes ("victims[1].name" and
// "victims[].name" both name the victims' name field).
func FieldAt(path string) (Field, bool) {
	f, ok := description().byPath[TemplatePath(path)]
	if !ok {
		return Field{}, false
	}
	return f.clone(), true
}

func (f Field) clone() Field {
	f.Values = slices.Clone(f.Values)
	f.ValueLabels = slices.Clone(f.ValueLabels)
	f.index = slices.Clone(f.index)
	f.Forms = slices.Clone(f.Forms)
	if f.ShowIf != nil {
		c := *f.ShowIf
		c.Values = slices.Clone(c.Values)
		f.ShowIf = &c
	}
	return f
}

// TemplatePath replaces every list index in a JSON path by []:
// victims[1].name gives victims[].name.
func TemplatePath(path string) string {
	if !strings.Contains(path, "[") {
		return path
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(path, '[')
		if i < 0 {
			b.WriteString(path)
			return b.String()
		}
		j := strings.IndexByte(path[i:], ']')
		if j < 0 {
			b.WriteString(path)
			return b.String()
		}
		if _, err := strconv.Atoi(path[i+1 : i+j]); err != nil && j > 1 {
			b.WriteString(path[:i+j+1])
		} else {
			b.WriteString(path[:i])
			b.WriteString("[]")
		}
		path = path[i+j+1:]
	}
}

type fieldSet struct {
	fields []Field
	byPath map[string]Field
}

var description = sync.OnceValue(func() *fieldSet {
	s := &fieldSet{byPath: map[string]Field{}}
	s.walk(reflect.TypeFor[Referral](), "")
	for _, f := range s.fields {
		s.byPath[f.Path] = f
	}
	return s
})

var (
	typeDate      = reflect.TypeFor[Date]()
	typeBirthDate = reflect.TypeFor[BirthDate]()
)

// personalTypes are the types of personal values, with the kind of
// identifier each holds ("" for free text).
var personalTypes = map[reflect.Type]Identifier{
	reflect.TypeFor[Name]():    IdentifierName,
	reflect.TypeFor[Address](): IdentifierAddress,
	reflect.TypeFor[Phone]():   IdentifierPhone,
	reflect.TypeFor[Email]():   IdentifierEmail,
	reflect.TypeFor[Contact](): IdentifierContact,
	typeBirthDate:              IdentifierDate,
	reflect.TypeFor[Text]():    "",
}

// jsonName returns a struct field's JSON name, or "" when it is not part
// of the wire format.
func jsonName(sf reflect.StructField) string {
	if !sf.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	return name
}

func (s *fieldSet) walk(t reflect.Type, prefix string) {
	for i := range t.NumField() {
		sf := t.Field(i)
		name := jsonName(sf)
		if name == "" {
			continue
		}
		f := Field{Path: prefix + name, Name: name, Label: sf.Tag.Get("label"), Item: sf.Tag.Get("item"), Class: Class(sf.Tag.Get("class")),
			Question: sf.Tag.Get("question"), Help: sf.Tag.Get("help"), index: []int{i}, typ: sf.Type}
		for _, form := range strings.Fields(strings.ReplaceAll(sf.Tag.Get("forms"), ",", " ")) {
			f.Forms = append(f.Forms, Form(form))
		}
		if cond := sf.Tag.Get("showIf"); cond != "" {
			field, values, _ := strings.Cut(cond, "=")
			f.ShowIf = &Condition{Field: field, Values: strings.Split(values, "|")}
		}
		for _, rule := range strings.Split(sf.Tag.Get("validate"), ",") {
			key, val, _ := strings.Cut(rule, "=")
			switch key {
			case "required":
				f.Required = true
			case "min":
				if val != "0" {
					f.Required = true
				}
			case "max":
				f.Max, _ = strconv.Atoi(val)
			}
		}
		ft := sf.Type
		if id, ok := personalTypes[ft]; ok {
			f.Personal, f.Identifier, f.FreeText = true, id, ft == reflect.TypeFor[Text]() || ft == reflect.TypeFor[Contact]()
		}
		switch {
		case ft == typeDate || ft == typeBirthDate:
			f.Kind = KindDate
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Bool:
			f.Kind = KindYesNo
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Int, ft.Kind() == reflect.Int:
			f.Kind = KindNumber
		case ft.Kind() == reflect.String:
			f.Kind = KindText
			if enum := enumOfType(ft); enum != "" {
				f.Kind, f.Enum, f.Values, f.ValueLabels = KindChoice, enum, enumValues(enum), enumLabels(enum)
			}
		case ft.Kind() == reflect.Struct:
			f.Kind = KindGroup
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			f.Kind, f.Optional = KindGroup, true
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			f.Kind = KindList
		default:
			// A type the description does not know: a fault in this
			// package, caught by its tests.
			continue
		}
		s.fields = append(s.fields, f)
		switch f.Kind {
		case KindGroup:
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			s.walk(ft, f.Path+".")
		case KindList:
			s.walk(ft.Elem(), f.Path+"[].")
		}
	}
}
