package engine

import (
	"github.com/expr-lang/expr/ast"

	"github.com/saferpath/pathway/referral"
)

// Deciders are a second compilation of conditions of the commonest shapes
// (an answer against a literal, membership in a literal list, a yes/no
// answer, whether an answer was given, day counts between dates against a
// number, and these joined with &&, ||, !, ?: and ??), to their outcome
// alone. Most rules are of these shapes, and most referrals answer what
// they read: a decider then decides the rule without a frame, a budget, a
// Value or a session, which is most of what a closure's evaluation costs.
//
// A decider gives Unknown where an answer it needs is missing; the
// condition is then evaluated again by its closures, which say which
// answers would decide it. That second evaluation is cheap and bounded:
// deciders cover no part that takes a step or builds a value.
//
// What keeps deciders and closures in step: a decider only reads answers
// reached from the root through groups that are always there (through a
// field's textIs, yesNoIs, directText, directYesNo or directDate) and the
// evaluation date, and computes nothing that can fail. Each of its parts
// therefore gives Unknown exactly where the closure it mirrors gives a
// missing answer, never an error, and the joins (&&, ||, !, ?:, ??)
// follow the closures' Kleene logic, short cuts included. A condition
// with any other part has no decider, and is evaluated by the closures
// alone, within the limits. decide_test.go holds deciders to the closures
// and to expr's VM.

// decideFn decides a condition for the input root on the evaluation date
// today: True, False, or Unknown when an answer it needs is missing.
type decideFn func(root any, today referral.Date) Outcome

// numFn reads a whole number, or a date as days since 1970-01-01, for a
// decider; ok is false when an answer it needs is missing.
type numFn func(root any, today referral.Date) (n int64, ok bool)

// num is a numFn with the kind of value it gives (KindInt or KindDate),
// and the value itself when it is a constant.
type num struct {
	fn       numFn
	kind     Kind
	constant bool
	value    int64
}

// decider compiles n, a yes/no condition, to a decider, or returns nil
// when some part of it is not of a shape deciders cover.
func (c *closures) decider(n ast.Node) decideFn {
	switch n := n.(type) {
	case *ast.ChainNode:
		// a?.b: members of groups that are always there never stop the
		// chain, and deciders read no others.
		return c.decider(n.Node)
	case *ast.BoolNode:
		o := outcomeOf(n.Value)
		return func(any, referral.Date) Outcome { return o }
	case *ast.IdentifierNode, *ast.MemberNode:
		if f := c.directField(n); f != nil && f.yesNoIs != nil {
			return f.yesNoIs(&yesNoTest{ifTrue: True, ifFalse: False})
		}
	case *ast.UnaryNode:
		if n.Operator != "!" && n.Operator != "not" {
			return nil
		}
		x := c.decider(n.Node)
		if x == nil {
			return nil
		}
		return func(root any, today referral.Date) Outcome {
			switch x(root, today) {
			case True:
				return False
			case False:
				return True
			}
			return Unknown
		}
	case *ast.BinaryNode:
		return c.binaryDecider(n)
	case *ast.ConditionalNode:
		return c.conditionalDecider(n)
	}
	return nil
}

func outcomeOf(b bool) Outcome {
	if b {
		return True
	}
	return False
}

// textTest tests a text answer: Unknown when it is missing, yes when it
// is one of texts, no otherwise. A text answer is never "", so a test of
// x == "" is not one of these.
type textTest struct {
	texts   []string
	yes, no Outcome
}

// decide is small enough to be inlined into the deciders a field's textIs
// makes, so that testing an answer is one call.
func (t *textTest) decide(a string) Outcome {
	if a == "" {
		return Unknown
	}
	for _, s := range t.texts {
		if a == s {
			return t.yes
		}
	}
	return t.no
}

// yesNoTest tests a yes/no answer: Unknown when it is missing, else the
// outcome for its answer.
type yesNoTest struct {
	ifTrue, ifFalse Outcome
}

// decide is inlined as textTest.decide is, by yesNoIs.
func (t *yesNoTest) decide(b *bool) Outcome {
	if b == nil {
		return Unknown
	}
	if *b {
		return t.ifTrue
	}
	return t.ifFalse
}

// binaryDecider compiles the joins and comparisons deciders cover, in the
// order binary tries the closures' shapes, so that each decider stands for
// the closure it mirrors.
func (c *closures) binaryDecider(n *ast.BinaryNode) decideFn {
	op := n.Operator
	switch op {
	case "&&", "and", "||", "or", "??":
		l, r := c.decider(n.Left), c.decider(n.Right)
		if l == nil || r == nil {
			return nil
		}
		return join3(op, l, r)
	case "in", "not in":
		return c.inDecider(n, op == "not in")
	case "==", "!=":
		neg := op == "!="
		if _, ok := n.Right.(*ast.NilNode); ok {
			return c.givenDecider(n.Left, neg)
		}
		if _, ok := n.Left.(*ast.NilNode); ok {
			return c.givenDecider(n.Right, neg)
		}
		if lit, ok := n.Right.(*ast.StringNode); ok {
			return c.textDecider(n.Left, lit.Value, neg)
		}
		if lit, ok := n.Left.(*ast.StringNode); ok {
			return c.textDecider(n.Right, lit.Value, neg)
		}
		if d := c.yesNoAgainst(n.Left, n.Right, neg); d != nil {
			return d
		}
		if d := c.yesNoAgainst(n.Right, n.Left, neg); d != nil {
			return d
		}
	}
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
		return c.compareDecider(n)
	}
	return nil
}

// join3 joins two deciders with &&, || or ??, as the closures do: && is
// false when either side is, || true when either side is, and both are
// unknown when a side is unknown and the other does not decide; ?? takes
// the right side when the left is missing.
func join3(op string, l, r decideFn) decideFn {
	switch op {
	case "&&", "and":
		return func(root any, today referral.Date) Outcome {
			a := l(root, today)
			if a == False {
				return False
			}
			b := r(root, today)
			if b == False {
				return False
			}
			if a == True && b == True {
				return True
			}
			return Unknown
		}
	case "||", "or":
		return func(root any, today referral.Date) Outcome {
			a := l(root, today)
			if a == True {
				return True
			}
			b := r(root, today)
			if b == True {
				return True
			}
			if a == False && b == False {
				return False
			}
			return Unknown
		}
	}
	return func(root any, today referral.Date) Outcome {
		if a := l(root, today); a != Unknown {
			return a
		}
		return r(root, today)
	}
}

// conditionalDecider compiles c ? a : b. When c is unknown the result is
// decided only where both branches decide it alike, as in the closures.
func (c *closures) conditionalDecider(n *ast.ConditionalNode) decideFn {
	cond, a, b := c.decider(n.Cond), c.decider(n.Exp1), c.decider(n.Exp2)
	if cond == nil || a == nil || b == nil {
		return nil
	}
	return func(root any, today referral.Date) Outcome {
		switch cond(root, today) {
		case True:
			return a(root, today)
		case False:
			return b(root, today)
		}
		x, y := a(root, today), b(root, today)
		if x == y {
			return x
		}
		return Unknown
	}
}

// inDecider compiles an answer in (or not in) a literal list of texts,
// as in does.
func (c *closures) inDecider(n *ast.BinaryNode, neg bool) decideFn {
	arr, ok := n.Right.(*ast.ArrayNode)
	if !ok {
		return nil
	}
	texts, ok := literalTexts(arr)
	f := c.directField(n.Left)
	if !ok || f == nil || f.textIs == nil {
		return nil
	}
	// A missing answer reads as "": like in, the test looks for it before
	// the list, so that it is unknown even when the list holds "".
	return f.textIs(&textTest{texts: texts, yes: outcomeOf(!neg), no: outcomeOf(neg)})
}

// textDecider compiles an answer == "text" (or !=), as textEquals does: a
// missing answer equals no text but "".
func (c *closures) textDecider(x ast.Node, lit string, neg bool) decideFn {
	f := c.directField(x)
	if f == nil || f.textIs == nil {
		return nil
	}
	yes, no := outcomeOf(!neg), outcomeOf(neg)
	if lit == "" {
		// x == "": a missing answer is "", so this is decided.
		read := f.directText
		return func(root any, _ referral.Date) Outcome {
			if read(root) == "" {
				return yes
			}
			return no
		}
	}
	return f.textIs(&textTest{texts: []string{lit}, yes: yes, no: no})
}

// yesNoAgainst compiles a yes/no answer == true or false (or !=), with the
// literal on either side, as againstLiteral and the general == do.
func (c *closures) yesNoAgainst(x, lit ast.Node, neg bool) decideFn {
	b, ok := lit.(*ast.BoolNode)
	if !ok {
		return nil
	}
	f := c.directField(x)
	if f == nil || f.yesNoIs == nil {
		return nil
	}
	return f.yesNoIs(&yesNoTest{ifTrue: outcomeOf(b.Value != neg), ifFalse: outcomeOf(!b.Value != neg)})
}

// givenDecider compiles answer == nil (or != nil), as given does: it is
// always decided.
func (c *closures) givenDecider(x ast.Node, neg bool) decideFn {
	f := c.directField(x)
	if f == nil {
		return nil
	}
	absent, present := outcomeOf(!neg), outcomeOf(neg)
	switch {
	case f.directText != nil:
		read := f.directText
		return func(root any, _ referral.Date) Outcome {
			if read(root) == "" {
				return absent
			}
			return present
		}
	case f.directYesNo != nil:
		read := f.directYesNo
		return func(root any, _ referral.Date) Outcome {
			if read(root) == nil {
				return absent
			}
			return present
		}
	}
	if d := c.dateNum(x); d != nil && !d.constant {
		fn := d.fn
		return func(root any, today referral.Date) Outcome {
			if _, ok := fn(root, today); !ok {
				return absent
			}
			return present
		}
	}
	return nil
}

// compareDecider compiles a comparison of two whole numbers or two dates
// that deciders can read, as the general comparison does.
func (c *closures) compareDecider(n *ast.BinaryNode) decideFn {
	l, r := c.num(n.Left), c.num(n.Right)
	if l == nil || r == nil || l.kind != r.kind {
		return nil
	}
	var test func(a, b int64) bool
	switch n.Operator {
	case "==":
		test = func(a, b int64) bool { return a == b }
	case "!=":
		test = func(a, b int64) bool { return a != b }
	case "<":
		test = func(a, b int64) bool { return a < b }
	case "<=":
		test = func(a, b int64) bool { return a <= b }
	case ">":
		test = func(a, b int64) bool { return a > b }
	case ">=":
		test = func(a, b int64) bool { return a >= b }
	default:
		return nil
	}
	if r.constant {
		// daysBetween(today, subject.nextCourtDate) <= 84: the commonest
		// comparison, with its literal written in.
		x, k := l.fn, r.value
		switch n.Operator {
		case "<=":
			return func(root any, today referral.Date) Outcome {
				a, ok := x(root, today)
				if !ok {
					return Unknown
				}
				return outcomeOf(a <= k)
			}
		case "<":
			return func(root any, today referral.Date) Outcome {
				a, ok := x(root, today)
				if !ok {
					return Unknown
				}
				return outcomeOf(a < k)
			}
		}
		return func(root any, today referral.Date) Outcome {
			a, ok := x(root, today)
			if !ok {
				return Unknown
			}
			return outcomeOf(test(a, k))
		}
	}
	x, y := l.fn, r.fn
	return func(root any, today referral.Date) Outcome {
		a, ok1 := x(root, today)
		b, ok2 := y(root, today)
		if !ok1 || !ok2 {
			return Unknown
		}
		return outcomeOf(test(a, b))
	}
}

// num compiles n to a whole number or a date deciders can read: a literal
// whole number, a date answer, today, date("YYYY-MM-DD"), or the days,
// weeks or years between two of these dates.
func (c *closures) num(n ast.Node) *num {
	switch n := n.(type) {
	case *ast.IntegerNode:
		k := int64(n.Value)
		return &num{fn: func(any, referral.Date) (int64, bool) { return k, true }, kind: KindInt, constant: true, value: k}
	case *ast.UnaryNode:
		// -5, a literal written negative.
		if lit, ok := n.Node.(*ast.IntegerNode); ok && n.Operator == "-" {
			k := -int64(lit.Value)
			return &num{fn: func(any, referral.Date) (int64, bool) { return k, true }, kind: KindInt, constant: true, value: k}
		}
		return nil
	case *ast.CallNode:
		if m := c.callNum(n); m != nil {
			return m
		}
	}
	return c.dateNum(n)
}

// dateNum compiles n to a date answer, today or a date literal.
func (c *closures) dateNum(n ast.Node) *num {
	if ch, ok := n.(*ast.ChainNode); ok {
		n = ch.Node
	}
	if call, ok := n.(*ast.CallNode); ok {
		// date("2024-04-01"), read once here as the closures read it
		// each time (a literal the calendar cannot hold is refused at
		// load).
		id, ok := call.Callee.(*ast.IdentifierNode)
		if !ok || id.Value != "date" || len(call.Arguments) != 1 {
			return nil
		}
		s, ok := call.Arguments[0].(*ast.StringNode)
		if !ok {
			return nil
		}
		v, err := functions["date"].eval1(Value{K: KindText, S: s.Value})
		if err != nil || v.K != KindDate {
			return nil
		}
		k := v.I
		return &num{fn: func(any, referral.Date) (int64, bool) { return k, true }, kind: KindDate, constant: true, value: k}
	}
	f := c.directField(n)
	switch {
	case f == nil:
		return nil
	case f.today:
		return &num{fn: func(_ any, today referral.Date) (int64, bool) {
			return int64(today.Days()), !today.IsZero()
		}, kind: KindDate}
	case f.directDate != nil:
		read := f.directDate
		return &num{fn: func(root any, _ referral.Date) (int64, bool) {
			d := read(root)
			return int64(d.Days()), !d.IsZero()
		}, kind: KindDate}
	}
	return nil
}

// callNum compiles daysBetween, weeksBetween and yearsBetween of two dates
// deciders can read. They cannot fail; the date helpers that add to a date
// can, and are left to the closures.
func (c *closures) callNum(n *ast.CallNode) *num {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok || len(n.Arguments) != 2 {
		return nil
	}
	fn := functions[id.Value]
	if fn == nil || fn.between == nil {
		return nil
	}
	a, b := c.dateNum(n.Arguments[0]), c.dateNum(n.Arguments[1])
	if a == nil || b == nil {
		return nil
	}
	between := fn.between
	if id.Value == "daysBetween" {
		// The days between two dates is one subtraction.
		x, y := a.fn, b.fn
		return &num{fn: func(root any, today referral.Date) (int64, bool) {
			from, ok1 := x(root, today)
			to, ok2 := y(root, today)
			return to - from, ok1 && ok2
		}, kind: KindInt}
	}
	x, y := a.fn, b.fn
	return &num{fn: func(root any, today referral.Date) (int64, bool) {
		from, ok1 := x(root, today)
		to, ok2 := y(root, today)
		if !ok1 || !ok2 {
			return 0, false
		}
		return int64(between(referral.DateFromDays(int(from)), referral.DateFromDays(int(to)))), true
	}, kind: KindInt}
}
