package yamlsrc

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/saferpath/pathway/diag"
	"go.yaml.in/yaml/v4"
)

// Scalar captures a scalar's text together with its node, for values whose
// own problems (an expression that does not compile, say) must be reported
// at their place in the file. A null leaves the Scalar zero.
type Scalar struct {
	Value string
	Node  *yaml.Node
}

// Expecter is implemented by types decoded from text (through
// encoding.TextUnmarshaler) that can say in plain English what a value
// looks like, for example "a date YYYY-MM-DD". Decode uses it in messages.
type Expecter interface {
	Expected() string
}

// Position is where the value at one JSON path came from. Key is nil for
// the root and for list items.
type Position struct {
	Key   *yaml.Node
	Value *yaml.Node
}

// Positions maps each JSON path that Decode filled (victims[1].name) to the
// key and value nodes it came from, so that later problems, found by
// validation, can be placed in the file.
type Positions map[string]Position

// Node returns the value node at path, or at its nearest ancestor when the
// path itself was not in the input (a missing field). It returns nil when no
// ancestor is known.
func (p Positions) Node(path string) *yaml.Node {
	for {
		if pos, ok := p[path]; ok && pos.Value != nil {
			return pos.Value
		}
		if path == "" {
			return nil
		}
		path = Parent(path)
	}
}

// Range returns where the value at path is in f, falling back to the
// nearest ancestor path that was in the input, and to the file alone.
func (p Positions) Range(f *File, path string) diag.Range {
	if f == nil {
		return diag.Range{}
	}
	return f.Range(p.Node(path))
}

// Field returns the JSON path of field name inside path: "subject" and
// "name" give "subject.name". Names that are not plain identifiers are
// quoted: set["subject.gender"].
func Field(path, name string) string {
	if !isIdent(name) {
		return path + "[" + strconv.Quote(name) + "]"
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// Index returns the JSON path of item i of the list at path: victims[1].
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// Parent returns the path one level up: victims[1].name gives victims[1],
// victims[1] gives victims, and a top-level name gives "".
func Parent(path string) string {
	if strings.HasSuffix(path, "]") {
		// Find the "[" that opens the last segment, skipping quoted text.
		inQuote := false
		for i := len(path) - 2; i >= 0; i-- {
			switch c := path[i]; {
			case c == '"' && (i == 0 || path[i-1] != '\\'):
				inQuote = !inQuote
			case c == '[' && !inQuote:
				return path[:i]
			}
		}
		return ""
	}
	if i := strings.LastIndexAny(path, ".]"); i >= 0 {
		if path[i] == ']' {
			return path[:i+1]
		}
		return path[:i]
	}
	return ""
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r == '-' && i > 0 || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// maxProblems bounds the problems one Decode reports.
const maxProblems = 200

// Decode fills out, a pointer (usually to a struct), from node n of f,
// whose JSON path is path ("" for a whole document). Struct fields are
// matched by their json tag names (tag options are ignored; a field tagged
// "-" or unexported is skipped). It reports, all at once and with their
// paths and positions:
//
//   - "unknown-key": a key the struct does not have, with a "did you mean"
//     and, when there are few, the keys allowed;
//   - "duplicate-key": a key given twice in one mapping;
//   - "wrong-type": a value of the wrong kind (a list where a text value is
//     expected, "yes" where true or false is expected, a quoted number...);
//   - "bad-value": text that a type implementing encoding.TextUnmarshaler
//     rejects (when its error is a *diag.Diagnostic, that diagnostic's code,
//     summary and detail are used instead), or a number out of range.
//
// Decoding goes on after a problem, so out holds everything that could be
// read. Booleans accept only true and false; null leaves a value as it is
// (and a pointer, slice, map or interface nil); numbers accept only numbers
// and text only text. A Scalar field captures a scalar and its node, a
// *yaml.Node field the raw node, and an interface{} field plain Go values as
// encoding/json would decode them (float64 numbers, map[string]any, []any).
//
// The Positions returned hold every path that was in the input.
func Decode(f *File, n *yaml.Node, path string, out any) (Positions, diag.List) {
	d := &decoder{f: f, pos: Positions{}}
	v := reflect.ValueOf(out)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
		return d.pos, diag.List{{Severity: diag.Error, Code: "internal", Summary: "Nothing to decode into",
			Detail: "The decoder was given no place to put the values. This is a fault in the program, not in the file."}}
	}
	if n == nil {
		return d.pos, nil
	}
	d.pos[path] = Position{Value: n}
	d.value(n, path, v.Elem(), 0)
	return d.pos, d.probs
}

type decoder struct {
	f     *File
	pos   Positions
	probs diag.List
}

var (
	scalarType    = reflect.TypeFor[Scalar]()
	nodePtrType   = reflect.TypeFor[*yaml.Node]()
	textUnmarshal = reflect.TypeFor[encoding.TextUnmarshaler]()
	expecterType  = reflect.TypeFor[Expecter]()
)

func (d *decoder) add(n *yaml.Node, code, summary, detail, path string) {
	if len(d.probs) == maxProblems {
		d.probs = append(d.probs, d.f.Diag(n, "too-many-problems", "Too many problems",
			fmt.Sprintf("Only the first %d problems are shown. Fix them and try again.", maxProblems), path))
	}
	if len(d.probs) > maxProblems {
		return
	}
	d.probs = append(d.probs, d.f.Diag(n, code, summary, detail, path))
}

// isNull reports whether n is a null (null, ~ or nothing).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe says in plain English what kind of value n is.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a group of named fields"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "empty (null)"
		case "!!bool":
			return "a yes/no answer"
		case "!!int", "!!float":
			return "a number"
		case "!!timestamp":
			return "a date"
		}
		return "a text value"
	}
	return "something else"
}

// expected says in plain English what a value of type t looks like.
func expected(t reflect.Type) string {
	if t == scalarType {
		return "a single value"
	}
	if t.Implements(expecterType) {
		if e, ok := reflect.Zero(t).Interface().(Expecter); ok {
			return e.Expected()
		}
	}
	if reflect.PointerTo(t).Implements(expecterType) {
		if e, ok := reflect.New(t).Interface().(Expecter); ok {
			return e.Expected()
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return expected(t.Elem())
	case reflect.Struct, reflect.Map:
		return "a group of named fields"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Bool:
		return "a yes/no answer (true or false)"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a text value"
	}
	return "a value"
}

func (d *decoder) wrongType(n *yaml.Node, t reflect.Type, path string) {
	exp := expected(t)
	detail := fmt.Sprintf("This should be %s, but it is %s.", exp, describe(n))
	switch {
	case t.Kind() == reflect.Bool || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Bool:
		detail += " Write true or false without quotes, or null if the question was not answered."
	case exp == "a text value" && n.Kind == yaml.ScalarNode:
		detail += " Put the value in double quotes."
	case strings.HasPrefix(exp, "a whole number") || exp == "a number":
		if n.Kind == yaml.ScalarNode {
			detail += " Write the number without quotes."
		}
	}
	d.add(n, "wrong-type", "Expected "+exp, detail, path)
}

func (d *decoder) value(n *yaml.Node, path string, v reflect.Value, depth int) {
	if depth > 2*MaxDepth {
		d.add(n, "too-deep", "The lists and mappings are nested too deeply",
			fmt.Sprintf("At most %d levels of nesting are accepted.", MaxDepth), path)
		return
	}
	t := v.Type()
	switch t {
	case nodePtrType:
		v.Set(reflect.ValueOf(n))
		return
	case scalarType:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.ScalarNode {
			d.wrongType(n, t, path)
			return
		}
		v.Set(reflect.ValueOf(Scalar{Value: n.Value, Node: n}))
		return
	}
	if n.Kind == yaml.AliasNode {
		d.add(n, "unsupported-yaml", "YAML aliases are not supported",
			"An alias (*name) repeats another part of the file. Write the value out in full instead.", path)
		return
	}
	if isNull(n) {
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
			v.SetZero()
		}
		return
	}
	if t.Kind() == reflect.Pointer {
		e := reflect.New(t.Elem())
		before := len(d.probs)
		d.value(n, path, e.Elem(), depth+1)
		if len(d.probs) > before && e.Elem().IsZero() {
			return // nothing could be read: leave the pointer nil
		}
		v.Set(e)
		return
	}
	if reflect.PointerTo(t).Implements(textUnmarshal) {
		d.text(n, path, v)
		return
	}
	switch t.Kind() {
	case reflect.Interface:
		if t.NumMethod() != 0 {
			d.wrongType(n, t, path)
			return
		}
		if x, ok := d.plain(n, path, depth+1); ok && x != nil {
			v.Set(reflect.ValueOf(x))
		}
	case reflect.Struct:
		d.structValue(n, path, v, depth)
	case reflect.Map:
		d.mapValue(n, path, v, depth)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.wrongType(n, t, path)
			return
		}
		s := reflect.MakeSlice(t, len(n.Content), len(n.Content))
		for i, c := range n.Content {
			p := Index(path, i)
			d.pos[p] = Position{Value: c}
			d.value(c, p, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || (n.Value != "true" && n.Value != "false") {
			d.wrongType(n, t, path)
			return
		}
		v.SetBool(n.Value == "true")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := d.integer(n, path, t)
		if ok {
			if v.OverflowInt(i) {
				d.add(n, "bad-value", "The number is too large", fmt.Sprintf("This should be %s in a smaller range. Check the number.", expected(t)), path)
				return
			}
			v.SetInt(i)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, ok := d.integer(n, path, t)
		if ok {
			if i < 0 || v.OverflowUint(uint64(i)) {
				d.add(n, "bad-value", "The number is out of range", "This should be a whole number, not negative and not too large. Check the number.", path)
				return
			}
			v.SetUint(uint64(i))
		}
	case reflect.Float32, reflect.Float64:
		x, ok := d.float(n, path, t)
		if ok {
			if v.OverflowFloat(x) {
				d.add(n, "bad-value", "The number is too large", "Check the number.", path)
				return
			}
			v.SetFloat(x)
		}
	case reflect.String:
		if !isText(n) {
			d.wrongType(n, t, path)
			return
		}
		v.SetString(n.Value)
	default:
		d.wrongType(n, t, path)
	}
}

// isText reports whether n is a scalar that JSON would call a string: a
// quoted or plain text, or (in YAML) an unquoted date.
func isText(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode {
		return false
	}
	switch n.ShortTag() {
	case "!!str", "!!timestamp":
		return true
	}
	return false
}

// text decodes n through v's UnmarshalText.
func (d *decoder) text(n *yaml.Node, path string, v reflect.Value) {
	if !isText(n) {
		d.wrongType(n, v.Type(), path)
		return
	}
	u, ok := v.Addr().Interface().(encoding.TextUnmarshaler)
	if !ok {
		d.wrongType(n, v.Type(), path)
		return
	}
	err := u.UnmarshalText([]byte(n.Value))
	if err == nil {
		return
	}
	var dg *diag.Diagnostic
	if errors.As(err, &dg) {
		d.add(n, dg.Code, dg.Summary, dg.Detail, path)
		return
	}
	// The error text may repeat the value, which may be personal: say only
	// what was expected.
	d.add(n, "bad-value", "Invalid value", fmt.Sprintf("This should be %s. Check the value.", expected(v.Type())), path)
}

// integer reads n as a whole number.
func (d *decoder) integer(n *yaml.Node, path string, t reflect.Type) (int64, bool) {
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
		d.wrongType(n, t, path)
		return 0, false
	}
	if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
		return i, true // decimal, and JSON's -0
	} else if errors.Is(err, strconv.ErrRange) {
		d.add(n, "bad-value", "The number is too large", fmt.Sprintf("This should be %s in a smaller range. Check the number.", expected(t)), path)
		return 0, false
	}
	if tag == "!!int" {
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i, true // YAML's 0x1F, 0o17, 1_000
		}
		d.add(n, "bad-value", "The number is too large", fmt.Sprintf("This should be %s in a smaller range. Check the number.", expected(t)), path)
		return 0, false
	}
	d.add(n, "wrong-type", "Expected "+expected(t), "This should be a whole number, but it has a fraction or an exponent. Write it without a decimal point.", path)
	return 0, false
}

// float reads n as a finite number.
func (d *decoder) float(n *yaml.Node, path string, t reflect.Type) (float64, bool) {
	x, ok, err := number(n)
	if !ok {
		d.wrongType(n, t, path)
		return 0, false
	}
	if err != nil {
		d.add(n, "bad-value", "The number cannot be used", "This should be a finite number that is not too large. Check the number.", path)
		return 0, false
	}
	return x, true
}

// number reads a numeric scalar as float64, as encoding/json would. ok is
// false when n is not a number at all; err is set when it is a number that
// cannot be held (out of range, infinite, not a number).
func number(n *yaml.Node) (x float64, ok bool, err error) {
	if n.Kind != yaml.ScalarNode {
		return 0, false, nil
	}
	switch n.ShortTag() {
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return float64(i), true, nil
		}
		x, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		return x, true, err
	case "!!float":
		x, err := strconv.ParseFloat(n.Value, 64)
		if err == nil && (math.IsInf(x, 0) || math.IsNaN(x)) {
			err = strconv.ErrRange
		}
		if err != nil {
			return 0, true, errors.New("not a finite number")
		}
		return x, true, nil
	}
	return 0, false, nil
}

// plain decodes n into plain Go values, as encoding/json does into an
// interface{}.
func (d *decoder) plain(n *yaml.Node, path string, depth int) (any, bool) {
	if depth > 2*MaxDepth {
		d.add(n, "too-deep", "The lists and mappings are nested too deeply",
			fmt.Sprintf("At most %d levels of nesting are accepted.", MaxDepth), path)
		return nil, false
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		d.pairs(n, path, func(name string, k, val *yaml.Node, p string) {
			if x, ok := d.plain(val, p, depth+1); ok {
				m[name] = x
			}
		})
		return m, true
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			p := Index(path, i)
			d.pos[p] = Position{Value: c}
			x, _ := d.plain(c, p, depth+1)
			s = append(s, x)
		}
		return s, true
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, true
		case "!!bool":
			if n.Value == "true" || n.Value == "false" {
				return n.Value == "true", true
			}
			d.add(n, "wrong-type", "Expected true or false", "Yes/no answers are written true or false, in lower case and without quotes.", path)
			return nil, false
		case "!!int", "!!float":
			x, _, err := number(n)
			if err != nil {
				d.add(n, "bad-value", "The number cannot be used", "This should be a finite number that is not too large. Check the number.", path)
				return nil, false
			}
			return x, true
		case "!!str", "!!timestamp":
			return n.Value, true
		}
	case yaml.AliasNode:
		d.add(n, "unsupported-yaml", "YAML aliases are not supported",
			"An alias (*name) repeats another part of the file. Write the value out in full instead.", path)
		return nil, false
	}
	d.add(n, "wrong-type", "Unsupported value", "This value cannot be read. Write it as text, a number, true, false, null, a list or a group of named fields.", path)
	return nil, false
}

// pairs walks the key/value pairs of mapping n, reporting keys that are not
// text and keys given twice, and records each pair's position.
func (d *decoder) pairs(n *yaml.Node, path string, fn func(name string, k, v *yaml.Node, p string)) {
	var seen map[string]*yaml.Node
	if len(n.Content) > 16 {
		seen = make(map[string]*yaml.Node, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.add(k, "wrong-type", "Expected a field name", "A key must be a plain name, not a list, a group of fields or null.", path)
			continue
		}
		name := k.Value
		p := Field(path, name)
		var first *yaml.Node
		if seen != nil {
			first = seen[name]
			if first == nil {
				seen[name] = k
			}
		} else {
			for j := 0; j < i; j += 2 {
				if c := n.Content[j]; c.Kind == yaml.ScalarNode && c.Value == name {
					first = c
					break
				}
			}
		}
		if first != nil {
			// The key is not repeated: a key is input, and may be personal.
			d.add(k, "duplicate-key", "A key is given twice",
				fmt.Sprintf("This key is given twice in the same place; it was first given on line %d. Remove one of them.", first.Line), path)
			continue
		}
		d.pos[p] = Position{Key: k, Value: val}
		fn(name, k, val, p)
	}
}

// structValue decodes mapping n into struct v.
func (d *decoder) structValue(n *yaml.Node, path string, v reflect.Value, depth int) {
	if n.Kind != yaml.MappingNode {
		d.wrongType(n, v.Type(), path)
		return
	}
	info := fieldsOf(v.Type())
	d.pairs(n, path, func(name string, k, val *yaml.Node, p string) {
		idx, ok := info.index[name]
		if !ok && len(d.probs) > maxProblems {
			delete(d.pos, p) // no more problems are reported: skip the suggestion
			return
		}
		if !ok {
			detail := "There is no such key here."
			if dym := diag.DidYouMean(name, info.names); dym != "" {
				detail += dym
			} else if len(info.names) <= 20 {
				detail += " The keys allowed here are " + diag.Quoted(info.names) + "."
			} else {
				detail += " Check the spelling against the documentation."
			}
			d.add(k, "unknown-key", "Unknown key", detail, path)
			delete(d.pos, p)
			return
		}
		f, err := v.FieldByIndexErr(idx)
		if err != nil {
			// A nil embedded pointer: allocate it.
			f = fieldAlloc(v, idx)
		}
		d.value(val, p, f, depth+1)
	})
}

// fieldAlloc walks to the field at idx, allocating nil embedded pointers.
func fieldAlloc(v reflect.Value, idx []int) reflect.Value {
	for i, x := range idx {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

// mapValue decodes mapping n into map v, whose keys are strings.
func (d *decoder) mapValue(n *yaml.Node, path string, v reflect.Value, depth int) {
	t := v.Type()
	if t.Key().Kind() != reflect.String || n.Kind != yaml.MappingNode {
		d.wrongType(n, t, path)
		return
	}
	m := reflect.MakeMapWithSize(t, len(n.Content)/2)
	d.pairs(n, path, func(name string, k, val *yaml.Node, p string) {
		e := reflect.New(t.Elem()).Elem()
		d.value(val, p, e, depth+1)
		m.SetMapIndex(reflect.ValueOf(name).Convert(t.Key()), e)
	})
	v.Set(m)
}

// structInfo is a struct type's keys.
type structInfo struct {
	names []string         // in declaration order
	index map[string][]int // key to field index
}

var structCache sync.Map // reflect.Type to *structInfo

// fieldsOf returns t's keys: json tag names, or field names, with the
// fields of embedded structs without a tag promoted as encoding/json does.
func fieldsOf(t reflect.Type) *structInfo {
	if c, ok := structCache.Load(t); ok {
		return c.(*structInfo)
	}
	info := &structInfo{index: map[string][]int{}}
	var walk func(t reflect.Type, prefix []int, depth int)
	walk = func(t reflect.Type, prefix []int, depth int) {
		// Direct fields first, so that they win over promoted ones.
		order := make([]int, 0, t.NumField())
		for i := range t.NumField() {
			if !t.Field(i).Anonymous {
				order = append(order, i)
			}
		}
		for i := range t.NumField() {
			if t.Field(i).Anonymous {
				order = append(order, i)
			}
		}
		for _, i := range order {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			idx := append(append([]int(nil), prefix...), i)
			if sf.Anonymous && name == "" && depth < 8 {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx, depth+1)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if _, dup := info.index[name]; dup {
				continue
			}
			info.index[name] = idx
			info.names = append(info.names, name)
		}
	}
	walk(t, nil, 0)
	c, _ := structCache.LoadOrStore(t, info)
	return c.(*structInfo)
}
