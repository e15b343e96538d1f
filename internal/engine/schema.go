// Package engine is the one place Pathway calls expr. It compiles the `when`
// expressions of rule files against a schema (the referral's JSON names, or
// an event's), checks them (names, types, enumeration literals, a boolean
// result), and evaluates them with three-valued logic: a rule is unknown
// when an answer it needs is missing and that answer would change its
// result.
//
// Expressions are parsed and type-checked by expr. The checked tree is then
// compiled to plain Go closures, which evaluate with Kleene logic and know
// which answers were missing. That is the one way a rule runs: whatever the
// closures do not cover is refused when the rule is loaded, at its
// file:line:col, never run some other way. A condition of the commonest
// shapes is also compiled to a decider (decide.go), which gives the
// closures' outcome in a few calls when the answers it reads are given,
// and leaves the rest to the closures. Evaluation is bounded: an
// expression has a node limit, and an evaluation has a budget of steps
// (every list item visited), a budget on the size of the values it builds
// (text joined or repeated, lists made), and its context, so no rule file
// can hang or exhaust the process (docs/rules.md, "Limits").
//
// A compiled Program is immutable and safe for concurrent use.
package engine

import (
	"math"
	"strings"

	"github.com/saferpath/pathway/referral"
)

// Kind is the type of a value in a rule expression.
type Kind uint8

// Kinds of values. KindMissing is an answer that was not given; it only
// appears while evaluating.
const (
	KindMissing Kind = iota
	KindBool
	KindInt
	KindFloat
	KindText
	KindDate
	KindObject
	KindList
	KindNil
)

// Describe names the kind in policy staff's words.
func (k Kind) Describe() string {
	switch k {
	case KindBool:
		return "a yes/no answer"
	case KindInt:
		return "a whole number"
	case KindFloat:
		return "a number"
	case KindText:
		return "a text value"
	case KindDate:
		return "a date"
	case KindObject:
		return "a group of answers"
	case KindList:
		return "a list"
	case KindNil:
		return "nothing (nil)"
	}
	return "a missing answer"
}

// Field describes one name a rule can read: a top-level variable (such as
// `subject` or `today`) or a member of an object or list item.
type Field struct {
	// Name is the JSON name.
	Name string
	Kind Kind
	// Enum names the enumeration of a text field; Values are its values.
	Enum   string
	Values []string
	// Personal marks personal identifiers (names, addresses, contact
	// details, dates of birth): their values are never echoed in
	// explanations.
	Personal bool
	// Fields are an object's members, or a list's item members.
	Fields []*Field
	// Get reads the field from its parent: the *Env for top-level fields,
	// the parent object (or list item) otherwise. An absent answer is a
	// Value of KindMissing.
	Get func(parent any) Value
	// Len and Item read a list value's length and items; the object
	// passed is what Get returned in Value.O.
	Len  func(list any) int
	Item func(list any, i int) any

	// Alias, on an object field that stands for one item of a list (the
	// current victim of a victim-scoped rule), is that list's path with
	// [], "victims[]": missing answers are reported under it, with the
	// Env's Index.
	Alias string
	// Direct, when set, reads the field straight from the Env, for a
	// field reached from the root through groups that are always there
	// (subject.gender): one call where Get would take one a level.
	Direct func(*Env) Value

	// directText, directYesNo and directDate read a text, yes/no or date
	// answer as Direct does, as a Go value, from the Env's Root: "", nil
	// and the zero date are a missing answer. They take the root, not the
	// Env, so that deciders (decide.go) need no Env.
	directText  func(root any) string
	directYesNo func(root any) *bool
	directDate  func(root any) referral.Date
	// textIs and yesNoIs, when set, make a decider applying a test to
	// the answer directText or directYesNo reads, with the read written
	// in: one call where the accessor would add another.
	textIs  func(*textTest) decideFn
	yesNoIs func(*yesNoTest) decideFn
	// today marks the evaluation date's field, which deciders read from
	// their argument.
	today bool

	path string // JSON path template, "victims[].relationship"
}

// Path returns the field's JSON path, with [] where a list index goes.
func (f *Field) Path() string { return f.path }

// Member returns the member called name, or nil.
func (f *Field) Member(name string) *Field {
	for _, m := range f.Fields {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Schema is the set of top-level names a kind of rule can read. A Schema
// is immutable once made.
type Schema struct {
	Fields []*Field
}

// NewSchema links fields into a schema, computing their paths.
func NewSchema(fields ...*Field) *Schema {
	s := &Schema{Fields: fields}
	for _, f := range fields {
		link(f, "")
	}
	return s
}

func link(f *Field, prefix string) {
	f.path = prefix + f.Name
	child := f.path + "."
	switch {
	case f.Kind == KindList:
		child = f.path + "[]."
	case f.Alias != "":
		child = f.Alias + "."
	}
	for _, m := range f.Fields {
		link(m, child)
	}
}

// Lookup returns the top-level field called name, or nil.
func (s *Schema) Lookup(name string) *Field {
	for _, f := range s.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Find returns the field at a JSON path template ("victims[].relationship"
// or "subject.gender"), or nil.
func (s *Schema) Find(path string) *Field {
	parts := strings.Split(strings.ReplaceAll(path, "[]", ""), ".")
	f := s.Lookup(parts[0])
	for _, p := range parts[1:] {
		if f == nil {
			return nil
		}
		f = f.Member(p)
	}
	return f
}

// Names lists the top-level names.
func (s *Schema) Names() []string {
	names := make([]string, len(s.Fields))
	for i, f := range s.Fields {
		names[i] = f.Name
	}
	return names
}

// Env is what one evaluation reads: the root object (a *referral.Referral
// for referral rules), the evaluation date, and for scoped rules the current
// item (a victim or a child) and its index.
//
// An Env is read-only while rules run; evaluations may share it.
type Env struct {
	Root  any
	Today referral.Date
	// Scope is the current item of a scoped rule (*referral.Victim or
	// *referral.Child) and Index its position; Index is -1 when there is
	// none.
	Scope any
	Index int
}

// Value is a value while evaluating. The zero Value is a missing answer.
type Value struct {
	K Kind
	// I holds ints, booleans (0/1), dates (days since 1970-01-01) and
	// the bits of floats.
	I int64
	S string
	// O holds an object pointer, a list (as Field.Len/Item understand
	// it), a []Value for a literal list, or, when K is KindMissing, the
	// *missing answers.
	O any
	// L is the list field describing O, for lists read from the input.
	L *Field
}

// F returns the number of a KindFloat value.
func (v Value) F() float64 { return math.Float64frombits(uint64(v.I)) }

// missingSet returns the missing answers of a KindMissing value.
func (v Value) missingSet() *missing {
	m, _ := v.O.(*missing)
	return m
}

// Missing is a missing answer.
var Missing = Value{}

// Bool returns a boolean value.
func Bool(b bool) Value {
	if b {
		return Value{K: KindBool, I: 1}
	}
	return Value{K: KindBool}
}

// Int returns a whole-number value.
func Int(n int64) Value { return Value{K: KindInt, I: n} }

// Float returns a number value.
func Float(f float64) Value { return Value{K: KindFloat, I: int64(math.Float64bits(f))} }

// Text returns a text value, or Missing when s is empty.
func Text(s string) Value {
	if s == "" {
		return Missing
	}
	return Value{K: KindText, S: s}
}

// DateValue returns a date value, or Missing for the zero date.
func DateValue(d referral.Date) Value {
	if d.IsZero() {
		return Missing
	}
	return Value{K: KindDate, I: int64(d.Days())}
}

// YesNo returns a boolean value, or Missing when the question was not
// answered.
func YesNo(b *bool) Value {
	if b == nil {
		return Missing
	}
	return Bool(*b)
}

// IntPtr returns a whole-number value, or Missing for nil.
func IntPtr(n *int) Value {
	if n == nil {
		return Missing
	}
	return Int(int64(*n))
}

// Object returns an object value, or Missing when ok is false (an absent
// optional group of answers).
func Object(o any, ok bool) Value {
	if !ok {
		return Missing
	}
	return Value{K: KindObject, O: o}
}

// List returns a list value read from the input.
func List(o any) Value { return Value{K: KindList, O: o} }

// Truth returns the boolean of a KindBool value.
func (v Value) Truth() bool { return v.I != 0 }

// Date returns the date of a KindDate value.
func (v Value) Date() referral.Date { return referral.DateFromDays(int(v.I)) }

// Interface returns the value as plain Go data for explanations: bool,
// int64, float64, string, "YYYY-MM-DD" for dates, nil for missing.
func (v Value) Interface() any {
	switch v.K {
	case KindBool:
		return v.Truth()
	case KindInt:
		return v.I
	case KindFloat:
		return v.F()
	case KindText:
		return v.S
	case KindDate:
		return v.Date().String()
	}
	return nil
}
