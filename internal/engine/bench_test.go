package engine

import (
	"context"
	"testing"
)

func BenchmarkEvalShapes(b *testing.B) {
	for _, text := range []string{
		`subject.acceptsResponsibility in ["some", "full"]`,
		`subject.consentsToInformationSharing == true`,
		`subject.likelyOrder in ["custodial", "community"] && daysBetween(today, subject.nextCourtDate) <= 84`,
		`any(victims, .relationship in ["partner", "ex-partner"])`,
	} {
		p, problems := Compile(text, ReferralSchema(), Source{})
		if len(problems) > 0 {
			b.Fatal(problems)
		}
		r := sample()
		env := &Env{Root: r, Today: r.DateSent, Index: -1}
		b.Run(text, func(b *testing.B) {
			s := NewSession(context.Background(), env)
			defer s.Close()
			b.ReportAllocs()
			for b.Loop() {
				s.Eval(p)
			}
		})
	}
}
