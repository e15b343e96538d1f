package engine

import (
	"context"
	"fmt"
	"sync"

	"github.com/saferpath/pathway/referral"
)

// Outcome is a three-valued result.
type Outcome uint8

// Outcomes of a rule.
const (
	False Outcome = iota
	True
	Unknown
)

// String returns "false", "true" or "unknown".
func (o Outcome) String() string {
	switch o {
	case True:
		return "true"
	case Unknown:
		return "unknown"
	}
	return "false"
}

// Result is the result of evaluating a Program.
type Result struct {
	Outcome Outcome
	// Missing lists the paths of the missing answers that would decide
	// an Unknown result.
	Missing []string
	// Err is set when the rule could not be evaluated (a division by
	// zero, a limit reached, the context done). The Outcome is then
	// Unknown: a rule that cannot be evaluated never passes silently. Its
	// text names parts of the rule, never an answer's value.
	Err error
}

// Eval evaluates the program for env. It is safe to call concurrently.
// To evaluate several programs for one env, a Session saves work.
func (p *Program) Eval(ctx context.Context, env *Env) Result {
	s := NewSession(ctx, env)
	defer s.Close()
	return s.Eval(p)
}

// Session evaluates programs for one Env, reusing its scratch space. A
// Session is not safe for concurrent use; Programs are, so each goroutine
// opens its own Session.
type Session struct {
	fr   frame
	last Value   // the last value Decide could not turn into an outcome
	vars []Value // scratch for let-variables
	own  Env     // the Env of a session from Open

	stopped error // why the session's context was done when it opened
}

// start readies the session for evaluations under ctx.
func (s *Session) start(ctx context.Context, env *Env) {
	s.fr = frame{ctx: ctx, env: env}
	s.last, s.stopped = Value{}, nil
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			s.stopped = fmt.Errorf("the evaluation was stopped: %w", err)
		}
	}
}

var sessions = sync.Pool{New: func() any { return new(Session) }}

// NewSession returns a session for env, from a pool; its evaluations stop
// when ctx is done. Close returns it.
func NewSession(ctx context.Context, env *Env) *Session {
	s := sessions.Get().(*Session)
	s.start(ctx, env)
	return s
}

// Open returns a session, from a pool, for an Env of its own: root, the
// evaluation date today and no scope. Env returns it, for changing the
// scope between evaluations. Close returns the session to the pool.
func Open(ctx context.Context, root any, today referral.Date) *Session {
	s := sessions.Get().(*Session)
	s.own = Env{Root: root, Today: today, Index: -1}
	s.start(ctx, &s.own)
	return s
}

// Env returns the Env the session evaluates for.
func (s *Session) Env() *Env { return s.fr.env }

// Close returns the session to the pool; it must not be used afterwards.
func (s *Session) Close() {
	s.fr = frame{}
	s.last, s.stopped = Value{}, nil
	s.own = Env{}
	clear(s.vars)
	sessions.Put(s)
}

// run evaluates p with fresh budgets. The context is checked when the
// session opens and every 1024 steps of an evaluation.
func (s *Session) run(p *Program) Value {
	fr := &s.fr
	fr.steps, fr.built, fr.err = 0, 0, s.stopped
	if s.stopped != nil {
		return Missing
	}
	if p.slots > 0 {
		s.useVars(p.slots)
	}
	return p.eval(fr)
}

// useVars readies n let-variables.
func (s *Session) useVars(n int) {
	if cap(s.vars) < n {
		s.vars = make([]Value, n)
	}
	s.fr.vars = s.vars[:n]
}

// Decide evaluates p in the session and returns only its outcome: the
// hot path, copying nothing. When the outcome is Unknown, Undecided says
// why.
func (s *Session) Decide(p *Program) Outcome {
	if o := s.quick(p); o != Unknown {
		return o
	}
	return s.decide(p)
}

// quick is p's outcome when its decider decides it, and Unknown when it
// does not, as Run.Quick.
func (s *Session) quick(p *Program) Outcome {
	if p.decide == nil || s.stopped != nil {
		return Unknown
	}
	env := s.fr.env
	return p.decide(env.Root, env.Today)
}

// decide is Decide by the closures alone, which say why a condition is
// unknown.
func (s *Session) decide(p *Program) Outcome {
	// run, written out: this is the hot path.
	fr := &s.fr
	fr.steps, fr.built, fr.err = 0, 0, s.stopped
	if s.stopped != nil {
		return Unknown
	}
	if p.slots > 0 {
		s.useVars(p.slots)
	}
	v := p.eval(fr)
	if fr.err == nil && v.K == KindBool {
		if v.I != 0 {
			return True
		}
		return False
	}
	s.last = v
	return Unknown
}

// Undecided returns why the last Decide was Unknown: the missing answers
// that would decide it, or the error that stopped it.
func (s *Session) Undecided() ([]string, error) {
	switch {
	case s.fr.err != nil:
		return nil, s.fr.err
	case s.last.K == KindMissing:
		return s.last.Paths(), nil
	}
	return nil, fmt.Errorf("the condition gave %s, not yes or no", s.last.K.Describe())
}

// Eval evaluates p in the session.
func (s *Session) Eval(p *Program) Result {
	if o := s.quick(p); o != Unknown {
		return Result{Outcome: o}
	}
	v := s.run(p)
	fr := &s.fr
	if fr.err != nil {
		return Result{Outcome: Unknown, Err: fr.err}
	}
	switch v.K {
	case KindBool:
		if v.Truth() {
			return Result{Outcome: True}
		}
		return Result{Outcome: False}
	case KindMissing:
		return Result{Outcome: Unknown, Missing: v.Paths()}
	}
	return Result{Outcome: Unknown, Err: fmt.Errorf("the condition gave %s, not yes or no", v.K.Describe())}
}

// Reading is one answer a rule looked at, for explanations.
type Reading struct {
	Path  string
	Value any // bool, int64, float64, string, "YYYY-MM-DD", a count for lists, nil when missing
}

// Reads returns the answers the program reads for env, with list items
// spelled out (victims[0].relationship, victims[1].relationship). Personal
// identifiers are left out: their values are never echoed.
func (p *Program) Reads(env *Env) []Reading {
	var out []Reading
	for _, r := range p.reads {
		if r.field().Personal {
			continue
		}
		walkRead(r.chain, env, env, -1, func(path string, v Value) {
			val := v.Interface()
			if v.K == KindList {
				val = int64(listLen(v))
			}
			out = append(out, Reading{Path: path, Value: val})
		})
	}
	return out
}

// absent lists the paths of r's answers missing for env.
func absent(r read, env *Env) []string {
	var out []string
	walkRead(r.chain, env, env, -1, func(path string, v Value) {
		if v.K == KindMissing {
			out = append(out, path)
		}
	})
	return out
}

// walkRead follows a chain of fields from parent, expanding lists, and
// calls fn with each concrete path and value. A missing object ends the
// walk with the object's path.
func walkRead(chain []*Field, env *Env, parent any, idx int, fn func(string, Value)) {
	f := chain[0]
	v := f.Get(parent)
	if f.Alias != "" {
		idx = env.Index
	}
	path := indexPath(f.path, idx)
	if len(chain) == 1 || v.K == KindMissing {
		v.L = f
		fn(path, v)
		return
	}
	switch v.K {
	case KindObject:
		walkRead(chain[1:], env, v.O, idx, fn)
	case KindList:
		n := f.Len(v.O)
		for i := range n {
			walkRead(chain[1:], env, f.Item(v.O, i), i, fn)
		}
	}
}

// Run decides programs for one input, as a Session does, without taking a
// Session from the pool unless a program needs one: a program with a
// decider (decide.go) that decides needs none. Deciding a referral's
// rules is then a few calls a rule. A Run is not safe for concurrent use;
// it is meant to live in one function, from Start to Close:
//
//	var run engine.Run
//	run.Start(ctx, root, today)
//	defer run.Close()
type Run struct {
	root    any
	today   referral.Date
	stopped bool // the context was done at Start
	ctx     context.Context
	s       *Session // opened when a program first needs it
}

// Start readies r over root on the date today. The context is checked
// here, once: when it is done, every program is unknown with the reason.
// A session opened later, for a program no decider decides, checks it
// again, and every 1024 steps of the evaluations it runs. (Start sets r's
// fields in place, rather than returning a Run to copy: the copy costs
// as much as deciding a rule.) r must be new, or closed.
func (r *Run) Start(ctx context.Context, root any, today referral.Date) {
	r.root, r.today, r.ctx = root, today, ctx
	r.stopped = ctx != nil && ctx.Err() != nil
}

// Quick returns p's outcome when p's decider decides it, and Unknown
// when it does not (p has none, an answer it reads is missing, or the
// context was done): Decide then gives the outcome, and Undecided why.
// It is small enough to be inlined into a caller's loop over its rules,
// which is most of the cost of deciding them.
func (r *Run) Quick(p *Program) Outcome {
	if p.decide == nil || r.stopped {
		return Unknown
	}
	return p.decide(r.root, r.today)
}

// Decide evaluates p and returns its outcome. When it is Unknown,
// Undecided says why.
func (r *Run) Decide(p *Program) Outcome {
	if o := r.Quick(p); o != Unknown {
		return o
	}
	return r.session().decide(p)
}

func (r *Run) session() *Session {
	if r.s == nil {
		r.s = Open(r.ctx, r.root, r.today)
	}
	return r.s
}

// Undecided returns why the last Decide was Unknown, as
// Session.Undecided does.
func (r *Run) Undecided() ([]string, error) { return r.session().Undecided() }

// Close returns the Run's session, if it opened one, to the pool. It is
// inlined: most Runs open none.
func (r *Run) Close() {
	if r.s != nil {
		r.close()
	}
}

func (r *Run) close() {
	r.s.Close()
	r.s = nil
}
