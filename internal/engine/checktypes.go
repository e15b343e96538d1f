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
	// names maps each generated type's Go spelling to policy staff's
	// words, to reword the checker's messages.
	names map[string]string
	// configs hold expr's configurations for the schema: the root type
	// as its environment, the rules' functions, the builtins refused and
	// the node limit. Making one reflects over the whole schema, so they
	// are reused from rule to rule; but expr's checker fills caches
	// in the configuration it checks with, so one must not be used by two
	// compilations at once (a pack's files and versions are compiled
	// concurrently). Each compilation takes one for itself (config) and
	// gives it back when done. There are never more of them than
	// compilations have run at once, and they are kept: a sync.Pool would
	// drop them at each collection, to be made again.
	mu      sync.Mutex
	configs []*conf.Config
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

// config returns a configuration for one compilation's own use; put
// gives it back.
func (ct *checkTypes) config() *conf.Config {
	ct.mu.Lock()
	if n := len(ct.configs); n > 0 {
		c := ct.configs[n-1]
		ct.configs = ct.configs[:n-1]
		ct.mu.Unlock()
		return c
	}
	ct.mu.Unlock()
	return ct.newConfig()
}

func (ct *checkTypes) put(c *conf.Config) {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	ct.configs = append(ct.configs, c)
}

func (ct *checkTypes) newConfig() *conf.Config {
	c := conf.CreateNew()
	for _, o := range append(exprOptions(), expr.Env(reflect.New(ct.root).Elem().Interface()), expr.MaxNodes(MaxNodes)) {
		o(c)
	}
	for name := range c.Disabled {
		delete(c.Builtins, name)
	}
	c.Check()
	return c
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
