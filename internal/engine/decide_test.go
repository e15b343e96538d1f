package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/referral"
)

// The deciders must decide exactly as the closures do: these tests hold
// them to the closures (and, where every answer is given, to expr's VM)
// over random conditions of the shapes deciders cover, mixed with shapes
// they leave to the closures, on complete and masked referrals.

// deciderGen builds conditions of the shapes deciders cover.
type deciderGen struct{ gen }

var (
	decTexts  = []string{"subject.gender", "form", "subject.acceptsResponsibility", "subject.mentalHealth", "subject.currentOrder", "subject.likelyOrder"}
	decYesNos = []string{"subject.consentsToInformationSharing", "immediateRisk", "subject.subjectToSPO"}
	decDates  = []string{"today", "dateSent", "subject.nextCourtDate", "subject.dateOfBirth", `date("2023-03-01")`, `date("1969-12-31")`}
)

func (g deciderGen) dateNum() string { return g.pick(decDates...) }

func (g deciderGen) intNum() string {
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprint(g.r.IntN(400) - 200)
	case 1:
		return fmt.Sprintf("-%d", g.r.IntN(100))
	}
	return fmt.Sprintf("%s(%s, %s)", g.pick("daysBetween", "weeksBetween", "yearsBetween"), g.dateNum(), g.dateNum())
}

func (g deciderGen) atom() string {
	cmp := g.pick("==", "!=", "<", "<=", ">", ">=")
	switch g.r.IntN(13) {
	case 0:
		p := g.pick(decTexts...)
		return fmt.Sprintf("%s %s %q", p, g.pick("==", "!="), g.enum(enumPaths[p]))
	case 1:
		p := g.pick(decTexts...)
		return fmt.Sprintf("%q %s %s", g.enum(enumPaths[p]), g.pick("==", "!="), p)
	case 2:
		p := g.pick(decTexts...)
		return fmt.Sprintf("%s %s [%q, %q]", p, g.pick("in", "not in"), g.enum(enumPaths[p]), g.enum(enumPaths[p]))
	case 3:
		return fmt.Sprintf("referrer.organisation %s %q", g.pick("==", "!="), g.pick("", "Probation"))
	case 4:
		return g.pick(decYesNos...)
	case 5:
		return fmt.Sprintf("%s %s %v", g.pick(decYesNos...), g.pick("==", "!="), g.r.IntN(2) == 0)
	case 6:
		return fmt.Sprintf("%v %s %s", g.r.IntN(2) == 0, g.pick("==", "!="), g.pick(decYesNos...))
	case 7:
		x := g.pick(append(append(append([]string{"referrer.organisation"}, decTexts...), decYesNos...), decDates[:4]...)...)
		if g.r.IntN(2) == 0 {
			return fmt.Sprintf("nil %s %s", g.pick("==", "!="), x)
		}
		return fmt.Sprintf("%s %s nil", x, g.pick("==", "!="))
	case 8:
		return fmt.Sprintf("%s %s %s", g.dateNum(), cmp, g.dateNum())
	case 9, 10:
		return fmt.Sprintf("%s %s %s", g.intNum(), cmp, g.intNum())
	case 11:
		return fmt.Sprintf("(%s ?? %v)", g.pick(decYesNos...), g.r.IntN(2) == 0)
	}
	// A shape deciders leave to the closures.
	return g.gen.atom(0, false)
}

func (g deciderGen) expr(depth int) string {
	if depth <= 0 || g.r.IntN(3) == 0 {
		return g.atom()
	}
	switch g.r.IntN(6) {
	case 0:
		return fmt.Sprintf("(%s && %s)", g.expr(depth-1), g.expr(depth-1))
	case 1:
		return fmt.Sprintf("(%s || %s)", g.expr(depth-1), g.expr(depth-1))
	case 2:
		return fmt.Sprintf("!(%s)", g.expr(depth-1))
	case 3:
		return fmt.Sprintf("not (%s)", g.expr(depth-1))
	case 4:
		return fmt.Sprintf("((%s) ?? (%s))", g.expr(depth-1), g.expr(depth-1))
	}
	return fmt.Sprintf("(%s ? %s : %s)", g.expr(depth-1), g.expr(depth-1), g.expr(depth-1))
}

// referral is gen's referral with the answers deciders read beside its
// own, some missing.
func (g deciderGen) referral() *referral.Referral {
	r := g.mask(g.gen.referral())
	r.Subject.DateOfBirth = referral.BirthDate{Date: referral.MustDate("1960-01-01").AddDays(g.r.IntN(20000))}
	r.Referrer.Organisation = g.pick("", "Probation", "Police")
	drop := func() bool { return g.r.IntN(5) == 0 }
	if drop() {
		r.Subject.DateOfBirth = referral.BirthDate{}
	}
	if drop() {
		r.DateSent = referral.Date{}
	}
	if drop() {
		r.Subject.SubjectToSPO = nil
	}
	if drop() {
		r.Subject.CurrentOrder = ""
	}
	if drop() {
		r.Form = ""
	}
	return r
}

// closuresOutcome evaluates p by its closures alone.
func closuresOutcome(p *Program, env *Env) (Outcome, error) {
	s := NewSession(context.Background(), env)
	defer s.Close()
	o := s.decide(p)
	if o == Unknown {
		_, err := s.Undecided()
		return o, err
	}
	return o, nil
}

// checkDecider compiles a condition of decider shapes and checks its
// decider against the closures (and the VM) on random inputs. It reports
// whether the condition had a decider.
func checkDecider(t *testing.T, seed uint64) bool {
	g := deciderGen{gen{rand.New(rand.NewPCG(seed, seed^0x51ed270b5a7c3f1d))}}
	text := g.expr(3)
	p, problems := Compile(text, ReferralSchema(), Source{})
	require.Empty(t, problems, "expression %s: %v", text, problems)
	if p.decide == nil {
		return false
	}
	for range 8 {
		r := g.referral()
		today := g.date()
		if g.r.IntN(8) == 0 {
			today = referral.Date{}
		}
		env := &Env{Root: r, Today: today, Index: -1}
		want, err := closuresOutcome(p, env)
		require.NoError(t, err, text)
		got := p.decide(r, today)
		require.Equal(t, want, got, "the decider and the closures disagree on %s", text)
		if vm := p.evalVM(env); vm.Err == nil && vm.Outcome != Unknown {
			require.Equal(t, vm.Outcome, got, "the decider and the VM disagree on %s", text)
		}
		res := p.Eval(context.Background(), env)
		require.Equal(t, want, res.Outcome, text)
		if res.Outcome == Unknown {
			require.NotEmpty(t, res.Missing, "unknown without missing answers: %s", text)
		}
	}
	return true
}

func TestDecidersMatchClosures(t *testing.T) {
	decided := 0
	for seed := range uint64(3000) {
		if checkDecider(t, seed) {
			decided++
		}
	}
	// Most of the generated conditions are of the shapes deciders cover:
	// were none decided, this test would prove nothing.
	require.Greater(t, decided, 1000)
}

func FuzzDecidersMatchClosures(f *testing.F) {
	for _, s := range []uint64{0, 1, 42, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { checkDecider(t, seed) })
}

// TestDeciderShapes lists the shapes deciders cover, and some they leave
// to the closures, so that a change that quietly drops one is noticed.
func TestDeciderShapes(t *testing.T) {
	for text, want := range map[string]bool{
		`subject.acceptsResponsibility in ["some", "full"]`:                                                    true,
		`subject.consentsToInformationSharing == true`:                                                         true,
		`subject.currentOrder not in ["custodial", "community"]`:                                               true,
		`subject.likelyOrder in ["custodial", "community"] && daysBetween(today, subject.nextCourtDate) <= 84`: true,
		`form == "cobi" ? subject.subjectToSPO == true : (subject.subjectToSPO ?? false)`:                      true,
		`immediateRisk || !(subject.gender == "male")`:                                                         true,
		`yearsBetween(subject.dateOfBirth, today) >= 18`:                                                       true,
		`dateSent >= date("2022-08-01") && subject.nextCourtDate != nil`:                                       true,
		`referrer.organisation == ""`:                                                                          true,
		`riskAssessment.score >= 14`:                                                                           false,
		`any(victims, .relationship in ["partner", "ex-partner"])`:                                             false,
		`addDays(today, 7) < subject.nextCourtDate`:                                                            false,
		`len(children) > 0`:                     false,
		`upper(subject.gender) == "MALE"`:       false,
		`(let g = subject.gender; g == "male")`: false,
		`today > date("1969-12-31")`:            false,
	} {
		p, problems := Compile(text, ReferralSchema(), Source{})
		require.Empty(t, problems, text)
		require.Equal(t, want, p.decide != nil, text)
	}
}

// TestRunAsSession checks a Run against a Session: the same outcomes and
// reasons, whether a decider decides or not, and every program unknown
// with the reason when the context is done.
func TestRunAsSession(t *testing.T) {
	var progs []*Program
	for _, text := range []string{
		`subject.mentalHealth in ["none", "managed"]`,
		`riskAssessment.score >= 14`,
		`subject.consentsToInformationSharing == true`,
		`any(victims, .consentsToContact == false)`,
	} {
		p, problems := Compile(text, ReferralSchema(), Source{})
		require.Empty(t, problems, text)
		progs = append(progs, p)
	}
	r := sample()
	r.Subject.MentalHealth = ""
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, ctx := range []context.Context{context.Background(), done} {
		var run Run
		run.Start(ctx, r, r.DateSent)
		s := Open(ctx, r, r.DateSent)
		for _, p := range progs {
			want, got := s.Decide(p), run.Decide(p)
			require.Equal(t, want, got, p.Text())
			if got == Unknown {
				wm, we := s.Undecided()
				gm, ge := run.Undecided()
				require.Equal(t, wm, gm, p.Text())
				require.Equal(t, we, ge, p.Text())
			}
		}
		s.Close()
		run.Close()
	}
}
