package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/server"
)

// The roles of the kent pack, each with a token of its own in tests.
var roles = []string{"police-coordinator", "provider", "victim-link-worker", "referrer", "commissioner"}

func tokenOf(role string) string { return "test-token-for-" + role }

// testTokens gives every role a token named after it.
func testTokens(t testing.TB) *server.Tokens {
	t.Helper()
	var b strings.Builder
	b.WriteString("tokens:\n")
	for _, r := range roles {
		b.WriteString("  - name: " + r + "-system\n    role: " + r + "\n    sha256: " + server.HashToken(tokenOf(r)) + "\n")
	}
	tokens, err := server.ParseTokens("tokens.yaml", []byte(b.String()))
	require.NoError(t, err)
	return tokens
}

// syncBuffer is a buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// service is a service running on a real loopback listener.
type service struct {
	*server.Server
	url    string
	client *http.Client
	log    *syncBuffer // the service's own log, JSON, at debug level
	stop   func() error
}

// start runs a service for cfg (defaults: the kent pack, every role's
// token, a decision log in memory) on 127.0.0.1:0 until the test ends.
func start(t testing.TB, cfg server.Config, decisions io.Writer) *service {
	t.Helper()
	if cfg.Pack == nil {
		cfg.Pack = pathway.Default()
	}
	if cfg.Tokens == nil && !cfg.InsecureLocal {
		cfg.Tokens = testTokens(t)
	}
	logs := &syncBuffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if decisions != nil && cfg.DecisionLog == nil {
		cfg.DecisionLog = server.NewDecisionLog(decisions)
	}
	srv, err := server.New(cfg)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(time.Minute):
				stopErr = context.DeadlineExceeded
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return &service{Server: srv, url: "http://" + ln.Addr().String(), client: &http.Client{Timeout: 30 * time.Second}, log: logs, stop: stop}
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request as role ("" for no token) and reads the answer.
func (s *service) do(t testing.TB, method, path, role, contentType string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+tokenOf(role))
	}
	resp, err := s.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// examples are the example referrals, by file name.
func examples(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../examples/referrals/*")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		out[filepath.Base(f)] = data
	}
	return out
}

// contentTypeOf is the Content-Type to send an example file with.
func contentTypeOf(name string) string {
	if strings.HasSuffix(name, ".yaml") {
		return "application/yaml"
	}
	return "application/json"
}

func serverConfig() server.Config { return server.Config{} }

// compact writes a JSON document on one line.
func compact(data []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		panic(err)
	}
	return b.Bytes()
}
