package server

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

// The referral form: GET /refer is a page for referrers, built in the
// browser from GET /refer/form.json, which describes every question from
// the referral's one description (referral.Fields). The page checks the
// answers with the service's own endpoints as they are typed, assesses
// them on "Check", and, with an outbox, sends them. docs/service.md
// describes it.

//go:embed assets
var assets embed.FS

// pagePolicy is the Content-Security-Policy of the form's page and
// assets: scripts, styles and requests from the service itself only, no
// inline script or style, no frames, no plugins, no form posts.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// apiPolicy is the Content-Security-Policy of every other answer: JSON,
// which nothing may run or frame.
const apiPolicy = "default-src 'none'; frame-ancestors 'none'"

// NextSteps tells a referrer what happens to a referral once it is sent.
const NextSteps = "Your referral has gone to the police Perpetrator Programme Co-ordinator, who receives every referral " +
	"and will call you to discuss it. Quote your reference if you contact them about it."

// publicCaller is the caller of the public form's endpoints: a referrer,
// named public-form in the decision log.
var publicCaller = Caller{Name: "public-form", Role: "referrer"}

// FormDescription is the answer of GET /refer/form.json: what the
// referral form page is built from, and where it sends the referral.
type FormDescription struct {
	// Fields are the referral's questions, in the order the form asks
	// them: referral.Fields.
	Fields []FormField `json:"fields"`
	// Token is true when the page must ask for the referrer's token and
	// send it as a bearer token; false with the public form.
	Token bool `json:"token"`
	// Validate, Assess and Send are the endpoints the page uses; Send is
	// "" when the service has no outbox.
	Validate string `json:"validate"`
	Assess   string `json:"assess"`
	Send     string `json:"send"`
	// MaxBody is the largest referral the endpoints take, in bytes.
	MaxBody int `json:"maxBody"`
	// Titles are the titles of the rules, programmes and safety actions
	// of each version of the pack, by version and id, for naming them in
	// an assessment.
	Titles map[string]map[string]string `json:"titles"`
	// Next says what happens to a referral once it is sent.
	Next string `json:"next"`
}

// FormField is one question of the form: one field of referral.Fields.
type FormField struct {
	// Path is the field's JSON path, with [] where a list index goes.
	Path string `json:"path"`
	Name string `json:"name"`
	// Kind is text, choice, yes-no, number, date, group or list.
	Kind string `json:"kind"`
	// Label names the field in messages; Question is how the form asks
	// for it, and Help what the form says to help answer it.
	Label    string `json:"label"`
	Question string `json:"question"`
	Help     string `json:"help,omitempty"`
	// Enum names a choice's enumeration; Values are its allowed values,
	// and ValueLabels the words shown for each.
	Enum        string   `json:"enum,omitempty"`
	Values      []string `json:"values,omitempty"`
	ValueLabels []string `json:"valueLabels,omitempty"`
	// Item names one item of a list: "victim".
	Item string `json:"item,omitempty"`
	// Forms lists the forms that ask the question; empty for every form.
	Forms []string `json:"forms,omitempty"`
	// ShowIf, when set, says the question is asked only when another
	// answer of the same group has one of some values.
	ShowIf *FormCondition `json:"showIf,omitempty"`
	// Required is true when a referral without the answer is invalid.
	Required bool `json:"required,omitempty"`
	// Optional is true for a group that may be left out as a whole.
	Optional bool `json:"optional,omitempty"`
	// Max is the most characters a text may have, or items a list; 0 for
	// no limit of its own.
	Max int `json:"max,omitempty"`
	// FreeText marks text written freely; Identifier says what kind of
	// identifying value a personal field holds (name, address, phone,
	// email, contact, date).
	FreeText   bool   `json:"freeText,omitempty"`
	Identifier string `json:"identifier,omitempty"`
}

// FormCondition is when a question is asked: when the answer Field of the
// same group is one of Values, written as JSON writes them.
type FormCondition struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// formFields is the form's questions, from the referral's description.
func formFields() []FormField {
	var out []FormField
	for _, f := range referral.Fields() {
		ff := FormField{Path: f.Path, Name: f.Name, Kind: string(f.Kind), Label: f.Label, Question: f.Question, Help: f.Help,
			Enum: f.Enum, Values: f.Values, ValueLabels: f.ValueLabels, Item: f.Item, Required: f.Required, Optional: f.Optional, Max: f.Max,
			FreeText: f.FreeText, Identifier: string(f.Identifier)}
		for _, form := range f.Forms {
			ff.Forms = append(ff.Forms, string(form))
		}
		if f.ShowIf != nil {
			ff.ShowIf = &FormCondition{Field: f.ShowIf.Field, Values: f.ShowIf.Values}
		}
		out = append(out, ff)
	}
	return out
}

// titles are the titles of every rule, programme and safety action of
// each version of p, by version and id.
func titles(p *pathway.Pack) map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, v := range p.Versions() {
		m := map[string]string{}
		add := func(id string) {
			if t := v.TitleOf(id); t != "" {
				m[id] = t
			}
		}
		if v.Eligibility != nil {
			for _, r := range v.Eligibility.Criteria {
				add(r.ID)
			}
			for _, r := range v.Eligibility.Exclusions {
				add(r.ID)
			}
		}
		if v.Programmes != nil {
			for _, pr := range v.Programmes.Programmes {
				add(pr.ID)
			}
		}
		if v.Safeguarding != nil {
			for _, t := range v.Safeguarding.Triggers {
				add(t.ID)
				add(safeguarding.EstablishPrefix + t.ID)
			}
		}
		out[v.Version] = m
	}
	return out
}

// formDescription is the answer of GET /refer/form.json for pack p.
func (s *Server) formDescription(p *pathway.Pack) ([]byte, error) {
	d := FormDescription{Fields: formFields(), Token: !s.cfg.PublicForm, Validate: "/v1/validate", Assess: "/v1/assess",
		MaxBody: MaxBody, Titles: titles(p), Next: NextSteps}
	if s.cfg.PublicForm {
		d.Validate, d.Assess = "/refer/api/validate", "/refer/api/assess"
	}
	if s.cfg.Outbox != nil {
		d.Send = "/v1/send"
		if s.cfg.PublicForm {
			d.Send = "/refer/api/send"
		}
	}
	return json.Marshal(d)
}

// formRoutes adds the form's routes to the service's: the page, its
// assets and description always; POST /v1/send with an outbox; the
// public endpoints with the public form.
func (s *Server) formRoutes(handle func(method, route string, h http.Handler), mux *http.ServeMux) {
	handle(http.MethodGet, "/refer", http.HandlerFunc(s.referPage))
	handle(http.MethodGet, "/refer/form.json", http.HandlerFunc(s.referForm))
	mux.Handle("GET /refer/assets/{file}", s.instrument("/refer/assets/", http.HandlerFunc(s.referAsset)))
	if s.cfg.Outbox != nil {
		handle(http.MethodPost, "/v1/send", s.v1(s.send))
	}
	if s.cfg.PublicForm {
		handle(http.MethodPost, "/refer/api/validate", s.public(limitCheck, s.publicValidate))
		handle(http.MethodPost, "/refer/api/assess", s.public(limitCheck, s.publicAssess))
		if s.cfg.Outbox != nil {
			handle(http.MethodPost, "/refer/api/send", s.public(limitSend, s.send))
		}
	}
}

// pageHeaders are the headers of the page and its assets.
func pageHeaders(w http.ResponseWriter, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Security-Policy", pagePolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
}

// referPage is GET /refer.
func (s *Server) referPage(w http.ResponseWriter, _ *http.Request) {
	data, err := assets.ReadFile("assets/refer.html")
	if err != nil {
		s.internal(w)
		return
	}
	pageHeaders(w, "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// assetTypes are the assets the page loads, with their types: nothing
// else under assets/ is served.
var assetTypes = map[string]string{
	"refer.css": "text/css; charset=utf-8",
	"refer.js":  "text/javascript; charset=utf-8",
	"refer.svg": "image/svg+xml",
}

// referAsset is GET /refer/assets/FILE.
func (s *Server) referAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	ctype, ok := assetTypes[name]
	if !ok || !fs.ValidPath(name) {
		s.problem(w, http.StatusNotFound, "not-found", "There is nothing at this path",
			"The endpoints are listed in the OpenAPI document, GET /openapi.json.")
		return
	}
	data, err := assets.ReadFile("assets/" + name)
	if err != nil {
		s.internal(w)
		return
	}
	pageHeaders(w, ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// referForm is GET /refer/form.json.
func (s *Server) referForm(w http.ResponseWriter, _ *http.Request) {
	st := s.state.Load()
	h := w.Header()
	h.Set("Content-Type", typeJSON)
	h.Set("Content-Length", strconv.Itoa(len(st.form)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", apiPolicy)
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(st.form)
}

// public lets anyone use one of the form's endpoints, as the referrer,
// within the limits for their address (429 with Retry-After past them).
// It refuses requests a browser says come from another site.
func (s *Server) public(kind int, h func(http.ResponseWriter, *http.Request, Caller, *state)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if crossSite(r) {
			s.problem(w, http.StatusForbidden, "cross-site", "The form's endpoints answer the form's own page only",
				"Use the form at /refer, or the /v1 endpoints with a token.")
			return
		}
		if ok, wait := s.limiter.allow(clientOf(r, s.cfg.TrustedProxies), kind, time.Now()); !ok {
			secs := retryAfter(wait)
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			s.problem(w, http.StatusTooManyRequests, "too-many-requests", "Too many requests from this address",
				fmt.Sprintf("The form takes a limited number of requests from one address. Wait %d second(s), then try again.", secs))
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.caller = publicCaller.Name
		}
		h(w, r, publicCaller, s.state.Load())
	})
}

// crossSite reports whether a browser says the request comes from a page
// of another site (Sec-Fetch-Site, or an Origin other than the service's
// own host).
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	}
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host && o != "https://"+r.Host {
		return true
	}
	return false
}

// noQuery answers 400 when the request has a query: the form's endpoints
// take none.
func (s *Server) noQuery(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.RawQuery != "" {
		s.problem(w, http.StatusBadRequest, "unknown-parameter", "The query has a parameter this endpoint does not take",
			"This endpoint takes no parameters: a referral is checked as on its dateSent.")
		return false
	}
	return true
}

// publicValidate is POST /refer/api/validate: /v1/validate, without ?at.
func (s *Server) publicValidate(w http.ResponseWriter, r *http.Request, c Caller, st *state) {
	if s.noQuery(w, r) {
		s.validate(w, r, c, st)
	}
}

// publicAssess is POST /refer/api/assess: /v1/assess for one referral,
// without ?at; JSON Lines are refused (415).
func (s *Server) publicAssess(w http.ResponseWriter, r *http.Request, c Caller, st *state) {
	if !s.noQuery(w, r) {
		return
	}
	if mediaOf(r.Header.Get("Content-Type")) == mediaLines {
		s.unsupported(w, false)
		return
	}
	s.assess(w, r, c, st)
}

// Receipt is the answer of a send: the referral was written to the
// outbox and its decision recorded.
type Receipt struct {
	// Reference is the decision id, which also names the outbox file:
	// the referrer quotes it about the referral.
	Reference string `json:"reference"`
	// Next says what happens next, for the referrer.
	Next string `json:"next"`
	// Assessment is the referral's assessment.
	Assessment *pathway.Assessment `json:"assessment"`
}

// send is POST /v1/send and POST /refer/api/send: the referral is read,
// validated and assessed; an invalid one is answered 422 with its
// assessment and not sent; any other is written to the outbox as one JSON
// file named after its decision id, its decision recorded, and the answer
// is a Receipt. An outbox that is full or cannot be written is 503, and
// nothing is sent.
func (s *Server) send(w http.ResponseWriter, r *http.Request, caller Caller, st *state) {
	if !s.noQuery(w, r) {
		return
	}
	if mediaOf(r.Header.Get("Content-Type")) == mediaLines {
		s.unsupported(w, false)
		return
	}
	ref, problems, ok := s.read(w, r)
	if !ok {
		return
	}
	a, err := assessOne(r.Context(), st.pack, ref, problems, referral.Date{})
	if err != nil {
		s.problem(w, http.StatusServiceUnavailable, "abandoned", "The request was abandoned", "The request was cancelled. Send it again.")
		return
	}
	now := time.Now()
	id := newDecisionID(now)
	rec := decisionOf(id, now, caller, a, 0)
	if a.Decision == pathway.Invalid {
		if err := s.record(rec); err != nil {
			s.internal(w)
			return
		}
		w.Header().Set("X-Decision-Id", id)
		s.writeJSON(w, http.StatusUnprocessableEntity, a)
		return
	}
	data, err := json.MarshalIndent(ref, "", "  ")
	if err != nil {
		s.log.Error("cannot write a referral as JSON", "decision", id, "error", err.Error())
		s.internal(w)
		return
	}
	name := id + ".json"
	if err := s.cfg.Outbox.Write(name, append(data, '\n')); err != nil {
		if errors.Is(err, ErrOutboxFull) {
			s.log.Warn("the outbox is full: a referral was not sent", "decision", id, "max", s.cfg.Outbox.Max())
			w.Header().Set("Retry-After", "600")
			s.problem(w, http.StatusServiceUnavailable, "outbox-full", "The referral could not be sent: too many referrals are waiting",
				"Referrals already sent have not been collected yet. Nothing was sent: try again later, or call the police co-ordinator.")
			return
		}
		s.log.Error("cannot write to the outbox: a referral was not sent", "decision", id, "error", err.Error())
		s.problem(w, http.StatusServiceUnavailable, "outbox-unavailable", "The referral could not be sent",
			"The service could not store it. Nothing was sent: try again later, or call the police co-ordinator.")
		return
	}
	rec.Outbox = name
	if err := s.record(rec); err != nil {
		// A referral is sent only with its decision recorded.
		if rerr := s.cfg.Outbox.Remove(name); rerr != nil {
			s.log.Error("cannot take back a referral whose decision was not recorded", "decision", id, "error", rerr.Error())
		}
		s.internal(w)
		return
	}
	s.log.Info("a referral was sent to the outbox", "decision", id)
	w.Header().Set("X-Decision-Id", id)
	s.writeJSON(w, http.StatusOK, Receipt{Reference: id, Next: NextSteps, Assessment: a})
}
