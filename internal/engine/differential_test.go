package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/referral"
)

// gen builds random referrals and random well-typed expressions over them,
// to prove that the closures and expr's VM agree.
type gen struct{ r *rand.Rand }

func (g gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g gen) yesNo() *bool {
	b := g.r.IntN(2) == 0
	return &b
}

func (g gen) date() referral.Date {
	return referral.MustDate("2021-01-01").AddDays(g.r.IntN(1600))
}

func (g gen) enum(name string) string { vs := referral.EnumValues(name); return vs[g.r.IntN(len(vs))] }

// referral returns a referral with every answer the generator's
// expressions read given.
func (g gen) referral() *referral.Referral {
	score, incidents := g.r.IntN(25), g.r.IntN(6)
	r := &referral.Referral{
		ID: "KR-X", Form: referral.Form(g.enum("form")), DateSent: g.date(),
		Subject: referral.Subject{
			Gender: referral.Gender(g.enum("gender")), SubjectToSPO: g.yesNo(),
			AcceptsResponsibility:        referral.Responsibility(g.enum("responsibility")),
			SubstanceMisuse:              referral.Manageability(g.enum("manageability")),
			MentalHealth:                 referral.Manageability(g.enum("manageability")),
			ConsentsToInformationSharing: g.yesNo(),
			CurrentOrder:                 referral.Order(g.enum("order")), LikelyOrder: referral.Order(g.enum("order")),
			NextCourtDate: g.date(),
		},
		ImmediateRisk:  g.yesNo(),
		RiskToStaff:    &referral.RiskToStaff{Present: g.yesNo()},
		RiskAssessment: &referral.RiskAssessment{Instrument: referral.Instrument(g.enum("instrument")), Score: &score, IncidentsLast6Months: &incidents, ProfessionalJudgement: g.yesNo(), CompletedOn: g.date()},
	}
	for range 1 + g.r.IntN(3) {
		r.Victims = append(r.Victims, referral.Victim{
			Gender: referral.Gender(g.enum("gender")), Relationship: referral.Relationship(g.enum("relationship")),
			KnownToSupportService: g.yesNo(), AwareOfSupportServices: g.yesNo(), ConsentsToContact: g.yesNo(), WantsUpdates: g.yesNo(),
		})
	}
	for range g.r.IntN(3) {
		r.Children = append(r.Children, referral.Child{LivesWithSubject: g.yesNo()})
	}
	return r
}

// mask removes some answers from a copy of r.
func (g gen) mask(r *referral.Referral) *referral.Referral {
	m := *r
	m.Subject = r.Subject
	m.Victims = append([]referral.Victim(nil), r.Victims...)
	drop := func() bool { return g.r.IntN(4) == 0 }
	if drop() {
		m.Subject.Gender = ""
	}
	if drop() {
		m.Subject.AcceptsResponsibility = ""
	}
	if drop() {
		m.Subject.MentalHealth = ""
	}
	if drop() {
		m.Subject.ConsentsToInformationSharing = nil
	}
	if drop() {
		m.Subject.LikelyOrder = ""
	}
	if drop() {
		m.Subject.NextCourtDate = referral.Date{}
	}
	if drop() {
		m.ImmediateRisk = nil
	}
	if drop() {
		m.RiskAssessment = nil
	}
	for i := range m.Victims {
		if drop() {
			m.Victims[i].Gender = ""
		}
		if drop() {
			m.Victims[i].ConsentsToContact = nil
		}
	}
	return &m
}

var enumPaths = map[string]string{
	"subject.gender": "gender", "subject.acceptsResponsibility": "responsibility", "subject.substanceMisuse": "manageability",
	"subject.mentalHealth": "manageability", "subject.currentOrder": "order", "subject.likelyOrder": "order", "form": "form",
	"riskAssessment.instrument": "instrument",
}

var victimEnums = map[string]string{".gender": "gender", ".relationship": "relationship"}

func (g gen) atom(depth int, inVictim bool) string {
	if inVictim && g.r.IntN(2) == 0 {
		switch g.r.IntN(3) {
		case 0:
			p := g.pick(".gender", ".relationship")
			return fmt.Sprintf("%s == %q", p, g.enum(victimEnums[p]))
		case 1:
			return fmt.Sprintf(".relationship in [%q, %q]", g.enum("relationship"), g.enum("relationship"))
		}
		return g.pick(".consentsToContact", ".wantsUpdates", "!.knownToSupportService", ".awareOfSupportServices == false")
	}
	switch g.r.IntN(12) {
	case 9:
		return g.pick(
			fmt.Sprintf("(let n = riskAssessment.score; n %s %d)", g.pick("<", ">=", "=="), g.r.IntN(25)),
			fmt.Sprintf("(let g = subject.gender; g == %q || g == %q)", g.enum("gender"), g.enum("gender")),
			fmt.Sprintf("len(filter(victims, .relationship == %q)) %s %d", g.enum("relationship"), g.pick(">=", "=="), g.r.IntN(3)),
			fmt.Sprintf("sum(map(victims, .wantsUpdates ? 1 : 0)) >= %d", g.r.IntN(3)),
			fmt.Sprintf("sum(victims, .consentsToContact ? 2 : 1) > %d", g.r.IntN(6)),
			fmt.Sprintf("count(1..%d, # %% %d == 0) > %d", g.r.IntN(50), 1+g.r.IntN(5), g.r.IntN(10)),
			fmt.Sprintf("victims[%d].relationship == %q", g.r.IntN(1)-g.r.IntN(2), g.enum("relationship")),
			fmt.Sprintf("%d in map(victims, #index)", g.r.IntN(3)),
		)
	case 10:
		return g.pick(
			fmt.Sprintf("upper(subject.gender) == %q", strings.ToUpper(g.enum("gender"))),
			fmt.Sprintf("lower(form) startsWith %q", g.pick("co", "he")),
			fmt.Sprintf("hasPrefix(subject.mentalHealth, %q)", g.pick("man", "un", "n")),
			fmt.Sprintf("trimPrefix(subject.likelyOrder, %q) == %q", g.pick("cus", "com"), g.pick("todial", "munity", "none")),
			fmt.Sprintf("trim(repeat(form, 2), %q) != %q", g.pick("c", "s"), g.enum("form")),
			fmt.Sprintf("replace(subject.currentOrder, %q, %q) contains %q", g.pick("o", "u"), g.pick("0", ""), g.pick("0", "c")),
			fmt.Sprintf("form matches %q", g.pick("^co", "ships$", "-")),
			fmt.Sprintf("len(subject.substanceMisuse) %s %d", g.pick(">", "<=", "=="), g.r.IntN(12)),
		)
	case 11:
		return g.pick(
			fmt.Sprintf("abs(riskAssessment.score - %d) <= %d", g.r.IntN(25), g.r.IntN(8)),
			fmt.Sprintf("min(riskAssessment.score, %d) == %d", g.r.IntN(25), g.r.IntN(25)),
			fmt.Sprintf("max(riskAssessment.score, riskAssessment.incidentsLast6Months) >= %d", g.r.IntN(25)),
			fmt.Sprintf("float(riskAssessment.score) / 2 > %d", g.r.IntN(12)),
			fmt.Sprintf("int(float(riskAssessment.score) / 3) == %d", g.r.IntN(8)),
			fmt.Sprintf("riskAssessment.score in [%d, %d, %d]", g.r.IntN(25), g.r.IntN(25), g.r.IntN(25)),
			fmt.Sprintf("riskAssessment.score + riskAssessment.incidentsLast6Months %s %d", g.pick("<", ">"), g.r.IntN(30)),
			fmt.Sprintf("riskAssessment.score %% %d == 0", 1+g.r.IntN(5)),
		)
	case 0, 1:
		paths := []string{"subject.gender", "subject.acceptsResponsibility", "subject.substanceMisuse", "subject.mentalHealth",
			"subject.currentOrder", "subject.likelyOrder", "form", "riskAssessment.instrument"}
		p := paths[g.r.IntN(len(paths))]
		op := g.pick("==", "!=")
		return fmt.Sprintf("%s %s %q", p, op, g.enum(enumPaths[p]))
	case 2:
		p := g.pick("subject.mentalHealth", "subject.substanceMisuse")
		return fmt.Sprintf("%s %s [%q, %q]", p, g.pick("in", "not in"), g.enum("manageability"), g.enum("manageability"))
	case 3:
		return g.pick("subject.consentsToInformationSharing", "immediateRisk", "subject.subjectToSPO == false",
			"riskAssessment.professionalJudgement", "!immediateRisk", "(riskToStaff?.present ?? false)")
	case 4:
		return fmt.Sprintf("riskAssessment.score %s %d", g.pick("<", "<=", ">", ">=", "==", "!="), g.r.IntN(25))
	case 5:
		return fmt.Sprintf("daysBetween(today, subject.nextCourtDate) %s %d", g.pick("<=", ">", "=="), g.r.IntN(200)-50)
	case 6:
		if depth > 0 {
			return fmt.Sprintf("%s(victims, %s)", g.pick("any", "all", "none", "one"), g.expr(depth-1, true))
		}
		return fmt.Sprintf("count(victims, .consentsToContact) >= %d", g.r.IntN(3))
	case 7:
		return fmt.Sprintf("len(children) %s %d", g.pick("==", ">", "<"), g.r.IntN(3))
	}
	return fmt.Sprintf("addWeeks(dateSent, %d) %s today", g.r.IntN(20)-10, g.pick("<", ">=", "=="))
}

func (g gen) expr(depth int, inVictim bool) string {
	if depth <= 0 || g.r.IntN(3) == 0 {
		return g.atom(depth, inVictim)
	}
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("(%s && %s)", g.expr(depth-1, inVictim), g.expr(depth-1, inVictim))
	case 1:
		return fmt.Sprintf("(%s || %s)", g.expr(depth-1, inVictim), g.expr(depth-1, inVictim))
	case 2:
		return fmt.Sprintf("!(%s)", g.expr(depth-1, inVictim))
	}
	return fmt.Sprintf("(%s ? %s : %s)", g.expr(depth-1, inVictim), g.expr(depth-1, inVictim), g.expr(depth-1, inVictim))
}

// checkAgree compiles a generated expression and checks the two paths on
// a complete referral, and that a decided answer on a masked copy is the
// answer on the complete one (three-valued soundness).
func checkAgree(t *testing.T, seed uint64) {
	g := gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	text := g.expr(3, false)
	p, problems := Compile(text, ReferralSchema(), Source{})
	require.Empty(t, problems, "expression %s: %v", text, problems)
	full := g.referral()
	env := &Env{Root: full, Today: g.date(), Index: -1}
	closures, vm := p.Eval(context.Background(), env), p.evalVM(env)
	require.NoError(t, closures.Err, text)
	require.NoError(t, vm.Err, text)
	require.Equal(t, vm.Outcome, closures.Outcome, "closures and VM disagree on %s", text)
	masked := &Env{Root: g.mask(full), Today: env.Today, Index: -1}
	partial := p.Eval(context.Background(), masked)
	require.NoError(t, partial.Err, text)
	if partial.Outcome != Unknown {
		require.Equal(t, closures.Outcome, partial.Outcome, "a missing answer changed a decided result of %s", text)
	} else {
		require.NotEmpty(t, partial.Missing, "unknown without missing answers: %s", text)
	}
	if vmPartial := p.evalVM(masked); vmPartial.Outcome != Unknown {
		require.Equal(t, closures.Outcome, vmPartial.Outcome, "the general path decided %s wrongly", text)
	}
}

func TestClosuresMatchVM(t *testing.T) {
	for seed := range uint64(3000) {
		checkAgree(t, seed)
	}
}

func FuzzClosuresMatchVM(f *testing.F) {
	for _, s := range []uint64{0, 1, 42, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { checkAgree(t, seed) })
}

func TestGeneratedExpressionsCompile(t *testing.T) {
	g := gen{rand.New(rand.NewPCG(7, 7))}
	for range 200 {
		text := g.expr(3, false)
		_, problems := Compile(text, ReferralSchema(), Source{})
		require.Empty(t, problems, text)
	}
}
