package pathway

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/saferpath/pathway/safeguarding"
)

// TitleOf returns the title people know a rule, programme or safety action of
// v by, given its id: a criterion's or an exclusion's title, a programme's
// title, an action trigger's title. For an action that establishes missing
// answers (safeguarding.EstablishPrefix and a trigger's id) it is "Find out
// whether to" and the trigger's title: "Find out whether to refer to
// MARAC". It returns "" when v has no such id or the id has no title.
func (v *Version) TitleOf(id string) string {
	if v == nil {
		return ""
	}
	if e := v.Eligibility; e != nil {
		for _, r := range e.Criteria {
			if r.ID == id {
				return r.Title
			}
		}
		for _, r := range e.Exclusions {
			if r.ID == id {
				return r.Title
			}
		}
	}
	if c := v.Programmes; c != nil {
		for _, p := range c.Programmes {
			if p.ID == id {
				return p.Title
			}
		}
	}
	if s := v.Safeguarding; s != nil {
		for _, t := range s.Triggers {
			if t.ID == id {
				return t.Title
			}
		}
		if trigger, ok := strings.CutPrefix(id, safeguarding.EstablishPrefix); ok {
			for _, t := range s.Triggers {
				if t.ID == trigger && t.Title != "" {
					return "Find out whether to " + lowerFirst(t.Title)
				}
			}
		}
	}
	return ""
}

// Named returns a rule, programme or safety action of v as people read it:
// its title, then its id in brackets, by which staff find it in the rule
// files ("Accepts some responsibility (accepts-responsibility)"); the id
// alone when it has no title.
func (v *Version) Named(id string) string { return named(v.TitleOf(id), id) }

// TitleOf returns the title of a rule, programme or safety action of the pack
// version that made the assessment, as Version.TitleOf does; "" when there is
// none, and for an assessment that was not made by Assess (one decoded from
// JSON, say).
func (a *Assessment) TitleOf(id string) string {
	if a == nil {
		return ""
	}
	if a.version != nil {
		return a.version.TitleOf(id)
	}
	for _, r := range a.Rules {
		if r.ID == id && r.title != "" {
			return r.title
		}
	}
	return ""
}

// Named returns a rule, programme or safety action as people read it, as
// Version.Named does: "Title (id)", or the id alone when it has no title.
func (a *Assessment) Named(id string) string { return named(a.TitleOf(id), id) }

func named(title, id string) string {
	if title == "" || title == id {
		return id
	}
	return title + " (" + id + ")"
}

// lowerFirst lowers the first letter of a title that goes on in lower case
// ("Refer to MARAC" → "refer to MARAC"), and leaves an acronym or a name
// that starts it as it is ("DASH check" stays).
func lowerFirst(s string) string {
	first, n := utf8.DecodeRuneInString(s)
	next, _ := utf8.DecodeRuneInString(s[n:])
	if !unicode.IsUpper(first) || unicode.IsUpper(next) {
		return s
	}
	return string(unicode.ToLower(first)) + s[n:]
}
