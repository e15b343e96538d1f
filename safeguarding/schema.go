package safeguarding

import (
	"sync"

	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/referral"
)

// scope is what a trigger's evaluation reads besides the referral: the
// policy (for the MARAC answers) and the current victim or child. It is the
// engine.Env's Scope for every trigger.
type scope struct {
	policy *Policy
	victim *referral.Victim
	child  *referral.Child
}

func scopeOf(p any) *scope {
	env, _ := p.(*engine.Env)
	if env == nil {
		return nil
	}
	sc, _ := env.Scope.(*scope)
	return sc
}

func rootOf(p any) *referral.Referral {
	env, _ := p.(*engine.Env)
	if env == nil {
		return nil
	}
	r, _ := env.Root.(*referral.Referral)
	return r
}

// maracAnswer is a yes/no MARAC answer worked out by the policy.
func maracAnswer(name string, get func(*Policy, *referral.Referral) (bool, bool)) *engine.Field {
	return &engine.Field{Name: name, Kind: engine.KindBool, Get: func(p any) engine.Value {
		sc, r := scopeOf(p), rootOf(p)
		if sc == nil || sc.policy == nil || r == nil {
			return engine.Missing
		}
		yes, known := get(sc.policy, r)
		if !known {
			return engine.Missing
		}
		return engine.Bool(yes)
	}}
}

// maracField is `marac` in expressions: the MARAC criteria applied to the
// referral's risk assessment with the pack's thresholds.
func maracField() *engine.Field {
	return &engine.Field{Name: "marac", Kind: engine.KindObject,
		Get: func(p any) engine.Value { return engine.Object(p, true) },
		Fields: []*engine.Field{
			maracAnswer("visibleHighRisk", (*Policy).visibleHighRisk),
			maracAnswer("professionalJudgement", (*Policy).professionalJudgement),
			maracAnswer("potentialEscalation", (*Policy).potentialEscalation),
		}}
}

// schemas are what triggers of each scope read: the referral, `today` and
// `marac`, and for scoped triggers the current `victim` or `child`. They
// are built once, from copies of the engine's fields (the engine's own
// schemas are shared and must not change); the per-evaluation data comes
// through the Env.
var schemas = sync.OnceValue(func() map[Scope]*engine.Schema {
	victim := cloneField(engine.VictimSchema().Lookup("victim"))
	victim.Get = func(p any) engine.Value {
		sc := scopeOf(p)
		return engine.Object(victimOf(sc), sc != nil && sc.victim != nil)
	}
	child := cloneField(engine.ChildSchema().Lookup("child"))
	child.Get = func(p any) engine.Value {
		sc := scopeOf(p)
		return engine.Object(childOf(sc), sc != nil && sc.child != nil)
	}
	with := func(extra ...*engine.Field) *engine.Schema {
		var fields []*engine.Field
		for _, f := range engine.ReferralSchema().Fields {
			fields = append(fields, cloneField(f))
		}
		fields = append(append(fields, maracField()), extra...)
		return engine.NewSchema(fields...)
	}
	return map[Scope]*engine.Schema{
		ScopeReferral: with(),
		ScopeVictim:   with(victim),
		ScopeChild:    with(child),
	}
})

// cloneField copies f and its members, so that linking them into another
// schema leaves f alone.
func cloneField(f *engine.Field) *engine.Field {
	c := *f
	c.Fields = make([]*engine.Field, len(f.Fields))
	for i, m := range f.Fields {
		c.Fields[i] = cloneField(m)
	}
	return &c
}

func victimOf(sc *scope) any {
	if sc == nil || sc.victim == nil {
		return nil
	}
	return sc.victim
}

func childOf(sc *scope) any {
	if sc == nil || sc.child == nil {
		return nil
	}
	return sc.child
}
