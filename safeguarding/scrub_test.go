package safeguarding

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/saferpath/pathway/referral"
)

func birth(s string) referral.BirthDate { return referral.BirthDate{Date: referral.MustDate(s)} }

// scrubReferral is a referral whose identifiers the scrubbing tests look
// for. Zoë lives with the person referred; Sarah shares his surname.
func scrubReferral() *referral.Referral {
	return &referral.Referral{
		ID: "SCRUB-1", Form: referral.FormHealthyRelationships, DateSent: referral.MustDate("2023-09-04"),
		Referrer: referral.Referrer{Name: "Grace Mock", Organisation: "Exampleton Council", Role: "Social Worker",
			Phone: "01632 960000", Email: "grace.mock@example.org"},
		Subject: referral.Subject{Name: "Kevin Dummy", Address: "Flat 3, 27 Pretend Street, Exampleton, EX1 2AB",
			Phone: "07700 900222", Email: "kevin.dummy@example.org", DateOfBirth: birth("1985-04-30")},
		BehaviourSummary: "Free text.",
		OtherAgencies:    []referral.Agency{{Name: "Exampleton Children's Services", Contact: "Duty team, 01632 960400"}},
		Victims: []referral.Victim{
			{Name: "Mary-Jane O'Neil", DateOfBirth: birth("1990-07-01"), Address: "Rose Cottage, Mill Lane, Exampleton, EX2 7EF",
				Relationship: referral.RelationshipExPartner, SupportServiceContact: "Jo Bloggs, Refuge, 01632 960123, jo.bloggs@refuge.example"},
			{Name: "Zoë Brontë", DateOfBirth: birth("1992-03-04"), Address: "Flat 3, 27 Pretend Street, Exampleton, EX1 2AB",
				Relationship: referral.RelationshipPartner},
			{Name: "Sarah Dummy", Relationship: referral.RelationshipFamily},
			{Name: "Søren Ødegård", DateOfBirth: birth("1988-11-23"), Address: "14b Harbour Road\nPortley PL3 9XY",
				Relationship: referral.RelationshipFamily},
			{Name: "Siobhán Ní Bhriain", Relationship: referral.RelationshipFamily},
		},
		Children: []referral.Child{{DateOfBirth: birth("2015-03-09")}},
	}
}

// The classes three roles see: the provider sees no victim's detail, the
// victim link worker no contact detail, the commissioner only
// administrative data.
var (
	providerSees   = []referral.Class{referral.ClassPersonalIdentifier, referral.ClassContactDetail, referral.ClassSpecialCategory, referral.ClassCriminalOffence, referral.ClassAdministrative}
	linkWorkerSees = []referral.Class{referral.ClassPersonalIdentifier, referral.ClassSpecialCategory, referral.ClassCriminalOffence, referral.ClassVictimDetail, referral.ClassAdministrative}
	nothingSees    = []referral.Class{referral.ClassAdministrative}
)

func TestScrubberReplace(t *testing.T) {
	r := scrubReferral()
	scrubbers := map[string]*scrubber{
		"provider":     newScrubber(r, providerSees),
		"link worker":  newScrubber(r, linkWorkerSees),
		"commissioner": newScrubber(r, nothingSees),
	}
	const x = referral.Redacted
	tests := []struct {
		name, role, in, want string
	}{
		// Names.
		{"name whole", "provider", "Mary-Jane O'Neil called.", x + " called."},
		{"name first word", "provider", "Mary-Jane called.", x + " called."},
		{"name part of a hyphenated word", "provider", "Then Jane called.", "Then " + x + " called."},
		{"name surname", "provider", "Ms O'Neil called.", "Ms " + x + " called."},
		{"name part after an apostrophe", "provider", "Neil called.", x + " called."},
		{"name lower case", "provider", "mary-jane o'neil", x},
		{"name capitals", "provider", "MARY-JANE O'NEIL", x},
		{"name mixed case", "provider", "mArY-jAnE", x},
		{"name accents dropped", "provider", "Zoe Bronte left.", x + " left."},
		{"name accents added", "provider", "Máry-Jáne Ó'Neil", x},
		{"name decomposed accents", "provider", "Zoe\u0308 Bronte\u0308", x},
		{"name letter without decomposition", "provider", "Soren Odegard and SØREN", x + " and " + x},
		{"name full-width letters", "provider", "ＭＡＲＹ", x},
		{"name hyphen as space", "provider", "Mary Jane O'Neil", x},
		{"name hyphen dropped", "provider", "MaryJane O'Neil", x},
		{"name hyphen as a dash", "provider", "Mary–Jane", x},
		{"name space as hyphen", "provider", "Siobhan-Ni-Bhriain", x},
		{"name curly apostrophe", "provider", "Ms O’Neil", "Ms " + x},
		{"name modifier apostrophe", "provider", "Ms Oʼneil", "Ms " + x},
		{"name apostrophe dropped", "provider", "Ms ONeil", "Ms " + x},
		{"name apostrophe as space", "provider", "Ms O Neil", "Ms " + x},
		{"name initial", "provider", "Saw M. O'Neil today", "Saw " + x + " today"},
		{"name initial without full stop", "provider", "Saw M O'Neil today", "Saw " + x + " today"},
		{"name two initials", "provider", "Saw M.J. O'Neil today", "Saw " + x + " today"},
		{"name two initials spaced", "provider", "Saw M. J. O'Neil today", "Saw " + x + " today"},
		{"name initials run together", "provider", "Saw MJ O'Neil today", "Saw " + x + " today"},
		{"name initials after", "provider", "O'Neil, M.J. was there", x + " was there"},
		{"name possessive", "provider", "O'Neil's car", x + "'s car"},
		{"name family", "provider", "the O'Neils", "the " + x},
		{"name invisible character inside", "provider", "Ma\u00adry", x},

		// What is kept around names.
		{"keep words that contain a name", "provider", "Maryland, Janet and Neilson", "Maryland, Janet and Neilson"},
		{"keep a shared surname the role sees", "provider", "Sarah Dummy and Mr Dummy", x + " and Mr Dummy"},
		{"keep the role's own visible name", "provider", "Kevin Dummy and Grace Mock", "Kevin Dummy and Grace Mock"},
		{"keep another name's initial", "provider", "K. O'Neil", "K. " + x},
		{"keep lower-case words before a name", "provider", "talked on O'Neil", "talked on " + x},
		{"keep a single letter", "provider", "I saw Jane", "I saw " + x},
		{"keep a lower-case letter without a full stop", "provider", "m O'Neil", "m " + x},
		{"hide every name from a role that sees none", "commissioner", "Kevin Dummy and Grace Mock", x + " and " + x},

		// Dates of birth.
		{"date ISO", "provider", "born 1990-07-01.", "born " + x + "."},
		{"date year first with slashes", "provider", "born 1990/07/01.", "born " + x + "."},
		{"date day/month/year", "provider", "born 01/07/1990.", "born " + x + "."},
		{"date without leading zeros", "provider", "born 1/7/1990.", "born " + x + "."},
		{"date with hyphens", "provider", "born 01-07-1990.", "born " + x + "."},
		{"date with dots", "provider", "born 01.07.1990.", "born " + x + "."},
		{"date with spaces round slashes", "provider", "born 01 / 07 / 1990.", "born " + x + "."},
		{"date month first", "provider", "born 07/01/1990.", "born " + x + "."},
		{"date two-digit year", "provider", "born 01/07/90.", "born " + x + "."},
		{"date day month name", "provider", "born 1 July 1990.", "born " + x + "."},
		{"date ordinal", "provider", "born 1st July 1990.", "born " + x + "."},
		{"date ordinal of", "provider", "born 1st of July 1990.", "born " + x + "."},
		{"date abbreviated month", "provider", "born 1 Jul 1990.", "born " + x + "."},
		{"date abbreviated month with hyphens", "provider", "born 01-Jul-1990.", "born " + x + "."},
		{"date month day comma", "provider", "born July 1, 1990.", "born " + x + "."},
		{"date month ordinal", "provider", "born July 1st 1990.", "born " + x + "."},
		{"date capitals", "provider", "BORN 1 JULY 1990", "BORN " + x},
		{"date of a child", "provider", "born on 9 March 2015", "born on " + x},
		{"keep another date", "provider", "seen 02/07/1990 and 1 July 2020 and 01/07/1991", "seen 02/07/1990 and 1 July 2020 and 01/07/1991"},
		{"keep a day and month alone", "provider", "every 1 July", "every 1 July"},
		{"keep the referral's date", "provider", "sent 2023-09-04", "sent 2023-09-04"},
		{"keep a visible date of birth", "provider", "he was born 30/04/1985", "he was born 30/04/1985"},

		// Addresses.
		{"address whole", "provider", "Rose Cottage, Mill Lane, Exampleton, EX2 7EF", x},
		{"address parts in other words", "provider", "Rose Cottage on Mill Lane", x + " on " + x},
		{"address part in capitals with a hyphen", "provider", "at ROSE-COTTAGE", "at " + x},
		{"address house number and street", "provider", "at 27 Pretend Street", "at " + x},
		{"address number and street with a comma", "provider", "at 27, Pretend Street", "at " + x},
		{"address street alone", "provider", "near Pretend Street", "near " + x},
		{"address street abbreviated", "provider", "at 27 Pretend St.", "at " + x + "."},
		{"address street in full", "provider", "in Mill Ln", "in " + x},
		{"address postcode", "provider", "postcode EX2 7EF", "postcode " + x},
		{"address postcode without space", "provider", "postcode EX27EF", "postcode " + x},
		{"address postcode lower case", "provider", "postcode ex2 7ef", "postcode " + x},
		{"address postcode inside a part", "provider", "at PL3 9XY", "at " + x},
		{"address flat", "provider", "Flat 3 upstairs", x + " upstairs"},
		{"address across a line break", "provider", "14B Harbour Road", x},
		{"keep a town", "provider", "in Exampleton", "in Exampleton"},
		{"keep one word of a part", "provider", "the mill and the cottage", "the mill and the cottage"},
		{"keep words that contain a part", "provider", "Pretending Streets", "Pretending Streets"},
		{"keep a shared address another role sees", "link worker", "lives at 27 Pretend Street", "lives at 27 Pretend Street"},
		{"hide a victim's address the role sees as the subject's", "provider", "lives at 27 Pretend Street", "lives at " + x},

		// Phone numbers.
		{"phone as written", "link worker", "call 07700 900222", "call " + x},
		{"phone without spaces", "link worker", "call 07700900222", "call " + x},
		{"phone with hyphens", "link worker", "call 07700-900-222", "call " + x},
		{"phone with dots", "link worker", "call 07700.900.222", "call " + x},
		{"phone other grouping", "link worker", "call 077 0090 0222", "call " + x},
		{"phone area code in brackets", "link worker", "call (07700) 900222", "call " + x},
		{"phone +44", "link worker", "call +44 7700 900222", "call " + x},
		{"phone +44 (0)", "link worker", "call +44 (0)7700 900222", "call " + x},
		{"phone 0044", "link worker", "call 0044 7700 900 222", "call " + x},
		{"phone full-width digits", "link worker", "call ０７７００ ９００２２２", "call " + x},
		{"phone in brackets", "link worker", "(mobile 07700 900222)", "(mobile " + x + ")"},
		{"phone of the referrer", "link worker", "referrer on 01632960000", "referrer on " + x},
		{"keep another number", "link worker", "call 07700 900223", "call 07700 900223"},
		{"keep ordinary numbers", "link worker", "7 incidents in 2023, 12 calls", "7 incidents in 2023, 12 calls"},
		{"keep a phone number the role sees", "provider", "call 07700 900222", "call 07700 900222"},

		// Email addresses.
		{"email as written", "link worker", "email kevin.dummy@example.org", "email " + x},
		{"email capitals", "link worker", "email KEVIN.DUMMY@Example.ORG", "email " + x},
		{"email in angle brackets", "link worker", "<kevin.dummy@example.org>", "<" + x + ">"},
		{"email at the end of a sentence", "link worker", "Wrote from grace.mock@example.org.", "Wrote from " + x + "."},
		{"keep an email the role sees", "provider", "email kevin.dummy@example.org", "email kevin.dummy@example.org"},

		// Contacts.
		{"contact whole", "provider", "Jo Bloggs, Refuge, 01632 960123, jo.bloggs@refuge.example", x},
		{"contact name", "provider", "spoke to Jo Bloggs", "spoke to " + x},
		{"contact phone", "provider", "on 01632960123", "on " + x},
		{"contact phone +44", "provider", "on +44 1632 960 123", "on " + x},
		{"contact email", "provider", "JO.BLOGGS@REFUGE.EXAMPLE", x},
		{"contact of an agency", "link worker", "called the duty team on 01632 960400", "called the " + x + " on " + x},
		{"keep a one-word part of a contact", "provider", "referred to Refuge", "referred to Refuge"},

		// Text.
		{"empty", "provider", "", ""},
		{"a lone s", "provider", "s", "s"},
		{"nothing hidden", "provider", "He was verbally abusive.", "He was verbally abusive."},
		{"invalid UTF-8 kept", "provider", "\xff Mary-Jane \xfe", "\xff " + x + " \xfe"},
		{"spacing kept", "provider", "  Mary\n\tcalled  ", "  " + x + "\n\tcalled  "},
		{"several in one text", "provider", "Mary-Jane O'Neil (born 1/7/1990) of Rose Cottage, Mill Lane was followed.",
			x + " (born " + x + ") of " + x + ", " + x + " was followed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := scrubbers[tt.role]
			require.NotNil(t, s, tt.role)
			assert.Equal(t, tt.want, s.replace(tt.in))
		})
	}
}

func TestScrubberNil(t *testing.T) {
	assert.Equal(t, "Mary", newScrubber(nil, nil).replace("Mary"))
	var s *scrubber
	assert.Equal(t, "Mary", s.replace("Mary"))
	assert.Equal(t, "Mary", newScrubber(&referral.Referral{}, nil).replace("Mary"))
}

func TestScrubberShortValues(t *testing.T) {
	r := &referral.Referral{
		Subject: referral.Subject{Phone: "999", Email: "not known"},
		Victims: []referral.Victim{{Name: "J", Address: "Leeds", SupportServiceContact: "Refuge"}},
	}
	s := newScrubber(r, nothingSees)
	assert.Equal(t, "J went to Leeds and Refuge; call [redacted], address [redacted]",
		s.replace("J went to Leeds and Refuge; call 999, address not known"),
		"a one-letter name and a one-word place are not looked for; a short number and an email without @ are looked for as words")
}

// BenchmarkScrubberReplace scrubs a 10,000-character text for the
// provider:
//
//	go test -run XXX -bench ScrubberReplace -benchmem ./safeguarding
func BenchmarkScrubberReplace(b *testing.B) {
	s := newScrubber(scrubReferral(), providerSees)
	const para = "On 3 March he followed Mary-Jane O'Neil (born 01/07/1990) from Rose Cottage to the shop on Mill Lane, " +
		"shouting at her and at M.J. O’Neil's sister; he later rang 07700 900222 and sent messages to her friends. "
	text := strings.Repeat(para, 10000/len(para)+1)[:10000]
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = s.replace(text)
	}
}

// BenchmarkScrubberReplaceWorstCase scrubs a 10,000-character text that
// keeps matching the start of a victim's 2,000-character address.
func BenchmarkScrubberReplaceWorstCase(b *testing.B) {
	r := scrubReferral()
	r.Victims[0].Address = referral.Address(strings.Repeat("a ", 1000))
	s := newScrubber(r, providerSees)
	text := strings.Repeat("a ", 5000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = s.replace(text)
	}
}

// FuzzScrubber renders a hidden identifier in one of the spellings the
// scrubber's documentation says it catches, puts it in random text, and
// checks that no such spelling survives. It also scrubs the raw input,
// which must never panic, and a text made of the raw input with a spelling
// in the middle, where the spelling must not survive.
//
//	go test ./safeguarding -run XXX -fuzz FuzzScrubber -fuzztime 3m -parallel 1
func FuzzScrubber(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0}, "")
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "He said \xff")
	f.Add([]byte{2, 7, 1, 9, 200, 13, 44, 3}, "M. O'Neil 1/7/1990")
	f.Add([]byte{3, 3, 3, 3, 3, 3, 3}, "+44 (0)7700 900222")
	f.Add([]byte{4, 250, 17, 99, 1, 0, 5}, "Rose Cottage, Mill Lane")
	f.Add([]byte{0, 1, 5, 2, 2, 2, 9, 9, 9}, "Zoë")
	r := scrubReferral()
	roles := []fuzzRole{
		{"provider", newScrubber(r, providerSees), map[string]bool{"kevin": true, "dummy": true, "grace": true, "mock": true}},
		{"link worker", newScrubber(r, linkWorkerSees), nil},
	}
	f.Fuzz(func(t *testing.T, choices []byte, raw string) {
		for _, role := range roles {
			out := role.s.replace(raw)
			assert.Equal(t, out, role.s.replace(out), "scrubbing twice changes nothing")
		}
		// Any value of any identifier: collecting it never panics.
		odd := &referral.Referral{
			Subject: referral.Subject{Phone: referral.Phone(raw), Email: referral.Email(raw), Address: referral.Address(raw)},
			Victims: []referral.Victim{{Name: referral.Name(raw), Address: referral.Address(raw), SupportServiceContact: referral.Contact(raw)}},
		}
		_ = newScrubber(odd, providerSees).replace(raw)
		_ = newScrubber(odd, nothingSees).replace(raw + " " + raw)
		g := &choiceGen{b: choices}
		role := roles[g.n(len(roles))]
		sp := renderSpelling(g, r, role)
		if sp.text == "" {
			return
		}
		text := surrounding(g) + pick(g, separators...) + sp.text + pick(g, separators...) + surrounding(g)
		out := role.s.replace(text)
		sp.check(t, role, text, out)

		// Among arbitrary text, the spelling never survives as written.
		k := 0
		if len(raw) > 0 {
			k = g.n(len(raw) + 1)
		}
		mixed := raw[:k] + " " + sp.text + " " + raw[k:]
		if got := role.s.replace(mixed); !sp.kept && strings.Contains(got, sp.text) {
			t.Errorf("%s: %q survives in %q", role.name, sp.text, got)
		}
	})
}

type fuzzRole struct {
	name    string
	s       *scrubber
	visible map[string]bool // name words the role sees
}

// choiceGen turns fuzz bytes into choices; it gives zeros when they run
// out.
type choiceGen struct {
	b []byte
	i int
}

func (g *choiceGen) n(k int) int {
	if k <= 1 {
		return 0
	}
	var v int
	if g.i < len(g.b) {
		v = int(g.b[g.i])
		g.i++
	}
	return v % k
}

func pick[T any](g *choiceGen, xs ...T) T { return xs[g.n(len(xs))] }

var (
	separators = []string{" ", "  ", ", ", ". ", "\n", "; ", ": ", " (", ") ", " - ", "'", "’", "\t", " / ", "!", "\""}
	vocabulary = []string{"the", "he", "she", "said", "and", "on", "at", "called", "Mill", "Rose", "lives", "near",
		"cottage", "Street", "café", "naïve", "1", "12", "2020", "90", "07", "may", "July", "I", "O", "MJ", "M.", "St",
		"Jan", "of", "1st", "+", "(", "0", "44", "Ms", "Neilson", "Janet", "example", "org", "@"}
)

// surrounding returns a few words of random text.
func surrounding(g *choiceGen) string {
	var b strings.Builder
	for i := range g.n(6) {
		if i > 0 {
			b.WriteString(pick(g, separators...))
		}
		switch g.n(3) {
		case 0, 1:
			b.WriteString(pick(g, vocabulary...))
		default:
			letters := []rune("abcdefghijklmnopqrstuvwxyzéëÆ0123456789")
			for range 1 + g.n(8) {
				b.WriteRune(letters[g.n(len(letters))])
			}
		}
	}
	return b.String()
}

// rendering is a hidden identifier written one of the documented ways.
type rendering struct {
	text string
	// kept marks a rendering the role may see (a shared surname alone).
	kept  bool
	check func(t *testing.T, role fuzzRole, in, out string)
}

func renderSpelling(g *choiceGen, r *referral.Referral, role fuzzRole) rendering {
	switch g.n(5) {
	case 0:
		if role.name != "provider" {
			return rendering{}
		}
		return renderName(g, string(pick(g, r.Victims...).Name), role)
	case 1:
		if role.name != "provider" {
			return rendering{}
		}
		return renderDate(g, r)
	case 2:
		if role.name != "provider" {
			return rendering{}
		}
		return renderPlace(g)
	case 3:
		if role.name == "provider" {
			return renderPhone(g, pick(g, "01632 960123"))
		}
		return renderPhone(g, pick(g, "07700 900222", "01632 960000", "01632 960400"))
	default:
		if role.name == "provider" {
			return renderEmail(g, "jo.bloggs@refuge.example")
		}
		return renderEmail(g, pick(g, "kevin.dummy@example.org", "grace.mock@example.org"))
	}
}

// testFold folds text as the documentation says: compatibility form, no
// accents, lower case, and the letters with a plain spelling.
func testFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r = unicode.ToLower(r); r {
		case 'ø':
			b.WriteRune('o')
		case 'æ':
			b.WriteString("ae")
		case 'ß':
			b.WriteString("ss")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func notAlnum(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

var accented = map[rune][]string{
	'a': {"á", "à", "â", "ä", "a\u0301"}, 'e': {"é", "è", "ê", "ë", "e\u0308"}, 'i': {"í", "ï"},
	'o': {"ó", "ô", "ö", "o\u0302"}, 'u': {"ú", "ü"}, 'n': {"ñ"}, 'c': {"ç"},
}

// restyle writes a word in random case and with accents added or removed.
func restyle(g *choiceGen, w string) string {
	switch g.n(3) {
	case 1:
		w = strings.ToLower(w)
	case 2:
		w = strings.ToUpper(w)
	}
	var b strings.Builder
	for _, r := range w {
		switch g.n(6) {
		case 0:
			if base := []rune(testFold(string(r))); len(base) == 1 && base[0] < utf8.RuneSelf {
				r = base[0]
				if unicode.IsUpper(r) {
					r = unicode.ToUpper(r)
				}
			}
		case 1:
			if alts := accented[unicode.ToLower(r)]; len(alts) > 0 {
				b.WriteString(pick(g, alts...))
				continue
			}
		case 2:
			r = unicode.SimpleFold(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nameWords returns the folded words of a name as documented: each word,
// split on spaces and hyphens, with its apostrophes dropped; each part of
// a word around an apostrophe with two letters or more; hyphenated words
// run together.
func nameWords(name string) []string {
	var out []string
	for _, w := range strings.Fields(name) {
		pieces := strings.Split(w, "-")
		for _, p := range pieces {
			parts := strings.FieldsFunc(p, func(r rune) bool { return r == '\'' || r == '’' })
			out = append(out, testFold(strings.Join(parts, "")))
			for _, q := range parts {
				if len(parts) > 1 && utf8.RuneCountInString(q) >= 2 {
					out = append(out, testFold(q))
				}
			}
		}
		if len(pieces) > 1 {
			out = append(out, testFold(strings.NewReplacer("-", "", "'", "").Replace(w)))
		}
	}
	return out
}

func renderName(g *choiceGen, name string, role fuzzRole) rendering {
	words := strings.Fields(name)
	// The whole name, a word, or a part of a hyphenated word.
	var unit []string
	switch g.n(3) {
	case 0:
		unit = words
	case 1:
		unit = []string{pick(g, words...)}
	default:
		unit = strings.Split(pick(g, words...), "-")
	}
	hyphen := pick(g, "-", " ", "", "–", "-")
	apostrophe := pick(g, "'", "’", "", " ", "ʼ", "'")
	var rendered []string
	for _, w := range unit {
		w = strings.ReplaceAll(w, "-", hyphen)
		w = strings.ReplaceAll(w, "'", apostrophe)
		rendered = append(rendered, restyle(g, w))
	}
	text := strings.Join(rendered, pick(g, " ", " ", "  ", "\n"))
	var initials []string
	for _, w := range nameWords(name) {
		initials = append(initials, strings.ToUpper(string([]rune(w)[:1])))
	}
	var before, after string
	switch g.n(6) {
	case 1:
		before = pick(g, initials...) + ". "
	case 2:
		before = pick(g, initials...) + " "
	case 3:
		before = pick(g, initials...) + "." + pick(g, initials...) + ". "
	case 4:
		before = pick(g, initials...) + pick(g, initials...) + " "
	case 5:
		after = ", " + pick(g, initials...) + "." + pick(g, initials...) + "."
	}
	hidden := map[string]bool{}
	for _, w := range nameWords(name) {
		if utf8.RuneCountInString(w) >= 2 && !role.visible[w] {
			hidden[w] = true
		}
	}
	unitHidden := false
	for _, w := range unit {
		for _, v := range nameWords(w) {
			unitHidden = unitHidden || hidden[v]
		}
	}
	return rendering{text: before + text + after, kept: !unitHidden, check: func(t *testing.T, role fuzzRole, in, out string) {
		folded := testFold(out)
		joined := strings.NewReplacer("'", "", "’", "", "ʼ", "", "-", "", "–", "").Replace(folded)
		for _, text := range []string{folded, joined} {
			for _, w := range strings.FieldsFunc(text, notAlnum) {
				if hidden[w] {
					t.Errorf("%s: a word of %q survives: %q in %q from %q", role.name, name, w, out, in)
				}
			}
		}
		if before != "" && unitHidden && strings.Contains(out, before+referral.Redacted) {
			t.Errorf("%s: initials %q survive in %q from %q", role.name, before, out, in)
		}
		if after != "" && unitHidden && strings.Contains(out, referral.Redacted+after) {
			t.Errorf("%s: initials %q survive in %q from %q", role.name, after, out, in)
		}
	}}
}

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

func ordinal(d int) string {
	switch {
	case d%10 == 1 && d != 11:
		return "st"
	case d%10 == 2 && d != 12:
		return "nd"
	case d%10 == 3 && d != 13:
		return "rd"
	}
	return "th"
}

func hiddenDates(r *referral.Referral) [][3]int {
	var out [][3]int
	for _, v := range r.Victims {
		if !v.DateOfBirth.IsZero() {
			y, m, d := v.DateOfBirth.Time().Date()
			out = append(out, [3]int{y, int(m), d})
		}
	}
	for _, c := range r.Children {
		y, m, d := c.DateOfBirth.Time().Date()
		out = append(out, [3]int{y, int(m), d})
	}
	return out
}

func renderDate(g *choiceGen, r *referral.Referral) rendering {
	dates := hiddenDates(r)
	h := pick(g, dates...)
	y, m, d := h[0], h[1], h[2]
	month := monthNames[m-1]
	if g.n(2) == 0 {
		month = month[:3]
	}
	month = restyle(g, month)
	day := strconv.Itoa(d)
	if g.n(2) == 0 {
		day = fmt.Sprintf("%02d", d)
	}
	mm := strconv.Itoa(m)
	if g.n(2) == 0 {
		mm = fmt.Sprintf("%02d", m)
	}
	sep := pick(g, "/", "-", ".")
	var text string
	switch g.n(9) {
	case 0:
		text = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case 1:
		text = day + sep + mm + sep + strconv.Itoa(y)
	case 2:
		text = mm + sep + day + sep + strconv.Itoa(y)
	case 3:
		text = day + sep + mm + sep + fmt.Sprintf("%02d", y%100)
	case 4:
		text = fmt.Sprintf("%d %s %d", d, month, y)
	case 5:
		text = fmt.Sprintf("%d%s %s%s %d", d, ordinal(d), pick(g, "", "of "), month, y)
	case 6:
		text = fmt.Sprintf("%s %d, %d", month, d, y)
	case 7:
		text = fmt.Sprintf("%s %d%s %d", month, d, ordinal(d), y)
	default:
		text = fmt.Sprintf("%s-%s-%d", day, month, y)
	}
	return rendering{text: text, check: func(t *testing.T, role fuzzRole, in, out string) {
		for _, found := range readDates(testFold(out)) {
			for _, h := range dates {
				if found.m == h[1] && found.d == h[2] && (found.y == h[0] || (found.short && found.y == h[0]%100)) {
					t.Errorf("%s: %q reads as a hidden date in %q from %q", role.name, found.text, out, in)
				}
			}
		}
	}}
}

type readDate struct {
	text     string
	y, m, d  int
	short    bool
	dayFirst bool
}

var (
	numericDate   = regexp.MustCompile(`^(\d{1,4})[ \t]?[/.-][ \t]?(\d{1,2})[ \t]?[/.-][ \t]?(\d{4}|\d{2})(?:[^0-9\pL]|$)`)
	dayMonthYear  = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?[ ,.-]{1,3}(?:of )?(\pL+)[ ,.-]{1,3}(\d{4}|\d{2})(?:[^0-9\pL]|$)`)
	monthDayYear  = regexp.MustCompile(`^(\pL+)[ ,.-]{1,3}(\d{1,2})(?:st|nd|rd|th)?[ ,.-]{1,3}(\d{4}|\d{2})(?:[^0-9\pL]|$)`)
	testMonthsMap = func() map[string]int {
		m := map[string]int{"sept": 9}
		for i, name := range monthNames {
			m[strings.ToLower(name)] = i + 1
			m[strings.ToLower(name[:3])] = i + 1
		}
		return m
	}()
)

// readDates reads every documented form of date in folded text, numeric
// dates both ways round.
func readDates(s string) []readDate {
	var out []readDate
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	for i, r := range s {
		if i > 0 {
			if prev, _ := utf8.DecodeLastRuneInString(s[:i]); !notAlnum(prev) {
				continue
			}
		}
		if notAlnum(r) {
			continue
		}
		rest := s[i:]
		if m := numericDate.FindStringSubmatch(rest); m != nil {
			a, b, c := m[1], m[2], m[3]
			switch {
			case len(a) == 4 && len(c) == 2:
				out = append(out, readDate{m[0], atoi(a), atoi(b), atoi(c), false, false}, readDate{m[0], atoi(a), atoi(c), atoi(b), false, false})
			case len(a) <= 2:
				out = append(out, readDate{m[0], atoi(c), atoi(b), atoi(a), len(c) == 2, true}, readDate{m[0], atoi(c), atoi(a), atoi(b), len(c) == 2, false})
			}
		}
		if m := dayMonthYear.FindStringSubmatch(rest); m != nil && testMonthsMap[m[2]] > 0 {
			out = append(out, readDate{m[0], atoi(m[3]), testMonthsMap[m[2]], atoi(m[1]), len(m[3]) == 2, true})
		}
		if m := monthDayYear.FindStringSubmatch(rest); m != nil && testMonthsMap[m[1]] > 0 {
			out = append(out, readDate{m[0], atoi(m[3]), testMonthsMap[m[1]], atoi(m[2]), len(m[3]) == 2, false})
		}
	}
	return out
}

// placePhrases are the parts of the victims' addresses and contacts the
// documentation says are caught, as words.
var placePhrases = [][]string{
	{"Rose", "Cottage"}, {"Mill", "Lane"}, {"Mill", "Ln"}, {"EX2", "7EF"},
	{"Flat", "3"}, {"27", "Pretend", "Street"}, {"Pretend", "Street"}, {"27", "Pretend", "St"}, {"Pretend", "St"}, {"EX1", "2AB"},
	{"14b", "Harbour", "Road"}, {"Harbour", "Road"}, {"Harbour", "Rd"}, {"PL3", "9XY"},
	{"Jo", "Bloggs"},
}

func renderPlace(g *choiceGen) rendering {
	words := pick(g, placePhrases...)
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			if len(words) == 2 && unicode.IsDigit(rune(words[1][0])) && len(words[1]) == 3 {
				b.WriteString(pick(g, " ", "", "  ")) // a postcode
			} else {
				b.WriteString(pick(g, " ", ", ", "-", "  ", " - ", ". ", "\n"))
			}
		}
		b.WriteString(restyle(g, w))
	}
	text := b.String()
	if g.n(3) == 0 {
		text += pick(g, ".", ",", "")
	}
	return rendering{text: text, check: func(t *testing.T, role fuzzRole, in, out string) {
		compact := map[string]bool{}
		for _, p := range placePhrases {
			compact[testFold(strings.Join(p, ""))] = true
		}
		// The words of the output, and the separators after them.
		folded := testFold(out)
		var words, seps []string
		for len(folded) > 0 {
			i := strings.IndexFunc(folded, func(r rune) bool { return !notAlnum(r) })
			if i < 0 {
				break
			}
			if len(words) > 0 {
				seps = append(seps, folded[:i])
			}
			folded = folded[i:]
			j := strings.IndexFunc(folded, notAlnum)
			if j < 0 {
				j = len(folded)
			}
			words = append(words, folded[:j])
			folded = folded[j:]
		}
		for i := range words {
			run := ""
			for j := i; j < len(words) && j < i+4; j++ {
				if j > i && utf8.RuneCountInString(seps[j-1]) > 4 {
					break
				}
				run += words[j]
				if compact[run] {
					t.Errorf("%s: %q survives in %q from %q", role.name, strings.Join(words[i:j+1], " "), out, in)
				}
			}
		}
	}}
}

var testPhoneRun = regexp.MustCompile(`\d+(?:[ \t().\-/]{1,3}\d+)*`)

func renderPhone(g *choiceGen, number string) rendering {
	digits := strings.ReplaceAll(number, " ", "")
	core := digits[1:]
	var b strings.Builder
	rest := digits
	switch g.n(5) {
	case 1:
		b.WriteString("+44 ")
		rest = core
	case 2:
		b.WriteString("+44 (0)")
		rest = core
	case 3:
		b.WriteString(pick(g, "0044 ", "0044"))
		rest = core
	case 4:
		b.WriteString("(" + digits[:5] + ") ")
		rest = digits[5:]
	}
	for len(rest) > 0 {
		n := min(len(rest), 1+g.n(6))
		b.WriteString(rest[:n])
		rest = rest[n:]
		if len(rest) > 0 {
			b.WriteString(pick(g, " ", "", "-", ".", " - ", "/", "  "))
		}
	}
	return rendering{text: b.String(), check: func(t *testing.T, role fuzzRole, in, out string) {
		folded := testFold(out)
		for _, loc := range testPhoneRun.FindAllStringIndex(folded, -1) {
			if loc[0] > 0 && !notAlnum(rune(folded[loc[0]-1])) || loc[1] < len(folded) && !notAlnum(rune(folded[loc[1]])) {
				continue
			}
			run := folded[loc[0]:loc[1]]
			if strings.Contains(strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, run), core) {
				t.Errorf("%s: %q holds %s in %q from %q", role.name, run, number, out, in)
			}
		}
	}}
}

func renderEmail(g *choiceGen, email string) rendering {
	text := restyle(g, email)
	if g.n(3) == 0 {
		text = "<" + text + ">"
	}
	return rendering{text: text, check: func(t *testing.T, role fuzzRole, in, out string) {
		folded := testFold(out)
		for i := 0; ; {
			k := strings.Index(folded[i:], email)
			if k < 0 {
				break
			}
			k += i
			before, _ := utf8.DecodeLastRuneInString(folded[:k])
			after, _ := utf8.DecodeRuneInString(folded[k+len(email):])
			if (k == 0 || notAlnum(before)) && (k+len(email) == len(folded) || notAlnum(after)) {
				t.Errorf("%s: %s survives in %q from %q", role.name, email, out, in)
			}
			i = k + 1
		}
	}}
}
