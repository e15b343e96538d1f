package pathway_test

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/rule"
	"github.com/saferpath/pathway/safeguarding"
)

// TestZeroValuesDoNotPanic calls every exported method of the public types
// on their zero value and on a nil pointer, with zero arguments: each must
// work or return an error, never panic. A partner's code holding a value it
// did not load (a Pack{} in a struct, say) fails gently.
func TestZeroValuesDoNotPanic(t *testing.T) {
	values := []any{
		&pathway.Pack{}, (*pathway.Pack)(nil), &pathway.Version{}, &pathway.Assessment{}, &pathway.Reads{},
		&eligibility.Rules{}, (*eligibility.Rules)(nil), &eligibility.Rule{}, eligibility.Result{Rule: &eligibility.Rule{}},
		&programmes.Catalogue{}, (*programmes.Catalogue)(nil), &programmes.Programme{}, &programmes.History{},
		&safeguarding.Policy{}, (*safeguarding.Policy)(nil), &safeguarding.Sharing{}, (*safeguarding.Sharing)(nil),
		&safeguarding.Trigger{}, &safeguarding.Instrument{},
		&referral.Referral{}, referral.Date{}, referral.BirthDate{},
		&rule.Rule{}, rule.Result{}, diag.List{}, &diag.Diagnostic{},
		outcomes.Period{}, &outcomes.Report{},
	}
	for _, v := range values {
		rv := reflect.ValueOf(v)
		for i := range rv.NumMethod() {
			m := rv.Type().Method(i)
			name := fmt.Sprintf("%T.%s", v, m.Name)
			t.Run(name, func(t *testing.T) {
				if m.Name == "Format" {
					t.Skip("fmt calls Format with its own state")
				}
				if rv.Kind() == reflect.Pointer && rv.IsNil() && !pointerMethod(rv.Type(), m.Name) {
					t.Skip("a value method cannot be called on a nil pointer")
				}
				assert.NotPanics(t, func() { rv.Method(i).Call(zeroArgs(rv.Method(i).Type())) }, name)
			})
		}
	}
}

// pointerMethod reports whether the method is declared on the pointer
// type (a value method called through a nil pointer panics in any Go code).
func pointerMethod(ptr reflect.Type, name string) bool {
	_, onValue := ptr.Elem().MethodByName(name)
	return !onValue
}

var (
	contextType = reflect.TypeFor[context.Context]()
	writerType  = reflect.TypeFor[io.Writer]()
	readerType  = reflect.TypeFor[io.Reader]()
)

// zeroArgs gives a method the plainest arguments of its types.
func zeroArgs(ft reflect.Type) []reflect.Value {
	n := ft.NumIn()
	if ft.IsVariadic() {
		n--
	}
	args := make([]reflect.Value, n)
	for i := range n {
		in := ft.In(i)
		switch {
		case in == contextType:
			args[i] = reflect.ValueOf(context.Background())
		case in == writerType:
			args[i] = reflect.ValueOf(io.Discard)
		case in == readerType:
			args[i] = reflect.ValueOf(strings.NewReader(""))
		case in.Kind() == reflect.Pointer && in.Elem().Kind() == reflect.Struct:
			args[i] = reflect.New(in.Elem())
		case in.Kind() == reflect.Func:
			args[i] = reflect.MakeFunc(in, func([]reflect.Value) []reflect.Value {
				out := make([]reflect.Value, in.NumOut())
				for j := range out {
					out[j] = reflect.Zero(in.Out(j))
				}
				return out
			})
		default:
			args[i] = reflect.Zero(in)
		}
	}
	return args
}
