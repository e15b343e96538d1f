package engine

import (
	"fmt"
	"sync"
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
	// zero, the step budget). The Outcome is then Unknown: a rule that
	// cannot be evaluated never passes silently.
	Err error
}

// Eval evaluates the program for env. It is safe to call concurrently.
// To evaluate several programs for one env, a Session saves work.
func (p *Program) Eval(env *Env) Result {
	s := NewSession(env)
	defer s.Close()
	return s.Eval(p)
}

// Session evaluates programs for one Env, reusing its scratch space. A
// Session is not safe for concurrent use; Programs are, so each goroutine
// opens its own Session.
type Session struct {
	fr      frame
	last    Value  // the last value Decide could not turn into an outcome
	general Result // the last result of the general path
}

var sessions = sync.Pool{New: func() any { return new(Session) }}

// NewSession returns a session for env, from a pool. Close returns it.
func NewSession(env *Env) *Session {
	s := sessions.Get().(*Session)
	s.fr = frame{env: env}
	s.last, s.general = Value{}, Result{}
	return s
}

// Close returns the session to the pool; it must not be used afterwards.
func (s *Session) Close() {
	s.fr = frame{}
	s.last, s.general = Value{}, Result{}
	sessions.Put(s)
}

// Decide evaluates p in the session and returns only its outcome: the
// hot path, copying nothing. When the outcome is Unknown, Undecided says
// why.
func (s *Session) Decide(p *Program) Outcome {
	if p.eval == nil {
		s.general = p.evalGeneral(s.fr.env)
		return s.general.Outcome
	}
	fr := &s.fr
	fr.steps, fr.err = 0, nil
	v := p.eval(fr)
	if fr.err == nil && v.K == KindBool {
		if v.I != 0 {
			return True
		}
		return False
	}
	s.last, s.general = v, Result{}
	return Unknown
}

// Undecided returns why the last Decide was Unknown: the missing answers
// that would decide it, or the error that stopped it.
func (s *Session) Undecided() ([]string, error) {
	switch {
	case s.general.Outcome == Unknown:
		return s.general.Missing, s.general.Err
	case s.fr.err != nil:
		return nil, s.fr.err
	case s.last.K == KindMissing:
		return s.last.Paths(), nil
	}
	return nil, fmt.Errorf("the condition gave %s, not yes or no", s.last.K.Describe())
}

// Eval evaluates p in the session.
func (s *Session) Eval(p *Program) Result {
	if p.eval == nil {
		return p.evalGeneral(s.fr.env)
	}
	fr := &s.fr
	fr.steps, fr.err = 0, nil
	v := p.eval(fr)
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

// evalGeneral runs the program on expr's VM when every answer it reads is
// present, and is unknown otherwise.
func (p *Program) evalGeneral(env *Env) Result {
	var missing []string
	for _, r := range p.reads {
		missing = append(missing, absent(r, env)...)
	}
	if len(missing) > 0 {
		return Result{Outcome: Unknown, Missing: missing}
	}
	v, err := p.runVM(env)
	if err != nil {
		return Result{Outcome: Unknown, Err: err}
	}
	if v.K != KindBool {
		return Result{Outcome: Unknown, Err: fmt.Errorf("the condition gave %s, not yes or no", v.K.Describe())}
	}
	if v.Truth() {
		return Result{Outcome: True}
	}
	return Result{Outcome: False}
}

// EvalVM evaluates the program on expr's VM whatever the closures cover,
// with the general path's rule for missing answers. It exists so tests can
// prove both paths agree.
func (p *Program) EvalVM(env *Env) Result { return p.evalGeneral(env) }

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
