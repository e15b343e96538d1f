package safeguarding

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
)

// Role is a member of the partnership who may see a referral.
type Role string

// Roles.
const (
	// PoliceCoordinator receives every referral and calls the referrer.
	PoliceCoordinator Role = "police-coordinator"
	// Provider delivers the programme to the person referred.
	Provider Role = "provider"
	// VictimLinkWorker is the victims' primary contact (an IDVA).
	VictimLinkWorker Role = "victim-link-worker"
	// Referrer is the professional who sent the referral.
	Referrer Role = "referrer"
	// Commissioner funds the programmes and reports outcomes.
	Commissioner Role = "commissioner"
)

var roles = []Role{PoliceCoordinator, Provider, VictimLinkWorker, Referrer, Commissioner}

// Roles lists every role, in the order people usually name them. The slice
// is the caller's own.
func Roles() []Role { return slices.Clone(roles) }

func roleNames() []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// Class is a class of data in a referral: the referral's description gives
// every field one (see referral.Field), and a sharing policy says which
// roles see which classes.
type Class = referral.Class

func classNames() []string {
	var out []string
	for _, c := range referral.Classes() {
		out = append(out, string(c))
	}
	return out
}

// classOf returns the class of the referral field at path (a JSON path with
// [] for list items); ok is false for a path that is not an answer.
func classOf(path string) (Class, bool) {
	f, ok := referral.FieldAt(path)
	if !ok || !f.Leaf() || f.Class == "" {
		return "", false
	}
	return f.Class, true
}

// forbidden are classes no pack may let a role see, whatever its sharing
// policy says: the floor of victim safety and data protection.
var forbidden = map[Role][]Class{
	// The provider works with the person referred: it never sees where a
	// victim or child is, who they are, or how to reach them.
	Provider: {referral.ClassVictimDetail},
	// The victim link worker never sees the person referred's contact
	// details.
	VictimLinkWorker: {referral.ClassContactDetail},
	// The commissioner sees no personal data at all.
	Commissioner: {referral.ClassPersonalIdentifier, referral.ClassContactDetail, referral.ClassSpecialCategory,
		referral.ClassCriminalOffence, referral.ClassVictimDetail},
}

var forbiddenWhy = map[Role]string{
	Provider:         "The provider works with the person referred and must never see a victim's or child's name, address, date of birth or contact details.",
	VictimLinkWorker: "The victim link worker must never see the contact details of the person referred.",
	Commissioner:     "The commissioner must see no personal data at all, only administrative data.",
}

// Sharing is a pack's information-sharing policy: the classes of data each
// role may see, and what a role that may not see victim details gets of
// free text. It is immutable and safe for concurrent use.
type Sharing struct {
	sees     map[Role][]Class
	freeText map[Role]FreeText
}

// Sees returns the classes role may see, and whether role is a role.
func (s *Sharing) Sees(role string) ([]Class, bool) {
	if s == nil {
		return nil, false
	}
	c, ok := s.sees[Role(role)]
	return slices.Clone(c), ok
}

// Visible reports whether role may see the field at path (a JSON path
// with [] or [n] for list items).
func (s *Sharing) Visible(role, path string) bool {
	class, ok := classOf(path)
	if !ok || s == nil {
		return false
	}
	return slices.Contains(s.sees[Role(role)], class)
}

func parseSharing(f *yamlsrc.File, pos yamlsrc.Positions, spec map[string][]string, problems *diag.List) *Sharing {
	if spec == nil {
		add(problems, f, pos, "sharing", "missing-sharing", "The file has no sharing policy",
			fmt.Sprintf("Add `sharing:` listing, for each role (%s), the classes of data it may see: %s.", diag.Quoted(roleNames()), diag.Quoted(classNames())))
		return nil
	}
	s := &Sharing{sees: map[Role][]Class{}}
	for name, classes := range spec {
		path := yamlsrc.Field("sharing", name)
		role := Role(name)
		if !slices.Contains(roles, role) {
			addKey(problems, f, pos, path, "unknown-role", fmt.Sprintf("%q is not a role", name),
				fmt.Sprintf("The roles are %s.%s", diag.Quoted(roleNames()), diag.DidYouMean(name, roleNames())))
			continue
		}
		list := []Class{}
		for i, c := range classes {
			at := yamlsrc.Index(path, i)
			class := Class(c)
			switch {
			case !slices.Contains(referral.Classes(), class):
				add(problems, f, pos, at, "unknown-class", fmt.Sprintf("%q is not a class of data", c),
					fmt.Sprintf("The classes are %s.%s", diag.Quoted(classNames()), diag.DidYouMean(c, classNames())))
			case slices.Contains(forbidden[role], class):
				add(problems, f, pos, at, "forbidden-sharing", fmt.Sprintf("The %s may never see %s data", name, c),
					forbiddenWhy[role]+" Remove "+c+" from its list.")
			case !slices.Contains(list, class):
				list = append(list, class)
			}
		}
		s.sees[role] = list
	}
	for _, role := range roles {
		if _, ok := spec[string(role)]; !ok {
			add(problems, f, pos, "sharing", "missing-role", fmt.Sprintf("The sharing policy does not say what the %s sees", role),
				fmt.Sprintf("Add `%s:` with the classes of data it may see (an empty list [] for none).", role))
		}
	}
	return s
}

// parseFreeText reads freeText: a role's choice of withhold or scrub.
func parseFreeText(f *yamlsrc.File, pos yamlsrc.Positions, s *Sharing, spec map[string]string, problems *diag.List) {
	choices := []string{string(Withhold), string(Scrub)}
	for _, name := range slices.Sorted(maps.Keys(spec)) {
		path := yamlsrc.Field("freeText", name)
		if !slices.Contains(roles, Role(name)) {
			addKey(problems, f, pos, path, "unknown-role", fmt.Sprintf("%q is not a role", name),
				fmt.Sprintf("The roles are %s.%s", diag.Quoted(roleNames()), diag.DidYouMean(name, roleNames())))
			continue
		}
		choice := spec[name]
		if !slices.Contains(choices, choice) {
			add(problems, f, pos, path, "bad-free-text", fmt.Sprintf("%q is not what a role can get of free text", choice),
				fmt.Sprintf("Use withhold (the text is replaced by a note that the police co-ordinator shares it after reading it) or scrub (identifiers the role may not see are replaced, best effort).%s", diag.DidYouMean(choice, choices)))
			continue
		}
		if s == nil {
			continue
		}
		if slices.Contains(s.sees[Role(name)], referral.ClassVictimDetail) {
			d := f.Diag(pos.Node(path), "free-text-unused", fmt.Sprintf("freeText has no effect for the %s", name),
				"The role sees victims' details, so it sees free text as written. Remove the line, or take victim-detail from what the role sees.", path)
			d.Severity = diag.Warning
			*problems = append(*problems, d)
			continue
		}
		if s.freeText == nil {
			s.freeText = map[Role]FreeText{}
		}
		s.freeText[Role(name)] = FreeText(choice)
	}
}

// UnknownRoleError is returned for a role that is not one of Roles().
type UnknownRoleError struct {
	Role string
}

// Error names the role, the roles there are and the closest one.
func (e *UnknownRoleError) Error() string {
	msg := fmt.Sprintf("%q is not a role; the roles are %s.", e.Role, diag.Quoted(roleNames()))
	return msg + diag.DidYouMean(e.Role, roleNames())
}

// FreeText says what a role that may not see victim details gets of the
// free text it may otherwise see (the behaviour summary, the details of the
// risk to staff, agencies' contacts): free text can name a victim or a
// child in ways no program reliably finds.
type FreeText string

// What a role gets of free text.
const (
	// Withhold (the default) replaces the text with WithheldNote.
	Withhold FreeText = "withhold"
	// Scrub shows the text with the identifiers the role may not see
	// replaced by [redacted]: best effort (see Sharing.Redact).
	Scrub FreeText = "scrub"
)

// WithheldNote replaces free text a role may not have.
const WithheldNote = "[withheld: the police co-ordinator shares this after reading it]"

// FreeTextFor returns what role gets of free text: Withhold unless the
// pack says scrub for it.
func (s *Sharing) FreeTextFor(role string) FreeText {
	if s != nil && s.freeText[Role(role)] == Scrub {
		return Scrub
	}
	return Withhold
}

// Redact returns the referral as role may see it: a deep copy that shares
// nothing with r (no pointer, slice or map), holding only the answers whose
// class the role sees. It is itself a valid referral: the answers it leaves
// out are absent (never empty strings) and listed, by path, in its
// Withheld, so that a required answer left out is not missing. Lists keep
// their length, so that victim and child indexes in actions still match.
//
// A role that may not see victim details gets free text as the pack's
// freeText says for it: withheld by default (the text becomes WithheldNote),
// or scrubbed: the identifiers the role may not see are replaced with
// [redacted], as the scrubber's documentation (scrub.go, and docs/rules.md)
// says, on a best-effort basis. A name, address or contact the role may
// see that holds an identifier it may not (the address of a person
// referred who lives with the victim) is left out whole and listed in
// Withheld.
//
// An unknown role is an *UnknownRoleError, with a suggestion.
func (s *Sharing) Redact(r *referral.Referral, role string) (*referral.Referral, error) {
	if s == nil {
		return nil, errors.New("there is no sharing policy")
	}
	sees, ok := s.sees[Role(role)]
	if !ok {
		return nil, &UnknownRoleError{Role: role}
	}
	if r == nil {
		return nil, errors.New("there is no referral to redact")
	}
	out := new(referral.Referral)
	copyVisible(reflect.ValueOf(out).Elem(), reflect.ValueOf(r).Elem(), "", sees)
	withheld := map[string]bool{}
	walkLeaves(reflect.ValueOf(r).Elem(), "", func(path string, v reflect.Value) {
		if class, ok := classOf(path); (!ok || !slices.Contains(sees, class)) && !v.IsZero() {
			withheld[path] = true
		}
	})
	sc := newScrubber(r, sees)
	seesVictims := slices.Contains(sees, referral.ClassVictimDetail)
	policy := s.FreeTextFor(role)
	walkLeaves(reflect.ValueOf(out).Elem(), "", func(path string, v reflect.Value) {
		if v.Kind() != reflect.String || v.String() == "" || path == "id" || referral.EnumOf(v.Interface()) != "" {
			return
		}
		f, _ := referral.FieldAt(path)
		switch {
		case f.FreeText && !seesVictims && policy == Withhold:
			v.SetString(WithheldNote)
			withheld[path] = true
		case f.FreeText:
			v.SetString(sc.replace(v.String()))
		default:
			// A name, an address or a contact the role may see, holding
			// an identifier it may not (the address of a person referred
			// who lives with the victim): left out whole, not cut up.
			if sc.replace(v.String()) != v.String() {
				v.SetZero()
				withheld[path] = true
			}
		}
	})
	if len(withheld) > 0 {
		out.Withheld = slices.Sorted(maps.Keys(withheld))
	}
	return out, nil
}

// walkLeaves calls fn with every answer of v (a referral or a part of
// one) and its JSON path, with [] for list items.
func walkLeaves(v reflect.Value, path string, fn func(path string, v reflect.Value)) {
	t := v.Type()
	if isLeaf(t) {
		fn(path, v)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if name := jsonName(t.Field(i)); name != "" && name != "withheld" {
				walkLeaves(v.Field(i), joinPath(path, name), fn)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			walkLeaves(v.Elem(), path, fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkLeaves(v.Index(i), path+"[]", fn)
		}
	}
}

var (
	dateType      = reflect.TypeFor[referral.Date]()
	birthDateType = reflect.TypeFor[referral.BirthDate]()
)

// isLeaf reports whether values of t are single answers rather than groups
// or lists of answers.
func isLeaf(t reflect.Type) bool {
	if t == dateType || t == birthDateType {
		return true
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Map, reflect.Array:
		return false
	case reflect.Pointer:
		return isLeaf(t.Elem())
	}
	return true
}

// jsonName returns a struct field's JSON name, or "" when it is not
// encoded.
func jsonName(sf reflect.StructField) string {
	if !sf.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		name = sf.Name
	}
	return name
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// copyVisible copies into dst (a zero value) the answers of src that the
// classes sees allow, allocating every pointer and slice afresh. It reports
// whether anything was copied.
func copyVisible(dst, src reflect.Value, path string, sees []Class) bool {
	t := src.Type()
	if isLeaf(t) {
		class, ok := classOf(path)
		if !ok || !slices.Contains(sees, class) || src.IsZero() {
			return false
		}
		copyLeaf(dst, src)
		return true
	}
	switch t.Kind() {
	case reflect.Struct:
		copied := false
		for i := range t.NumField() {
			name := jsonName(t.Field(i))
			if name == "" {
				continue
			}
			if copyVisible(dst.Field(i), src.Field(i), joinPath(path, name), sees) {
				copied = true
			}
		}
		return copied
	case reflect.Pointer:
		if src.IsNil() {
			return false
		}
		v := reflect.New(t.Elem())
		if copyVisible(v.Elem(), src.Elem(), path, sees) {
			dst.Set(v)
			return true
		}
		return false
	case reflect.Slice:
		if src.IsNil() {
			return false
		}
		n := src.Len()
		s := reflect.MakeSlice(t, n, n)
		for i := range n {
			copyVisible(s.Index(i), src.Index(i), path+"[]", sees)
		}
		dst.Set(s)
		return n > 0
	}
	return false
}

// copyLeaf copies one answer, allocating a pointer afresh.
func copyLeaf(dst, src reflect.Value) {
	if src.Kind() == reflect.Pointer {
		v := reflect.New(src.Type().Elem())
		v.Elem().Set(src.Elem())
		dst.Set(v)
		return
	}
	dst.Set(src)
}
