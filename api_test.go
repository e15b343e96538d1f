package pathway_test

import (
	"go/importer"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// publicPackages are the packages partner systems import.
var publicPackages = []string{
	"github.com/saferpath/pathway",
	"github.com/saferpath/pathway/referral",
	"github.com/saferpath/pathway/eligibility",
	"github.com/saferpath/pathway/programmes",
	"github.com/saferpath/pathway/safeguarding",
	"github.com/saferpath/pathway/outcomes",
	"github.com/saferpath/pathway/scenario",
	"github.com/saferpath/pathway/diag",
	"github.com/saferpath/pathway/rule",
	"github.com/saferpath/pathway/batch",
	"github.com/saferpath/pathway/impact",
	"github.com/saferpath/pathway/policydoc",
}

// TestNoInternalTypeInThePublicAPI type-checks each public package from
// source and fails when an exported name uses a type from an internal
// package: a partner's module could not call it.
func TestNoInternalTypeInThePublicAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks every package from source")
	}
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	for _, path := range publicPackages {
		t.Run(path, func(t *testing.T) {
			pkg, err := imp.Import(path)
			require.NoError(t, err)
			var leaks []string
			for _, name := range pkg.Scope().Names() {
				obj := pkg.Scope().Lookup(name)
				if !obj.Exported() {
					continue
				}
				w := &apiWalker{seen: map[types.Type]bool{}}
				w.object(obj)
				if _, isType := obj.(*types.TypeName); isType {
					if named, ok := types.Unalias(obj.Type()).(*types.Named); ok {
						for i := range named.NumMethods() {
							if m := named.Method(i); m.Exported() {
								w.typ(m.Type())
							}
						}
					}
				}
				for _, leak := range w.internal {
					leaks = append(leaks, name+" uses "+leak)
				}
			}
			assert.Empty(t, leaks, "exported names of %s use internal types", path)
		})
	}
}

// apiWalker walks the types an exported name shows a caller.
type apiWalker struct {
	seen     map[types.Type]bool
	internal []string
}

func (w *apiWalker) object(obj types.Object) {
	if tn, ok := obj.(*types.TypeName); ok {
		if alias, ok := tn.Type().(*types.Alias); ok {
			w.typ(alias.Rhs())
		}
		w.typ(tn.Type().Underlying())
		return
	}
	w.typ(obj.Type())
}

func (w *apiWalker) typ(t types.Type) {
	if t == nil || w.seen[t] {
		return
	}
	w.seen[t] = true
	switch t := t.(type) {
	case *types.Alias:
		w.named(t.Obj())
		w.typ(t.Rhs())
	case *types.Named:
		w.named(t.Obj())
		for i := range t.TypeArgs().Len() {
			w.typ(t.TypeArgs().At(i))
		}
	case *types.Pointer:
		w.typ(t.Elem())
	case *types.Slice:
		w.typ(t.Elem())
	case *types.Array:
		w.typ(t.Elem())
	case *types.Map:
		w.typ(t.Key())
		w.typ(t.Elem())
	case *types.Chan:
		w.typ(t.Elem())
	case *types.Signature:
		w.typ(t.Params())
		w.typ(t.Results())
	case *types.Tuple:
		for i := range t.Len() {
			w.typ(t.At(i).Type())
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				w.typ(f.Type())
			}
		}
	case *types.Interface:
		for i := range t.NumMethods() {
			w.typ(t.Method(i).Type())
		}
	}
}

func (w *apiWalker) named(obj *types.TypeName) {
	if obj.Pkg() != nil && strings.Contains(obj.Pkg().Path(), "/internal/") {
		w.internal = append(w.internal, obj.Pkg().Path()+"."+obj.Name())
	}
}
