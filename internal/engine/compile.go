package engine

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	exprchecker "github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway/diag"
)

// MaxNodes bounds the size of one expression.
const MaxNodes = 400

// MaxLength bounds the length of one expression's text.
const MaxLength = 4000

// Source says where an expression's text stands, so problems can be
// reported at file:line:col.
type Source struct {
	// File is the file's name as the user knows it.
	File string
	// Line returns line n (from 1) of the file, without its line end, or
	// "" when there is none; nil when the expression stands alone.
	Line func(n int) string
	// Node is the YAML scalar holding the expression. When nil, positions
	// are counted within the expression itself.
	Node *yaml.Node
}

// Program is a compiled, checked rule expression. It is immutable and safe
// for concurrent use.
type Program struct {
	text   string
	schema *Schema
	types  *checkTypes
	eval   evalFn
	decide decideFn // nil unless the condition is of a shape deciders cover
	slots  int      // let-variables
	reads  []read
	result Kind
}

// read is one answer a program reads, as a chain of fields from the top.
type read struct {
	chain []*Field
}

func (r read) field() *Field { return r.chain[len(r.chain)-1] }

// Text returns the expression's source text.
func (p *Program) Text() string { return p.text }

// Compile checks text against schema and compiles it. The expression must
// give a yes/no answer. Every problem found is returned, each placed at
// file:line:col through src.
func Compile(text string, schema *Schema, src Source) (*Program, diag.List) {
	return compile(text, schema, src, KindBool)
}

func compile(text string, schema *Schema, src Source, want Kind) (*Program, diag.List) {
	loc := locator{src: src, text: text}
	if strings.TrimSpace(text) == "" {
		return nil, diag.List{loc.diag(0, 0, "empty-expression", "The rule has no condition",
			"Every rule needs a condition in `when`, such as subject.consentsToInformationSharing == true. Write the condition the rule checks.")}
	}
	if utf8.RuneCountInString(text) > MaxLength {
		return nil, diag.List{loc.diag(0, 0, "expression-too-long", "The condition is too long",
			fmt.Sprintf("A condition may be at most %d characters. Split it into several rules.", MaxLength))}
	}
	types := typesFor(schema)
	config := types.config()
	defer types.put(config)
	tree, err := parser.ParseWithConfig(text, config)
	if err != nil && strings.Contains(err.Error(), "maximum allowed") {
		return nil, diag.List{tooComplex(loc)}
	}
	if err != nil {
		return nil, diag.List{loc.fromExprError(err, "expr-syntax", nil)}
	}
	c := checker{schema: schema, loc: loc}
	c.walk(tree.Node)
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	// expr's checker types the tree in place; the closures are compiled
	// from it. (expr's own compiler, and its VM, are never used.)
	if _, err := new(exprchecker.Checker).PatchAndCheck(tree, config); err != nil {
		return nil, diag.List{loc.fromExprError(err, "type-error", types.names)}
	}
	root := tree.Node
	if got := kindOf(root.Type()); got != want {
		what := "a value that may not be yes or no"
		if got != KindMissing {
			what = got.Describe()
		}
		return nil, diag.List{loc.diag(0, len([]rune(text)), "not-boolean", "The condition is not a yes/no question",
			fmt.Sprintf("A rule's condition must be true or false, but this one gives %s. Compare it with something, for example subject.mentalHealth == \"managed\".", what))}
	}
	cl := closures{schema: schema, text: text}
	fn, err := cl.compile(root)
	if err != nil {
		var u errUnsupported
		if errors.As(err, &u) && u.node != nil {
			from, to := extent(u.node)
			return nil, diag.List{loc.diag(from, to, "not-allowed", u.Error(), allowedDetail)}
		}
		return nil, diag.List{loc.diag(0, 0, "compile-error", "The condition cannot be compiled", err.Error())}
	}
	p := &Program{text: text, schema: schema, types: types, eval: fn, slots: cl.slots, reads: c.reads, result: want}
	if want == KindBool {
		p.decide = cl.decider(root)
	}
	return p, nil
}

// allowedDetail says what a condition may use, for a problem about what it
// may not.
var allowedDetail = "Conditions use answers, today, let, ==, !=, <, <=, >, >=, &&, ||, !, ??, in, +, -, *, /, %, " +
	"contains, startsWith, endsWith, matches \"pattern\", a..b, list[n], the list helpers any, all, none, one, count, filter, map, sum, len, " +
	"the number helpers abs, int, float, min, max, the text helpers upper, lower, trim, trimPrefix, trimSuffix, hasPrefix, hasSuffix, repeat, replace, " +
	"and the date helpers. Rewrite this part with those."

func kindOf(t reflect.Type) Kind {
	if t == nil {
		return KindMissing
	}
	if t == reflect.TypeFor[ast.Node]() {
		return KindMissing
	}
	switch t.Kind() {
	case reflect.Bool:
		return KindBool
	case reflect.Int, reflect.Int64, reflect.Int32:
		return KindInt
	case reflect.Float64, reflect.Float32:
		return KindFloat
	case reflect.String:
		return KindText
	case reflect.Struct:
		if t.String() == "time.Time" {
			return KindDate
		}
		return KindObject
	case reflect.Slice, reflect.Array:
		return KindList
	}
	return KindMissing
}

// checker walks the parsed tree before expr's checker runs, to report
// unknown names, misspelt answers, wrong enumeration values and bad date
// literals in policy staff's words, all at once; and to list the answers
// the expression reads.
type checker struct {
	schema   *Schema
	loc      locator
	scopes   [][]*Field // chain to the list each enclosing predicate iterates, ending in its item (nil: not a list)
	helpers  []string   // the helper of each enclosing predicate (any, map, ...)
	vars     []string   // let-variables in scope
	problems diag.List
	reads    []read
}

func (c *checker) add(n ast.Node, code, summary, detail string) {
	l := n.Location()
	c.problems = append(c.problems, c.loc.diag(l.From, l.To, code, summary, detail))
}

// resolve returns the chain of schema fields a node reads, or nil when it
// does not read a field (a literal, a computation, a variable).
func (c *checker) resolve(n ast.Node) []*Field {
	switch n := n.(type) {
	case *ast.ChainNode:
		return c.resolve(n.Node)
	case *ast.IdentifierNode:
		if f := c.schema.Lookup(n.Value); f != nil && !slices.Contains(c.vars, n.Value) {
			return []*Field{f}
		}
	case *ast.PointerNode:
		if n.Name == "" && len(c.scopes) > 0 && c.scopes[len(c.scopes)-1] != nil {
			return slices.Clip(c.scopes[len(c.scopes)-1])
		}
	case *ast.MemberNode:
		base := c.resolve(n.Node)
		if base == nil {
			return nil
		}
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			// An index into a list (victims[0]) reads one of its items:
			// the reads stand for every item, so that a missing answer
			// in any of them is noticed.
			if last := base[len(base)-1]; last.Kind == KindList {
				return append(slices.Clip(base), itemOf(last))
			}
			return nil
		}
		last := base[len(base)-1]
		if m := last.Member(prop.Value); m != nil && last.Kind == KindObject {
			return append(slices.Clip(base), m)
		}
	}
	return nil
}

func (c *checker) walk(n ast.Node) {
	switch n := n.(type) {
	case nil:
	case *ast.IdentifierNode:
		if c.schema.Lookup(n.Value) != nil || slices.Contains(c.vars, n.Value) {
			c.record(c.resolve(n))
			return
		}
		c.add(n, "unknown-name", fmt.Sprintf("There is no answer called %q", n.Value),
			fmt.Sprintf("Rules can read %s.%s", diag.Quoted(c.schema.Names()), diag.DidYouMean(n.Value, c.schema.Names())))
	case *ast.MemberNode:
		if n.Method {
			c.add(n, "not-allowed", "A method call cannot be used in a rule", allowedDetail)
			return
		}
		c.member(n)
	case *ast.ChainNode:
		c.walk(n.Node)
	case *ast.UnaryNode:
		c.walk(n.Node)
	case *ast.BinaryNode:
		c.walk(n.Left)
		c.walk(n.Right)
		c.enumCompare(n)
		c.operator(n)
	case *ast.ConditionalNode:
		c.walk(n.Cond)
		c.walk(n.Exp1)
		c.walk(n.Exp2)
	case *ast.ArrayNode:
		for _, e := range n.Nodes {
			c.walk(e)
		}
	case *ast.MapNode, *ast.PairNode, *ast.SliceNode, *ast.SequenceNode, *ast.BytesNode, *ast.ConstantNode:
		c.add(n, "not-allowed", describeNode(n)+" cannot be used in a rule", allowedDetail)
	case *ast.VariableDeclaratorNode:
		c.walk(n.Value)
		c.vars = append(c.vars, n.Name)
		c.walk(n.Expr)
		c.vars = c.vars[:len(c.vars)-1]
	case *ast.CallNode:
		c.call(n)
	case *ast.BuiltinNode:
		c.builtin(n)
	case *ast.PredicateNode:
		c.walk(n.Node)
	case *ast.PointerNode:
		switch {
		case len(c.scopes) == 0:
			c.add(n, "pointer-outside-predicate", "# is only meaningful inside any(), all() and the like",
				"Use # (or .answer) inside the condition of any(list, ...), all(list, ...), none, one, count, filter, map or sum.")
		case n.Name == "index" && c.helpers[len(c.helpers)-1] != "map":
			c.add(n, "not-allowed", "#index can be used only inside map()",
				"#index is the current item's position in map(list, ...), such as map(victims, #index). Elsewhere, count the items instead.")
		case n.Name != "" && n.Name != "index":
			c.add(n, "not-allowed", fmt.Sprintf("#%s cannot be used in a rule", n.Name),
				"Inside a list helper, # is the current item, and in map() #index is its position.")
		}
	}
}

// operator refuses the operators rules may not use, and patterns that do
// not compile.
func (c *checker) operator(n *ast.BinaryNode) {
	switch n.Operator {
	case "**", "^":
		c.add(n, "not-allowed", fmt.Sprintf("The power operator %s cannot be used in a rule", n.Operator), allowedDetail)
	case "matches":
		lit, ok := n.Right.(*ast.StringNode)
		if !ok {
			c.add(n.Right, "not-allowed", "matches needs a pattern written in quotes",
				"Write the pattern in the rule, such as subject.phone matches \"^07\", so that it is checked when the pack is loaded.")
			return
		}
		if _, err := regexp.Compile(lit.Value); err != nil {
			c.add(n.Right, "bad-pattern", "The pattern is not written correctly",
				"Patterns follow the RE2 syntax (https://github.com/google/re2/wiki/Syntax). Check the brackets and backslashes.")
		}
	}
}

func (c *checker) record(chain []*Field) {
	if chain == nil {
		return
	}
	f := chain[len(chain)-1]
	if f.Kind == KindObject || f.Get == nil {
		return
	}
	chain = slices.DeleteFunc(slices.Clone(chain), func(f *Field) bool { return f.Get == nil })
	for _, r := range c.reads {
		if r.field() == f {
			return
		}
	}
	c.reads = append(c.reads, read{chain: chain})
}

func (c *checker) member(n *ast.MemberNode) {
	prop, ok := n.Property.(*ast.StringNode)
	if !ok {
		c.walk(n.Node)
		c.walk(n.Property)
		return
	}
	base := c.resolve(n.Node)
	if base == nil {
		c.walk(n.Node)
		return
	}
	last := base[len(base)-1]
	switch last.Kind {
	case KindObject:
		if m := last.Member(prop.Value); m != nil {
			c.record(append(slices.Clip(base), m))
			return
		}
		names := make([]string, len(last.Fields))
		for i, m := range last.Fields {
			names[i] = m.Name
		}
		owner := last.path
		if owner == "" || strings.HasSuffix(owner, "[]") {
			owner = "each item"
		}
		c.add(n.Property, "unknown-field", fmt.Sprintf("%s has no answer called %q", owner, prop.Value),
			fmt.Sprintf("It has %s.%s", diag.Quoted(names), diag.DidYouMean(prop.Value, names)))
	case KindList:
		c.add(n.Property, "member-of-list", fmt.Sprintf("%s is a list, so it has no single %q", last.path, prop.Value),
			fmt.Sprintf("Ask about its items: any(%s, .%s == ...) is true when at least one has it, all(%s, ...) when every one does.",
				last.path, prop.Value, last.path))
	default:
		c.add(n.Property, "member-of-value", fmt.Sprintf("%s is %s, which has no %q", last.path, last.Kind.Describe(), prop.Value),
			"Remove the part after the dot.")
	}
}

func (c *checker) builtin(n *ast.BuiltinNode) {
	if !slices.Contains(Builtins, n.Name) {
		c.add(n, "not-allowed", fmt.Sprintf("%s() cannot be used in a rule", n.Name),
			fmt.Sprintf("The helpers rules may use are %s, and the date helpers.%s", diag.Quoted(Builtins), diag.DidYouMean(n.Name, Builtins)))
	}
	if len(n.Arguments) == 0 {
		return
	}
	c.walk(n.Arguments[0])
	var item []*Field
	if chain := c.resolve(n.Arguments[0]); chain != nil {
		if lf := chain[len(chain)-1]; lf.Kind == KindList {
			item = append(slices.Clip(chain), itemOf(lf))
		}
	}
	for _, a := range n.Arguments[1:] {
		if _, ok := a.(*ast.PredicateNode); ok {
			if len(c.scopes) >= maxDepth {
				c.add(a, "too-deep", "Lists are searched inside each other too deeply",
					fmt.Sprintf("At most %d of any(), all(), none(), one() and count() may stand inside each other. Simplify the condition.", maxDepth))
				continue
			}
			c.scopes, c.helpers = append(c.scopes, item), append(c.helpers, n.Name)
			c.walk(a)
			c.scopes, c.helpers = c.scopes[:len(c.scopes)-1], c.helpers[:len(c.helpers)-1]
			continue
		}
		c.walk(a)
	}
}

func (c *checker) call(n *ast.CallNode) {
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		c.walk(n.Callee)
	} else if slices.Contains(disabled, id.Value) && functions[id.Value] == nil {
		c.add(n.Callee, "function-not-allowed", fmt.Sprintf("%s() cannot be used in rules", id.Value),
			"Rules are decided on a given evaluation date, written today, so that a decision can be repeated. Use today, date(\"YYYY-MM-DD\") and the day and week helpers such as addDays(today, 84).")
	} else if _, known := functions[id.Value]; !known && !isBuiltin(id.Value) {
		names := slices.Sorted(mapsKeys(functions))
		c.add(n.Callee, "unknown-function", fmt.Sprintf("There is no function called %q", id.Value),
			fmt.Sprintf("The date helpers are %s.%s", diag.Quoted(names), diag.DidYouMean(id.Value, names)))
	}
	if ok && id.Value == "date" {
		if len(n.Arguments) == 1 {
			if s, isString := n.Arguments[0].(*ast.StringNode); isString {
				if _, err := parseDateLit(s.Value); err != nil {
					c.add(s, "bad-date", fmt.Sprintf("%q is not a real date", s.Value),
						"Write dates as YYYY-MM-DD, for example date(\"2024-04-01\"), and check the day exists in that month.")
				}
			} else {
				c.add(n, "date-not-constant", "date() takes a date written in quotes",
					"Write a fixed date such as date(\"2024-04-01\"). For a date relative to another, use addDays, addWeeks or addMonths.")
			}
		}
	}
	for _, a := range n.Arguments {
		c.walk(a)
	}
}

// enumCompare checks a comparison between an enumerated answer and text
// literals: subject.gender == "mail" is a mistake.
func (c *checker) enumCompare(n *ast.BinaryNode) {
	switch n.Operator {
	case "==", "!=":
		if f := c.enumField(n.Left); f != nil {
			c.enumLiteral(f, n.Right)
		}
		if f := c.enumField(n.Right); f != nil {
			c.enumLiteral(f, n.Left)
		}
	case "in", "not in":
		if f := c.enumField(n.Left); f != nil {
			if arr, ok := n.Right.(*ast.ArrayNode); ok {
				for _, e := range arr.Nodes {
					c.enumLiteral(f, e)
				}
			}
		}
	}
}

func (c *checker) enumField(n ast.Node) *Field {
	if chain := c.resolve(n); chain != nil {
		if f := chain[len(chain)-1]; len(f.Values) > 0 {
			return f
		}
	}
	return nil
}

func (c *checker) enumLiteral(f *Field, n ast.Node) {
	s, ok := n.(*ast.StringNode)
	if !ok || slices.Contains(f.Values, s.Value) {
		return
	}
	c.add(s, "bad-enum", fmt.Sprintf("%q is not one of the answers %s can have", s.Value, f.path),
		fmt.Sprintf("%s is one of %s.%s", f.path, diag.Quoted(f.Values), diag.DidYouMean(s.Value, f.Values)))
}

// tooComplex is the problem of an expression with too many parts.
func tooComplex(loc locator) *diag.Diagnostic {
	return loc.diag(0, 0, "too-complex", "The condition is too complex",
		fmt.Sprintf("A condition may have at most %d parts (names, values and operators). Split it into several rules.", MaxNodes))
}

func isBuiltin(name string) bool {
	_, ok := builtin.Index[name]
	return ok
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func parseDateLit(s string) (Value, error) {
	return functions["date"].eval1(Value{K: KindText, S: s})
}

// locator maps positions in an expression to positions in its file.
type locator struct {
	src  Source
	text string
}

// position turns a rune offset in the expression into a file position.
func (l locator) position(offset int) diag.Pos {
	line, col, i := 0, 0, 0
	for _, r := range l.text {
		if i >= offset {
			break
		}
		i++
		if r == '\n' {
			line++
			col = 0
		} else {
			col++
		}
	}
	n := l.src.Node
	if n == nil {
		return diag.Pos{Line: line + 1, Column: col + 1}
	}
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		fileLine := n.Line + 1 + line
		return diag.Pos{Line: fileLine, Column: l.blockIndent(n.Line+1) + col + 1}
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		if line == 0 {
			return diag.Pos{Line: n.Line, Column: n.Column + 1 + col}
		}
		return diag.Pos{Line: n.Line + line, Column: col + 1}
	}
	if line == 0 {
		return diag.Pos{Line: n.Line, Column: n.Column + col}
	}
	return diag.Pos{Line: n.Line, Column: n.Column}
}

// blockIndent returns the indentation of a block scalar's content, read
// from its first non-blank line.
func (l locator) blockIndent(first int) int {
	for i := first; i < first+1000; i++ {
		line := ""
		if l.src.Line != nil {
			line = l.src.Line(i)
		}
		if strings.TrimSpace(line) == "" {
			if line == "" && i > first+50 {
				break
			}
			continue
		}
		return len(line) - len(strings.TrimLeft(line, " "))
	}
	return 0
}

func (l locator) diag(from, to int, code, summary, detail string) *diag.Diagnostic {
	start := l.position(from)
	end := diag.Pos{}
	if to > from {
		if e := l.position(to); e.Line == start.Line {
			end = e
		}
	}
	d := &diag.Diagnostic{Severity: diag.Error, Code: code, Summary: summary, Detail: detail,
		Range: diag.Range{File: l.src.File, Start: start, End: end}}
	if l.src.Node == nil {
		// The expression stands alone: its own line is the snippet.
		lines := strings.Split(l.text, "\n")
		if start.Line >= 1 && start.Line <= len(lines) {
			d.Excerpt = lines[start.Line-1]
		}
	}
	return d
}

var (
	goTypeWords = []struct{ re, with string }{
		{`\btime\.Time\b`, "date"},
		{`\btime\.Duration\b`, "length of time"},
		{`\bfloat64\b`, "number"},
		{`\bint\b`, "whole number"},
		{`\bstring\b`, "text"},
		{`\bbool\b`, "yes/no"},
		{`\binterface \{\}|\bany\b`, "anything"},
		{`\bunknown\b`, "unknown"},
	}
	goTypeRes = func() []*regexp.Regexp {
		out := make([]*regexp.Regexp, len(goTypeWords))
		for i, w := range goTypeWords {
			out[i] = regexp.MustCompile(w.re)
		}
		return out
	}()
)

var (
	mismatched = regexp.MustCompile(`^invalid operation: (\S+) \(mismatched types (.+) and (.+)\)$`)
	tokenRe    = regexp.MustCompile(`token \w+\(("[^"]*")\)`)
)

func withArticle(s string) string {
	switch s {
	case "text", "anything":
		return s
	case "whole number", "number", "date", "yes/no", "length of time":
		return "a " + s
	}
	return s
}

// reword puts expr's messages in policy staff's words: generated types
// become the answers they stand for, Go's basic types plain words.
func reword(msg string, names map[string]string) string {
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		msg = strings.ReplaceAll(msg, k, names[k])
	}
	for i, re := range goTypeRes {
		msg = re.ReplaceAllString(msg, goTypeWords[i].with)
	}
	if m := mismatched.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s cannot be used between %s and %s", m[1], withArticle(m[2]), withArticle(m[3]))
	}
	msg = tokenRe.ReplaceAllString(msg, "$1")
	return strings.ReplaceAll(msg, "invalid operation: ", "")
}

func (l locator) fromExprError(err error, code string, names map[string]string) *diag.Diagnostic {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return l.diag(0, 0, code, "The condition cannot be used", reword(err.Error(), names))
	}
	msg := reword(fe.Message, names)
	summary, detail := "The condition cannot be used", msg+"."
	if code == "expr-syntax" {
		summary = "The condition is not written correctly"
		detail = syntaxHint(msg, l.text)
	} else {
		summary = upperFirst(msg)
		detail = "Check that both sides of each comparison are the same kind of answer (text, number, date or yes/no), and that functions get the values they expect."
	}
	return l.diag(fe.From, fe.To, code, summary, detail)
}

func syntaxHint(msg, text string) string {
	hint := upperFirst(msg) + "."
	switch {
	case regexp.MustCompile(`[^=!<>]=[^=]`).MatchString(text):
		hint += " To compare two values use == (two equals signs)."
	case strings.Count(text, "(") != strings.Count(text, ")"):
		hint += " Check that every ( has a matching )."
	case strings.Count(text, `"`)%2 == 1:
		hint += ` Check that every text value is enclosed in "double quotes".`
	default:
		hint += ` Conditions use ==, !=, <, >, &&, ||, !, in [...], and functions such as any(victims, .consentsToContact == true).`
	}
	return hint
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}
