package engine

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"unsafe"

	"github.com/expr-lang/expr/ast"
)

// MaxSteps bounds the predicate iterations of one evaluation, so that a
// rule nesting any() over long lists cannot hang the process.
const MaxSteps = 200_000

// maxDepth bounds how deeply predicates (any, all, ...) may nest.
const maxDepth = 4

var errBudget = errors.New("the rule needed more steps than allowed; simplify it or check the size of the lists it reads")

// frame is the state of one evaluation.
type frame struct {
	env   *Env
	items [maxDepth]Value // current item of each enclosing predicate
	idx   [maxDepth]int
	steps int
	err   error
}

type evalFn func(*frame) Value

// errUnsupported marks a node the closure compiler leaves to expr's VM.
type errUnsupported struct{ what string }

func (e errUnsupported) Error() string { return "not compiled to closures: " + e.what }

// scope describes the list items a predicate iterates over.
type scope struct {
	item  *Field // the list field whose items these are; nil for scalars
	depth int
}

// closures compiles a checked expr tree to Go closures.
type closures struct {
	schema *Schema
	scopes []scope
	funcs  map[string]*function
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
	case *ast.BuiltinNode:
		return c.builtin(n)
	case *ast.CallNode:
		return c.call(n)
	}
	return nil, errUnsupported{fmt.Sprintf("%T", n)}
}

// member compiles a read of the input: an identifier, a member chain, or
// a predicate's current item.
func (c *closures) member(n ast.Node) (evalFn, error) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		f := c.schema.Lookup(n.Value)
		if f == nil {
			return nil, errUnsupported{"identifier " + n.Value}
		}
		return reader(f, func(fr *frame) Value { return Value{K: KindObject, O: fr.env, I: -1} }), nil
	case *ast.PointerNode:
		if len(c.scopes) == 0 {
			return nil, errUnsupported{"# outside a predicate"}
		}
		d := c.scopes[len(c.scopes)-1].depth
		switch n.Name {
		case "":
			return func(fr *frame) Value { return fr.items[d] }, nil
		case "index":
			return func(fr *frame) Value { return Int(int64(fr.idx[d])) }, nil
		}
		return nil, errUnsupported{"#" + n.Name}
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if !ok || n.Method {
			return nil, errUnsupported{"computed member"}
		}
		parent := c.fieldOf(n.Node)
		if parent == nil {
			return nil, errUnsupported{"member of an unknown value"}
		}
		f := parent.Member(prop.Value)
		if f == nil {
			return nil, errUnsupported{"member " + prop.Value}
		}
		// A chain of members from the top (subject.gender) is read in one
		// closure; anything else reads its object first.
		if mids, ok := c.rootChain(n.Node); ok {
			if fast := fastReader(c.schema, f); fast != nil {
				return fast, nil
			}
			return chainReader(mids, f), nil
		}
		obj, err := c.compile(n.Node)
		if err != nil {
			return nil, err
		}
		return reader(f, obj), nil
	}
	return nil, errUnsupported{"member"}
}

// rootChain returns the fields of a member chain that starts at a
// top-level name and reads only objects: subject, or riskAssessment.
func (c *closures) rootChain(n ast.Node) ([]*Field, bool) {
	switch n := n.(type) {
	case *ast.ChainNode:
		return c.rootChain(n.Node)
	case *ast.IdentifierNode:
		f := c.schema.Lookup(n.Value)
		return []*Field{f}, f != nil && f.Kind == KindObject
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if !ok || n.Method {
			return nil, false
		}
		mids, ok := c.rootChain(n.Node)
		if !ok {
			return nil, false
		}
		f := mids[len(mids)-1].Member(prop.Value)
		return append(mids, f), f != nil && f.Kind == KindObject
	}
	return nil, false
}

// chainReader reads last through the objects mids, starting at the Env.
func chainReader(mids []*Field, last *Field) evalFn {
	if len(mids) == 1 && mids[0].Alias == "" && last.Alias == "" {
		// The common shape, subject.gender: one object, one answer.
		mid := mids[0]
		return func(fr *frame) Value {
			p := mid.Get(fr.env)
			if p.K != KindObject {
				if p.K == KindMissing {
					p.O = leaf(mid.path, -1)
				}
				return p
			}
			v := last.Get(p.O)
			switch v.K {
			case KindMissing:
				v.O = leaf(last.path, -1)
			case KindList:
				v.L = last
			case KindObject:
				v.I = -1
			}
			return v
		}
	}
	obj := func(fr *frame) Value { return Value{K: KindObject, O: fr.env, I: -1} }
	for _, m := range mids {
		obj = reader(m, obj)
	}
	return reader(last, obj)
}

// fastField returns the field n reads when n is a chain of members from
// the top that the fast path can read straight from memory.
func (c *closures) fastField(n ast.Node) *Field {
	if ch, ok := n.(*ast.ChainNode); ok {
		n = ch.Node
	}
	m, ok := n.(*ast.MemberNode)
	if !ok {
		return nil
	}
	prop, ok := m.Property.(*ast.StringNode)
	if !ok || m.Method {
		return nil
	}
	mids, ok := c.rootChain(m.Node)
	if !ok {
		return nil
	}
	f := mids[len(mids)-1].Member(prop.Value)
	if f == nil || c.schema.base == nil || !f.lay.direct || f.Alias != "" {
		return nil
	}
	return f
}

// fastText says where a text answer lives in memory (a string at off
// from the root base returns) and makes its missing value; ok is false
// when n is not such an answer.
func (c *closures) fastText(n ast.Node) (base func(*Env) unsafe.Pointer, off uintptr, miss func() Value, ok bool) {
	f := c.fastField(n)
	if f == nil || f.Kind != KindText || f.lay.typ.Kind() != reflect.String {
		return nil, 0, nil, false
	}
	path := f.path
	return c.schema.base, f.lay.off, func() Value { return Value{O: leaf(path, -1)} }, true
}

// fastYesNo is fastText for a yes/no answer, a *bool at off.
func (c *closures) fastYesNo(n ast.Node) (base func(*Env) unsafe.Pointer, off uintptr, miss func() Value, ok bool) {
	f := c.fastField(n)
	if f == nil || f.Kind != KindBool || f.lay.typ != typeBoolPtr {
		return nil, 0, nil, false
	}
	path := f.path
	return c.schema.base, f.lay.off, func() Value { return Value{O: leaf(path, -1)} }, true
}

// fieldOf returns the schema field a node reads, if it reads one whole
// object (an identifier, a member chain or a predicate item).
func (c *closures) fieldOf(n ast.Node) *Field {
	switch n := n.(type) {
	case *ast.ChainNode:
		return c.fieldOf(n.Node)
	case *ast.IdentifierNode:
		return c.schema.Lookup(n.Value)
	case *ast.PointerNode:
		if len(c.scopes) == 0 || n.Name != "" {
			return nil
		}
		return c.scopes[len(c.scopes)-1].item
	case *ast.MemberNode:
		p := c.fieldOf(n.Node)
		prop, ok := n.Property.(*ast.StringNode)
		if p == nil || !ok {
			return nil
		}
		return p.Member(prop.Value)
	}
	return nil
}

// reader reads field f from the object obj evaluates to, recording the
// answer's path when it is missing.
func reader(f *Field, obj evalFn) evalFn {
	return func(fr *frame) Value {
		p := obj(fr)
		if p.K != KindObject {
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
				return Int(-v.I)
			case KindFloat:
				return Float(-v.F())
			}
			return unknown(v)
		}, nil
	case "+":
		return x, nil
	}
	return nil, errUnsupported{"operator " + n.Operator}
}

func (c *closures) binary(n *ast.BinaryNode) (evalFn, error) {
	op := n.Operator
	if op == "in" || op == "not in" {
		return c.in(n, op == "not in")
	}
	// x == nil and x != nil test whether an answer was given.
	if op == "==" || op == "!=" {
		if _, ok := n.Right.(*ast.NilNode); ok {
			return c.given(n.Left, op == "!=")
		}
		if _, ok := n.Left.(*ast.NilNode); ok {
			return c.given(n.Right, op == "!=")
		}
	}
	if op == "==" || op == "!=" {
		if lit, ok := n.Right.(*ast.StringNode); ok {
			return c.textEquals(n.Left, lit.Value, op == "!=")
		}
		if lit, ok := n.Left.(*ast.StringNode); ok {
			return c.textEquals(n.Right, lit.Value, op == "!=")
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
			v, err := arith(op, a, b)
			if err != nil {
				fr.fail(err)
				return Missing
			}
			return v
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
	return nil, errUnsupported{"operator " + op}
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

// in compiles membership in a literal list.
func (c *closures) in(n *ast.BinaryNode, neg bool) (evalFn, error) {
	arr, ok := n.Right.(*ast.ArrayNode)
	if !ok {
		return nil, errUnsupported{"in over a computed list"}
	}
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	var set []Value
	for _, e := range arr.Nodes {
		f, err := c.compile(e)
		if err != nil {
			return nil, err
		}
		switch e.(type) {
		case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		default:
			return nil, errUnsupported{"in over a list of computed values"}
		}
		set = append(set, f(nil))
	}
	if texts, ok := allText(set); ok {
		yes, no := Bool(!neg), Bool(neg)
		if base, off, miss, ok := c.fastText(n.Left); ok {
			// subject.mentalHealth in ["none", "managed"]: one closure.
			return func(fr *frame) Value {
				a := *(*string)(unsafe.Add(base(fr.env), off))
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
	return func(fr *frame) Value {
		a := l(fr)
		if a.K == KindMissing {
			return unknown(a)
		}
		for _, s := range set {
			if equal(a, s) {
				return Bool(!neg)
			}
		}
		return Bool(neg)
	}, nil
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
	if base, off, miss, ok := c.fastYesNo(n.Left); ok && lit.K == KindBool {
		// subject.consentsToInformationSharing == true: one closure.
		return func(fr *frame) Value {
			b := *(**bool)(unsafe.Add(base(fr.env), off))
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
	kind := lit.K
	return func(fr *frame) Value {
		a := x(fr)
		if a.K != kind {
			if a.K == KindMissing {
				return a
			}
			// Mixed numbers, or a nil: the general comparison decides.
			return generalCompare(fr, n.Operator, a, lit)
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

func allText(set []Value) ([]string, bool) {
	texts := make([]string, len(set))
	for i, v := range set {
		if v.K != KindText {
			return nil, false
		}
		texts[i] = v.S
	}
	return texts, true
}

// textEquals compiles x == "literal" (or !=), the commonest shape.
func (c *closures) textEquals(x ast.Node, lit string, neg bool) (evalFn, error) {
	yes, no := Bool(!neg), Bool(neg)
	if base, off, miss, ok := c.fastText(x); ok {
		return func(fr *frame) Value {
			a := *(*string)(unsafe.Add(base(fr.env), off))
			switch {
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

func (c *closures) builtin(n *ast.BuiltinNode) (evalFn, error) {
	switch n.Name {
	case "len":
		if len(n.Arguments) != 1 {
			return nil, errUnsupported{"len arity"}
		}
		x, err := c.compile(n.Arguments[0])
		if err != nil {
			return nil, err
		}
		return func(fr *frame) Value {
			v := x(fr)
			switch v.K {
			case KindList:
				return Int(int64(listLen(v)))
			case KindText:
				return Int(int64(len([]rune(v.S))))
			}
			return unknown(v)
		}, nil
	case "any", "all", "none", "one", "count":
	default:
		return nil, errUnsupported{"builtin " + n.Name}
	}
	if len(n.Arguments) != 2 {
		return nil, errUnsupported{n.Name + " arity"}
	}
	pred, ok := n.Arguments[1].(*ast.PredicateNode)
	if !ok {
		return nil, errUnsupported{n.Name + " without a predicate"}
	}
	list, err := c.compile(n.Arguments[0])
	if err != nil {
		return nil, err
	}
	depth := len(c.scopes)
	if depth >= maxDepth {
		return nil, errUnsupported{"predicates nested too deeply"}
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
			fr.steps++
			if fr.steps > MaxSteps {
				fr.fail(errBudget)
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
		if trues+falses < count {
			return unk
		}
		switch name {
		case "any":
			return Bool(false)
		case "all":
			return Bool(true)
		case "none":
			return Bool(true)
		case "one":
			return Bool(trues == 1)
		}
		return Int(int64(trues))
	}, nil
}

func listLen(v Value) int {
	if v.L == nil {
		vs, _ := v.O.([]Value)
		return len(vs)
	}
	return v.L.Len(v.O)
}

func listItem(v Value, i int) Value {
	if v.L == nil {
		return v.O.([]Value)[i]
	}
	return Value{K: KindObject, O: v.L.Item(v.O, i), I: int64(i)}
}

func (c *closures) call(n *ast.CallNode) (evalFn, error) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return nil, errUnsupported{"method call"}
	}
	fn := c.funcs[id.Value]
	if fn == nil {
		return nil, errUnsupported{"function " + id.Value}
	}
	if len(n.Arguments) != len(fn.args) {
		return nil, errUnsupported{"function arity"}
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
	return nil, errUnsupported{"function arity"}
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

func arith(op string, a, b Value) (Value, error) {
	if op == "+" && a.K == KindText && b.K == KindText {
		return Value{K: KindText, S: a.S + b.S}, nil
	}
	if a.K == KindInt && b.K == KindInt && op != "/" {
		switch op {
		case "+":
			return Int(a.I + b.I), nil
		case "-":
			return Int(a.I - b.I), nil
		case "*":
			return Int(a.I * b.I), nil
		case "%":
			if b.I == 0 {
				return Missing, errors.New("division by zero")
			}
			return Int(a.I % b.I), nil
		}
	}
	x, ok1 := number(a)
	y, ok2 := number(b)
	if !ok1 || !ok2 {
		return Missing, fmt.Errorf("cannot use %s with %s and %s", op, a.K.Describe(), b.K.Describe())
	}
	switch op {
	case "+":
		return Float(x + y), nil
	case "-":
		return Float(x - y), nil
	case "*":
		return Float(x * y), nil
	case "/":
		if y == 0 {
			return Missing, errors.New("division by zero")
		}
		return Float(x / y), nil
	case "%":
		return Missing, errors.New("% needs whole numbers")
	}
	if math.IsNaN(x) {
		return Missing, errors.New("not a number")
	}
	return Missing, fmt.Errorf("unknown operator %s", op)
}
