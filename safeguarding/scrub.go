package safeguarding

import (
	"cmp"
	"math"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/saferpath/pathway/referral"
)

// scrubber replaces, in the free text a role sees, the identifiers of the
// referral that the role may not see with [redacted] (referral.Redacted),
// and keeps the rest of the text as written.
//
// Which identifiers are hidden: every name, address, phone number, email,
// contact and date of birth of the referral whose class the role does not
// see; a victim's or child's always. Two exceptions: a single word of a
// name that is also a word of a name the role sees (a surname shared with
// the person referred) is kept, and another person's identifier is kept
// where the role sees the same value anyway (the address a victim shares
// with the person referred, for the victim link worker).
//
// What it catches, on whole words only (never inside another word), in any
// case, with or without accents (é and e, ø and o, ß and ss) and in
// compatibility forms (full-width letters and digits):
//
//   - Names: the whole name; each word of it of two letters or more, words
//     being split on spaces and hyphens; each part of a word around an
//     apostrophe (Neil in O'Neil); two words that follow each other; and the
//     last word with an s (the O'Neils). Hyphens, apostrophes (straight or
//     curly) and spaces inside a name may be written, dropped or swapped:
//     Mary-Jane, Mary Jane and MaryJane; O'Neil, O’Neil, ONeil and O Neil.
//     Initials of the name's words written next to a caught name go too:
//     M. O'Neil, M O'Neil, M.J. O'Neil, MJ O'Neil, O'Neil, M.J. (an initial
//     without a full stop must be a capital).
//   - Dates of birth, read from every date-like stretch of the text and
//     compared with the hidden dates: three numbers separated by / - or .
//     (1990-07-01, 01/07/1990, 1/7/1990, 01-07-1990, 01.07.1990, 01/07/90),
//     read both day first and month first; and a day (1, 01, 1st, 1st of),
//     a month's name or abbreviation and a year of four or two digits, day
//     or month first (1 July 1990, 1st July 1990, 1 Jul 1990, 1-Jul-1990,
//     July 1, 1990, July 1st 1990).
//   - Addresses and contacts: the whole value, and each part of it (split on
//     commas, semicolons and line breaks) that has two words or more or a
//     digit, as a phrase whose words may be separated by up to four
//     characters of spaces or punctuation ("Rose Cottage, Mill Lane" is
//     caught in "Rose Cottage on Mill Lane" as two phrases); a house number
//     with its street, whether or not a comma separates them; the street
//     without its number, when it has two words or more; the street with its
//     last word in full or abbreviated (Street and St, Road and Rd, Avenue
//     and Ave, Lane and Ln…); and a UK postcode with or without its space.
//   - Phone numbers (in a phone, address or contact field, of six digits or
//     more after the leading 0): the digits, whatever the spaces, hyphens,
//     dots, brackets or slashes between groups, with +44, 0044 and
//     +44 (0) read as the leading 0.
//   - Email addresses (in an email, address or contact field), whole, in any
//     case.
//
// A phone number too short for that, or an email field without an @, is
// looked for as words.
//
// It is BEST EFFORT. It cannot catch a nickname, a misspelling, a surname
// shared with someone the role sees when it is written without the rest of
// the name (Mrs Dummy, S. Dummy), a relationship ("her mum's house"), a
// child's name (a child has no name field), a place of one word (a town), a
// part of a date (1 July, 1990) or of a postcode (EX2), a number glued to
// letters, a foreign number written without its country code, or anything
// not written in the referral's fields. That is why free text is withheld
// from a role that may not see victims' details unless the rule pack says
// to scrub it.
//
// The work grows with the length of the text times at most 128 bytes (the
// longest name or phrase looked for at once; longer ones are looked for in
// chunks of whole words). It never panics, whatever the text, invalid UTF-8
// included.
type scrubber struct {
	spellings []spelling
	trie      trie    // names and phrases
	phones    []int32 // indexes in spellings
	emails    []int32
	dates     []int32
}

// spellKind is how a hidden identifier is found in text.
type spellKind uint8

const (
	// spellName: folded words joined by spaces, apostrophes or hyphens.
	spellName spellKind = iota
	// spellPhrase: folded words joined by up to four characters of spaces
	// or punctuation.
	spellPhrase
	// spellPhone: the digits of a phone number without its leading 0.
	spellPhone
	// spellEmail: a folded email address.
	spellEmail
	// spellDate: a calendar date.
	spellDate
)

// spelling is one way a hidden identifier may be written.
type spelling struct {
	kind spellKind
	// text is the folded words run together (name, phrase), the digits
	// (phone) or the folded address (email).
	text string
	// date is year, month and day (date).
	date [3]int
	// initials are the folded first letters of the words of the name the
	// spelling comes from, for the initials written next to it (name).
	initials string
	// word marks a single word of a name: it is kept where a name the role
	// sees has the same word.
	word bool
	// victim marks a victim's or child's identifier: never kept because
	// the role sees the same value elsewhere.
	victim bool
}

// newScrubber collects the identifiers in r that the classes sees withhold.
// A victim's identifiers are always blanked; another person's identifier is
// kept where the role sees the same value anyway; a word of a name is kept
// where it is a word of a name the role sees (a shared surname).
func newScrubber(r *referral.Referral, sees []referral.Class) *scrubber {
	if r == nil {
		return &scrubber{}
	}
	var hidden []spelling
	var visible []string
	visibleWords := map[string]bool{}
	walkIdentifiers(reflect.ValueOf(r).Elem(), "", func(path, value string, id referral.Identifier) {
		class, _ := classOf(path)
		if slices.Contains(sees, class) {
			visible = append(visible, value)
			if id == referral.IdentifierName {
				for _, w := range nameSpellings(value) {
					if w.word {
						visibleWords[w.text] = true
					}
				}
			}
			return
		}
		victim := class == referral.ClassVictimDetail
		for _, rl := range spellingsOf(value, id) {
			rl.victim = victim
			hidden = append(hidden, rl)
		}
	})
	// A single word of a name the role sees anyway (a surname shared with
	// the person referred) reveals nothing new.
	hidden = slices.DeleteFunc(hidden, func(rl spelling) bool { return rl.word && visibleWords[rl.text] })

	// Another person's detail the role sees anyway, such as the address a
	// victim shares with the person referred, for the victim link worker. A
	// victim's details are never kept this way.
	var others []spelling
	for _, rl := range hidden {
		if !rl.victim {
			others = append(others, rl)
		}
	}
	if len(others) > 0 && len(visible) > 0 {
		o := compile(others)
		seen := make([]bool, len(o.spellings))
		for _, v := range visible {
			o.find(analyse(v), func(id int32, _, _ int) { seen[id] = true })
		}
		hidden = slices.DeleteFunc(hidden, func(rl spelling) bool {
			if rl.victim {
				return false
			}
			id, ok := o.index(rl)
			return ok && seen[id]
		})
	}
	return compile(hidden)
}

// identifierAt returns the kind of identifier the field at path holds, if
// any.
func identifierAt(path string) (referral.Identifier, bool) {
	f, ok := referral.FieldAt(path)
	if !ok || f.Identifier == "" {
		return "", false
	}
	return f.Identifier, true
}

// walkIdentifiers calls fn with each identifier value in v.
func walkIdentifiers(v reflect.Value, path string, fn func(path, value string, id referral.Identifier)) {
	t := v.Type()
	if id, ok := identifierAt(path); ok {
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
			fn(path, s, id)
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

// spellingsOf returns the ways an identifier's value may be written in text.
func spellingsOf(value string, id referral.Identifier) []spelling {
	switch id {
	case referral.IdentifierName:
		return nameSpellings(value)
	case referral.IdentifierAddress, referral.IdentifierContact:
		return placeSpellings(value)
	case referral.IdentifierPhone:
		out := phoneSpellings(analyse(value))
		if len(out) == 0 {
			out = phraseSpellings(analyse(value))
		}
		return out
	case referral.IdentifierEmail:
		out := emailSpellings(value)
		if len(out) == 0 {
			out = phraseSpellings(analyse(value))
		}
		return out
	case referral.IdentifierDate:
		if d, err := referral.ParseDate(strings.TrimSpace(value)); err == nil {
			y, m, day := d.Time().Date()
			return []spelling{{kind: spellDate, date: [3]int{y, int(m), day}}}
		}
		return phraseSpellings(analyse(value))
	}
	return nil
}

// nameSpellings returns the ways a name may be written: the whole name, each
// word, each part of a word around an apostrophe, each two words that
// follow each other, and the last word with an s (the O'Neils). Words are
// split on spaces and hyphens; a single word (or two joined by a hyphen)
// is marked as such, for shared surnames.
func nameSpellings(value string) []spelling {
	d := analyse(value)
	if len(d.atoms) == 0 {
		return nil
	}
	type word struct {
		from, to int // atoms
		text     string
		hyphen   bool // joined to the word before by a hyphen
	}
	var words []word
	for i := 0; i < len(d.atoms); {
		j := i
		for j+1 < len(d.atoms) && onlyBytes(d.sep(j), "'") {
			j++
		}
		words = append(words, word{from: i, to: j, text: d.join(i, j), hyphen: i > 0 && onlyBytes(d.sep(i-1), "-")})
		i = j + 1
	}
	var initials []rune
	for i := range d.atoms {
		if r, _ := utf8.DecodeRuneInString(d.word(i)); unicode.IsLetter(r) && !slices.Contains(initials, r) {
			initials = append(initials, r)
		}
	}
	var out []spelling
	add := func(text string, single bool) {
		if utf8.RuneCountInString(text) >= 2 {
			out = append(out, spelling{kind: spellName, text: text, initials: string(initials), word: single})
		}
	}
	if len(words) > 1 {
		for _, c := range chunks(d.words()) {
			add(c, false)
		}
	}
	for k, w := range words {
		add(w.text, true)
		if w.to > w.from {
			for a := w.from; a <= w.to; a++ {
				add(d.word(a), true)
			}
		}
		if k > 0 && len(words[k-1].text)+len(w.text) <= maxSpelling {
			add(words[k-1].text+w.text, w.hyphen)
		}
	}
	if len(words) > 1 {
		// The family: the O'Neils.
		add(words[len(words)-1].text+"s", true)
	}
	return out
}

// placeSpellings returns the ways an address or a contact may be written: the
// whole value; its email addresses and phone numbers; each part (split on
// commas, semicolons and line breaks, and around the emails and phone
// numbers) that has two words or more or a digit; a house number with the
// street after it; the street without its number; and the postcodes.
func placeSpellings(value string) []spelling {
	out := phraseSpellings(analyse(value))
	blank := []byte(value)
	for _, e := range emailsIn(value) {
		out = append(out, spelling{kind: spellEmail, text: e.text})
		for i := e.from; i < e.to; i++ {
			blank[i] = ','
		}
	}
	d := analyse(string(blank))
	for _, run := range d.phoneRuns() {
		if core := phoneCore(d.runDigits(run), run.plus); len(core) >= minPhoneDigits {
			out = append(out, spelling{kind: spellPhone, text: core})
			for i := d.start[run.from]; i < d.end[d.atoms[run.last].to-1]; i++ {
				blank[i] = ','
			}
		}
	}
	pending := "" // a house number written as a part of its own
	for _, part := range strings.FieldsFunc(string(blank), func(r rune) bool {
		return r == ',' || r == ';' || r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029
	}) {
		p := analyse(part)
		n := len(p.atoms)
		if n == 0 {
			continue
		}
		if n == 1 && isHouseNumber(p.word(0)) {
			pending = p.word(0)
			continue
		}
		words := make([]string, n)
		for i := range words {
			words[i] = p.word(i)
		}
		if pending != "" {
			out = append(out, streetSpellings(append([]string{pending}, words...))...)
			pending = ""
		}
		if n >= 2 || p.hasDigit() {
			out = append(out, streetSpellings(words)...)
		}
		// The house number and the street, and the street alone.
		for h := n - 3; h >= 0; h-- {
			if isHouseNumber(words[h]) {
				if h > 0 {
					out = append(out, streetSpellings(words[h:])...)
				}
				out = append(out, streetSpellings(words[h+1:])...)
				break
			}
		}
		// Postcodes: one word, or the outward and inward codes.
		for i := range n {
			if isPostcode(words[i]) {
				out = append(out, spelling{kind: spellPhrase, text: words[i]})
			}
			if i+1 < n && isOutwardCode(words[i]) && isInwardCode(words[i+1]) {
				out = append(out, spelling{kind: spellPhrase, text: words[i] + words[i+1]})
			}
		}
	}
	return out
}

// phraseSpellings returns the whole of d as a phrase, when it has two words or
// more or a digit.
func phraseSpellings(d *doc) []spelling {
	if len(d.atoms) < 2 && !d.hasDigit() {
		return nil
	}
	var out []spelling
	for _, c := range chunks(d.words()) {
		out = append(out, spelling{kind: spellPhrase, text: c})
	}
	return out
}

// maxSpelling is the most bytes of folded words a name or phrase is looked
// for as: a longer one is looked for in chunks of whole words, which
// together blank the whole where it is written. The text is read from each
// of its words at most this far.
const maxSpelling = 128

// chunks runs words together in chunks of at most maxSpelling bytes (a
// longer word is a chunk of its own).
func chunks(words []string) []string {
	var out []string
	var b strings.Builder
	for _, w := range words {
		if b.Len() > 0 && b.Len()+len(w) > maxSpelling {
			out = append(out, b.String())
			b.Reset()
		}
		b.WriteString(w)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// streetTypes gives the other usual spellings of the last word of a street.
var streetTypes = map[string][]string{
	"street": {"st"}, "st": {"street"},
	"road": {"rd"}, "rd": {"road"},
	"avenue": {"ave", "av"}, "ave": {"avenue", "av"}, "av": {"avenue", "ave"},
	"lane": {"ln"}, "ln": {"lane"},
	"drive": {"dr"}, "dr": {"drive"},
	"close": {"cl"}, "cl": {"close"},
	"crescent": {"cres"}, "cres": {"crescent"},
	"court": {"ct"}, "ct": {"court"},
	"place": {"pl"}, "pl": {"place"},
	"gardens": {"gdns"}, "gdns": {"gardens"},
	"terrace": {"terr", "tce"}, "terr": {"terrace", "tce"}, "tce": {"terrace", "terr"},
	"square": {"sq"}, "sq": {"square"},
	"grove": {"gr"}, "gr": {"grove"},
}

// streetSpellings returns words as a phrase, and with the other spellings of
// its last word.
func streetSpellings(words []string) []spelling {
	if len(words) == 0 {
		return nil
	}
	head := strings.Join(words[:len(words)-1], "")
	if len(head)+len(words[len(words)-1]) > maxSpelling {
		var out []spelling
		for _, c := range chunks(words) {
			out = append(out, spelling{kind: spellPhrase, text: c})
		}
		return out
	}
	out := []spelling{{kind: spellPhrase, text: head + words[len(words)-1]}}
	if len(words) >= 2 {
		for _, alt := range streetTypes[words[len(words)-1]] {
			out = append(out, spelling{kind: spellPhrase, text: head + alt})
		}
	}
	return out
}

// isHouseNumber reports whether a folded word is a house number: digits,
// and perhaps a letter (27, 27a).
func isHouseNumber(w string) bool {
	i := 0
	for i < len(w) && isDigit(w[i]) {
		i++
	}
	return i > 0 && i <= 5 && (i == len(w) || (i == len(w)-1 && isLower(w[i])))
}

// isOutwardCode reports whether a folded word is the first half of a UK
// postcode: one or two letters, a digit, and perhaps a letter or digit.
func isOutwardCode(w string) bool {
	i := 0
	for i < len(w) && i < 2 && isLower(w[i]) {
		i++
	}
	if i == 0 || i >= len(w) || !isDigit(w[i]) {
		return false
	}
	rest := w[i+1:]
	return rest == "" || (len(rest) == 1 && (isLower(rest[0]) || isDigit(rest[0])))
}

// isInwardCode reports whether a folded word is the second half of a UK
// postcode: a digit and two letters.
func isInwardCode(w string) bool {
	return len(w) == 3 && isDigit(w[0]) && isLower(w[1]) && isLower(w[2])
}

// isPostcode reports whether a folded word is a UK postcode written
// without its space.
func isPostcode(w string) bool {
	return len(w) >= 5 && len(w) <= 7 && isOutwardCode(w[:len(w)-3]) && isInwardCode(w[len(w)-3:])
}

// minPhoneDigits is the fewest digits, without the leading 0, that are
// looked for as a phone number; a shorter number is looked for as words.
const minPhoneDigits = 6

// phoneSpellings returns the phone numbers in d.
func phoneSpellings(d *doc) []spelling {
	var out []spelling
	for _, run := range d.phoneRuns() {
		if core := phoneCore(d.runDigits(run), run.plus); len(core) >= minPhoneDigits {
			out = append(out, spelling{kind: spellPhone, text: core})
		}
	}
	return out
}

// phoneCore returns a UK number's digits without +44, 0044 or the leading
// 0, which is how the number is found whatever its prefix.
func phoneCore(digits string, plus bool) string {
	switch {
	case plus && strings.HasPrefix(digits, "44"):
		digits = digits[2:]
	case strings.HasPrefix(digits, "0044"):
		digits = digits[4:]
	}
	return strings.TrimPrefix(digits, "0")
}

// emailSpellings returns the email addresses in value.
func emailSpellings(value string) []spelling {
	var out []spelling
	for _, e := range emailsIn(value) {
		out = append(out, spelling{kind: spellEmail, text: e.text})
	}
	return out
}

type emailAt struct {
	from, to int // bytes of value
	text     string
}

// emailsIn returns the email addresses in value, folded.
func emailsIn(value string) []emailAt {
	var out []emailAt
	inLocal := func(b byte) bool { return b >= utf8.RuneSelf || isAlnum(b) || strings.IndexByte("._%+-'", b) >= 0 }
	inDomain := func(b byte) bool { return b >= utf8.RuneSelf || isAlnum(b) || b == '.' || b == '-' }
	for at := 0; at < len(value); {
		k := strings.IndexByte(value[at:], '@')
		if k < 0 {
			break
		}
		k += at
		from, to := k, k+1
		for from > 0 && inLocal(value[from-1]) {
			from--
		}
		for to < len(value) && inDomain(value[to]) {
			to++
		}
		for to > k+1 && (value[to-1] == '.' || value[to-1] == '-') {
			to--
		}
		if from < k && to > k+1 {
			if text := strings.TrimSpace(analyse(value[from:to]).fold); text != "" {
				out = append(out, emailAt{from: from, to: to, text: text})
			}
		}
		at = max(to, k+1)
	}
	return out
}

// compile builds a scrubber from spellings, merging those written the same
// way.
func compile(spellings []spelling) *scrubber {
	s := &scrubber{trie: newTrie()}
	for _, rl := range spellings {
		if id, ok := s.index(rl); ok {
			for _, r := range rl.initials {
				if !strings.ContainsRune(s.spellings[id].initials, r) {
					s.spellings[id].initials += string(r)
				}
			}
			continue
		}
		id := int32(len(s.spellings))
		s.spellings = append(s.spellings, rl)
		switch rl.kind {
		case spellName, spellPhrase:
			s.trie.insert(rl.text, id, rl.kind)
		case spellPhone:
			s.phones = append(s.phones, id)
		case spellEmail:
			s.emails = append(s.emails, id)
		case spellDate:
			s.dates = append(s.dates, id)
		}
	}
	return s
}

// index returns the index of the spelling written as rl is.
func (s *scrubber) index(rl spelling) (int32, bool) {
	var ids []int32
	switch rl.kind {
	case spellName, spellPhrase:
		if n := s.trie.walk(0, rl.text); n >= 0 {
			ids = s.trie.nodes[n].ends
		}
	case spellPhone:
		ids = s.phones
	case spellEmail:
		ids = s.emails
	case spellDate:
		ids = s.dates
	}
	for _, id := range ids {
		if o := s.spellings[id]; o.kind == rl.kind && o.text == rl.text && o.date == rl.date {
			return id, true
		}
	}
	return 0, false
}

// replace returns text with every hidden identifier replaced by
// referral.Redacted. Everything else is kept as written, invalid UTF-8
// included.
func (s *scrubber) replace(text string) string {
	if s == nil || len(s.spellings) == 0 || text == "" {
		return text
	}
	if len(text) > math.MaxInt32 {
		return referral.Redacted // too long to read: withheld whole
	}
	d := analyse(text)
	var spans []span
	s.find(d, func(_ int32, from, to int) {
		if from < to {
			spans = append(spans, span{from, to})
		}
	})
	if len(spans) == 0 {
		return text
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(cmp.Compare(a.from, b.from), cmp.Compare(b.to, a.to)) })
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for i := 0; i < len(spans); {
		cur := spans[i]
		for i++; i < len(spans) && spans[i].from <= cur.to; i++ {
			cur.to = max(cur.to, spans[i].to)
		}
		from, to := max(int(d.start[cur.from]), last), int(d.end[cur.to-1])
		b.WriteString(text[last:from])
		b.WriteString(referral.Redacted)
		last = max(to, from)
	}
	b.WriteString(text[last:])
	return b.String()
}

// find calls hit with each spelling found in d and where (bytes of d.fold).
func (s *scrubber) find(d *doc, hit func(id int32, from, to int)) {
	s.findWords(d, hit)
	s.findPhones(d, hit)
	s.findEmails(d, hit)
	s.findDates(d, hit)
}

// findWords finds names and phrases: from each word of the text, it
// follows the trie through the words after it while the separators allow.
func (s *scrubber) findWords(d *doc, hit func(id int32, from, to int)) {
	if len(s.trie.nodes) <= 1 {
		return
	}
	for i := range d.atoms {
		n, mask := int32(0), uint8(1<<spellName|1<<spellPhrase)
		lastName := -1 // the last word that ended a name
		for j := i; j < len(d.atoms); j++ {
			if j > i {
				if mask &= sepMask(d.sep(j - 1)); mask == 0 {
					break
				}
			}
			if n = s.trie.walk(n, d.word(j)); n < 0 || s.trie.nodes[n].kinds&mask == 0 {
				break
			}
			// O'Neil's is the name and a possessive, not the O'Neils:
			// the name alone is blanked, and the 's kept.
			possessive := j > i && lastName == j-1 && d.word(j) == "s" && onlyBytes(d.sep(j-1), "'")
			for _, id := range s.trie.nodes[n].ends {
				rl := &s.spellings[id]
				if mask&(1<<rl.kind) == 0 || (possessive && rl.kind == spellName) {
					continue
				}
				if rl.kind == spellName {
					lastName = j
				}
				from, to := i, j
				if rl.kind == spellName && rl.initials != "" {
					from, to = d.initialsBefore(i, rl.initials), d.initialsAfter(j, rl.initials)
				}
				end := d.atoms[to].to
				if to > j && end < len(d.fold) && d.fold[end] == '.' {
					end++ // the full stop of the last initial after the name
				}
				hit(id, d.atoms[from].from, end)
			}
		}
	}
}

// sepMask returns the kinds of spelling whose words a separator may join:
// names across spaces, apostrophes and hyphens, phrases across any four
// characters that are not letters or digits.
func sepMask(sep string) uint8 {
	if len(sep) > 4 {
		return 0
	}
	if onlyBytes(sep, " \t\n\r'-") {
		return 1<<spellName | 1<<spellPhrase
	}
	return 1 << spellPhrase
}

// initialsBefore returns the first of the initials written before the
// word at i (M. O'Neil, M.J. O'Neil, MJ O'Neil), or i.
func (d *doc) initialsBefore(i int, set string) int {
	for k := 0; k < 3 && i > 0; k++ {
		sep := d.sep(i - 1)
		if len(sep) > 3 || !onlyBytes(sep, " \t.") || strings.Count(sep, ".") > 1 {
			break
		}
		if !d.isInitials(i-1, set, strings.HasPrefix(sep, ".")) {
			break
		}
		i--
	}
	return i
}

// initialsAfter returns the last of the initials written after the word at
// j (O'Neil, M.J.; O'Neil MJ), or j.
func (d *doc) initialsAfter(j int, set string) int {
	for k := 0; k < 3 && j+1 < len(d.atoms); k++ {
		sep := d.sep(j)
		if k == 0 {
			if len(sep) > 3 || !onlyBytes(sep, " \t,") || sep == "" {
				break
			}
		} else if len(sep) > 3 || !onlyBytes(sep, " \t.") || !strings.HasPrefix(sep, ".") {
			break
		}
		dot := d.atoms[j+1].to < len(d.fold) && d.fold[d.atoms[j+1].to] == '.'
		if utf8.RuneCountInString(d.word(j+1)) == 1 && !dot {
			break
		}
		if !d.isInitials(j+1, set, dot) {
			break
		}
		j++
	}
	return j
}

// isInitials reports whether the word at i is one to three initials of a
// name whose words start with the letters in set: a single letter in
// capitals or followed by a full stop, or two or three letters in capitals.
func (d *doc) isInitials(i int, set string, dot bool) bool {
	w := d.word(i)
	n := utf8.RuneCountInString(w)
	if n < 1 || n > 3 {
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) || !strings.ContainsRune(set, r) {
			return false
		}
	}
	if n == 1 && dot {
		return true
	}
	orig := d.text[d.start[d.atoms[i].from]:d.end[d.atoms[i].to-1]]
	return !strings.ContainsFunc(orig, unicode.IsLower)
}

// findPhones finds phone numbers: runs of groups of digits separated by
// up to three spaces, hyphens, dots, brackets or slashes, whose digits
// hold a hidden number's.
func (s *scrubber) findPhones(d *doc, hit func(id int32, from, to int)) {
	if len(s.phones) == 0 {
		return
	}
	for _, run := range d.phoneRuns() {
		digits := d.runDigits(run)
		// starts[k] is the index in digits of the first digit of atom
		// run.first+k.
		starts := make([]int, 0, run.last-run.first+1)
		n := 0
		for a := run.first; a <= run.last; a++ {
			starts = append(starts, n)
			n += d.atoms[a].to - d.atoms[a].from
		}
		atomOf := func(i int) int {
			k, found := slices.BinarySearch(starts, i)
			if !found {
				k--
			}
			return k
		}
		for _, id := range s.phones {
			core := s.spellings[id].text
			for off := 0; off < len(digits); {
				m := strings.Index(digits[off:], core)
				if m < 0 {
					break
				}
				m += off
				first, last := atomOf(m), atomOf(m+len(core)-1)
				// Take in a +44, 0044 or (0) written before the number.
				for first > 0 && isTrunkPrefix(digits[starts[first-1]:m]) {
					first--
				}
				from, to := d.atoms[run.first+first].from, d.atoms[run.first+last].to
				for k := 0; k < 2 && from > 0; k++ {
					c := d.fold[from-1]
					if c != '+' && (c != '(' || strings.IndexByte(d.fold[from:to], ')') < 0) {
						break
					}
					from--
				}
				hit(id, from, to)
				off = m + 1
			}
		}
	}
}

func isTrunkPrefix(p string) bool {
	switch p {
	case "0", "44", "440", "0044", "00440":
		return true
	}
	return false
}

// phoneRun is a run of groups of digits, each a whole word.
type phoneRun struct {
	first, last int  // atoms
	from        int  // byte of fold where the run starts, with a + or ( before it
	plus        bool // written with a + before it
}

// phoneRuns returns the runs of groups of digits in d, each separated from
// the next by up to three spaces, hyphens, dots, brackets or slashes.
func (d *doc) phoneRuns() []phoneRun {
	var runs []phoneRun
	for i := 0; i < len(d.atoms); {
		if !allDigits(d.word(i)) {
			i++
			continue
		}
		j := i
		for j+1 < len(d.atoms) && allDigits(d.word(j+1)) && isPhoneSep(d.sep(j)) {
			j++
		}
		run := phoneRun{first: i, last: j, from: d.atoms[i].from}
		for k := 0; k < 2 && run.from > 0 && (d.fold[run.from-1] == '+' || d.fold[run.from-1] == '('); k++ {
			run.from--
			run.plus = run.plus || d.fold[run.from] == '+'
		}
		runs = append(runs, run)
		i = j + 1
	}
	return runs
}

func isPhoneSep(sep string) bool { return len(sep) <= 3 && onlyBytes(sep, " \t().-/") }

// runDigits returns the digits of a run.
func (d *doc) runDigits(run phoneRun) string {
	var b strings.Builder
	for a := run.first; a <= run.last; a++ {
		b.WriteString(d.word(a))
	}
	return b.String()
}

// findEmails finds the hidden email addresses, in any case, where they do
// not start or end inside a word.
func (s *scrubber) findEmails(d *doc, hit func(id int32, from, to int)) {
	for _, id := range s.emails {
		e := s.spellings[id].text
		for off := 0; off < len(d.fold); {
			m := strings.Index(d.fold[off:], e)
			if m < 0 {
				break
			}
			m += off
			end := m + len(e)
			if (m == 0 || !isWordByte(e[0]) || !isWordByte(d.fold[m-1])) &&
				(end == len(d.fold) || !isWordByte(e[len(e)-1]) || !isWordByte(d.fold[end])) {
				hit(id, m, end)
			}
			off = m + 1
		}
	}
}

var months = map[string]int{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

// findDates reads every date-like stretch of d and compares it with the
// hidden dates: three numbers (a four-digit year first or last, a two-digit
// year last; day and month both ways round) separated by / - or ., and a
// day (1, 01, 1st, 1st of), a month's name or abbreviation and a year in
// either order of day and month.
func (s *scrubber) findDates(d *doc, hit func(id int32, from, to int)) {
	if len(s.dates) == 0 {
		return
	}
	n := len(d.atoms)
	found := func(from, to, y, m, day int, short bool) {
		for _, id := range s.dates {
			h := s.spellings[id].date
			if m == h[1] && day == h[2] && (y == h[0] || (short && y == h[0]%100)) {
				hit(id, d.atoms[from].from, d.atoms[to].to)
			}
		}
	}
	for i := range n {
		a := d.word(i)
		// 1990-07-01, 01/07/1990, 07/01/1990, 01.07.90
		if i+2 < n && allDigits(a) && isNumericDateSep(d.sep(i)) && isNumericDateSep(d.sep(i+1)) {
			b, c := d.word(i+1), d.word(i+2)
			if allDigits(b) && allDigits(c) && len(b) <= 2 {
				x, y, z := atoi(a), atoi(b), atoi(c)
				switch {
				case len(a) == 4 && len(c) <= 2:
					found(i, i+2, x, y, z, false)
					found(i, i+2, x, z, y, false)
				case len(a) <= 2 && (len(c) == 4 || len(c) == 2):
					found(i, i+2, z, y, x, len(c) == 2)
					found(i, i+2, z, x, y, len(c) == 2)
				}
			}
		}
		// 1 July 1990, 1st of July 1990, 1-Jul-90
		if day, ok := dayOf(a); ok && i+2 < n && isTextDateSep(d.sep(i)) {
			j := i + 1
			if d.word(j) == "of" && j+2 < n && isTextDateSep(d.sep(j)) {
				j++
			}
			if m, ok := months[d.word(j)]; ok && j+1 < n && isTextDateSep(d.sep(j)) {
				if y, short, ok := yearOf(d.word(j + 1)); ok {
					found(i, j+1, y, m, day, short)
				}
			}
		}
		// July 1, 1990; July 1st 1990
		if m, ok := months[a]; ok && i+2 < n && isTextDateSep(d.sep(i)) && isTextDateSep(d.sep(i+1)) {
			if day, ok := dayOf(d.word(i + 1)); ok {
				if y, short, ok := yearOf(d.word(i + 2)); ok {
					found(i, i+2, y, m, day, short)
				}
			}
		}
	}
}

func isNumericDateSep(sep string) bool {
	return len(sep) <= 3 && onlyBytes(sep, " \t/-.") && len(strings.Trim(sep, " \t")) == 1
}

func isTextDateSep(sep string) bool { return sep != "" && len(sep) <= 3 && onlyBytes(sep, " \t\n,.-/") }

// dayOf reads a day of the month: 1, 01, 1st, 2nd, 3rd, 4th.
func dayOf(w string) (int, bool) {
	i := 0
	for i < len(w) && isDigit(w[i]) {
		i++
	}
	if i == 0 || i > 2 {
		return 0, false
	}
	switch w[i:] {
	case "", "st", "nd", "rd", "th":
	default:
		return 0, false
	}
	day := atoi(w[:i])
	return day, day >= 1 && day <= 31
}

// yearOf reads a year of four digits, or two (short).
func yearOf(w string) (year int, short, ok bool) {
	if !allDigits(w) || (len(w) != 4 && len(w) != 2) {
		return 0, false, false
	}
	return atoi(w), len(w) == 2, true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 9; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// A doc is a text folded for matching: letters in lower case without
// accents, in compatibility form; spaces, apostrophes and dashes of every
// kind as ' ', '\” and '-'; other punctuation as ASCII where it has an
// ASCII form and as otherByte where it has none; combining marks and
// invisible formatting characters dropped. Every byte of the folded text
// that is not ASCII is part of a letter.
type doc struct {
	text  string
	fold  string
	start []int32 // for each byte of fold, where its character starts in text
	end   []int32 // for each byte of fold, where its character ends in text, with the marks after it
	atoms []span  // words: runs of letters and digits in fold
}

// span is a stretch of a doc's folded text, or of its words.
type span struct{ from, to int }

// otherByte stands in the folded text for a character that is neither a
// letter, a digit nor punctuation with an ASCII form, and for invalid
// UTF-8.
const otherByte = 0x1a

type runeClass uint8

const (
	classOther       runeClass = iota // not part of a word
	classWord                         // a letter or a digit
	classTransparent                  // a mark or formatting: dropped
)

// analyse folds text and finds its words.
func analyse(text string) *doc {
	d := &doc{text: text, start: make([]int32, 0, len(text)), end: make([]int32, 0, len(text))}
	fold := make([]byte, 0, len(text))
	var cache map[rune]folded
	lastWord := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		var f folded
		switch {
		case r < utf8.RuneSelf:
			f = asciiFolds[r]
		case r == utf8.RuneError && size == 1:
			f = asciiFolds[otherByte]
		default:
			var ok bool
			if f, ok = cache[r]; !ok {
				f = foldRune(r)
				if cache == nil {
					cache = map[rune]folded{}
				}
				cache[r] = f
			}
		}
		if f.class == classTransparent {
			if lastWord {
				d.end[len(d.end)-1] = int32(i + size)
			}
		} else {
			for k := 0; k < len(f.text); k++ {
				fold = append(fold, f.text[k])
				d.start = append(d.start, int32(i))
				d.end = append(d.end, int32(i+size))
			}
			lastWord = f.class == classWord
		}
		i += size
	}
	d.fold = string(fold)
	for k := 0; k < len(d.fold); {
		if !isWordByte(d.fold[k]) {
			k++
			continue
		}
		j := k
		for j < len(d.fold) && isWordByte(d.fold[j]) {
			j++
		}
		d.atoms = append(d.atoms, span{k, j})
		k = j
	}
	return d
}

// word returns the folded word i.
func (d *doc) word(i int) string { return d.fold[d.atoms[i].from:d.atoms[i].to] }

// sep returns the folded separator between words i and i+1.
func (d *doc) sep(i int) string { return d.fold[d.atoms[i].to:d.atoms[i+1].from] }

// words returns the folded words.
func (d *doc) words() []string {
	out := make([]string, len(d.atoms))
	for i := range out {
		out[i] = d.word(i)
	}
	return out
}

// join returns words i to j run together.
func (d *doc) join(i, j int) string {
	var b strings.Builder
	for k := i; k <= j; k++ {
		b.WriteString(d.word(k))
	}
	return b.String()
}

func (d *doc) hasDigit() bool { return strings.ContainsAny(d.fold, "0123456789") }

type folded struct {
	text  string
	class runeClass
}

// asciiFolds are the foldings of the ASCII characters.
var asciiFolds = func() (t [utf8.RuneSelf]folded) {
	for b := range t {
		t[b] = foldASCII(byte(b))
	}
	return t
}()

func foldASCII(b byte) folded {
	switch {
	case b >= 'A' && b <= 'Z':
		return folded{string(rune(b + 'a' - 'A')), classWord}
	case isAlnum(b):
		return folded{string(rune(b)), classWord}
	case b == '\v' || b == '\f':
		return folded{" ", classOther}
	case b == '`':
		return folded{"'", classOther}
	case b == '\t' || b == '\n' || b == '\r' || (b >= ' ' && b < 0x7f):
		return folded{string(rune(b)), classOther}
	}
	return folded{string(rune(otherByte)), classOther}
}

// specialFolds are letters that have no decomposition but a usual plain
// spelling.
var specialFolds = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'ł': "l", 'Ł': "l", 'þ': "th", 'Þ': "th",
	'ı': "i", 'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t", 'ς': "σ",
}

// isApostrophe reports whether r is written for an apostrophe.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', '\u00b4', '\u2018', '\u2019', '\u201a', '\u201b', '\u2032', '\u02b9', '\u02bb', '\u02bc', '\u02bd', '\uff07':
		return true
	}
	return false
}

// foldRune folds a character that is not ASCII.
func foldRune(r rune) folded {
	switch {
	case isApostrophe(r):
		return folded{"'", classOther}
	case specialFolds[r] != "":
		return folded{specialFolds[r], classWord}
	case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me, unicode.Cf):
		return folded{"", classTransparent}
	case r == 0x85 || r == 0x2028 || r == 0x2029:
		return folded{"\n", classOther}
	case unicode.IsSpace(r):
		return folded{" ", classOther}
	case r == 0x2212 || unicode.Is(unicode.Pd, r):
		return folded{"-", classOther}
	}
	var b []byte
	var punct byte
	for _, c := range norm.NFKD.String(string(r)) {
		switch {
		case isApostrophe(c):
		case unicode.IsLetter(c):
			c = unicode.ToLower(c)
			if s := specialFolds[c]; s != "" {
				b = append(b, s...)
			} else {
				b = utf8.AppendRune(b, c)
			}
		case unicode.IsDigit(c):
			b = utf8.AppendRune(b, c)
		case punct == 0 && c > ' ' && c < 0x7f:
			punct = byte(c)
		}
	}
	switch {
	case len(b) > 0:
		return folded{string(b), classWord}
	case punct != 0:
		return asciiFolds[punct]
	}
	return folded{string(rune(otherByte)), classOther}
}

func isDigit(b byte) bool    { return b >= '0' && b <= '9' }
func isLower(b byte) bool    { return b >= 'a' && b <= 'z' }
func isAlnum(b byte) bool    { return isDigit(b) || isLower(b) || (b >= 'A' && b <= 'Z') }
func isWordByte(b byte) bool { return b >= utf8.RuneSelf || isDigit(b) || isLower(b) }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// onlyBytes reports whether every byte of s is one of set's.
func onlyBytes(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

// trie holds the folded names and phrases, byte by byte.
type trie struct {
	nodes []trieNode
	edges map[uint64]int32
}

type trieNode struct {
	kinds uint8   // the kinds of the spellings that end at or below the node
	ends  []int32 // the spellings that end at the node
}

func newTrie() trie { return trie{nodes: []trieNode{{}}, edges: map[uint64]int32{}} }

func (t *trie) insert(text string, id int32, kind spellKind) {
	n := int32(0)
	t.nodes[0].kinds |= 1 << kind
	for i := 0; i < len(text); i++ {
		key := uint64(n)<<8 | uint64(text[i])
		next, ok := t.edges[key]
		if !ok {
			next = int32(len(t.nodes))
			t.nodes = append(t.nodes, trieNode{})
			t.edges[key] = next
		}
		n = next
		t.nodes[n].kinds |= 1 << kind
	}
	t.nodes[n].ends = append(t.nodes[n].ends, id)
}

// walk follows text from node n; it returns -1 where the trie ends.
func (t *trie) walk(n int32, text string) int32 {
	if len(t.nodes) == 0 {
		return -1
	}
	for i := 0; i < len(text) && n >= 0; i++ {
		next, ok := t.edges[uint64(n)<<8|uint64(text[i])]
		if !ok {
			return -1
		}
		n = next
	}
	return n
}
