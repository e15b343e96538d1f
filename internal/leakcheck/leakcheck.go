// Package leakcheck finds personal values of referrals in what the program
// writes (output, logs, errors), for the tests that prove none escapes.
package leakcheck

import (
	"reflect"
	"slices"
	"strings"

	"github.com/saferpath/pathway/referral"
)

// Values returns every personal value of r (names, addresses, contact
// details, dates of birth, free text), as the referral's description marks
// them, and the words of at least five letters in names and addresses, so
// that a name or address cut short is still found.
func Values(r *referral.Referral) []string {
	if r == nil {
		return nil
	}
	var out, parts []string
	walk(reflect.ValueOf(r).Elem(), "", &out, &parts)
	for _, v := range parts {
		for _, w := range strings.FieldsFunc(v, func(c rune) bool { return c == ' ' || c == ',' || c == '.' || c == '\n' }) {
			if len([]rune(w)) >= 5 {
				out = append(out, w)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func walk(v reflect.Value, path string, out, parts *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walk(v.Elem(), path, out, parts)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walk(v.Index(i), path+"[]", out, parts)
		}
	case reflect.Struct:
		t := v.Type()
		if f, ok := referral.FieldAt(path); ok && f.Personal {
			if d, ok := v.Interface().(referral.BirthDate); ok && !d.IsZero() {
				*out = append(*out, d.Reveal())
			}
			return
		}
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" || !t.Field(i).IsExported() {
				continue
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			walk(v.Field(i), p, out, parts)
		}
	case reflect.String:
		if f, ok := referral.FieldAt(path); ok && f.Personal && strings.TrimSpace(v.String()) != "" {
			*out = append(*out, v.String())
			if f.Identifier == referral.IdentifierName || f.Identifier == referral.IdentifierAddress {
				*parts = append(*parts, v.String())
			}
		}
	}
}

// Find returns the values that text holds.
func Find(text string, values []string) []string {
	var found []string
	for _, v := range values {
		if strings.Contains(text, v) {
			found = append(found, v)
		}
	}
	return found
}
