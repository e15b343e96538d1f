package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
)

// Limits on one evaluation (docs/rules.md, "Limits"). A rule that reaches
// one is unknown, with the reason, never decided.
const (
	// MaxSteps bounds the list items one evaluation visits (in any, all,
	// filter, map, ranges, in over a list...), so that a rule nesting
	// searches over long lists cannot hang the process.
	MaxSteps = 200_000
	// MaxBuilt bounds, in bytes, the text and lists one evaluation builds
	// (text joined with +, repeat, replace; lists made by filter, map).
	MaxBuilt = 1 << 20
)

// maxDepth bounds how deeply predicates (any, all, ...) may nest.
const maxDepth = 4

// itemCost is what one item of a list built by a rule counts against
// MaxBuilt.
const itemCost = 16

var (
	errSteps = fmt.Errorf("the rule needed more than %d steps; simplify it, or check the size of the lists it reads", MaxSteps)
	errBuilt = fmt.Errorf("the rule built text or lists larger than %d bytes; simplify it", MaxBuilt)
)

// frame is the state of one evaluation.
type frame struct {
	ctx   context.Context
	env   *Env
	items [maxDepth]Value // current item of each enclosing predicate
	idx   [maxDepth]int
	vars  []Value // let-variables, by slot
	steps int
	built int
	err   error
}

// step counts one step, and checks the context now and then. It reports
// false when the evaluation must stop.
func (fr *frame) step() bool {
	if fr.err != nil {
		return false
	}
	fr.steps++
	if fr.steps > MaxSteps {
		fr.fail(errSteps)
		return false
	}
	if fr.steps&1023 == 0 && fr.ctx != nil {
		if err := fr.ctx.Err(); err != nil {
			fr.fail(fmt.Errorf("the evaluation was stopped: %w", err))
			return false
		}
	}
	return true
}

// build counts n bytes of values built. It reports false, before anything
// is built, when that would pass MaxBuilt.
func (fr *frame) build(n int) bool {
	if fr.err != nil {
		return false
	}
	if n < 0 || n > MaxBuilt-fr.built {
		fr.fail(errBuilt)
		return false
	}
	fr.built += n
	return true
}

func (fr *frame) fail(err error) {
	if fr.err == nil {
		fr.err = err
	}
}

func (fr *frame) check(v Value, err error) Value {
	if err != nil {
		fr.fail(err)
		return Missing
	}
	return v
}

type evalFn func(*frame) Value

// errUnsupported marks a part of an expression the closures do not cover.
// The checker refuses such parts with a message first; this is the
// compiler's own guard.
type errUnsupported struct {
	node ast.Node
	what string
}

func (e errUnsupported) Error() string { return e.what + " cannot be used in a rule" }

func unsupported(n ast.Node, format string, args ...any) error {
	return errUnsupported{node: n, what: fmt.Sprintf(format, args...)}
}

// scope describes the list items a predicate iterates over.
type scope struct {
	item  *Field // the list field whose items these are; nil for computed values
	depth int
}

// letVar is a variable declared with let, in scope.
type letVar struct {
	name string
	slot int
	of   *Field // the field whose value it holds, when it holds one
}

// closures compiles a checked expr tree to Go closures.
type closures struct {
	schema *Schema
	text   string // the expression, for naming its parts in errors
	scopes []scope
	lets   []letVar
	slots  int
}

func (c *closures) compile(n ast.Node) (evalFn, error) {
	switch n := n.(type) {
	case *ast.NilNode:
		return func(*frame) Value { return Value{K: KindNil} }, nil
	case *ast.BoolNode:
		v := Bool(n.Value)
		return func(*frame) Value { return v }, nil
	case *ast.IntegerNode:
		v := Int(int64(n.Value))
		return func(*frame) Value { return v }, nil
	case *ast.FloatNode:
		v := Float(n.Value)
		return func(*frame) Value { return v }, nil
	case *ast.StringNode:
		v := Value{K: KindText, S: n.Value}
		return func(*frame) Value { return v }, nil
	case *ast.ArrayNode:
		return c.array(n)
	case *ast.ChainNode:
		return c.compile(n.Node)
	case *ast.IdentifierNode, *ast.MemberNode, *ast.PointerNode:
		return c.member(n)
	case *ast.UnaryNode:
		return c.unary(n)
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.ConditionalNode:
		return c.conditional(n)
	case *ast.VariableDeclaratorNode:
		return c.let(n)
	case *ast.BuiltinNode:
		return c.builtin(n)
	case *ast.CallNode:
		return c.call(n)
	}
	return nil, unsupported(n, "%s", describeNode(n))
}

// describeNode names a kind of expression part for policy staff.
func describeNode(n ast.Node) string {
	switch n.(type) {
	case *ast.MapNode, *ast.PairNode:
		return "A map ({...})"
	case *ast.SliceNode:
		return "A slice of a list ([a:b])"
	case *ast.SequenceNode:
		return "A sequence of expressions (;)"
	case *ast.BytesNode:
		return "A bytes value"
	}
	return "This kind of expression"
}

// extent returns the stretch of the expression node n and its parts
// cover, in runes.
func extent(n ast.Node) (from, to int) {
	from, to = math.MaxInt, -1
	ast.Walk(&n, visitor(func(m ast.Node) {
		l := m.Location()
		if l.From >= 0 && l.To > l.From {
			from, to = min(from, l.From), max(to, l.To)
		}
	}))
	if to < 0 {
		l := n.Location()
		return l.From, l.To
	}
	return from, to
}

// visitor is an ast.Visitor calling a function.
type visitor func(ast.Node)

func (v visitor) Visit(n *ast.Node) { v(*n) }

// source is the text of node n in the expression, to name it in a
// message: it is the rule's own text, never an answer.
func (c *closures) source(n ast.Node) string {
	from, to := extent(n)
	r := []rune(c.text)
	if from < 0 || to > len(r) || from >= to {
		return "a value"
	}
	s := strings.TrimSpace(string(r[from:to]))
	if s == "" || utf8.RuneCountInString(s) > 60 {
		return "a value"
	}
	return s
}

func (c *closures) array(n *ast.ArrayNode) (evalFn, error) {
	items := make([]evalFn, len(n.Nodes))
	for i, e := range n.Nodes {
		f, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		items[i] = f
	}
	return func(fr *frame) Value {
		if !fr.build(itemCost * len(items)) {
			return Missing
		}
		vs := make([]Value, len(items))
		for i, f := range items {
			vs[i] = f(fr)
		}
		return Value{K: KindList, O: vs}
	}, nil
}

// lookupLet returns the innermost let-variable called name.
func (c *closures) lookupLet(name string) (letVar, bool) {
	for i := len(c.lets) - 1; i >= 0; i-- {
		if c.lets[i].name == name {
			return c.lets[i], true
		}
	}
	return letVar{}, false
}

func (c *closures) let(n *ast.VariableDeclaratorNode) (evalFn, error) {
	value, err := c.compile(n.Value)
	if err != nil {
		return nil, err
	}
	slot := c.slots
	c.slots++
	c.lets = append(c.lets, letVar{name: n.Name, slot: slot, of: c.fieldOf(n.Value)})
	body, err := c.compile(n.Expr)
	c.lets = c.lets[:len(c.lets)-1]
	if err != nil {
		return nil, err
	}
	return func(fr *frame) Value {
		fr.vars[slot] = value(fr)
		return body(fr)
	}, nil
}

// member compiles a read of the input or of a variable: an identifier, a
// member chain, a list item, or a predicate's current item.
func (c *closures) member(n ast.Node) (evalFn, error) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		if v, ok := c.lookupLet(n.Value); ok {
			slot := v.slot
			return func(fr *frame) Value { return fr.vars[slot] }, nil
		}
		f := c.schema.Lookup(n.Value)
		if f == nil {
			return nil, unsupported(n, "The name %q", n.Value)
		}
		if f.Direct != nil {
			return direct(f), nil
		}
		return reader(f, func(fr *frame) Value { return Value{K: KindObject, O: fr.env, I: -1} }), nil
	case *ast.PointerNode:
		if len(c.scopes) == 0 {
			return nil, unsupported(n, "# outside any(), all() and the like")
		}
		d := c.scopes[len(c.scopes)-1].depth
		switch n.Name {
		case "":
			return func(fr *frame) Value { return fr.items[d] }, nil
		case "index":
			return func(fr *frame) Value { return Int(int64(fr.idx[d])) }, nil
		}
		return nil, unsupported(n, "#%s", n.Name)
	case *ast.MemberNode:
		if n.Method {
			return nil, unsupported(n, "A method call")
		}
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			return c.index(n)
		}
		parent := c.fieldOf(n.Node)
		if parent == nil || parent.Kind != KindObject {
			return nil, unsupported(n, "Reading %q from this value", prop.Value)
		}
		f := parent.Member(prop.Value)
		if f == nil {
			return nil, unsupported(n, "The answer %q", prop.Value)
		}
		if f.Direct != nil && c.fromRoot(n.Node) {
			return direct(f), nil
		}
		obj, err := c.compile(n.Node)
		if err != nil {
			return nil, err
		}
		return reader(f, obj), nil
	}
	return nil, unsupported(n, "This kind of expression")
}

// fromRoot reports whether n is a chain of members from a top-level name
// of the schema (not a variable or a predicate's item).
func (c *closures) fromRoot(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.ChainNode:
		return c.fromRoot(n.Node)
	case *ast.IdentifierNode:
		_, isVar := c.lookupLet(n.Value)
		return !isVar && c.schema.Lookup(n.Value) != nil
	case *ast.MemberNode:
		_, ok := n.Property.(*ast.StringNode)
		return ok && !n.Method && c.fromRoot(n.Node)
	}
	return false
}

// directField returns the field n reads when n is a chain of members from
// the top that can be read straight from the Env.
func (c *closures) directField(n ast.Node) *Field {
	if ch, ok := n.(*ast.ChainNode); ok {
		n = ch.Node
	}
	switch m := n.(type) {
	case *ast.IdentifierNode:
		if _, isVar := c.lookupLet(m.Value); isVar {
			return nil
		}
		return c.schema.Lookup(m.Value)
	case *ast.MemberNode:
		prop, ok := m.Property.(*ast.StringNode)
		if !ok || m.Method || !c.fromRoot(m.Node) {
			return nil
		}
		if parent := c.fieldOf(m.Node); parent != nil && parent.Kind == KindObject {
			return parent.Member(prop.Value)
		}
	}
	return nil
}

// missingAt is the missing value of the answer at path.
func missingAt(path string) func() Value {
	return func() Value { return Value{O: leaf(path, -1)} }
}

// direct reads f straight from the Env, recording its path when missing.
func direct(f *Field) evalFn {
	read, path := f.Direct, f.path
	return func(fr *frame) Value {
		v := read(fr.env)
		switch v.K {
		case KindMissing:
			v.O = leaf(path, -1)
		case KindList:
			v.L = f
		case KindObject:
			v.I = -1
		}
		return v
	}
}

// index compiles list[i]: an item of a list, counted from 0, or from the
// end when i is negative.
func (c *closures) index(n *ast.MemberNode) (evalFn, error) {
	list, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	at, err := c.compile(n.Property)
	if err != nil {
		return nil, err
	}
	what := c.source(n.Node)
	return func(fr *frame) Value {
		l, i := list(fr), at(fr)
		if l.K == KindMissing || i.K == KindMissing {
			return unknown(l, i)
		}
		if l.K != KindList || i.K != KindInt {
			fr.fail(fmt.Errorf("%s cannot be indexed that way", what))
			return Missing
		}
		n := int64(listLen(l))
		k := i.I
		if k < 0 {
			k += n
		}
		if k < 0 || k >= n {
			fr.fail(fmt.Errorf("%s has no item at that position", what))
			return Missing
		}
		return listItem(l, int(k))
	}, nil
}

// fieldOf returns the schema field a node reads, if it reads one whole
// object or list (an identifier, a member chain, a list item, a predicate
// item, a variable holding one, or a filtered list).
func (c *closures) fieldOf(n ast.Node) *Field {
	switch n := n.(type) {
	case *ast.ChainNode:
		return c.fieldOf(n.Node)
	case *ast.IdentifierNode:
		if v, ok := c.lookupLet(n.Value); ok {
			return v.of
		}
		return c.schema.Lookup(n.Value)
	case *ast.PointerNode:
		if len(c.scopes) == 0 || n.Name != "" {
			return nil
		}
		return c.scopes[len(c.scopes)-1].item
	case *ast.MemberNode:
		p := c.fieldOf(n.Node)
		if p == nil {
			return nil
		}
		if prop, ok := n.Property.(*ast.StringNode); ok {
			return p.Member(prop.Value)
		}
		if p.Kind == KindList {
			return itemOf(p)
		}
	case *ast.BuiltinNode:
		if n.Name == "filter" && len(n.Arguments) > 0 {
			return c.fieldOf(n.Arguments[0])
		}
	}
	return nil
}

// itemOf is a stand-in object for an item of list field lf, with the
// list's members and no getter of its own.
func itemOf(lf *Field) *Field {
	return &Field{Name: lf.Name, Kind: KindObject, Fields: lf.Fields, path: lf.path + "[]"}
}

// reader reads field f from the object obj evaluates to, recording the
// answer's path when it is missing.
func reader(f *Field, obj evalFn) evalFn {
	return func(fr *frame) Value {
		p := obj(fr)
		if p.K != KindObject {
			if p.K == KindNil {
				return Missing
			}
			return unknown(p)
		}
		v := f.Get(p.O)
		switch v.K {
		case KindMissing:
			idx := int(p.I)
			if f.Alias != "" {
				idx = fr.env.Index
			}
			v.O = leaf(f.path, idx)
		case KindList:
			v.L = f
		case KindObject:
			v.I = p.I
			if f.Alias != "" {
				v.I = int64(fr.env.Index)
			}
		}
		return v
	}
}

func (c *closures) unary(n *ast.UnaryNode) (evalFn, error) {
	x, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	switch n.Operator {
	case "!", "not":
		return func(fr *frame) Value {
			v := x(fr)
			if v.K != KindBool {
				return unknown(v)
			}
			return Bool(!v.Truth())
		}, nil
	case "-":
		return func(fr *frame) Value {
			v := x(fr)
			switch v.K {
			case KindInt:
				if v.I == math.MinInt64 {
					fr.fail(errOverflow)
					return Missing
				}
				return Int(-v.I)
			case KindFloat:
				return Float(-v.F())
			}
			return unknown(v)
		}, nil
	case "+":
		return x, nil
	}
	return nil, unsupported(n, "The operator %s", n.Operator)
}

var errOverflow = errors.New("a number in the condition grew too large")

// isTime reports whether n's checked type is a date or a length of time,
// which only the date helpers combine.
func isTime(n ast.Node) bool {
	t := n.Type()
	return t != nil && (t == reflect.TypeFor[time.Time]() || t == reflect.TypeFor[time.Duration]())
}

func (c *closures) binary(n *ast.BinaryNode) (evalFn, error) {
	op := n.Operator
	switch op {
	case "in", "not in":
		return c.in(n, op == "not in")
	case "..":
		return c.rangeOf(n)
	case "matches":
		return c.matches(n)
	case "**", "^":
		return nil, unsupported(n, "The power operator %s", op)
	}
	// x == nil and x != nil test whether an answer was given.
	if op == "==" || op == "!=" {
		if _, ok := n.Right.(*ast.NilNode); ok {
			return c.given(n.Left, op == "!=")
		}
		if _, ok := n.Left.(*ast.NilNode); ok {
			return c.given(n.Right, op == "!=")
		}
		if lit, ok := n.Right.(*ast.StringNode); ok {
			return c.textEquals(n.Left, lit.Value, op == "!=")
		}
		if lit, ok := n.Left.(*ast.StringNode); ok {
			return c.textEquals(n.Right, lit.Value, op == "!=")
		}
	}
	switch op {
	case "+", "-", "*", "/", "%":
		if isTime(n.Left) || isTime(n.Right) {
			return nil, unsupported(n, "Arithmetic on dates")
		}
	}
	if fn, ok, err := c.againstLiteral(n); ok || err != nil {
		return fn, err
	}
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	switch op {
	case "&&", "and":
		return func(fr *frame) Value {
			a := l(fr)
			if a.K == KindBool && !a.Truth() {
				return a
			}
			b := r(fr)
			if b.K == KindBool && !b.Truth() {
				return b
			}
			if a.K == KindBool && b.K == KindBool {
				return b
			}
			return unknown(a, b)
		}, nil
	case "||", "or":
		return func(fr *frame) Value {
			a := l(fr)
			if a.K == KindBool && a.Truth() {
				return a
			}
			b := r(fr)
			if b.K == KindBool && b.Truth() {
				return b
			}
			if a.K == KindBool && b.K == KindBool {
				return b
			}
			return unknown(a, b)
		}, nil
	case "??":
		return func(fr *frame) Value {
			if a := l(fr); a.K != KindMissing && a.K != KindNil {
				return a
			}
			return r(fr)
		}, nil
	case "==", "!=":
		neg := op == "!="
		return func(fr *frame) Value {
			a, b := l(fr), r(fr)
			if a.K == KindMissing || b.K == KindMissing {
				return unknown(a, b)
			}
			return Bool(equal(a, b) != neg)
		}, nil
	case "<", "<=", ">", ">=":
		return func(fr *frame) Value {
			a, b := l(fr), r(fr)
			if a.K == KindMissing || b.K == KindMissing {
				return unknown(a, b)
			}
			return generalCompare(fr, op, a, b)
		}, nil
	case "+", "-", "*", "/", "%":
		return func(fr *frame) Value {
			a, b := l(fr), r(fr)
			if a.K == KindMissing || b.K == KindMissing {
				return unknown(a, b)
			}
			if op == "+" && a.K == KindText && b.K == KindText {
				if !fr.build(len(a.S) + len(b.S)) {
					return Missing
				}
				return Value{K: KindText, S: a.S + b.S}
			}
			return fr.check(arith(op, a, b))
		}, nil
	case "contains", "startsWith", "endsWith":
		return func(fr *frame) Value {
			a, b := l(fr), r(fr)
			if a.K != KindText || b.K != KindText {
				if a.K == KindMissing || b.K == KindMissing {
					return unknown(a, b)
				}
				fr.fail(fmt.Errorf("%s needs two text values", op))
				return Missing
			}
			switch op {
			case "contains":
				return Bool(strings.Contains(a.S, b.S))
			case "startsWith":
				return Bool(strings.HasPrefix(a.S, b.S))
			}
			return Bool(strings.HasSuffix(a.S, b.S))
		}, nil
	}
	return nil, unsupported(n, "The operator %s", op)
}

// rangeOf compiles a..b, the whole numbers from a to b, as a list that is
// never built: its items are counted as they are visited.
func (c *closures) rangeOf(n *ast.BinaryNode) (evalFn, error) {
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	return func(fr *frame) Value {
		a, b := l(fr), r(fr)
		if a.K == KindMissing || b.K == KindMissing {
			return unknown(a, b)
		}
		if a.K != KindInt || b.K != KindInt {
			fr.fail(errors.New("a range (a..b) needs two whole numbers"))
			return Missing
		}
		return Value{K: KindList, O: span{from: a.I, to: b.I}}
	}, nil
}

// span is the list a..b, never built.
type span struct{ from, to int64 }

func (s span) len() int {
	if s.to < s.from {
		return 0
	}
	n := uint64(s.to - s.from)
	if n >= math.MaxInt32 {
		return math.MaxInt32
	}
	return int(n) + 1
}

// matches compiles text matches "pattern". The pattern must be written in
// the rule, so that it is checked once, at load.
func (c *closures) matches(n *ast.BinaryNode) (evalFn, error) {
	lit, ok := n.Right.(*ast.StringNode)
	if !ok {
		return nil, unsupported(n, "matches with a pattern that is not written in quotes")
	}
	re, err := regexp.Compile(lit.Value)
	if err != nil {
		return nil, unsupported(n.Right, "This pattern")
	}
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	return func(fr *frame) Value {
		a := l(fr)
		if a.K != KindText {
			if a.K == KindMissing {
				return a
			}
			fr.fail(errors.New("matches needs a text value"))
			return Missing
		}
		if !fr.step() {
			return Missing
		}
		return Bool(re.MatchString(a.S))
	}, nil
}

// given compiles x == nil (neg false) or x != nil (neg true).
func (c *closures) given(x ast.Node, neg bool) (evalFn, error) {
	f, err := c.compile(x)
	if err != nil {
		return nil, err
	}
	return func(fr *frame) Value {
		v := f(fr)
		absent := v.K == KindMissing || v.K == KindNil
		return Bool(absent != neg)
	}, nil
}

// in compiles membership in a list: a literal list of texts is the common
// shape, read with one comparison an item.
func (c *closures) in(n *ast.BinaryNode, neg bool) (evalFn, error) {
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	if arr, ok := n.Right.(*ast.ArrayNode); ok {
		if texts, ok := literalTexts(arr); ok {
			yes, no := Bool(!neg), Bool(neg)
			if f := c.directField(n.Left); f != nil && f.directText != nil {
				// subject.mentalHealth in ["none", "managed"]: read as hand-written Go would.
				read, miss := f.directText, missingAt(f.path)
				return func(fr *frame) Value {
					a := read(fr.env.Root)
					if a == "" {
						return miss()
					}
					for _, t := range texts {
						if a == t {
							return yes
						}
					}
					return no
				}, nil
			}
			return func(fr *frame) Value {
				a := l(fr)
				if a.K != KindText {
					if a.K == KindMissing {
						return a
					}
					return no
				}
				for _, t := range texts {
					if a.S == t {
						return yes
					}
				}
				return no
			}, nil
		}
	}
	list, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	return func(fr *frame) Value {
		a, lv := l(fr), list(fr)
		if a.K == KindMissing || lv.K == KindMissing {
			return unknown(a, lv)
		}
		if lv.K != KindList {
			fr.fail(errors.New("in needs a list on its right"))
			return Missing
		}
		var unk Value
		for i := range listLen(lv) {
			if !fr.step() {
				return Missing
			}
			item := listItem(lv, i)
			if item.K == KindMissing {
				unk = unknown(unk, item)
				continue
			}
			if equal(a, item) {
				return Bool(!neg)
			}
		}
		if unk.K == KindMissing && unk.O != nil {
			return unk
		}
		return Bool(neg)
	}, nil
}

// literalTexts returns the texts of an array of text literals.
func literalTexts(arr *ast.ArrayNode) ([]string, bool) {
	texts := make([]string, len(arr.Nodes))
	for i, e := range arr.Nodes {
		s, ok := e.(*ast.StringNode)
		if !ok {
			return nil, false
		}
		texts[i] = s.Value
	}
	return texts, true
}

// againstLiteral compiles the common shapes x == true, x != false and
// x <= 84 (a yes/no or whole-number answer against a literal on the right)
// without the general comparison.
func (c *closures) againstLiteral(n *ast.BinaryNode) (evalFn, bool, error) {
	var lit Value
	switch r := n.Right.(type) {
	case *ast.BoolNode:
		if n.Operator != "==" && n.Operator != "!=" {
			return nil, false, nil
		}
		lit = Bool(r.Value)
	case *ast.IntegerNode:
		lit = Int(int64(r.Value))
	default:
		return nil, false, nil
	}
	var test func(a int64) bool
	b := lit.I
	switch n.Operator {
	case "==":
		test = func(a int64) bool { return a == b }
	case "!=":
		test = func(a int64) bool { return a != b }
	case "<":
		test = func(a int64) bool { return a < b }
	case "<=":
		test = func(a int64) bool { return a <= b }
	case ">":
		test = func(a int64) bool { return a > b }
	case ">=":
		test = func(a int64) bool { return a >= b }
	default:
		return nil, false, nil
	}
	yes, no := Bool(true), Bool(false)
	if d := c.directField(n.Left); d != nil && d.directYesNo != nil && lit.K == KindBool {
		// subject.consentsToInformationSharing == true: read as hand-written Go would.
		read, miss := d.directYesNo, missingAt(d.path)
		return func(fr *frame) Value {
			b := read(fr.env.Root)
			if b == nil {
				return miss()
			}
			var a int64
			if *b {
				a = 1
			}
			if test(a) {
				return yes
			}
			return no
		}, true, nil
	}
	x, err := c.compile(n.Left)
	if err != nil {
		return nil, false, err
	}
	kind, op := lit.K, n.Operator
	return func(fr *frame) Value {
		a := x(fr)
		if a.K != kind {
			if a.K == KindMissing {
				return a
			}
			// Mixed numbers, or a nil: the general comparison decides.
			return generalCompare(fr, op, a, lit)
		}
		if test(a.I) {
			return yes
		}
		return no
	}, true, nil
}

// generalCompare compares two present values as the general == and <
// closures do.
func generalCompare(fr *frame, op string, a, b Value) Value {
	switch op {
	case "==":
		return Bool(equal(a, b))
	case "!=":
		return Bool(!equal(a, b))
	}
	k, ok := compare(a, b)
	if !ok {
		fr.fail(fmt.Errorf("cannot compare %s with %s", a.K.Describe(), b.K.Describe()))
		return Missing
	}
	switch op {
	case "<":
		return Bool(k < 0)
	case "<=":
		return Bool(k <= 0)
	case ">":
		return Bool(k > 0)
	}
	return Bool(k >= 0)
}

// textEquals compiles x == "literal" (or !=), the commonest shape.
func (c *closures) textEquals(x ast.Node, lit string, neg bool) (evalFn, error) {
	yes, no := Bool(!neg), Bool(neg)
	if d := c.directField(x); d != nil && d.directText != nil {
		read, miss := d.directText, missingAt(d.path)
		return func(fr *frame) Value {
			switch a := read(fr.env.Root); {
			case a == lit:
				return yes
			case a == "":
				return miss()
			}
			return no
		}, nil
	}
	f, err := c.compile(x)
	if err != nil {
		return nil, err
	}
	return func(fr *frame) Value {
		a := f(fr)
		switch {
		case a.K == KindText && a.S == lit:
			return yes
		case a.K == KindMissing:
			return a
		}
		return no
	}, nil
}

func (c *closures) conditional(n *ast.ConditionalNode) (evalFn, error) {
	cond, err := c.compile(n.Cond)
	if err != nil {
		return nil, err
	}
	a, err := c.compile(n.Exp1)
	if err != nil {
		return nil, err
	}
	b, err := c.compile(n.Exp2)
	if err != nil {
		return nil, err
	}
	return func(fr *frame) Value {
		k := cond(fr)
		if k.K == KindBool {
			if k.Truth() {
				return a(fr)
			}
			return b(fr)
		}
		// The condition is unknown: the result is decided only if both
		// branches agree.
		x, y := a(fr), b(fr)
		if x.K != KindMissing && y.K != KindMissing && x.K == y.K && equal(x, y) {
			return x
		}
		return unknown(k, x, y)
	}, nil
}

// Builtins is the expr builtins rules may use; any other is refused at
// load. The list helpers take a predicate; the text helpers are bounded by
// MaxBuilt.
var Builtins = []string{"len", "any", "all", "none", "one", "count", "filter", "map", "sum",
	"abs", "int", "float", "min", "max",
	"upper", "lower", "trim", "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix", "repeat", "replace"}

func (c *closures) builtin(n *ast.BuiltinNode) (evalFn, error) {
	switch n.Name {
	case "any", "all", "none", "one", "count", "filter", "map", "sum":
		return c.predicate(n)
	}
	args := make([]evalFn, len(n.Arguments))
	for i, a := range n.Arguments {
		f, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = f
	}
	arity := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			return unsupported(n, "%s with %d arguments", n.Name, len(args))
		}
		return nil
	}
	what := "a value"
	if len(n.Arguments) > 0 {
		what = c.source(n.Arguments[0])
	}
	var fn func(fr *frame, vs []Value) Value
	var err error
	switch n.Name {
	case "len":
		err = arity(1, 1)
		fn = func(fr *frame, vs []Value) Value {
			switch v := vs[0]; v.K {
			case KindList:
				return Int(int64(listLen(v)))
			case KindText:
				return Int(int64(utf8.RuneCountInString(v.S)))
			}
			fr.fail(fmt.Errorf("len needs a list or a text, and %s is neither", what))
			return Missing
		}
	case "abs":
		err = arity(1, 1)
		fn = func(fr *frame, vs []Value) Value {
			switch v := vs[0]; v.K {
			case KindInt:
				if v.I == math.MinInt64 {
					fr.fail(errOverflow)
					return Missing
				}
				return Int(max(v.I, -v.I))
			case KindFloat:
				return Float(math.Abs(v.F()))
			}
			fr.fail(fmt.Errorf("abs needs a number, and %s is not one", what))
			return Missing
		}
	case "int", "float":
		err = arity(1, 1)
		toInt := n.Name == "int"
		fn = func(fr *frame, vs []Value) Value { return fr.check(convert(vs[0], toInt, what)) }
	case "min", "max":
		err = arity(1, 64)
		for _, a := range n.Arguments {
			if k := kindOf(a.Type()); k != KindInt && k != KindFloat {
				err = unsupported(a, "%s() of something that is not a number", n.Name)
			}
		}
		isMax := n.Name == "max"
		fn = func(fr *frame, vs []Value) Value { return fr.check(extreme(vs, isMax)) }
	case "upper", "lower":
		err = arity(1, 1)
		up := n.Name == "upper"
		fn = func(fr *frame, vs []Value) Value {
			s, ok := textArg(fr, vs[0], n.Name)
			if !ok || !fr.build(len(s)*2) {
				return Missing
			}
			if up {
				return Value{K: KindText, S: strings.ToUpper(s)}
			}
			return Value{K: KindText, S: strings.ToLower(s)}
		}
	case "trim":
		err = arity(1, 2)
		fn = func(fr *frame, vs []Value) Value {
			s, ok := textArg(fr, vs[0], "trim")
			if !ok {
				return Missing
			}
			if len(vs) == 1 {
				return Text0(strings.TrimSpace(s))
			}
			cut, ok := textArg(fr, vs[1], "trim")
			if !ok {
				return Missing
			}
			return Text0(strings.Trim(s, cut))
		}
	case "trimPrefix", "trimSuffix", "hasPrefix", "hasSuffix":
		err = arity(2, 2)
		if n.Name == "trimPrefix" || n.Name == "trimSuffix" {
			err = arity(1, 2)
		}
		name := n.Name
		fn = func(fr *frame, vs []Value) Value {
			s, ok1 := textArg(fr, vs[0], name)
			t, ok2 := " ", true
			if len(vs) > 1 {
				t, ok2 = textArg(fr, vs[1], name)
			}
			if !ok1 || !ok2 {
				return Missing
			}
			switch name {
			case "trimPrefix":
				return Text0(strings.TrimPrefix(s, t))
			case "trimSuffix":
				return Text0(strings.TrimSuffix(s, t))
			case "hasPrefix":
				return Bool(strings.HasPrefix(s, t))
			}
			return Bool(strings.HasSuffix(s, t))
		}
	case "repeat":
		err = arity(2, 2)
		fn = func(fr *frame, vs []Value) Value {
			s, ok := textArg(fr, vs[0], "repeat")
			if !ok {
				return Missing
			}
			if vs[1].K != KindInt || vs[1].I < 0 {
				fr.fail(errors.New("repeat needs a whole number of times, 0 or more"))
				return Missing
			}
			if len(s) > 0 && vs[1].I > int64(MaxBuilt/len(s)) {
				fr.fail(errBuilt)
				return Missing
			}
			if !fr.build(len(s) * int(vs[1].I)) {
				return Missing
			}
			return Text0(strings.Repeat(s, int(vs[1].I)))
		}
	case "replace":
		err = arity(3, 3)
		fn = func(fr *frame, vs []Value) Value {
			s, ok1 := textArg(fr, vs[0], "replace")
			old, ok2 := textArg(fr, vs[1], "replace")
			with, ok3 := textArg(fr, vs[2], "replace")
			if !ok1 || !ok2 || !ok3 {
				return Missing
			}
			n := strings.Count(s, old)
			if grow := len(with) - len(old); grow > 0 && n > 0 && grow > MaxBuilt/n {
				fr.fail(errBuilt)
				return Missing
			}
			if !fr.build(len(s) + n*max(0, len(with)-len(old))) {
				return Missing
			}
			return Text0(strings.ReplaceAll(s, old, with))
		}
	default:
		return nil, unsupported(n, "%s()", n.Name)
	}
	if err != nil {
		return nil, err
	}
	return func(fr *frame) Value {
		var buf [4]Value
		vs := buf[:0]
		var unk Value
		for _, a := range args {
			v := a(fr)
			if v.K == KindMissing {
				unk = unknown(unk, v)
			}
			vs = append(vs, v)
		}
		if unk.K == KindMissing && unk.O != nil {
			return unk
		}
		for _, v := range vs {
			if v.K == KindMissing {
				return v
			}
		}
		return fn(fr, vs)
	}, nil
}

// Text0 returns a text value, keeping an empty text as a text (Text makes
// it a missing answer, as an answer left blank is).
func Text0(s string) Value { return Value{K: KindText, S: s} }

// textArg returns the text of v, an argument of the helper name.
func textArg(fr *frame, v Value, name string) (string, bool) {
	if v.K != KindText {
		fr.fail(fmt.Errorf("%s needs text", name))
		return "", false
	}
	return v.S, true
}

// convert reads v as a whole number (toInt) or a number, as int() and
// float() do. An error names the part of the rule, never the value.
func convert(v Value, toInt bool, what string) (Value, error) {
	switch v.K {
	case KindInt:
		if toInt {
			return v, nil
		}
		return Float(float64(v.I)), nil
	case KindFloat:
		if !toInt {
			return v, nil
		}
		f := v.F()
		if math.IsNaN(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
			return Missing, fmt.Errorf("%s could not be read as a whole number", what)
		}
		return Int(int64(f)), nil
	case KindText:
		if toInt {
			n, err := strconv.Atoi(v.S)
			if err != nil {
				return Missing, fmt.Errorf("%s could not be read as a whole number", what)
			}
			return Int(int64(n)), nil
		}
		f, err := strconv.ParseFloat(v.S, 64)
		if err != nil {
			return Missing, fmt.Errorf("%s could not be read as a number", what)
		}
		return Float(f), nil
	}
	return Missing, fmt.Errorf("%s could not be read as a number", what)
}

// extreme returns the least (or greatest) of vs, all numbers.
func extreme(vs []Value, isMax bool) (Value, error) {
	best := vs[0]
	for _, v := range vs {
		k, ok := compare(v, best)
		if !ok || (v.K != KindInt && v.K != KindFloat) {
			return Missing, errors.New("min and max need numbers")
		}
		if (isMax && k > 0) || (!isMax && k < 0) {
			best = v
		}
	}
	return best, nil
}

// predicate compiles any, all, none, one, count, filter, map and sum.
func (c *closures) predicate(n *ast.BuiltinNode) (evalFn, error) {
	if len(n.Arguments) == 1 && (n.Name == "count" || n.Name == "sum") {
		// Without a condition, count adds up yes/no items and sum numbers:
		// a list of anything else could never be decided.
		want := []reflect.Kind{reflect.Bool, reflect.Interface}
		if n.Name == "sum" {
			want = []reflect.Kind{reflect.Int, reflect.Int64, reflect.Float64, reflect.Interface}
		}
		if t := n.Arguments[0].Type(); t == nil || (t.Kind() != reflect.Slice && t.Kind() != reflect.Array) ||
			!slices.Contains(want, t.Elem().Kind()) {
			return nil, unsupported(n, "%s() of a list that is not of %s without a condition", n.Name, map[string]string{"count": "yes/no answers", "sum": "numbers"}[n.Name])
		}
		return c.aggregate(n, nil)
	}
	if len(n.Arguments) != 2 {
		return nil, unsupported(n, "%s with %d arguments", n.Name, len(n.Arguments))
	}
	pred, ok := n.Arguments[1].(*ast.PredicateNode)
	if !ok {
		return nil, unsupported(n, "%s without a condition", n.Name)
	}
	depth := len(c.scopes)
	if depth >= maxDepth {
		return nil, unsupported(n, "Lists searched inside each other this deeply")
	}
	var item *Field
	if lf := c.fieldOf(n.Arguments[0]); lf != nil && lf.Kind == KindList {
		item = &Field{Name: lf.Name, Kind: KindObject, Fields: lf.Fields, path: lf.path}
	}
	c.scopes = append(c.scopes, scope{item: item, depth: depth})
	body, err := c.compile(pred.Node)
	c.scopes = c.scopes[:len(c.scopes)-1]
	if err != nil {
		return nil, err
	}
	switch n.Name {
	case "count", "sum":
		return c.aggregate(n, &iteration{body: body, depth: depth})
	case "filter", "map":
		return c.collect(n, iteration{body: body, depth: depth})
	}
	list, err := c.compile(n.Arguments[0])
	if err != nil {
		return nil, err
	}
	name := n.Name
	return func(fr *frame) Value {
		lv := list(fr)
		if lv.K != KindList {
			return unknown(lv)
		}
		count := listLen(lv)
		var trues, falses int
		var unk Value
		for i := range count {
			if !fr.step() {
				return Missing
			}
			fr.items[depth] = listItem(lv, i)
			fr.idx[depth] = i
			v := body(fr)
			switch {
			case v.K == KindBool && v.Truth():
				trues++
				if name == "any" || name == "none" {
					return Bool(name == "any")
				}
			case v.K == KindBool:
				falses++
				if name == "all" {
					return Bool(false)
				}
			default:
				unk = unknown(unk, v)
			}
			if name == "one" && trues > 1 {
				return Bool(false)
			}
		}
		if fr.err != nil {
			return Missing
		}
		if trues+falses < count {
			return unk
		}
		switch name {
		case "any":
			return Bool(false)
		case "all", "none":
			return Bool(true)
		}
		return Bool(trues == 1)
	}, nil
}

// iteration is the body of a predicate and the depth of its item.
type iteration struct {
	body  evalFn
	depth int
}

// each evaluates it over the items of lv, calling fn with each result; it
// reports false when the evaluation must stop.
func (it iteration) each(fr *frame, lv Value, fn func(i int, item, v Value)) bool {
	for i := range listLen(lv) {
		if !fr.step() {
			return false
		}
		item := listItem(lv, i)
		fr.items[it.depth] = item
		fr.idx[it.depth] = i
		fn(i, item, it.body(fr))
	}
	return fr.err == nil
}

// aggregate compiles count and sum, with a predicate (it) or without one.
func (c *closures) aggregate(n *ast.BuiltinNode, it *iteration) (evalFn, error) {
	list, err := c.compile(n.Arguments[0])
	if err != nil {
		return nil, err
	}
	isCount := n.Name == "count"
	return func(fr *frame) Value {
		lv := list(fr)
		if lv.K != KindList {
			return unknown(lv)
		}
		var unk Value
		var total int64
		var ftotal float64
		floats := false
		add := func(v Value) {
			switch {
			case v.K == KindMissing:
				unk = unknown(unk, v)
			case isCount && v.K == KindBool:
				if v.Truth() {
					total++
				}
			case !isCount && v.K == KindInt:
				s := total + v.I
				if (s > total) != (v.I > 0) && v.I != 0 {
					fr.fail(errOverflow)
				}
				total = s
			case !isCount && v.K == KindFloat:
				floats, ftotal = true, ftotal+v.F()
			default:
				fr.fail(fmt.Errorf("%s cannot add up %s", n.Name, v.K.Describe()))
			}
		}
		if it != nil {
			if !it.each(fr, lv, func(_ int, _, v Value) { add(v) }) {
				return Missing
			}
		} else {
			for i := range listLen(lv) {
				if !fr.step() {
					return Missing
				}
				add(listItem(lv, i))
			}
		}
		switch {
		case fr.err != nil:
			return Missing
		case unk.K == KindMissing && unk.O != nil:
			return unk
		case floats:
			return Float(ftotal + float64(total))
		}
		return Int(total)
	}, nil
}

// collect compiles filter and map, which build a list.
func (c *closures) collect(n *ast.BuiltinNode, it iteration) (evalFn, error) {
	list, err := c.compile(n.Arguments[0])
	if err != nil {
		return nil, err
	}
	isFilter := n.Name == "filter"
	return func(fr *frame) Value {
		lv := list(fr)
		if lv.K != KindList {
			return unknown(lv)
		}
		var unk Value
		var out []Value
		ok := it.each(fr, lv, func(_ int, item, v Value) {
			if v.K == KindMissing {
				unk = unknown(unk, v)
				return
			}
			if isFilter && (v.K != KindBool || !v.Truth()) {
				return
			}
			if !isFilter {
				item = v
			}
			if fr.build(itemCost + len(item.S)) {
				out = append(out, item)
			}
		})
		switch {
		case !ok || fr.err != nil:
			return Missing
		case unk.K == KindMissing && unk.O != nil:
			return unk
		}
		if out == nil {
			out = []Value{}
		}
		return Value{K: KindList, O: out}
	}, nil
}

func listLen(v Value) int {
	if v.L != nil {
		return v.L.Len(v.O)
	}
	switch o := v.O.(type) {
	case []Value:
		return len(o)
	case span:
		return o.len()
	}
	return 0
}

func listItem(v Value, i int) Value {
	if v.L != nil {
		return Value{K: KindObject, O: v.L.Item(v.O, i), I: int64(i)}
	}
	switch o := v.O.(type) {
	case []Value:
		return o[i]
	case span:
		return Int(o.from + int64(i))
	}
	return Missing
}

func (c *closures) call(n *ast.CallNode) (evalFn, error) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return nil, unsupported(n, "A method call")
	}
	fn := functions[id.Value]
	if fn == nil {
		return nil, unsupported(n, "%s()", id.Value)
	}
	if len(n.Arguments) != len(fn.args) {
		return nil, unsupported(n, "%s() with %d arguments", id.Value, len(n.Arguments))
	}
	args := make([]evalFn, len(n.Arguments))
	for i, a := range n.Arguments {
		f, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = f
	}
	switch {
	case len(args) == 1 && fn.eval1 != nil:
		a0, eval := args[0], fn.eval1
		return func(fr *frame) Value {
			a := a0(fr)
			if a.K == KindMissing {
				return a
			}
			return fr.check(eval(a))
		}, nil
	case len(args) == 2 && fn.eval2 != nil:
		a0, a1, eval := args[0], args[1], fn.eval2
		return func(fr *frame) Value {
			a, b := a0(fr), a1(fr)
			if a.K == KindMissing || b.K == KindMissing {
				return unknown(a, b)
			}
			return fr.check(eval(a, b))
		}, nil
	}
	return nil, unsupported(n, "%s() with %d arguments", id.Value, len(n.Arguments))
}

func number(v Value) (float64, bool) {
	switch v.K {
	case KindInt:
		return float64(v.I), true
	case KindFloat:
		return v.F(), true
	}
	return 0, false
}

func equal(a, b Value) bool {
	if a.K == KindInt && b.K == KindInt {
		return a.I == b.I
	}
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	if a.K != b.K {
		return false
	}
	switch a.K {
	case KindBool, KindDate:
		return a.I == b.I
	case KindText:
		return a.S == b.S
	case KindNil:
		return true
	}
	return false
}

func compare(a, b Value) (int, bool) {
	if a.K == KindInt && b.K == KindInt {
		return cmpInt(a.I, b.I), true
	}
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
		return 0, false
	}
	if a.K != b.K {
		return 0, false
	}
	switch a.K {
	case KindDate:
		return cmpInt(a.I, b.I), true
	case KindText:
		return strings.Compare(a.S, b.S), true
	}
	return 0, false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// arith applies an arithmetic operator to two numbers. Whole numbers that
// would overflow are an error, never a wrapped number.
func arith(op string, a, b Value) (Value, error) {
	if a.K == KindInt && b.K == KindInt && op != "/" {
		x, y := a.I, b.I
		switch op {
		case "+":
			s := x + y
			if (s > x) != (y > 0) && y != 0 {
				return Missing, errOverflow
			}
			return Int(s), nil
		case "-":
			s := x - y
			if (s < x) != (y > 0) && y != 0 {
				return Missing, errOverflow
			}
			return Int(s), nil
		case "*":
			if x == 0 || y == 0 {
				return Int(0), nil
			}
			p := x * y
			if p/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
				return Missing, errOverflow
			}
			return Int(p), nil
		case "%":
			if y == 0 {
				return Missing, errors.New("division by zero")
			}
			if y == -1 {
				return Int(0), nil
			}
			return Int(x % y), nil
		}
	}
	x, ok1 := number(a)
	y, ok2 := number(b)
	if !ok1 || !ok2 {
		return Missing, fmt.Errorf("cannot use %s with %s and %s", op, a.K.Describe(), b.K.Describe())
	}
	var r float64
	switch op {
	case "+":
		r = x + y
	case "-":
		r = x - y
	case "*":
		r = x * y
	case "/":
		if y == 0 {
			return Missing, errors.New("division by zero")
		}
		r = x / y
	case "%":
		return Missing, errors.New("% needs whole numbers")
	default:
		return Missing, fmt.Errorf("unknown operator %s", op)
	}
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return Missing, errOverflow
	}
	return Float(r), nil
}
