package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/batch"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// routes builds the service's handler. Every route is timed and counted;
// the /v1 routes need a token.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(method, route string, h http.Handler) {
		mux.Handle(method+" "+route, s.instrument(route, h))
		mux.Handle(route, s.instrument(route, s.notAllowed(method)))
	}
	handle(http.MethodPost, "/v1/assess", s.v1(s.assess))
	handle(http.MethodPost, "/v1/validate", s.v1(s.validate))
	handle(http.MethodPost, "/v1/redact", s.v1(s.redact))
	handle(http.MethodGet, "/v1/pack", s.v1(s.packInfo))
	handle(http.MethodGet, "/healthz", http.HandlerFunc(s.healthz))
	handle(http.MethodGet, "/readyz", http.HandlerFunc(s.readyz))
	handle(http.MethodGet, "/metrics", s.metrics.handler())
	handle(http.MethodGet, "/openapi.json", http.HandlerFunc(s.openAPI))
	s.formRoutes(handle, mux)
	mux.Handle("/", s.instrument("other", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.problem(w, http.StatusNotFound, "not-found", "There is nothing at this path",
			"The endpoints are listed in the OpenAPI document, GET /openapi.json.")
	})))
	return mux
}

func (s *Server) notAllowed(method string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allow := method
		if method == http.MethodGet {
			allow = "GET, HEAD"
		}
		w.Header().Set("Allow", allow)
		s.problem(w, http.StatusMethodNotAllowed, "method-not-allowed", "This endpoint does not take this method",
			"Use "+method+".")
	})
}

// v1 authenticates the caller of a /v1 route and hands it the pack in
// force, which the whole request then uses.
func (s *Server) v1(h func(http.ResponseWriter, *http.Request, Caller, *state)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, ok := s.authenticate(r)
		if !ok {
			s.unauthorized(w)
			return
		}
		if rec, ok := w.(*recorder); ok {
			rec.caller = caller.Name
		}
		h(w, r, caller, s.state.Load())
	})
}

// authenticate finds the caller from the Authorization header: Bearer and
// a token, once.
func (s *Server) authenticate(r *http.Request) (Caller, bool) {
	if s.cfg.Tokens == nil {
		return localCaller, s.cfg.InsecureLocal
	}
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return Caller{}, false
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return Caller{}, false
	}
	return s.cfg.Tokens.Lookup(strings.TrimSpace(token))
}

// readReferral reads the body of a one-referral request, answering 415,
// 413 or 400 itself when it cannot (ok false). The caller must putBuf the
// body.
func (s *Server) readReferral(w http.ResponseWriter, r *http.Request) (*bytes.Buffer, bool) {
	m := mediaOf(r.Header.Get("Content-Type"))
	if m == mediaOther || m == mediaLines {
		s.unsupported(w, false)
		return nil, false
	}
	return s.readBody(w, r, m)
}

// read reads, decodes and validates the one referral of a request,
// answering 415, 413 or 400 itself when it cannot (ok false).
func (s *Server) read(w http.ResponseWriter, r *http.Request) (*referral.Referral, diag.List, bool) {
	body, ok := s.readReferral(w, r)
	if !ok {
		return nil, nil, false
	}
	defer putBuf(body)
	// The decoder copies what it keeps: the buffer can be reused.
	ref, problems := referral.Read(bodyName, body.Bytes())
	if ref == nil {
		s.problems(w, http.StatusBadRequest, problems)
		return nil, nil, false
	}
	return ref, problems, true
}

// assessOne assesses ref under pack. A referral with no version of the
// pack in force on its date is an invalid assessment that says so.
func assessOne(ctx context.Context, pack *pathway.Pack, ref *referral.Referral, problems diag.List, at referral.Date) (*pathway.Assessment, error) {
	opts := []pathway.AssessOption{pathway.WithProblems(problems)}
	if !at.IsZero() {
		opts = append(opts, pathway.At(at))
	}
	a, err := pack.Assess(ctx, ref, opts...)
	var nv *pathway.NoVersionError
	if errors.As(err, &nv) {
		date := at
		if date.IsZero() {
			date = ref.DateSent
		}
		return noVersion(pack, ref.ID, date, nv, at.IsZero()), nil
	}
	return a, err
}

// noVersion is the assessment of a referral dated when no version of the
// pack is in force: invalid, stamped with the latest version.
func noVersion(pack *pathway.Pack, id string, at referral.Date, nv *pathway.NoVersionError, fromDateSent bool) *pathway.Assessment {
	versions := pack.Versions()
	v := versions[len(versions)-1]
	d := &diag.Diagnostic{Severity: diag.Error, Code: "no-version-in-force",
		Summary: "No version of the rule pack is in force on the referral's date",
		Detail:  nv.Error() + ". Check the date, or assess it as on another date with ?at=YYYY-MM-DD."}
	if fromDateSent {
		d.Path = "dateSent"
	} else {
		d.Summary = "No version of the rule pack is in force on the date asked for"
		d.Detail = nv.Error() + ". Ask for a date when a version is in force."
	}
	return &pathway.Assessment{
		Referral: id, Pack: pathway.Stamp{Name: v.Name, Version: v.Version, Digest: v.Digest, Engine: pathway.EngineVersion()}, At: at,
		Decision: pathway.Invalid, Problems: diag.List{d}, Failed: []string{}, Unknown: []string{}, Missing: []string{},
		Rules: []pathway.RuleResult{}, Programmes: []pathway.Offer{}, Actions: []pathway.Action{},
	}
}

// assess is POST /v1/assess.
func (s *Server) assess(w http.ResponseWriter, r *http.Request, caller Caller, st *state) {
	at, ok := s.atParam(w, r)
	if !ok {
		return
	}
	switch mediaOf(r.Header.Get("Content-Type")) {
	case mediaLines:
		s.assessLines(w, r, caller, st, at)
		return
	case mediaOther:
		s.unsupported(w, true)
		return
	}
	ref, problems, ok := s.read(w, r)
	if !ok {
		return
	}
	a, err := assessOne(r.Context(), st.pack, ref, problems, at)
	if err != nil {
		// The caller has gone (a done context): there is no one to answer.
		s.log.Warn("an assessment was abandoned", "reason", err.Error())
		s.problem(w, http.StatusServiceUnavailable, "abandoned", "The assessment was abandoned", "The request was cancelled. Send it again.")
		return
	}
	now := time.Now()
	id := newDecisionID(now)
	if err := s.record(decisionOf(id, now, caller, a, 0)); err != nil {
		s.internal(w)
		return
	}
	w.Header().Set("X-Decision-Id", id)
	status := http.StatusOK
	if a.Decision == pathway.Invalid {
		status = http.StatusUnprocessableEntity
	}
	s.writeJSON(w, status, a)
}

// record counts a decision and writes it to the decision log. A decision
// that cannot be recorded is not answered.
func (s *Server) record(d DecisionRecord) error {
	s.metrics.decided(d.Decision)
	if s.cfg.DecisionLog == nil {
		return nil
	}
	if err := s.cfg.DecisionLog.Write(d); err != nil {
		s.log.Error("cannot write to the decision log: the decision is not answered", "decision", d.ID, "error", err.Error())
		return err
	}
	return nil
}

// assessLines is POST /v1/assess with JSON Lines: one assessment a line,
// in input order, streamed as they are made. A bad line is an invalid
// assessment naming its line; a line longer than MaxBody is too (the
// status, 200, has been sent by then).
func (s *Server) assessLines(w http.ResponseWriter, r *http.Request, caller Caller, st *state, at referral.Date) {
	rc := http.NewResponseController(w)
	// Answers go out while the request is still being read.
	if err := rc.EnableFullDuplex(); err != nil {
		s.log.Debug("full duplex is not available", "error", err.Error())
	}
	id := newDecisionID(time.Now())
	h := w.Header()
	h.Set("Content-Type", typeLines)
	h.Set("X-Decision-Id", id)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	in := &progressReader{r: r.Body, rc: rc, timeout: s.cfg.ReadTimeout, limit: MaxLinesBody}
	out := &progressWriter{w: w, rc: rc, timeout: s.cfg.WriteTimeout}
	prefix := id + "/"
	sum, err := batch.AssessLines(r.Context(), st.pack, in, out, batch.Options{
		Name: bodyName,
		At:   at,
		Assessed: func(line int, a *pathway.Assessment) error {
			now := time.Now()
			return s.record(decisionOf(prefix+strconv.Itoa(line), now, caller, a, line))
		},
	})
	if err != nil {
		// The answer is incomplete: cut the connection, so that the caller
		// sees a failed request, never a short answer that looks whole.
		s.log.Warn("a JSON Lines request was cut off", "decision", id, "answered", sum.Lines, "reason", err.Error())
		panic(http.ErrAbortHandler)
	}
	if sum.Lines == 0 {
		w.WriteHeader(http.StatusOK)
	}
}

// progressReader moves the read deadline on as a long request is read,
// and hands on at most limit bytes: past them it fails, so that the batch
// stops without taking the line it was reading.
type progressReader struct {
	r       io.Reader
	rc      *http.ResponseController
	timeout time.Duration
	n       int64
	limit   int64
}

var errTooMuch = fmt.Errorf("the request sent more than %d bytes, the most a JSON Lines request may", MaxLinesBody)

func (p *progressReader) Read(b []byte) (int, error) {
	if p.timeout > 0 {
		_ = p.rc.SetReadDeadline(time.Now().Add(p.timeout))
	}
	rem := p.limit - p.n
	if rem <= 0 {
		var one [1]byte
		if n, err := p.r.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, errTooMuch
	}
	if int64(len(b)) > rem {
		b = b[:rem]
	}
	n, err := p.r.Read(b)
	p.n += int64(n)
	return n, err
}

// progressWriter moves the write deadline on as a long answer is written,
// and sends each piece at once.
type progressWriter struct {
	w       io.Writer
	rc      *http.ResponseController
	timeout time.Duration
}

func (p *progressWriter) Write(b []byte) (int, error) {
	_ = p.rc.SetWriteDeadline(time.Now().Add(p.timeout))
	n, err := p.w.Write(b)
	if err == nil {
		err = p.rc.Flush()
	}
	return n, err
}

// validation is the answer of POST /v1/validate.
type validation struct {
	// Referral is the referral's id.
	Referral string `json:"referral"`
	// Pack is the version whose risk instrument ranges were used; absent
	// when no version is in force on the date.
	Pack *pathway.Stamp `json:"pack,omitempty"`
	// Status is valid or invalid.
	Status   string    `json:"status"`
	Problems diag.List `json:"problems"`
}

// validate is POST /v1/validate: the referral's problems, checked as the
// assessment checks them (with the risk instrument ranges of the pack
// version in force), without assessing it or recording anything.
func (s *Server) validate(w http.ResponseWriter, r *http.Request, _ Caller, st *state) {
	at, ok := s.atParam(w, r)
	if !ok {
		return
	}
	ref, problems, ok := s.read(w, r)
	if !ok {
		return
	}
	v := validation{Referral: ref.ID, Status: "valid", Problems: diag.List{}}
	opts := []pathway.AssessOption{pathway.WithProblems(problems)}
	if !at.IsZero() {
		opts = append(opts, pathway.At(at))
	}
	a, err := st.pack.Assess(r.Context(), ref, opts...)
	var nv *pathway.NoVersionError
	switch {
	case errors.As(err, &nv):
		v.Problems = public(problems)
	case err != nil:
		s.problem(w, http.StatusServiceUnavailable, "abandoned", "The request was abandoned", "The request was cancelled. Send it again.")
		return
	default:
		v.Pack = &a.Pack
		v.Problems = a.Problems
	}
	status := http.StatusOK
	if v.Problems.HasErrors() {
		v.Status = "invalid"
		status = http.StatusUnprocessableEntity
	}
	s.writeJSON(w, status, v)
}

// redact is POST /v1/redact: the referral as the caller's role may see it,
// under the sharing policy of the pack version in force. An invalid
// referral has no view (422, with its problems).
func (s *Server) redact(w http.ResponseWriter, r *http.Request, caller Caller, st *state) {
	at, ok := s.atParam(w, r)
	if !ok {
		return
	}
	ref, problems, ok := s.read(w, r)
	if !ok {
		return
	}
	a, err := assessOne(r.Context(), st.pack, ref, problems, at)
	if err != nil {
		s.problem(w, http.StatusServiceUnavailable, "abandoned", "The request was abandoned", "The request was cancelled. Send it again.")
		return
	}
	if a.Decision == pathway.Invalid {
		s.problems(w, http.StatusUnprocessableEntity, a.Problems)
		return
	}
	v := st.pack.Version(a.Pack.Version)
	if v == nil || v.Safeguarding == nil {
		s.log.Error("the version assessed has no sharing policy", "version", a.Pack.Version)
		s.internal(w)
		return
	}
	view, err := v.Safeguarding.Redact(ref, caller.Role)
	if err != nil {
		s.log.Error("cannot make a role's view", "role", caller.Role, "error", err.Error())
		s.internal(w)
		return
	}
	s.writeJSON(w, http.StatusOK, view)
}

// PackInfo is the answer of GET /v1/pack: the pack being served.
type PackInfo struct {
	Name string `json:"name"`
	// Engine is the version of the Pathway module serving it.
	Engine string `json:"engine"`
	// Loaded is when this pack started being served.
	Loaded   time.Time     `json:"loaded"`
	Versions []VersionInfo `json:"versions"`
}

// VersionInfo is one version of the pack served.
type VersionInfo struct {
	Version    string          `json:"version"`
	Title      string          `json:"title"`
	Effective  EffectiveDates  `json:"effective"`
	Digest     string          `json:"digest"`
	Programmes []ProgrammeInfo `json:"programmes"`
}

// EffectiveDates are the first and last days a version is in force.
type EffectiveDates struct {
	From referral.Date `json:"from"`
	To   referral.Date `json:"to"`
}

// ProgrammeInfo is one programme of a version: its sessions and capacity.
type ProgrammeInfo struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Delivery string `json:"delivery"`
	// Sessions is the number of sessions; 0 when not fixed.
	Sessions int `json:"sessions"`
	// SessionHours is the longest a session lasts; 0 when not set.
	SessionHours float64 `json:"sessionHours"`
	Facilitators int     `json:"facilitators"`
	// Places is the places funded, for programmes not run in groups.
	Places int `json:"places"`
	// Groups and GroupSize are the groups funded and the largest group.
	Groups    int `json:"groups"`
	GroupSize int `json:"groupSize"`
	// Capacity is how many people the funding buys places for: places,
	// or groups × group size; 0 with uncapped.
	Capacity int  `json:"capacity"`
	Uncapped bool `json:"uncapped"`
}

func packInfo(p *pathway.Pack) ([]byte, error) {
	info := PackInfo{Name: p.Name(), Engine: pathway.EngineVersion(), Loaded: time.Now().UTC(), Versions: []VersionInfo{}}
	for _, v := range p.Versions() {
		vi := VersionInfo{Version: v.Version, Title: v.Title, Effective: EffectiveDates{From: v.Effective.From, To: v.Effective.To},
			Digest: v.Digest, Programmes: []ProgrammeInfo{}}
		if v.Programmes != nil {
			for _, pr := range v.Programmes.Programmes {
				pi := ProgrammeInfo{ID: pr.ID, Name: pr.Name, Delivery: pr.Delivery, Sessions: pr.Sessions, SessionHours: pr.SessionHours,
					Facilitators: pr.Facilitators, Places: pr.Places, Groups: pr.Groups, GroupSize: pr.GroupSize}
				if pr.Groups > 0 {
					pi.Capacity = pr.Groups * pr.GroupSize
				} else {
					pi.Capacity = pr.Places
				}
				pi.Uncapped = pi.Capacity == 0
				vi.Programmes = append(vi.Programmes, pi)
			}
		}
		info.Versions = append(info.Versions, vi)
	}
	return json.Marshal(info)
}

// packInfo is GET /v1/pack.
func (s *Server) packInfo(w http.ResponseWriter, _ *http.Request, _ Caller, st *state) {
	h := w.Header()
	h.Set("Content-Type", typeJSON)
	h.Set("Content-Length", strconv.Itoa(len(st.info)+1))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(st.info)
	_, _ = w.Write([]byte("\n"))
}

// health is the answer of /healthz and /readyz.
type health struct {
	Status string `json:"status"`
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	s.writeJSON(w, http.StatusOK, health{Status: "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if !s.Ready() {
		s.writeJSON(w, http.StatusServiceUnavailable, health{Status: "shutting down"})
		return
	}
	s.writeJSON(w, http.StatusOK, health{Status: "ready"})
}

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", typeJSON)
	h.Set("Content-Length", strconv.Itoa(len(s.openapi)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(s.openapi)
}
