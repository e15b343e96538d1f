package referral

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestAnyControlSeesEveryText puts a control character into each text of
// the referral's types in turn, found by reflection, and checks that the
// fast check sees it: a text field added to a type and not to anyControl
// fails here.
func TestAnyControlSeesEveryText(t *testing.T) {
	var texts int
	var visit func(tp reflect.Type, get func(*Referral) reflect.Value, name string)
	visit = func(tp reflect.Type, get func(*Referral) reflect.Value, name string) {
		switch tp.Kind() {
		case reflect.String:
			texts++
			for _, bad := range []string{"a\x1bb", "line\nbreak", "\u202e", "\u0085", "\u2028", "\x7f"} {
				var r Referral
				get(&r).SetString(bad)
				assert.True(t, r.anyControl(), "%s holding %q", name, bad)
			}
			var r Referral
			get(&r).SetString("plain text, é and \xff")
			assert.False(t, r.anyControl(), name)
		case reflect.Pointer:
			visit(tp.Elem(), func(r *Referral) reflect.Value {
				p := get(r)
				if p.IsNil() {
					p.Set(reflect.New(tp.Elem()))
				}
				return p.Elem()
			}, name)
		case reflect.Slice:
			visit(tp.Elem(), func(r *Referral) reflect.Value {
				s := get(r)
				if s.Len() == 0 {
					s.Set(reflect.MakeSlice(tp, 1, 1))
				}
				return s.Index(0)
			}, name+"[0]")
		case reflect.Struct:
			if tp == typeDate || tp == typeBirthDate {
				return
			}
			for i := range tp.NumField() {
				if f := tp.Field(i); f.IsExported() {
					visit(f.Type, func(r *Referral) reflect.Value { return get(r).Field(i) }, name+"."+f.Name)
				}
			}
		}
	}
	visit(reflect.TypeFor[Referral](), func(r *Referral) reflect.Value { return reflect.ValueOf(r).Elem() }, "Referral")
	assert.Greater(t, texts, 30, "the walk found the referral's texts")
}
