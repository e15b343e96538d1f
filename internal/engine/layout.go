package engine

import (
	"reflect"
	"strings"
	"unsafe"

	"github.com/saferpath/pathway/referral"
)

// The fast path for the commonest shape of rule: an answer reached from
// the root through plain struct fields (subject.mentalHealth), compared
// with a literal. Its memory offset in the root struct is worked out once,
// by reflection, when the schema is made, so that reading it costs what
// hand-written Go costs. Answers behind a pointer, in a list or in a
// variable are read through the getters, as before. The differential
// tests prove both ways of reading agree.

// layout records where a field lives in the root struct.
type layout struct {
	off    uintptr
	direct bool         // reachable from the root through struct values only
	typ    reflect.Type // the Go type at that offset
}

var (
	typeString  = reflect.TypeFor[string]()
	typeBoolPtr = reflect.TypeFor[*bool]()
	typeIntPtr  = reflect.TypeFor[*int]()
	typeDate    = reflect.TypeFor[referral.Date]()
)

// setLayout records the offsets of fields under a root of type root.
func setLayout(fields []*Field, root reflect.Type, base uintptr) {
	for _, f := range fields {
		sf, ok := jsonField(root, f.Name)
		if !ok {
			continue
		}
		t := sf.Type
		off := base + sf.Offset
		// A struct embedding a referral.Date (BirthDate) is read as one.
		if t.Kind() == reflect.Struct && t != typeDate && t.NumField() == 1 && t.Field(0).Type == typeDate && t.Field(0).Anonymous {
			t = typeDate
		}
		f.lay = layout{off: off, direct: true, typ: t}
		if t.Kind() == reflect.Struct && f.Kind == KindObject {
			setLayout(f.Fields, t, off)
		}
	}
}

// jsonField finds the struct field whose json name is name.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if tag == name {
			return sf, true
		}
	}
	return reflect.StructField{}, false
}

// fastReader returns a closure reading f straight from memory, or nil when
// f cannot be read that way.
func fastReader(s *Schema, f *Field) evalFn {
	if s.base == nil || !f.lay.direct || f.Alias != "" {
		return nil
	}
	base, off, path := s.base, f.lay.off, f.path
	miss := func() Value { return Value{O: leaf(path, -1)} }
	switch {
	case f.lay.typ.Kind() == reflect.String && f.Kind == KindText:
		return func(fr *frame) Value {
			v := *(*string)(unsafe.Add(base(fr.env), off))
			if v == "" {
				return miss()
			}
			return Value{K: KindText, S: v}
		}
	case f.lay.typ == typeBoolPtr && f.Kind == KindBool:
		return func(fr *frame) Value {
			b := *(**bool)(unsafe.Add(base(fr.env), off))
			if b == nil {
				return miss()
			}
			return Bool(*b)
		}
	case f.lay.typ == typeIntPtr && f.Kind == KindInt:
		return func(fr *frame) Value {
			n := *(**int)(unsafe.Add(base(fr.env), off))
			if n == nil {
				return miss()
			}
			return Int(int64(*n))
		}
	case f.lay.typ == typeDate && f.Kind == KindDate:
		return func(fr *frame) Value {
			d := *(*referral.Date)(unsafe.Add(base(fr.env), off))
			if d.IsZero() {
				return miss()
			}
			return Value{K: KindDate, I: int64(d.Days())}
		}
	}
	return nil
}
