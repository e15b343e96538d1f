package server

import (
	"fmt"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientOf(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name, remote, forwarded, want string
	}{
		{name: "an IPv4 address is a client", remote: "192.0.2.7:51234", want: "192.0.2.7/32"},
		{name: "an IPv6 address's /64 is a client", remote: "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443", want: "2001:db8:1:2::/64"},
		{name: "another address of the same /64 is the same client", remote: "[2001:db8:1:2::1]:443", want: "2001:db8:1:2::/64"},
		{name: "an IPv4 address written as IPv6 is the IPv4 client", remote: "[::ffff:192.0.2.7]:80", want: "192.0.2.7/32"},
		{name: "loopback", remote: "127.0.0.1:9", want: "127.0.0.1/32"},
		{name: "no port", remote: "198.51.100.1", want: "198.51.100.1/32"},
		{name: "not an address", remote: "pipe", want: "invalid Prefix"},
		{name: "forwarded by a trusted proxy", remote: "10.1.2.3:443", forwarded: "203.0.113.5", want: "203.0.113.5/32"},
		{name: "forwarded through two trusted proxies", remote: "10.1.2.3:443", forwarded: "203.0.113.5, 10.9.9.9", want: "203.0.113.5/32"},
		{name: "what the client said of itself is not believed", remote: "10.1.2.3:443", forwarded: "198.51.100.1, 203.0.113.5", want: "203.0.113.5/32"},
		{name: "forwarded by a proxy not trusted", remote: "192.0.2.7:443", forwarded: "203.0.113.5", want: "192.0.2.7/32"},
		{name: "a garbled header from a trusted proxy", remote: "10.1.2.3:443", forwarded: "not an address", want: "10.1.2.3/32"},
		{name: "a trusted IPv6 proxy", remote: "[::1]:443", forwarded: "2001:db8:5::1", want: "2001:db8:5::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tt.remote, Header: http.Header{}}
			if tt.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tt.forwarded)
			}
			assert.Equal(t, tt.want, clientOf(r, proxies).String())
		})
	}
}

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	a := netip.MustParsePrefix("192.0.2.1/32")
	b := netip.MustParsePrefix("192.0.2.2/32")
	l := newLimiter(Limit{Every: time.Second, Burst: 3}, Limit{Every: time.Minute, Burst: 1})

	for i := range 3 {
		ok, _ := l.allow(a, limitCheck, now)
		require.True(t, ok, "check %d of the burst", i+1)
	}
	ok, wait := l.allow(a, limitCheck, now)
	assert.False(t, ok, "past the burst")
	assert.Equal(t, time.Second, wait, "one more comes after Every")
	assert.Equal(t, 1, retryAfter(wait))
	assert.Equal(t, 1, retryAfter(time.Millisecond), "Retry-After is at least a second")

	ok, _ = l.allow(b, limitCheck, now)
	assert.True(t, ok, "another client has a bucket of its own")
	ok, _ = l.allow(a, limitSend, now)
	assert.True(t, ok, "sends have a bucket of their own")
	ok, wait = l.allow(a, limitSend, now)
	assert.False(t, ok)
	assert.Equal(t, time.Minute, wait)

	ok, _ = l.allow(a, limitCheck, now.Add(time.Second))
	assert.True(t, ok, "the bucket fills again")
}

// The limiter remembers at most maxClients clients: when it is full, the
// clients whose buckets are full again are forgotten (a new bucket is the
// same); while none is, a new client is refused rather than an old one
// forgotten.
func TestLimiterIsBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	l := newLimiter(Limit{Every: time.Second, Burst: 2}, Limit{Every: time.Minute, Burst: 1})
	for i := range maxClients {
		c := netip.MustParsePrefix(fmt.Sprintf("10.%d.%d.%d/32", i>>16&255, i>>8&255, i&255))
		ok, _ := l.allow(c, limitCheck, now)
		require.True(t, ok)
	}
	require.Len(t, l.clients, maxClients)
	newcomer := netip.MustParsePrefix("192.0.2.9/32")
	ok, _ := l.allow(newcomer, limitCheck, now)
	assert.False(t, ok, "every client is still limited: the newcomer waits")
	assert.Len(t, l.clients, maxClients)

	later := now.Add(time.Hour)
	ok, _ = l.allow(newcomer, limitCheck, later)
	assert.True(t, ok, "once the buckets are full again they are forgotten")
	assert.Len(t, l.clients, 1)
}
