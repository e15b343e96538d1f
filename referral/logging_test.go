package referral

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"text/template"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// markedReferral returns a referral whose every personal answer (every
// field the description marks personal) holds a value of its own that can
// be searched for, with the markers, and some answers that are not
// personal.
func markedReferral(t *testing.T) (*Referral, []string) {
	t.Helper()
	r := &Referral{ID: "KR-LOG-1", Form: FormCOBI, DateSent: MustDate("2024-05-14"),
		Referrer: Referrer{Organisation: "Exampleton Probation"}, Subject: Subject{Gender: GenderMale},
		Victims:  Victims{{Relationship: RelationshipExPartner}, {Relationship: RelationshipFamily}},
		Children: Children{{LivesWithSubject: Yes()}}, OtherAgencies: Agencies{{Nature: NatureHousing}},
		RiskToStaff: &RiskToStaff{Present: Yes()}, RiskAssessment: &RiskAssessment{Instrument: InstrumentDASH24}}
	var markers []string
	n := 0
	for _, f := range Fields() {
		if !f.Personal {
			continue
		}
		setAll(t, reflect.ValueOf(r).Elem(), strings.Split(strings.ReplaceAll(f.Path, "[]", ""), "."), func(v reflect.Value) {
			n++
			if v.Type() == typeBirthDate {
				d := NewDate(1950, 1, n)
				v.Set(reflect.ValueOf(BirthDate{d}))
				markers = append(markers, d.String())
				return
			}
			m := fmt.Sprintf("Marker%03dValue", n)
			v.SetString(m)
			markers = append(markers, m)
		})
	}
	require.Greater(t, len(markers), 15, "every personal field has a marker")
	return r, markers
}

// setAll calls set with the field at path in v, in every item of a list.
func setAll(t *testing.T, v reflect.Value, path []string, set func(reflect.Value)) {
	switch v.Kind() {
	case reflect.Pointer:
		setAll(t, v.Elem(), path, set)
		return
	case reflect.Slice:
		for i := range v.Len() {
			setAll(t, v.Index(i), path, set)
		}
		return
	}
	if len(path) == 0 {
		set(v)
		return
	}
	for i := range v.NumField() {
		if jsonName(v.Type().Field(i)) == path[0] {
			setAll(t, v.Field(i), path[1:], set)
			return
		}
	}
	t.Fatalf("no field %s", path[0])
}

// recorder is a handler of its own, as a partner system might write: it
// resolves every value and prints it with fmt.
type recorder struct{ b *bytes.Buffer }

func (h recorder) Enabled(context.Context, slog.Level) bool { return true }
func (h recorder) Handle(_ context.Context, rec slog.Record) error {
	rec.Attrs(func(a slog.Attr) bool { h.write(a); return true })
	return nil
}
func (h recorder) write(a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		for _, g := range v.Group() {
			h.write(g)
		}
		return
	}
	fmt.Fprintf(h.b, "%s=%v\n", a.Key, v.Any())
}
func (h recorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h recorder) WithGroup(string) slog.Handler      { return h }

// TestLogsRedactEveryPersonalField logs the referral and each of its parts
// through every kind of handler, and through fmt, log and text/template:
// no personal value may appear, and the answers that are not personal must
// (so the test would notice logging that printed nothing at all).
func TestLogsRedactEveryPersonalField(t *testing.T) {
	r, markers := markedReferral(t)
	values := map[string]any{
		"referral": r, "referral value": *r, "referrer": r.Referrer, "subject": r.Subject, "subject pointer": &r.Subject,
		"victims": r.Victims, "victim": r.Victims[0], "children": r.Children, "child": r.Children[0],
		"agencies": r.OtherAgencies, "agency": r.OtherAgencies[0], "risk to staff": r.RiskToStaff,
	}
	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"json":   func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"text":   func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"custom": func(b *bytes.Buffer) slog.Handler { return recorder{b} },
	}
	for vname, v := range values {
		for hname, h := range handlers {
			t.Run(hname+" "+vname, func(t *testing.T) {
				var b bytes.Buffer
				slog.New(h(&b)).Info("received", "value", v)
				for _, m := range markers {
					assert.NotContains(t, b.String(), m, "a personal value reached the log")
				}
				assert.NotEmpty(t, strings.TrimSpace(b.String()))
			})
		}
		t.Run("fmt and log "+vname, func(t *testing.T) {
			var b bytes.Buffer
			fmt.Fprintf(&b, "%v %+v %s", v, v, v)
			log.New(&b, "", 0).Println(v)
			for _, m := range markers {
				assert.NotContains(t, b.String(), m)
			}
		})
	}
	var b bytes.Buffer
	slog.New(slog.NewJSONHandler(&b, nil)).Info("received", "referral", r)
	for _, want := range []string{`"id":"KR-LOG-1"`, `"relationship":"ex-partner"`, `"nature":"housing"`, `"instrument":"dash-24"`, `"livesWithSubject":true`} {
		assert.Contains(t, b.String(), want, "answers that are not personal are logged")
	}
	tmpl := template.Must(template.New("t").Parse(`{{.Subject.Name}} {{.Victims}} {{index .Victims 0}} {{.BehaviourSummary}} {{.Subject.DateOfBirth}}`))
	b.Reset()
	require.NoError(t, tmpl.Execute(&b, r))
	for _, m := range markers {
		assert.NotContains(t, b.String(), m, "text/template printed a personal value")
	}
}
