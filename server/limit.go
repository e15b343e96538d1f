package server

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is how often one client may make requests of a kind: one every
// Every, on average, and at most Burst in a row (a token bucket).
type Limit struct {
	Every time.Duration
	Burst int
}

// The public form's default limits, per client (see docs/service.md):
// checks (validate and assess, sent as the referrer types) one every
// 250 ms with bursts of 60; sends one a minute with bursts of 5.
var (
	DefaultCheckLimit = Limit{Every: 250 * time.Millisecond, Burst: 60}
	DefaultSendLimit  = Limit{Every: time.Minute, Burst: 5}
)

// maxClients bounds how many clients the limiter remembers at once.
const maxClients = 10_000

// limiter keeps a token bucket per client and kind of request. A client
// is an IPv4 address, or an IPv6 /64 (one household or office gets one).
// A client whose buckets are full again is forgotten: a new bucket would
// be the same.
type limiter struct {
	mu      sync.Mutex
	limits  [2]Limit
	clients map[netip.Prefix]*[2]*rate.Limiter
}

// Kinds of limited request.
const (
	limitCheck = 0
	limitSend  = 1
)

func newLimiter(check, send Limit) *limiter {
	return &limiter{limits: [2]Limit{check, send}, clients: map[netip.Prefix]*[2]*rate.Limiter{}}
}

// clientOf is the client a request comes from: its connection's address,
// or, when that is one of the trusted reverse proxies, the address the
// proxies say they had the request from: the last one in X-Forwarded-For
// that is not itself a trusted proxy.
func clientOf(r *http.Request, proxies []netip.Prefix) netip.Prefix {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{}
	}
	addr = addr.Unmap()
	if trusted(addr, proxies) {
		var hops []string
		for _, v := range r.Header.Values("X-Forwarded-For") {
			hops = append(hops, strings.Split(v, ",")...)
		}
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			addr = hop.Unmap()
			if !trusted(addr, proxies) {
				break
			}
		}
	}
	return prefixOf(addr)
}

// trusted reports whether addr is one of the trusted proxies.
func trusted(addr netip.Addr, proxies []netip.Prefix) bool {
	for _, p := range proxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// prefixOf is the client an address stands for: an IPv4 address, or an
// IPv6 /64.
func prefixOf(addr netip.Addr) netip.Prefix {
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	p, _ := addr.Prefix(bits)
	return p
}

// allow takes one request of kind from client's bucket. When the bucket
// is empty it returns false and how long until a request would be taken.
func (l *limiter) allow(client netip.Prefix, kind int, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.clients[client]
	if !ok {
		if len(l.clients) >= maxClients {
			l.sweep(now)
		}
		if len(l.clients) >= maxClients {
			// Too many clients at once to tell apart: refuse the new one
			// for a while rather than forget a client still limited.
			return false, l.limits[kind].Every
		}
		b = &[2]*rate.Limiter{}
		for i, lim := range l.limits {
			b[i] = rate.NewLimiter(rate.Every(lim.Every), lim.Burst)
		}
		l.clients[client] = b
	}
	res := b[kind].ReserveN(now, 1)
	if !res.OK() {
		return false, l.limits[kind].Every
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// sweep forgets the clients whose buckets are all full.
func (l *limiter) sweep(now time.Time) {
	for c, b := range l.clients {
		full := true
		for i, lim := range b {
			if lim.TokensAt(now) < float64(l.limits[i].Burst) {
				full = false
			}
		}
		if full {
			delete(l.clients, c)
		}
	}
}

// retryAfter is the Retry-After header's value for a wait: whole seconds,
// at least 1.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
