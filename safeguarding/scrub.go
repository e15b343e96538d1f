package safeguarding

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/saferpath/pathway/referral"
)

// tokenKind says how an identifier's value may appear in free text.
type tokenKind uint8

const (
	wholeToken tokenKind = iota // the value as written
	nameToken                   // the name, and each of its words
	placeToken                  // the value, and each part of it with a digit (a house number, a postcode, a phone number)
	phoneToken                  // the number, with and without spaces
	dateToken                   // YYYY-MM-DD, DD/MM/YYYY and D/M/YYYY
)

// scrubber blanks, in the text a role sees, the identifiers it may not see.
type scrubber struct {
	tokens []string // lower case, longest first
}

// newScrubber collects the identifiers in r that the classes sees withhold.
// A victim's identifiers are always blanked; another person's identifier is
// kept where the role sees the same value anyway; a word of a name is kept
// where it is a word of a name the role sees (a shared surname).
func newScrubber(r *referral.Referral, sees []Class) *scrubber {
	type ident struct {
		value   string
		kind    tokenKind
		visible bool
		victim  bool
	}
	var all []ident
	walkIdentifiers(reflect.ValueOf(r).Elem(), "", func(path, value string, kind tokenKind) {
		class, _ := classOf(path)
		all = append(all, ident{value: value, kind: kind, visible: slices.Contains(sees, class), victim: class == referral.ClassVictimDetail})
	})
	var visibleValues, visibleWords []string
	for _, id := range all {
		if !id.visible {
			continue
		}
		visibleValues = append(visibleValues, lower(id.value))
		if id.kind == nameToken {
			for _, w := range strings.Fields(id.value) {
				visibleWords = append(visibleWords, lower(w))
			}
		}
	}
	var hidden []string
	for _, id := range all {
		if id.visible {
			continue
		}
		for _, tok := range tokensOf(id.value, id.kind) {
			tok = lower(tok)
			switch {
			case !strings.ContainsFunc(tok, isWordRune):
				// Nothing to find.
			case !strings.ContainsRune(tok, ' ') && slices.Contains(visibleWords, tok):
				// A single word of a name the role sees (a surname shared
				// with the person referred) reveals nothing new.
			case !id.victim && slices.ContainsFunc(visibleValues, func(v string) bool { return strings.Contains(v, tok) }):
				// Another person's detail the role sees anyway, such as
				// the address a victim shares with the person referred,
				// for the victim link worker. A victim's details are
				// never kept this way.
			default:
				hidden = append(hidden, tok)
			}
		}
	}
	slices.SortFunc(hidden, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	return &scrubber{tokens: slices.Compact(hidden)}
}

// identifierKinds says how each kind of identifier may appear in free
// text.
var identifierKinds = map[referral.Identifier]tokenKind{
	referral.IdentifierName:    nameToken,
	referral.IdentifierAddress: placeToken,
	referral.IdentifierContact: placeToken,
	referral.IdentifierPhone:   phoneToken,
	referral.IdentifierEmail:   wholeToken,
	referral.IdentifierDate:    dateToken,
}

// identifierAt returns how the value of the field at path may appear in
// free text, when the field holds an identifier.
func identifierAt(path string) (tokenKind, bool) {
	f, ok := referral.FieldAt(path)
	if !ok || f.Identifier == "" {
		return 0, false
	}
	kind, ok := identifierKinds[f.Identifier]
	return kind, ok
}

// walkIdentifiers calls fn with each identifier value in v.
func walkIdentifiers(v reflect.Value, path string, fn func(path, value string, kind tokenKind)) {
	t := v.Type()
	if kind, ok := identifierAt(path); ok {
		var s string
		switch x := v.Interface().(type) {
		case referral.BirthDate:
			s = x.Reveal()
		case referral.Date:
			s = x.String()
		default:
			if v.Kind() == reflect.String {
				s = v.String()
			}
		}
		if strings.TrimSpace(s) != "" {
			fn(path, s, kind)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if isLeaf(t) {
			return
		}
		for i := range t.NumField() {
			if name := jsonName(t.Field(i)); name != "" {
				walkIdentifiers(v.Field(i), joinPath(path, name), fn)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			walkIdentifiers(v.Elem(), path, fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkIdentifiers(v.Index(i), path+"[]", fn)
		}
	}
}

// tokensOf returns the ways value may be written in free text, the value
// itself first.
func tokensOf(value string, kind tokenKind) []string {
	value = strings.TrimSpace(value)
	out := []string{value}
	switch kind {
	case nameToken:
		words := strings.Fields(value)
		if len(words) > 1 {
			for _, w := range words {
				if utf8.RuneCountInString(w) >= 2 {
					out = append(out, w)
				}
			}
		}
	case placeToken:
		for _, part := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
			part = strings.TrimSpace(part)
			if part != value && strings.ContainsFunc(part, unicode.IsDigit) && utf8.RuneCountInString(part) >= 4 {
				out = append(out, part)
			}
		}
	case phoneToken:
		if compact := strings.ReplaceAll(value, " ", ""); compact != value {
			out = append(out, compact)
		}
	case dateToken:
		if d, err := referral.ParseDate(value); err == nil {
			t := d.Time()
			out = append(out, t.Format("02/01/2006"), t.Format("2/1/2006"))
		}
	}
	return out
}

// clean blanks the hidden identifiers in every free-text answer of v (not
// the referral's id, and not enumerations).
func (s *scrubber) clean(v reflect.Value, path string) {
	if len(s.tokens) == 0 {
		return
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.String:
		if path == "id" || referral.EnumOf(v.Interface()) != "" || v.String() == "" {
			return
		}
		if cleaned := s.replace(v.String()); cleaned != v.String() {
			v.SetString(cleaned)
		}
	case reflect.Struct:
		if isLeaf(t) {
			return
		}
		for i := range t.NumField() {
			if name := jsonName(t.Field(i)); name != "" {
				s.clean(v.Field(i), joinPath(path, name))
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			s.clean(v.Elem(), path)
		}
	case reflect.Slice:
		for i := range v.Len() {
			s.clean(v.Index(i), path+"[]")
		}
	}
}

// replace blanks each token in text where it stands as whole words,
// ignoring case.
func (s *scrubber) replace(text string) string {
	for _, tok := range s.tokens {
		text = replaceWords(text, tok)
	}
	return text
}

func lower(s string) string { return strings.Map(unicode.ToLower, s) }

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// replaceWords replaces every whole-word, case-insensitive occurrence of
// tok (lower case) in text with referral.Redacted.
func replaceWords(text, tok string) string {
	if tok == "" {
		return text
	}
	h := []rune(text)
	n := []rune(tok)
	var b strings.Builder
	last, changed := 0, false
	for i := 0; i+len(n) <= len(h); {
		if !matchAt(h, n, i) || (i > 0 && isWordRune(h[i-1]) && isWordRune(n[0])) ||
			(i+len(n) < len(h) && isWordRune(h[i+len(n)]) && isWordRune(n[len(n)-1])) {
			i++
			continue
		}
		b.WriteString(string(h[last:i]))
		b.WriteString(referral.Redacted)
		i += len(n)
		last, changed = i, true
	}
	if !changed {
		return text
	}
	b.WriteString(string(h[last:]))
	return b.String()
}

func matchAt(h, n []rune, i int) bool {
	for k, r := range n {
		if unicode.ToLower(h[i+k]) != r {
			return false
		}
	}
	return true
}
