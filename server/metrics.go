package server

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/saferpath/pathway"
)

// metrics are the service's Prometheus metrics, on a registry of its own
// (never the global one, so that two services in one process, or a
// program that embeds one, do not collide). See docs/service.md.
type metrics struct {
	reg       *prometheus.Registry
	decisions *prometheus.CounterVec
	byOutcome map[pathway.Decision]prometheus.Counter
	duration  *prometheus.HistogramVec
	inFlight  prometheus.Gauge
	reloads   *prometheus.CounterVec
	pack      *prometheus.GaugeVec
}

// The routes, as the duration metric labels them.
var routes = []string{"/v1/assess", "/v1/validate", "/v1/redact", "/v1/pack", "/v1/send", "/healthz", "/readyz", "/metrics", "/openapi.json",
	"/refer", "/refer/form.json", "/refer/assets/", "/refer/api/validate", "/refer/api/assess", "/refer/api/send", "other"}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.decisions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pathway_decisions_total",
		Help: "Assessments made, by decision (eligible, ineligible, incomplete, invalid).",
	}, []string{"decision"})
	m.byOutcome = map[pathway.Decision]prometheus.Counter{}
	for _, d := range []pathway.Decision{pathway.Eligible, pathway.Ineligible, pathway.Incomplete, pathway.Invalid} {
		m.byOutcome[d] = m.decisions.WithLabelValues(string(d))
	}
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "pathway_http_request_duration_seconds",
		Help:    "Time from a request's arrival to its answer's end, by route and status code.",
		Buckets: prometheus.ExponentialBuckets(0.00025, 2, 16), // 0.25 ms to 8 s
	}, []string{"route", "code"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "pathway_http_requests_in_flight",
		Help: "Requests being answered.",
	})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "pathway_pack_reloads_total",
		Help: "Attempts to reload the rule pack, by result (loaded, refused).",
	}, []string{"result"})
	m.reloads.WithLabelValues("loaded")
	m.reloads.WithLabelValues("refused")
	m.pack = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "pathway_pack_version_info",
		Help: "The rule pack versions being served (always 1), with their digests, and the engine.",
	}, []string{"pack", "version", "digest", "engine"})
	m.reg.MustRegister(m.decisions, m.duration, m.inFlight, m.reloads, m.pack,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// decided counts one decision.
func (m *metrics) decided(d pathway.Decision) {
	if c, ok := m.byOutcome[d]; ok {
		c.Inc()
		return
	}
	m.decisions.WithLabelValues(string(d)).Inc()
}

// packLoaded shows the versions of p as those being served.
func (m *metrics) packLoaded(p *pathway.Pack) {
	m.pack.Reset()
	for _, v := range p.Versions() {
		m.pack.WithLabelValues(p.Name(), v.Version, v.Digest, pathway.EngineVersion()).Set(1)
	}
}

// statusText caches the status codes as labels.
var statusText = func() map[int]string {
	out := map[int]string{}
	for _, c := range []int{200, 400, 401, 403, 404, 405, 413, 415, 422, 429, 500, 503} {
		out[c] = strconv.Itoa(c)
	}
	return out
}()

func codeLabel(code int) string {
	if s, ok := statusText[code]; ok {
		return s
	}
	return strconv.Itoa(code)
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
