package engine

import (
	"fmt"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/conf"
	"reflect"
	"sync"
	"time"
)

// checkTypes are the Go types expr checks expressions against, built from a
// schema: bool, int, float64, string, time.Time, and unnamed structs and
// slices of them whose fields carry the JSON names as expr tags. Rules
// never run on expr's VM; the tests use it as an oracle, with these types
// as its environment.
type checkTypes struct {
	root reflect.Type
	// config is expr's configuration for the schema: the root type as
	// its environment, the rules' functions, the builtins refused and the
	// node limit. It is made once and only read after.
	config *conf.Config
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
	ct.config = conf.CreateNew()
	for _, o := range append(exprOptions(), expr.Env(reflect.New(ct.root).Elem().Interface()), expr.MaxNodes(MaxNodes)) {
		o(ct.config)
	}
	for name := range ct.config.Disabled {
		delete(ct.config.Builtins, name)
	}
	ct.config.Check()
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
