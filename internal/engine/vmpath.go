package engine

import (
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/expr-lang/expr/vm"
)

// MemoryBudget is expr's VM memory budget (in elements, not bytes) for the
// general path.
const MemoryBudget = 100_000

// checkTypes are the Go types expr checks expressions against, built from a
// schema: bool, int, float64, string, time.Time, and unnamed structs and
// slices of them whose fields carry the JSON names as expr tags. They also
// serve as the environment of expr's VM on the general path.
type checkTypes struct {
	root reflect.Type
	// names maps each generated type's Go spelling to policy staff's
	// words, to reword the checker's messages.
	names map[string]string
}

var typeCache sync.Map // *Schema -> *checkTypes

func typesFor(s *Schema) *checkTypes {
	if t, ok := typeCache.Load(s); ok {
		return t.(*checkTypes)
	}
	ct := &checkTypes{names: map[string]string{}}
	ct.root = ct.structOf(s.Fields, "the input")
	t, _ := typeCache.LoadOrStore(s, ct)
	return t.(*checkTypes)
}

func (ct *checkTypes) structOf(fields []*Field, what string) reflect.Type {
	sf := make([]reflect.StructField, len(fields))
	for i, f := range fields {
		sf[i] = reflect.StructField{
			Name: fmt.Sprintf("F%d", i),
			Type: ct.goType(f),
			Tag:  reflect.StructTag(fmt.Sprintf(`expr:%q json:%q`, f.Name, f.Name)),
		}
	}
	t := reflect.StructOf(sf)
	ct.names[t.String()] = what
	return t
}

func (ct *checkTypes) goType(f *Field) reflect.Type {
	switch f.Kind {
	case KindBool:
		return reflect.TypeFor[bool]()
	case KindInt:
		return reflect.TypeFor[int]()
	case KindFloat:
		return reflect.TypeFor[float64]()
	case KindText:
		return reflect.TypeFor[string]()
	case KindDate:
		return reflect.TypeFor[time.Time]()
	case KindObject:
		return ct.structOf(f.Fields, f.Name)
	case KindList:
		item := ct.structOf(f.Fields, "an item of "+f.Name)
		t := reflect.SliceOf(item)
		ct.names[t.String()] = "the list " + f.Name
		return t
	}
	return reflect.TypeFor[any]()
}

// MaxVMItems bounds the length of a list copied into the VM's
// environment, so that an oversized input cannot exhaust memory.
const MaxVMItems = 1000

var errTooManyItems = fmt.Errorf("a list has more than %d items, too many to evaluate this condition", MaxVMItems)

// vmEnv builds the VM's environment for env: a value of the check type
// filled from the schema's getters. Missing answers are zero values; the
// general path only runs when every answer a rule reads is present.
func (ct *checkTypes) vmEnv(s *Schema, env *Env) (any, error) {
	v := reflect.New(ct.root).Elem()
	if !fill(v, s.Fields, env) {
		return nil, errTooManyItems
	}
	return v.Interface(), nil
}

// fill copies the answers under parent into dst. It reports false when a
// list is too long to copy.
func fill(dst reflect.Value, fields []*Field, parent any) bool {
	for i, f := range fields {
		val := f.Get(parent)
		out := dst.Field(i)
		switch val.K {
		case KindBool:
			out.SetBool(val.Truth())
		case KindInt:
			if f.Kind == KindFloat {
				out.SetFloat(float64(val.I))
			} else {
				out.SetInt(val.I)
			}
		case KindFloat:
			out.SetFloat(val.F())
		case KindText:
			out.SetString(val.S)
		case KindDate:
			out.Set(reflect.ValueOf(val.Date().Time()))
		case KindObject:
			if !fill(out, f.Fields, val.O) {
				return false
			}
		case KindList:
			n := f.Len(val.O)
			if n > MaxVMItems {
				return false
			}
			s := reflect.MakeSlice(out.Type(), n, n)
			for j := range n {
				if !fill(s.Index(j), f.Fields, f.Item(val.O, j)) {
					return false
				}
			}
			out.Set(s)
		}
	}
	return true
}

// runVM evaluates the program on expr's VM with the memory budget.
func (p *Program) runVM(env *Env) (Value, error) {
	vmEnv, err := p.types.vmEnv(p.schema, env)
	if err != nil {
		return Missing, err
	}
	machine := vm.VM{MemoryBudget: MemoryBudget}
	out, err := machine.Run(p.vm, vmEnv)
	if err != nil {
		return Missing, err
	}
	switch o := out.(type) {
	case bool:
		return Bool(o), nil
	case int:
		return Int(int64(o)), nil
	case float64:
		return Float(o), nil
	case string:
		return Value{K: KindText, S: o}, nil
	case nil:
		return Value{K: KindNil}, nil
	}
	return Missing, fmt.Errorf("the rule gave %T, not a yes/no answer", out)
}
