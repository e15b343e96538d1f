package engine

import (
	"fmt"
	"reflect"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// expr's VM is the oracle the tests hold the closures to: it never runs a
// rule outside the tests.

// memoryBudget is expr's VM memory budget (in elements, not bytes).
const memoryBudget = 100_000

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
func (p *Program) runVM(prog *vm.Program, env *Env) (Value, error) {
	vmEnv, err := p.types.vmEnv(p.schema, env)
	if err != nil {
		return Missing, err
	}
	machine := vm.VM{MemoryBudget: memoryBudget}
	out, err := machine.Run(prog, vmEnv)
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

// evalVM evaluates p on expr's VM, when every answer it reads is present,
// and is unknown otherwise.
func (p *Program) evalVM(env *Env) Result {
	var missing []string
	for _, r := range p.reads {
		missing = append(missing, absent(r, env)...)
	}
	if len(missing) > 0 {
		return Result{Outcome: Unknown, Missing: missing}
	}
	general, err := expr.Compile(p.text, append(exprOptions(), expr.Env(reflect.New(p.types.root).Elem().Interface()))...)
	if err != nil {
		return Result{Outcome: Unknown, Err: err}
	}
	v, err := p.runVM(general, env)
	if err != nil {
		return Result{Outcome: Unknown, Err: err}
	}
	if v.K != KindBool {
		return Result{Outcome: Unknown, Err: fmt.Errorf("the condition gave %s, not yes or no", v.K.Describe())}
	}
	if v.Truth() {
		return Result{Outcome: True}
	}
	return Result{Outcome: False}
}
