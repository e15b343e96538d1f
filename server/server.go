// Package server is Pathway's HTTP decision service: the library behind
// "pathway serve", for agency systems that are not written in Go. It
// answers the same documents as the command-line tool, as JSON:
//
//	POST /v1/assess[?at=DATE]  one referral (JSON, or YAML with Content-Type
//	                           application/yaml), or many as JSON Lines
//	                           (application/x-ndjson), answered line by line
//	                           in input order
//	POST /v1/validate          validation only
//	POST /v1/redact            the referral as the caller's role may see it
//	GET  /v1/pack              the pack in force: versions, digests, programmes
//	GET  /healthz, /readyz     liveness; readiness (a pack is loaded)
//	GET  /metrics              Prometheus text: decisions by outcome, latency
//	GET  /openapi.json         the OpenAPI 3.1 description of all of it
//	GET  /refer                the referral form page for referrers, built
//	                           from GET /refer/form.json
//	POST /v1/send              with an outbox: assess a referral and write
//	                           it there for the police co-ordinator
//	POST /refer/api/...        with the public form: validate, assess and
//	                           send without a token, limited per client
//
// Every /v1 request needs a bearer token (see Tokens): its name is recorded
// with each decision, and its role decides what /v1/redact returns. Every
// assessment is recorded in the decision log (see DecisionLog) with its
// decision id, which is also the X-Decision-Id header; nothing else is
// kept, and no personal value is ever logged.
//
// The service is documented for its users in docs/service.md: endpoints,
// status codes, tokens, the decision log, metrics, limits and signals.
//
// A Server is safe for concurrent use. Concurrent requests share one loaded
// pack; Reload and SetPack swap it atomically, and a request in flight
// finishes with the pack it started with.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// MaxBody is the largest request body accepted, in bytes; a larger one is
// answered 413. For JSON Lines it is the longest line (see MaxLinesBody).
const MaxBody = 4 << 20

// MaxLinesBody is the most a JSON Lines request may send, in bytes; past
// it the answer is cut off (the status has been sent by then). Send larger
// batches as several requests.
const MaxLinesBody = 256 << 20

// Default timeouts.
const (
	DefaultReadTimeout  = 30 * time.Second
	DefaultWriteTimeout = 30 * time.Second
	DefaultIdleTimeout  = 120 * time.Second
	DefaultDrainTimeout = 30 * time.Second
)

// localCaller is the caller of a service that runs without tokens
// (Config.InsecureLocal): every request is the referrer's.
var localCaller = Caller{Name: "local", Role: "referrer"}

// Config configures a Server.
type Config struct {
	// Pack is the rule pack to serve. Required.
	Pack *pathway.Pack
	// Load loads the pack again, for Reload (SIGHUP, or a change seen by
	// watching the rules folder). Nil when the pack cannot be reloaded
	// (the embedded one).
	Load func() (*pathway.Pack, error)
	// Tokens are the bearer tokens accepted. Required unless
	// InsecureLocal.
	Tokens *Tokens
	// InsecureLocal, without Tokens, treats every caller as the referrer
	// (named "local" in the decision log), for trying the service out.
	// Serve then refuses any listener that is not on a loopback address.
	InsecureLocal bool
	// DecisionLog records every assessment. Nil records nothing (a program
	// that embeds the service and keeps its own record).
	DecisionLog *DecisionLog
	// Logger receives the service's own log: start, reloads, faults and,
	// at debug level, one line per request. It never receives a personal
	// value. Nil means slog.Default().
	Logger *slog.Logger
	// ReadTimeout, WriteTimeout and IdleTimeout bound a request's reading,
	// its answer and an idle keep-alive connection; zero means the
	// defaults. A JSON Lines request's deadlines move on as it makes
	// progress.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// DrainTimeout bounds how long Serve waits, once its context is done,
	// for requests in flight to finish.
	DrainTimeout time.Duration
	// Outbox, when set, lets a checked referral be sent from the referral
	// form (POST /v1/send, and POST /refer/api/send with PublicForm): it
	// is written there as one JSON file. Nil: nothing can be sent.
	Outbox *Outbox
	// PublicForm lets anyone use the referral form's endpoints
	// (/refer/api/validate, /refer/api/assess and, with an Outbox,
	// /refer/api/send) without a token, as the referrer, within
	// CheckLimit and SendLimit per client address. The /v1 endpoints
	// still need a token.
	PublicForm bool
	// CheckLimit and SendLimit bound how often one client address may
	// use the public form's checks (validate, assess) and sends; zero
	// means DefaultCheckLimit and DefaultSendLimit.
	CheckLimit, SendLimit Limit
	// TrustedProxies are the addresses of reverse proxies in front of the
	// service (a TLS terminator, say). The public form's limits count a
	// request that comes through one of them as from the address in
	// X-Forwarded-For that the proxies had it from; any other request's
	// X-Forwarded-For is ignored.
	TrustedProxies []netip.Prefix
}

// state is what a request needs of the pack, swapped whole.
type state struct {
	pack   *pathway.Pack
	info   []byte // the /v1/pack answer
	form   []byte // the /refer/form.json answer
	loaded time.Time
}

// Server is the decision service. Create one with New; it is an
// http.Handler, and Serve runs it on a listener with its timeouts and
// graceful shutdown.
type Server struct {
	cfg      Config
	log      *slog.Logger
	state    atomic.Pointer[state]
	draining atomic.Bool
	reloadMu sync.Mutex
	metrics  *metrics
	handler  http.Handler
	openapi  []byte
	limiter  *limiter
}

// New returns a service for cfg. It checks that every token's role is a
// sharing role of every version of the pack.
func New(cfg Config) (*Server, error) {
	if cfg.Pack == nil {
		return nil, errors.New("no rule pack to serve")
	}
	switch {
	case cfg.Tokens == nil && !cfg.InsecureLocal:
		return nil, errors.New("no tokens: give the service a tokens file, or run it on a loopback address with InsecureLocal to try it out")
	case cfg.Tokens != nil && cfg.InsecureLocal:
		return nil, errors.New("tokens and InsecureLocal were both given: InsecureLocal is for running without tokens")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	for _, d := range []*time.Duration{&cfg.ReadTimeout, &cfg.WriteTimeout, &cfg.IdleTimeout, &cfg.DrainTimeout} {
		if *d < 0 {
			return nil, errors.New("a timeout is negative")
		}
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = DefaultDrainTimeout
	}
	for _, l := range []*Limit{&cfg.CheckLimit, &cfg.SendLimit} {
		if l.Every < 0 || l.Burst < 0 {
			return nil, errors.New("a limit of the public form is negative")
		}
	}
	if cfg.CheckLimit == (Limit{}) {
		cfg.CheckLimit = DefaultCheckLimit
	}
	if cfg.SendLimit == (Limit{}) {
		cfg.SendLimit = DefaultSendLimit
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: newMetrics(), limiter: newLimiter(cfg.CheckLimit, cfg.SendLimit)}
	if err := s.SetPack(cfg.Pack); err != nil {
		return nil, err
	}
	doc, err := OpenAPI()
	if err != nil {
		return nil, fmt.Errorf("cannot build the OpenAPI document: %w", err)
	}
	s.openapi = doc
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Pack returns the pack being served.
func (s *Server) Pack() *pathway.Pack { return s.state.Load().pack }

// SetPack makes p the pack served to requests from now on; requests in
// flight finish with the pack they started with. It refuses a pack that
// lacks a role a token has.
func (s *Server) SetPack(p *pathway.Pack) error {
	if p == nil {
		return errors.New("no rule pack to serve")
	}
	if err := s.checkRoles(p); err != nil {
		return err
	}
	info, err := packInfo(p)
	if err != nil {
		return err
	}
	form, err := s.formDescription(p)
	if err != nil {
		return err
	}
	s.state.Store(&state{pack: p, info: info, form: form, loaded: time.Now()})
	s.metrics.packLoaded(p)
	return nil
}

// checkRoles checks that every token's role is a sharing role of every
// version of p: asked for a view, each version answers for its roles and
// refuses others.
func (s *Server) checkRoles(p *pathway.Pack) error {
	roles := map[string]diag.Range{}
	if s.cfg.Tokens != nil {
		for _, t := range s.cfg.Tokens.list {
			if _, ok := roles[t.Role]; !ok {
				roles[t.Role] = t.At
			}
		}
	} else {
		roles[localCaller.Role] = diag.Range{}
	}
	if s.cfg.PublicForm {
		if _, ok := roles[publicCaller.Role]; !ok {
			roles[publicCaller.Role] = diag.Range{}
		}
	}
	probe := &referral.Referral{}
	var problems diag.List
	for role, at := range roles {
		for _, v := range p.Versions() {
			if v.Safeguarding == nil {
				problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "no-sharing-policy",
					Summary: fmt.Sprintf("Version %s of the pack has no sharing policy", v.Version),
					Detail:  "The service answers each caller with its role's view, so every version needs safeguarding.yaml with its sharing policy."})
				continue
			}
			if _, err := v.Safeguarding.Redact(probe, role); err != nil {
				problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "unknown-role", Range: at,
					Summary: fmt.Sprintf("A token's role is not a sharing role of version %s of the pack", v.Version),
					Detail:  "Give each token one of the roles the pack's sharing policy names (police-coordinator, provider, victim-link-worker, referrer or commissioner in the kent pack)."})
			}
		}
	}
	if problems.HasErrors() {
		problems.Sort()
		return problems
	}
	return nil
}

// Reload loads the pack again with Config.Load and serves it. A pack that
// does not load cleanly, or lacks a token's role, is refused: its problems
// are logged, the last good pack keeps serving, and the error (a diag.List
// when the pack has problems) says why.
func (s *Server) Reload() error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	if s.cfg.Load == nil {
		return errors.New("this service's pack cannot be reloaded: it was not loaded from a folder")
	}
	p, err := s.cfg.Load()
	if err == nil {
		err = s.SetPack(p)
	}
	if err != nil {
		s.metrics.reloads.WithLabelValues("refused").Inc()
		problems := diag.From(err)
		s.log.Error("the rule pack was not reloaded: the last good pack keeps serving", "problems", len(problems), "serving", digests(s.Pack()))
		for i, d := range problems {
			if i == 100 {
				s.log.Error("rule pack problem", "problem", fmt.Sprintf("and %d more", len(problems)-i))
				break
			}
			s.log.Error("rule pack problem", "problem", d.Compact())
		}
		return err
	}
	s.metrics.reloads.WithLabelValues("loaded").Inc()
	s.log.Info("rule pack reloaded", "pack", p.Name(), "serving", digests(p))
	return nil
}

// digests names each version and its digest, for the log.
func digests(p *pathway.Pack) string {
	var parts []string
	for _, v := range p.Versions() {
		parts = append(parts, v.Version+"="+v.Digest)
	}
	return strings.Join(parts, " ")
}

// Ready reports whether the service is taking requests: a pack is loaded
// and it is not shutting down.
func (s *Server) Ready() bool { return s.state.Load() != nil && !s.draining.Load() }

// Serve answers requests on ln until ctx is done, then stops taking new
// connections and waits, up to Config.DrainTimeout, for the requests in
// flight to be answered (/readyz answers 503 meanwhile). It returns nil
// after a clean drain, and an error when requests had to be cut off or ln
// failed. It refuses a listener that is not on a loopback address when the
// service runs without tokens.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.cfg.Tokens == nil && !IsLoopback(ln.Addr().String()) {
		return errors.New("without tokens, the service only listens on a loopback address (127.0.0.1, ::1 or localhost)")
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: min(s.cfg.ReadTimeout, 10*time.Second),
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String(), "pack", s.Pack().Name(), "serving", digests(s.Pack()), "engine", pathway.EngineVersion())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("shutting down: answering the requests in flight", "timeout", s.cfg.DrainTimeout.String())
	dctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTimeout)
	defer cancel()
	err := hs.Shutdown(dctx)
	if err != nil {
		_ = hs.Close()
		<-errc
		s.log.Error("requests still in flight were cut off", "timeout", s.cfg.DrainTimeout.String())
		return fmt.Errorf("requests still in flight after %s were cut off", s.cfg.DrainTimeout)
	}
	<-errc
	s.log.Info("stopped: every request in flight was answered")
	return nil
}

// IsLoopback reports whether addr (host:port, or a host) names a loopback
// address: an IP address in 127.0.0.0/8 or ::1, or localhost. An empty
// host (every interface) is not loopback.
func IsLoopback(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
