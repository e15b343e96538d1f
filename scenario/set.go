package scenario

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
)

// segment is one step of a `set` path: a field name, or a list index.
type segment struct {
	name  string
	index int // -1 for a name
}

// parsePath splits subject.mentalHealth or victims[0].consentsToContact
// into segments. It reports false for anything else.
func parsePath(p string) ([]segment, bool) {
	var out []segment
	for p != "" {
		if p[0] == '[' {
			end := strings.IndexByte(p, ']')
			if end < 2 {
				return nil, false
			}
			n, err := strconv.Atoi(p[1:end])
			if err != nil || n < 0 || n > 1<<20 || len(out) == 0 || p[1] == '+' {
				return nil, false
			}
			out = append(out, segment{index: n})
			p = p[end+1:]
			if strings.HasPrefix(p, ".") {
				p = p[1:]
				if p == "" || p[0] == '[' {
					return nil, false
				}
			} else if p != "" && p[0] != '[' {
				return nil, false
			}
			continue
		}
		end := strings.IndexAny(p, ".[")
		name := p
		if end >= 0 {
			name = p[:end]
			p = p[end:]
			if p[0] == '.' {
				p = p[1:]
				if p == "" {
					return nil, false
				}
			}
		} else {
			p = ""
		}
		if name == "" {
			return nil, false
		}
		out = append(out, segment{name: name, index: -1})
	}
	return out, len(out) > 0
}

// validPath reports whether p is a well-formed answer path.
func validPath(p string) bool {
	_, ok := parsePath(p)
	return ok
}

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	fieldCache      sync.Map // reflect.Type → *jsonFields
)

// jsonFields are a struct type's fields by JSON name.
type jsonFields struct {
	names []string
	index map[string]int
}

func fieldsOf(t reflect.Type) *jsonFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*jsonFields)
	}
	f := &jsonFields{index: map[string]int{}}
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || name == "" || name == "-" {
			continue
		}
		f.names = append(f.names, name)
		f.index[name] = i
	}
	fieldCache.Store(t, f)
	return f
}

// isLeaf reports whether values of t are written as one scalar.
func isLeaf(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(textUnmarshaler)
}

// applySet applies the overrides of a case's `set` to r. It returns the
// paths it set and the problems, placed in the scenario file.
func applySet(sf *yamlsrc.File, r *referral.Referral, n *yaml.Node, p string) ([]string, diag.List) {
	if n.Kind != yaml.MappingNode {
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
			return nil, nil
		}
		return nil, diag.List{sf.Diag(n, "wrong-type", "Expected overrides by path",
			"`set` is a group of answers by JSON path, such as {subject.mentalHealth: unmanaged, victims[0].consentsToContact: false}.", p)}
	}
	var problems diag.List
	var set []string
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		kp := yamlsrc.Field(p, k.Value)
		if k.Kind != yaml.ScalarNode {
			problems = append(problems, sf.Diag(k, "wrong-type", "Expected an answer's path",
				"Each key of `set` is an answer's JSON path, such as subject.mentalHealth.", p))
			continue
		}
		if line, ok := seen[k.Value]; ok {
			problems = append(problems, sf.Diag(k, "duplicate-key", fmt.Sprintf("%q is set twice", k.Value),
				fmt.Sprintf("It is already set on line %d. Remove one of them.", line), kp))
			continue
		}
		seen[k.Value] = k.Line
		d := setOne(sf, reflect.ValueOf(r).Elem(), k, v, kp)
		if d != nil {
			problems = append(problems, d...)
			continue
		}
		set = append(set, k.Value)
	}
	return set, problems
}

// setOne applies one override.
func setOne(sf *yamlsrc.File, root reflect.Value, k, v *yaml.Node, kp string) diag.List {
	segs, ok := parsePath(k.Value)
	bad := func(code, summary, detail string) diag.List {
		return diag.List{sf.Diag(k, code, summary, detail, kp)}
	}
	if !ok {
		return bad("bad-path", fmt.Sprintf("%q is not an answer's path", k.Value),
			"Write the answer's JSON path: names joined by dots, with list items by index, such as subject.mentalHealth or victims[0].consentsToContact.")
	}
	cur := root
	done := ""
	for i, s := range segs {
		last := i == len(segs)-1
		if s.index >= 0 {
			if cur.Kind() != reflect.Slice {
				return bad("unknown-path", fmt.Sprintf("%s is not a list", done),
					fmt.Sprintf("Only lists (victims, children, otherAgencies) have items by index. Remove [%d].", s.index))
			}
			if cur.Len() == 0 {
				return bad("no-such-item", fmt.Sprintf("The referral has no %s[%d]", done, s.index),
					fmt.Sprintf("Its %s list is empty. Set the whole list to add items: %s: [...].", done, done))
			}
			if s.index >= cur.Len() {
				return bad("no-such-item", fmt.Sprintf("The referral has no %s[%d]", done, s.index),
					fmt.Sprintf("%s has %d item(s), numbered from 0. Use an index below %d, or set the whole list to add items.", done, cur.Len(), cur.Len()))
			}
			cur = cur.Index(s.index)
			done = fmt.Sprintf("%s[%d]", done, s.index)
		} else {
			if cur.Kind() == reflect.Slice {
				return bad("unknown-path", fmt.Sprintf("%s is a list", done),
					fmt.Sprintf("Name one of its items by index, such as %s[0].%s.", done, s.name))
			}
			if cur.Kind() != reflect.Struct || isLeaf(cur.Type()) {
				return bad("unknown-path", fmt.Sprintf("%s is a single answer", done),
					fmt.Sprintf("It has no answers inside it. Set %s itself.", done))
			}
			fields := fieldsOf(cur.Type())
			idx, ok := fields.index[s.name]
			if !ok {
				where := "a referral"
				if done != "" {
					where = done
				}
				return bad("unknown-path", fmt.Sprintf("%s has no answer %q", where, s.name),
					fmt.Sprintf("The answers here are %s.%s", diag.Quoted(fields.names), diag.DidYouMean(s.name, fields.names)))
			}
			cur = cur.Field(idx)
			done = yamlsrc.Field(done, s.name)
		}
		if last {
			break
		}
		if cur.Kind() == reflect.Pointer {
			if cur.IsNil() {
				cur.Set(reflect.New(cur.Type().Elem()))
			}
			cur = cur.Elem()
		}
	}
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null" {
		cur.SetZero()
		return nil
	}
	fresh := reflect.New(cur.Type())
	_, probs := yamlsrc.Decode(sf, v, kp, fresh.Interface())
	if len(probs) > 0 {
		return probs
	}
	val := fresh.Elem()
	if enum := referral.EnumOf(val.Interface()); enum != "" && val.String() != "" && !referral.Valid(enum, val.String()) {
		values := referral.EnumValues(enum)
		return diag.List{sf.Diag(v, "bad-value", fmt.Sprintf("Not a value of %s", done),
			fmt.Sprintf("%s is one of %s.%s To test an invalid form, write the referral inline or use a referral file.",
				done, diag.Quoted(values), diag.DidYouMean(val.String(), values)), kp)}
	}
	cur.Set(val)
	return nil
}

// overridden reports whether a problem at path p concerns an answer that
// `set` replaced.
func overridden(p string, set []string) bool {
	return slices.ContainsFunc(set, func(s string) bool {
		return p == s || strings.HasPrefix(p, s+".") || strings.HasPrefix(p, s+"[")
	})
}

// suggestPath returns " Did you mean ...?" for a path whose last name is
// close to an answer's name at that place, or "".
func suggestPath(p string) string {
	segs, ok := parsePath(p)
	if !ok {
		return ""
	}
	t := reflect.TypeFor[referral.Referral]()
	prefix := ""
	for i, s := range segs {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if s.index >= 0 {
			prefix = fmt.Sprintf("%s[%d]", prefix, s.index)
			continue
		}
		if t.Kind() != reflect.Struct || isLeaf(t) {
			return ""
		}
		fields := fieldsOf(t)
		idx, ok := fields.index[s.name]
		if !ok {
			if i != len(segs)-1 {
				return ""
			}
			if best := diag.Suggest(s.name, fields.names); best != "" {
				return fmt.Sprintf(" Did you mean %q?", yamlsrc.Field(prefix, best))
			}
			return ""
		}
		prefix = yamlsrc.Field(prefix, s.name)
		t = t.Field(idx).Type
	}
	return ""
}
