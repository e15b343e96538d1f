package referral

import (
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strconv"
)

// The referral's types log themselves as groups of their answers that are
// not personal: every slog handler, JSON included, shows names, addresses,
// contact details, dates of birth and free text, which the referral's
// description marks personal, as [redacted]. (fmt, log and text/template
// already print personal values as [redacted], through String and Format.)

// LogValue returns the referral's answers that are not personal.
func (r Referral) LogValue() slog.Value { return logGroup(reflect.ValueOf(r), "") }

// LogValue returns the referrer's answers that are not personal.
func (r Referrer) LogValue() slog.Value { return logGroup(reflect.ValueOf(r), "referrer.") }

// LogValue returns the subject's answers that are not personal.
func (s Subject) LogValue() slog.Value { return logGroup(reflect.ValueOf(s), "subject.") }

// LogValue returns the agency's answers that are not personal.
func (a Agency) LogValue() slog.Value { return logGroup(reflect.ValueOf(a), "otherAgencies[].") }

// LogValue returns the victim's answers that are not personal.
func (v Victim) LogValue() slog.Value { return logGroup(reflect.ValueOf(v), "victims[].") }

// LogValue returns the child's answers that are not personal.
func (c Child) LogValue() slog.Value { return logGroup(reflect.ValueOf(c), "children[].") }

// LogValue returns the answers about the risk to staff that are not
// personal.
func (r RiskToStaff) LogValue() slog.Value { return logGroup(reflect.ValueOf(r), "riskToStaff.") }

// LogValue returns the risk assessment's answers.
func (a RiskAssessment) LogValue() slog.Value { return logGroup(reflect.ValueOf(a), "riskAssessment.") }

// LogValue returns each victim's answers that are not personal, by index.
func (vs Victims) LogValue() slog.Value { return logList(reflect.ValueOf(vs), "victims[].") }

// LogValue returns each child's answers that are not personal, by index.
func (cs Children) LogValue() slog.Value { return logList(reflect.ValueOf(cs), "children[].") }

// LogValue returns each agency's answers that are not personal, by index.
func (as Agencies) LogValue() slog.Value { return logList(reflect.ValueOf(as), "otherAgencies[].") }

// The referral's types also format themselves, for every fmt verb, as the
// groups LogValue gives: fmt prints a pointer it cannot format with a verb
// (%s on *RiskToStaff, say) without asking its fields, which would print
// personal text in clear.

// Format writes the referral's answers that are not personal.
func (r Referral) Format(f fmt.State, _ rune) { formatValue(f, r.LogValue()) }

// Format writes the referrer's answers that are not personal.
func (r Referrer) Format(f fmt.State, _ rune) { formatValue(f, r.LogValue()) }

// Format writes the subject's answers that are not personal.
func (s Subject) Format(f fmt.State, _ rune) { formatValue(f, s.LogValue()) }

// Format writes the agency's answers that are not personal.
func (a Agency) Format(f fmt.State, _ rune) { formatValue(f, a.LogValue()) }

// Format writes the victim's answers that are not personal.
func (v Victim) Format(f fmt.State, _ rune) { formatValue(f, v.LogValue()) }

// Format writes the child's answers that are not personal.
func (c Child) Format(f fmt.State, _ rune) { formatValue(f, c.LogValue()) }

// Format writes the answers about the risk to staff that are not personal.
func (r RiskToStaff) Format(f fmt.State, _ rune) { formatValue(f, r.LogValue()) }

// Format writes the risk assessment's answers.
func (a RiskAssessment) Format(f fmt.State, _ rune) { formatValue(f, a.LogValue()) }

// Format writes each victim's answers that are not personal.
func (vs Victims) Format(f fmt.State, _ rune) { formatValue(f, vs.LogValue()) }

// Format writes each child's answers that are not personal.
func (cs Children) Format(f fmt.State, _ rune) { formatValue(f, cs.LogValue()) }

// Format writes each agency's answers that are not personal.
func (as Agencies) Format(f fmt.State, _ rune) { formatValue(f, as.LogValue()) }

// formatValue writes a group as {key:value ...}.
func formatValue(w io.Writer, v slog.Value) {
	if v.Kind() != slog.KindGroup {
		fmt.Fprint(w, v.String())
		return
	}
	io.WriteString(w, "{")
	for i, a := range v.Group() {
		if i > 0 {
			io.WriteString(w, " ")
		}
		io.WriteString(w, a.Key+":")
		formatValue(w, a.Value)
	}
	io.WriteString(w, "}")
}

// logGroup returns the answers of struct v (at JSON path prefix) that the
// description does not mark personal, leaving out those not given.
func logGroup(v reflect.Value, prefix string) slog.Value {
	t := v.Type()
	attrs := make([]slog.Attr, 0, t.NumField())
	for i := range t.NumField() {
		name := jsonName(t.Field(i))
		if name == "" {
			continue
		}
		f := v.Field(i)
		if name == "withheld" {
			if f.Len() > 0 {
				attrs = append(attrs, slog.Any(name, f.Interface()))
			}
			continue
		}
		d, ok := FieldAt(prefix + name)
		if !ok {
			continue
		}
		if d.Personal {
			// Given, but personal: say it is there, not what it is.
			if !f.IsZero() {
				attrs = append(attrs, slog.String(name, Redacted))
			}
			continue
		}
		switch d.Kind {
		case KindGroup:
			if f.Kind() == reflect.Pointer {
				if f.IsNil() {
					continue
				}
				f = f.Elem()
			}
			attrs = append(attrs, slog.Attr{Key: name, Value: logGroup(f, d.Path+".")})
		case KindList:
			if f.Len() > 0 {
				attrs = append(attrs, slog.Attr{Key: name, Value: logList(f, d.Path+"[].")})
			}
		default:
			if a, ok := logAnswer(name, f); ok {
				attrs = append(attrs, a)
			}
		}
	}
	return slog.GroupValue(attrs...)
}

// logList returns the items of list v, by index.
func logList(v reflect.Value, prefix string) slog.Value {
	n := min(v.Len(), MaxVictims)
	attrs := make([]slog.Attr, 0, n+1)
	for i := range n {
		attrs = append(attrs, slog.Attr{Key: strconv.Itoa(i), Value: logGroup(v.Index(i), prefix)})
	}
	if v.Len() > n {
		attrs = append(attrs, slog.Int("more", v.Len()-n))
	}
	return slog.GroupValue(attrs...)
}

// logAnswer returns one answer that is not personal, when it was given.
func logAnswer(name string, f reflect.Value) (slog.Attr, bool) {
	switch x := f.Interface().(type) {
	case Date:
		return slog.String(name, x.String()), !x.IsZero()
	case *bool:
		if x == nil {
			return slog.Attr{}, false
		}
		return slog.Bool(name, *x), true
	case *int:
		if x == nil {
			return slog.Attr{}, false
		}
		return slog.Int(name, *x), true
	}
	if f.Kind() == reflect.String && f.String() != "" {
		return slog.String(name, f.String()), true
	}
	return slog.Attr{}, false
}
