package engine

import (
	"fmt"
	"strings"
	"sync"

	"github.com/saferpath/pathway/referral"
)

//go:generate go test -run TestReferralAccessIsGenerated -update .

// access reads one referral field; see referralAccess.
type access struct {
	get    func(parent any) Value
	direct func(*Env) Value
	text   func(root any) string
	yesNo  func(root any) *bool
	date   func(root any) referral.Date
	// textIs and yesNoIs make deciders testing the answer (decide.go).
	textIs  func(*textTest) decideFn
	yesNoIs func(*yesNoTest) decideFn
	len     func(list any) int
	item    func(list any, i int) any
}

// kindOf gives the engine's kind of a described referral field.
func kindOfField(k referral.Kind) Kind {
	switch k {
	case referral.KindText, referral.KindChoice:
		return KindText
	case referral.KindYesNo:
		return KindBool
	case referral.KindNumber:
		return KindInt
	case referral.KindDate:
		return KindDate
	case referral.KindGroup:
		return KindObject
	case referral.KindList:
		return KindList
	}
	return KindMissing
}

// TodayField is the evaluation date, `today` in expressions.
func TodayField() *Field {
	return &Field{Name: "today", Kind: KindDate, Get: func(p any) Value { return DateValue(p.(*Env).Today) },
		Direct: func(e *Env) Value { return DateValue(e.Today) }, today: true}
}

// referralFields builds the engine's view of the referral from its one
// description (referral.Fields) and the generated accessors: every field by
// its JSON name, with its kind, its enumeration's values and whether it is
// personal. It returns the top-level fields and, by path, every field.
func referralFields() ([]*Field, map[string]*Field) {
	byPath := map[string]*Field{}
	var top []*Field
	for _, d := range referral.Fields() {
		a, ok := referralAccess[d.Path]
		if !ok {
			// The generated accessors are behind the description: a test
			// says so and how to generate them again.
			panic(fmt.Sprintf("engine: no accessor for referral field %s", d.Path))
		}
		f := &Field{Name: d.Name, Kind: kindOfField(d.Kind), Enum: d.Enum, Values: d.Values, Personal: d.Personal,
			Get: a.get, Direct: a.direct, Len: a.len, Item: a.item, directText: a.text, directYesNo: a.yesNo, directDate: a.date,
			textIs: a.textIs, yesNoIs: a.yesNoIs}
		byPath[d.Path] = f
		i := strings.LastIndexByte(d.Path, '.')
		if i < 0 {
			get := a.get
			f.Get = func(p any) Value { return get(p.(*Env).Root) }
			top = append(top, f)
			continue
		}
		parent := byPath[strings.TrimSuffix(d.Path[:i], "[]")]
		parent.Fields = append(parent.Fields, f)
	}
	return top, byPath
}

// ReferralSchema is what referral rules (eligibility criteria and
// exclusions, programme conditions, referral-level safeguarding triggers)
// read: every referral field by its JSON name, and `today`. The Env's Root
// must be a *referral.Referral.
func ReferralSchema() *Schema { return referralSchema() }

var referralSchema = sync.OnceValue(func() *Schema {
	top, _ := referralFields()
	return NewSchema(append(top, TodayField())...)
})

// itemField is an object standing for the current item of list (a victim
// or a child) for scoped rules, read from the Env's Scope.
func itemField(name, list string) *Field {
	_, byPath := referralFields()
	lf := byPath[list]
	return &Field{Name: name, Kind: KindObject, Alias: list + "[]", Fields: lf.Fields,
		Get: func(p any) Value { return Object(p.(*Env).Scope, p.(*Env).Scope != nil) }}
}

// VictimSchema is ReferralSchema plus `victim`, the current victim, for
// victim-scoped triggers. The Env's Scope must be a *referral.Victim.
func VictimSchema() *Schema { return victimSchema() }

var victimSchema = sync.OnceValue(func() *Schema {
	top, _ := referralFields()
	return NewSchema(append(top, TodayField(), itemField("victim", "victims"))...)
})

// ChildSchema is ReferralSchema plus `child`, the current child, for
// child-scoped triggers. The Env's Scope must be a *referral.Child.
func ChildSchema() *Schema { return childSchema() }

var childSchema = sync.OnceValue(func() *Schema {
	top, _ := referralFields()
	return NewSchema(append(top, TodayField(), itemField("child", "children"))...)
})
