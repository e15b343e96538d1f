package referral

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/saferpath/pathway/diag"
)

// Limits on a referral's lists. A referral with more items is invalid: the
// lists are bounded so that evaluating rules over them stays bounded.
const (
	MaxVictims  = 50
	MaxChildren = 20
	MaxAgencies = 50
)

// ScoreRange is the range of scores a risk instrument gives, both ends
// inclusive.
type ScoreRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Unbounded is the Max of a ScoreRange with no upper limit.
const Unbounded = math.MaxInt

// defaultRanges is the range of scores each risk instrument gives: the one
// table of ranges, used unless a rule pack configures its own. A score for
// an instrument with no range here is only checked to be at least 0.
var defaultRanges = map[Instrument]ScoreRange{
	InstrumentDASH24: {Min: 0, Max: 24},
	InstrumentDASH27: {Min: 0, Max: 27},
	InstrumentSDASH:  {Min: 0, Max: 11},
	InstrumentDARA:   {Min: 0, Max: Unbounded},
	InstrumentOther:  {Min: 0, Max: Unbounded},
}

// DefaultScoreRanges returns the range of scores each risk instrument
// gives, as used when no rule pack configures its own. The map is the
// caller's own.
func DefaultScoreRanges() map[Instrument]ScoreRange { return maps.Clone(defaultRanges) }

// ValidateOption changes how Validate checks a referral. An option that is
// given bad settings makes Validate return that problem.
type ValidateOption func(*validateConfig) error

type validateConfig struct {
	ranges map[Instrument]ScoreRange
	// ctx carries ranges to the struct-level rules, made once with them;
	// nil when it is still to be made.
	ctx context.Context
}

// rangesContext carries score ranges to the struct-level rules.
func rangesContext(ranges map[Instrument]ScoreRange) context.Context {
	return context.WithValue(context.Background(), configKey{}, ranges)
}

// defaultContext carries the default ranges.
var defaultContext = rangesContext(defaultRanges)

// WithScoreRanges checks risk scores against ranges instead of the default
// ones,
// for instance those a rule pack configures. Instruments missing from
// ranges are only checked to be at least 0.
//
// The ranges are checked and copied when the option is made, so that one
// option can check any number of referrals at no further cost: changing
// the map afterwards does not change the option.
func WithScoreRanges(ranges map[Instrument]ScoreRange) ValidateOption {
	var bad error
	for inst, r := range ranges {
		if r.Min > r.Max {
			bad = fmt.Errorf("the score range of %s runs from %d down to %d", inst, r.Min, r.Max)
			break
		}
	}
	own := maps.Clone(ranges)
	ctx := rangesContext(own)
	return func(c *validateConfig) error {
		if bad != nil {
			return bad
		}
		c.ranges, c.ctx = own, ctx
		return nil
	}
}

type configKey struct{}

var (
	validateOnce sync.Once
	validate     *validator.Validate
)

// theValidator returns the one validator, built on first use. It caches
// struct information and is safe for concurrent use.
func theValidator() *validator.Validate {
	validateOnce.Do(func() {
		v := validator.New(validator.WithRequiredStructEnabled())
		v.RegisterTagNameFunc(func(f reflect.StructField) string {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				return ""
			}
			return name
		})
		_ = v.RegisterValidation("enum", func(fl validator.FieldLevel) bool {
			enum := enumOfType(fl.Field().Type())
			return enum == "" || Valid(enum, fl.Field().String())
		})
		v.RegisterStructValidationCtx(referralRules, Referral{})
		v.RegisterStructValidationCtx(victimRules, Victim{})
		v.RegisterStructValidationCtx(riskToStaffRules, RiskToStaff{})
		v.RegisterStructValidationCtx(riskAssessmentRules, RiskAssessment{})
		ruled := map[reflect.Type]bool{
			reflect.TypeFor[Referral](): true, reflect.TypeFor[Victim](): true,
			reflect.TypeFor[RiskToStaff](): true, reflect.TypeFor[RiskAssessment](): true,
		}
		for t, skip := range unchecked(reflect.TypeFor[Referral](), ruled) {
			v.RegisterStructValidationMapRules(skip, reflect.New(t).Elem().Interface())
		}
		validate = v
	})
	return validate
}

// unchecked finds, for each struct type of the referral, the fields that
// validation has nothing to check in: no validate tag, and no struct under
// them with a tag or with rules of its own (ruled). The validator is told
// to pass them over ("-") rather than look at each of them in every
// referral, and not to dive into the items of a list that have nothing to
// check (a list's own length is still checked); the struct-level rules
// still read them.
func unchecked(top reflect.Type, ruled map[reflect.Type]bool) map[reflect.Type]map[string]string {
	checks := map[reflect.Type]bool{}
	var hasChecks func(t reflect.Type) bool
	hasChecks = func(t reflect.Type) bool {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		if c, seen := checks[t]; seen {
			return c
		}
		checks[t] = false // a type that holds itself is not looked into twice
		c := ruled[t]
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() && (f.Tag.Get("validate") != "" || hasChecks(f.Type)) {
				c = true
			}
		}
		checks[t] = c
		return c
	}
	out := map[reflect.Type]map[string]string{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || !hasChecks(t) {
			return
		}
		if _, done := out[t]; done {
			return
		}
		skip := map[string]string{}
		out[t] = skip
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("validate")
			if !hasChecks(f.Type) {
				// Nothing under the field to check: no need to look at it,
				// nor to dive into its items.
				if rest, ok := strings.CutSuffix(tag, "dive"); ok {
					tag = strings.TrimSuffix(rest, ",")
				}
				if tag == "" {
					skip[f.Name] = "-"
				} else if tag != f.Tag.Get("validate") {
					skip[f.Name] = tag
				}
				continue
			}
			walk(f.Type)
		}
	}
	walk(top)
	for t, skip := range out {
		if len(skip) == 0 {
			delete(out, t)
		}
	}
	return out
}

// Validate checks the referral against wire format v1 and returns every
// problem at once as a diag.List (nil when it is valid). Each problem has
// the JSON path of the value concerned (victims[1].reasonNotKnown), a stable
// code and a plain-English message for the referrer that never repeats a
// personal value. The problems carry no file positions; Read adds them.
//
// Codes: required, no-victims, no-referrer-contact, bad-email, bad-enum,
// reason-not-known-required, services-provided-required,
// updates-without-consent, spo-unanswered, risk-details-required,
// score-out-of-range, out-of-range, too-many-items, too-long,
// implausible-birth-date, past-court-date, future-assessment,
// control-character.
//
// Answers left blank that the rules need (acceptsResponsibility, say) do not
// make a referral invalid; they make an eligibility decision incomplete.
func (r *Referral) Validate(opts ...ValidateOption) error {
	if r == nil {
		return diag.List{{Severity: diag.Error, Code: "required", Summary: "No referral", Detail: "There is no referral to check."}}
	}
	ctx := defaultContext
	if len(opts) > 0 {
		cfg := &validateConfig{ranges: defaultRanges, ctx: defaultContext}
		for _, o := range opts {
			if err := o(cfg); err != nil {
				return diag.List{{Severity: diag.Error, Code: "bad-option", Summary: "The validation settings are wrong", Detail: sentenceOf(err.Error())}}
			}
		}
		if cfg.ctx == nil {
			cfg.ctx = rangesContext(cfg.ranges)
		}
		ctx = cfg.ctx
	}
	// Lists longer than allowed are reported, and only their first items
	// are checked: nothing iterates over more.
	checked, capList := capped(r)
	var list diag.List
	// The referral is validated as a value, not through its pointer: the
	// validator then reads its fields (and those of its subject and
	// referrer) in place, where through a pointer it copies each text it
	// looks at to the heap.
	if err := theValidator().StructCtx(ctx, *checked); err != nil {
		var fieldErrs validator.ValidationErrors
		if !errors.As(err, &fieldErrs) {
			return diag.List{{Severity: diag.Error, Code: "internal", Summary: "The referral could not be checked",
				Detail: "Validation failed to run. This is a fault in the program, not in the referral."}}
		}
		for _, fe := range fieldErrs {
			list = append(list, problem(fe))
		}
	}
	if len(capList) > 0 {
		// The items of a list that is too long are not checked one by
		// one: the list must be cut first.
		list = slices.DeleteFunc(list, func(d *diag.Diagnostic) bool {
			return slices.ContainsFunc(capList, func(c *diag.Diagnostic) bool { return strings.HasPrefix(d.Path, c.Path+"[") })
		})
		list = append(list, capList...)
	}
	list = append(list, checkWithheld(r.Withheld)...)
	if len(r.Withheld) > 0 {
		list = dropWithheld(list, r.Withheld)
	}
	if len(list) == 0 {
		return nil
	}
	return list
}

// Capped returns r with its lists cut to the most items a referral may
// have (MaxVictims, MaxChildren, MaxAgencies): r itself when none is longer.
// Whatever must not iterate over more items than those works on it.
func Capped(r *Referral) *Referral {
	c, _ := capped(r)
	return c
}

func capped(r *Referral) (*Referral, diag.List) {
	if len(r.Victims) <= MaxVictims && len(r.Children) <= MaxChildren && len(r.OtherAgencies) <= MaxAgencies {
		return r, nil
	}
	c := *r
	var list diag.List
	cut := func(n, most int, p string) int {
		if n <= most {
			return n
		}
		list = append(list, &diag.Diagnostic{Severity: diag.Error, Code: "too-many-items", Path: p,
			Summary: fmt.Sprintf("Too many %s", label(p)),
			Detail:  fmt.Sprintf("At most %d are accepted in one referral. Send the rest in a second referral, or contact the co-ordinator.", most)})
		return most
	}
	c.Victims = c.Victims[:cut(len(r.Victims), MaxVictims, "victims")]
	c.Children = c.Children[:cut(len(r.Children), MaxChildren, "children")]
	c.OtherAgencies = c.OtherAgencies[:cut(len(r.OtherAgencies), MaxAgencies, "otherAgencies")]
	return &c, list
}

// checkWithheld reports entries of withheld that name no field.
func checkWithheld(withheld []string) diag.List {
	var list diag.List
	for i, p := range withheld {
		if _, ok := FieldAt(p); !ok {
			list = append(list, &diag.Diagnostic{Severity: diag.Error, Code: "unknown-field", Path: "withheld[" + strconv.Itoa(i) + "]",
				Summary: "Not a field of the referral",
				Detail:  "withheld lists the JSON paths of the answers a view leaves out, such as victims[].name. Check the path."})
		}
		if i >= 200 {
			break
		}
	}
	return list
}

// dropWithheld removes the problems about answers a view withholds: a
// required answer it leaves out is not missing.
func dropWithheld(list diag.List, withheld []string) diag.List {
	held := make(map[string]bool, len(withheld))
	for _, p := range withheld {
		held[TemplatePath(p)] = true
	}
	return slices.DeleteFunc(list, func(d *diag.Diagnostic) bool {
		if d.Code == "no-referrer-contact" {
			return held["referrer.phone"] || held["referrer.email"]
		}
		return held[TemplatePath(d.Path)]
	})
}

func sentenceOf(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// path turns a validator namespace (Referral.victims[1].name) into a JSON
// path (victims[1].name).
func path(ns string) string {
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ""
}

// label names the field at path in messages, from its description.
func label(p string) string {
	if f, ok := FieldAt(p); ok && f.Label != "" {
		return f.Label
	}
	return "this field"
}

// problem turns one validator error into a diagnostic.
func problem(fe validator.FieldError) *diag.Diagnostic {
	p := path(fe.Namespace())
	d := &diag.Diagnostic{Severity: diag.Error, Path: p}
	enum := EnumOf(fe.Value())
	switch tag := fe.Tag(); {
	case tag == "required" && enum != "":
		d.Code, d.Summary = "required", "Required but missing"
		d.Detail = fmt.Sprintf("Give %s: one of %s.", label(p), diag.Quoted(enumValues(enum)))
	case tag == "required":
		d.Code, d.Summary = "required", "Required but missing"
		d.Detail = fmt.Sprintf("The form cannot be processed without %s. Fill it in.", label(p))
	case tag == "enum":
		d.Code, d.Summary = "bad-enum", "Not one of the allowed values"
		d.Detail = fmt.Sprintf("Use one of %s, written exactly so.", diag.Quoted(enumValues(enum)))
	case tag == "email":
		d.Code, d.Summary = "bad-email", "Not a valid email address"
		d.Detail = "Check the address: it should look like name@example.org."
	case tag == "min" && p == "victims":
		d.Code, d.Summary = "no-victims", "No victim is listed"
		d.Detail = "Every referral names at least one victim or survivor. Add the victim's details."
	case tag == "min" || tag == "max" && fe.Kind() != reflect.String && fe.Kind() != reflect.Slice:
		d.Code, d.Summary = "out-of-range", "The number is out of range"
		d.Detail = "The number cannot be negative or implausibly large. Check it."
	case tag == "max" && fe.Kind() == reflect.Slice:
		d.Code, d.Summary = "too-many-items", fmt.Sprintf("Too many %s", label(p))
		d.Detail = fmt.Sprintf("At most %s are accepted in one referral. Send the rest in a second referral, or contact the co-ordinator.", fe.Param())
	case tag == "max":
		d.Code, d.Summary = "too-long", "The text is too long"
		d.Detail = fmt.Sprintf("At most %s characters are accepted for %s. Shorten it.", fe.Param(), label(p))
	default:
		// Struct-level rules report their code as the tag and the detail as
		// the parameter.
		d.Code = tag
		d.Summary, d.Detail = ruleMessages[tag], fe.Param()
		if d.Summary == "" {
			d.Summary = "Not valid"
		}
	}
	return d
}

// ruleMessages are the summaries of the struct-level rules.
var ruleMessages = map[string]string{
	"no-referrer-contact":        "The referrer has no phone number or email address",
	"reason-not-known-required":  "Why the victim is not known to a support service is missing",
	"services-provided-required": "The support services the victim was told about are missing",
	"updates-without-consent":    "Updates are wanted without consent to contact",
	"spo-unanswered":             "Whether the person is subject to a Stalking Protection Order is not answered",
	"risk-details-required":      "The details of the risk to staff are missing",
	"score-out-of-range":         "The score is outside the instrument's range",
	"implausible-birth-date":     "The date of birth cannot be right",
	"past-court-date":            "The next court date is before the referral was sent",
	"future-assessment":          "The risk assessment is dated after the referral was sent",
	"control-character":          "The text holds a control character",
}

// current returns the struct a struct-level rule is called for, without
// copying it when the validator reads it in place.
func current[T any](sl validator.StructLevel) (*T, bool) {
	v := sl.Current()
	if v.CanAddr() {
		p, ok := v.Addr().Interface().(*T)
		return p, ok
	}
	t, ok := v.Interface().(T)
	return &t, ok
}

func referralRules(_ context.Context, sl validator.StructLevel) {
	// Validate hands the validator the referral as a value: its copy here
	// stays on the stack.
	v := sl.Current()
	if v.CanAddr() {
		if r, ok := v.Addr().Interface().(*Referral); ok {
			checkReferral(sl, r)
		}
		return
	}
	if r, ok := v.Interface().(Referral); ok {
		checkReferral(sl, &r)
	}
}

// checkReferral applies the referral-level rules to r.
func checkReferral(sl validator.StructLevel, r *Referral) {
	if r.Referrer.Phone == "" && r.Referrer.Email == "" {
		sl.ReportError(r.Referrer, "referrer", "Referrer", "no-referrer-contact",
			"The police co-ordinator calls the referrer about every referral. Give a phone number, an email address, or both.")
	}
	if r.Form == FormCOBI && r.Subject.SubjectToSPO == nil {
		sl.ReportError(r.Subject.SubjectToSPO, "subject.subjectToSPO", "SubjectToSPO", "spo-unanswered",
			"The COBI form asks whether the person is subject to a Stalking Protection Order (SPO). Answer true or false.")
	}
	plausibleDates(sl, r)
	if !r.anyControl() {
		return // the common case, found without building a path
	}
	c := *r // walked by reflection: a copy, so that r need not be on the heap
	walkText(reflect.ValueOf(&c).Elem(), "", func(path string, text string, free bool) {
		if hasControl(text, free) {
			detail := "Remove the control character (an invisible character such as an escape code or a null): only letters, digits, spaces and punctuation are accepted here."
			if free {
				detail = "Remove the control character (an invisible character such as an escape code or a null): free text may hold line breaks and tabs, nothing else of that kind."
			}
			sl.ReportError(text, path, path, "control-character", detail)
		}
	})
}

// earliestBirth is the earliest date of birth accepted: an earlier one is a
// slip of the keyboard.
var earliestBirth = NewDate(1900, time.January, 1)

// plausibleDates reports dates that cannot be right: a date of birth in the
// future or before 1900, a next court hearing before the referral was sent,
// a risk assessment completed after it.
func plausibleDates(sl validator.StructLevel, r *Referral) {
	// The path of a date is made only for a date that is wrong.
	birth := func(d BirthDate, list string, i int) {
		var detail string
		switch {
		case d.IsZero():
			return
		case d.Before(earliestBirth):
			detail = "A date of birth before 1900 cannot be right. Check the year."
		case !r.DateSent.IsZero() && d.After(r.DateSent):
			detail = "A date of birth cannot be after the date the referral was sent. Check the date."
		default:
			return
		}
		path := "subject.dateOfBirth"
		if list != "" {
			path = list + "[" + strconv.Itoa(i) + "].dateOfBirth"
		}
		sl.ReportError(d, path, path, "implausible-birth-date", detail)
	}
	birth(r.Subject.DateOfBirth, "", 0)
	for i := range r.Victims {
		birth(r.Victims[i].DateOfBirth, "victims", i)
	}
	for i := range r.Children {
		birth(r.Children[i].DateOfBirth, "children", i)
	}
	if r.DateSent.IsZero() {
		return
	}
	if d := r.Subject.NextCourtDate; !d.IsZero() && d.Before(r.DateSent) {
		sl.ReportError(d, "subject.nextCourtDate", "NextCourtDate", "past-court-date",
			"The next court hearing cannot be before the date the referral was sent: a past hearing is not the next one. Give the date of the next hearing, or leave it out if none is set.")
	}
	if a := r.RiskAssessment; a != nil && !a.CompletedOn.IsZero() && a.CompletedOn.After(r.DateSent) {
		sl.ReportError(a.CompletedOn, "riskAssessment.completedOn", "CompletedOn", "future-assessment",
			"A risk assessment sent with the referral cannot be completed after the referral was sent. Check the date.")
	}
}

// walkText calls fn with every text answer of v (a struct, pointer or
// slice of the referral's types) and its JSON path; free is true for free
// text.
func walkText(v reflect.Value, path string, fn func(path, text string, free bool)) {
	switch v.Kind() {
	case reflect.String:
		fn(path, v.String(), v.Type() == reflect.TypeFor[Text]() || v.Type() == reflect.TypeFor[Contact]())
	case reflect.Pointer:
		if !v.IsNil() {
			walkText(v.Elem(), path, fn)
		}
	case reflect.Slice:
		for i := range v.Len() {
			walkText(v.Index(i), path+"["+strconv.Itoa(i)+"]", fn)
		}
	case reflect.Struct:
		t := v.Type()
		if t == typeDate || t == typeBirthDate {
			return
		}
		for i := range t.NumField() {
			if name := jsonName(t.Field(i)); name != "" {
				p := name
				if path != "" {
					p = path + "." + name
				}
				walkText(v.Field(i), p, fn)
			}
		}
	}
}

// anyControl reports whether any text of the referral holds a control
// character that no text may hold, or a line break or tab (which walkText
// looks at again, knowing which texts are free text). It reads each text
// directly: it runs for every referral, and most have none.
// TestAnyControlSeesEveryText holds it to the referral's types.
func (r *Referral) anyControl() bool {
	if controlIn(r.ID) || controlIn(string(r.Form)) || controlIn(string(r.BehaviourSummary)) {
		return true
	}
	if f := &r.Referrer; controlIn(string(f.Name)) || controlIn(f.Organisation) || controlIn(f.Role) ||
		controlIn(string(f.Phone)) || controlIn(string(f.Email)) {
		return true
	}
	if s := &r.Subject; controlIn(string(s.Name)) || controlIn(string(s.Address)) || controlIn(string(s.Phone)) ||
		controlIn(string(s.Email)) || controlIn(string(s.Gender)) || controlIn(string(s.AcceptsResponsibility)) ||
		controlIn(string(s.SubstanceMisuse)) || controlIn(string(s.MentalHealth)) || controlIn(string(s.CurrentOrder)) ||
		controlIn(string(s.LikelyOrder)) {
		return true
	}
	for i := range r.OtherAgencies {
		if a := &r.OtherAgencies[i]; controlIn(a.Name) || controlIn(string(a.Contact)) || controlIn(string(a.Nature)) {
			return true
		}
	}
	for i := range r.Victims {
		if v := &r.Victims[i]; controlIn(string(v.Name)) || controlIn(string(v.Address)) || controlIn(string(v.Gender)) ||
			controlIn(string(v.Relationship)) || controlIn(string(v.ReasonNotKnown)) || controlIn(string(v.ServicesProvided)) ||
			controlIn(string(v.SupportServiceContact)) {
			return true
		}
	}
	if t := r.RiskToStaff; t != nil && controlIn(string(t.Details)) {
		return true
	}
	if a := r.RiskAssessment; a != nil && controlIn(string(a.Instrument)) {
		return true
	}
	for _, p := range r.Withheld {
		if controlIn(p) {
			return true
		}
	}
	return false
}

// controlIn reports whether text holds a control character, a line break
// or tab included, or a line or paragraph separator or bidirectional
// control: hasControl(text, true) or a line break or tab, in one pass that
// decodes only what is not ASCII.
func controlIn(text string) bool {
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			if b < 0x20 || b == 0x7f {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return true
		}
		i += n
	}
	return false
}

// hasControl reports whether text holds a control character; free text may
// hold line breaks and tabs.
func hasControl(text string, free bool) bool {
	for _, r := range text {
		if free && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			return true
		}
	}
	return false
}

func victimRules(_ context.Context, sl validator.StructLevel) {
	v, ok := current[Victim](sl)
	if !ok {
		return
	}
	if v.KnownToSupportService != nil && !*v.KnownToSupportService && strings.TrimSpace(string(v.ReasonNotKnown)) == "" {
		sl.ReportError(v.ReasonNotKnown, "reasonNotKnown", "ReasonNotKnown", "reason-not-known-required",
			"The victim is not known to a domestic abuse or stalking support service. Say why.")
	}
	if v.AwareOfSupportServices != nil && *v.AwareOfSupportServices && strings.TrimSpace(string(v.ServicesProvided)) == "" {
		sl.ReportError(v.ServicesProvided, "servicesProvided", "ServicesProvided", "services-provided-required",
			"The victim was made aware of support services. Give the details of those services.")
	}
	if v.WantsUpdates != nil && *v.WantsUpdates && (v.ConsentsToContact == nil || !*v.ConsentsToContact) {
		sl.ReportError(v.WantsUpdates, "wantsUpdates", "WantsUpdates", "updates-without-consent",
			"A victim can have updates about the programme only if they consent to contact from a support service. Check both answers with the victim.")
	}
}

func riskToStaffRules(_ context.Context, sl validator.StructLevel) {
	r, ok := current[RiskToStaff](sl)
	if !ok {
		return
	}
	if r.Present != nil && *r.Present && strings.TrimSpace(string(r.Details)) == "" {
		sl.ReportError(r.Details, "details", "Details", "risk-details-required",
			"The person is a risk to staff. Describe the risk, so that staff can plan how to deliver the intervention safely.")
	}
}

func riskAssessmentRules(ctx context.Context, sl validator.StructLevel) {
	a, ok := current[RiskAssessment](sl)
	if !ok || a.Score == nil {
		return
	}
	ranges := defaultRanges
	if r, ok := ctx.Value(configKey{}).(map[Instrument]ScoreRange); ok && r != nil {
		ranges = r
	}
	rg, known := ranges[a.Instrument]
	if !known {
		rg = ScoreRange{Min: 0, Max: Unbounded}
	}
	if *a.Score < rg.Min || *a.Score > rg.Max {
		var detail string
		switch {
		case !known || a.Instrument == "":
			detail = fmt.Sprintf("A risk score cannot be below %d. Check the score.", rg.Min)
		case rg.Max == Unbounded:
			detail = fmt.Sprintf("A %s score cannot be below %d. Check the score and the instrument.", a.Instrument, rg.Min)
		default:
			detail = fmt.Sprintf("A %s score lies between %s and %s. Check the score and the instrument.", a.Instrument, strconv.Itoa(rg.Min), strconv.Itoa(rg.Max))
		}
		sl.ReportError(a.Score, "score", "Score", "score-out-of-range", detail)
	}
}
