package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/server"
)

// copyPack copies the kent pack into a folder of its own.
func copyPack(t testing.TB) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "kent")
	require.NoError(t, os.CopyFS(dst, os.DirFS("../rules/kent")))
	return dst
}

func loadDir(dir string) func() (*pathway.Pack, error) {
	return func() (*pathway.Pack, error) { return pathway.Load(os.DirFS(dir), pathway.NamedAs(dir)) }
}

// servedDigest is the digest /v1/pack shows for version.
func servedDigest(t testing.TB, s *service, version string) string {
	t.Helper()
	r := s.do(t, "GET", "/v1/pack", "commissioner", "", nil)
	require.Equal(t, 200, r.status)
	var info server.PackInfo
	require.NoError(t, json.Unmarshal(r.body, &info))
	for _, v := range info.Versions {
		if v.Version == version {
			return v.Digest
		}
	}
	t.Fatalf("version %s is not served", version)
	return ""
}

// A broken pack is refused, its problems logged, and the last good pack
// keeps serving; a good one is then served.
func TestReload(t *testing.T) {
	dir := copyPack(t)
	s := start(t, server.Config{Load: loadDir(dir)}, nil)
	before := servedDigest(t, s, "2022-08")
	elig := filepath.Join(dir, "2022-08", "eligibility.yaml")
	good, err := os.ReadFile(elig)
	require.NoError(t, err)

	steps := []struct {
		name    string
		content []byte
		ok      bool
	}{
		{name: "syntax error", content: []byte("criteria: [\n"), ok: false},
		{name: "unknown answer in a rule", content: []byte(strings.Replace(string(good), "subject.acceptsResponsibility", "subject.acceptsResponsibilty", 1)), ok: false},
		{name: "a good change", content: append(append([]byte{}, good...), "\n# reviewed by the policy team\n"...), ok: true},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			served := servedDigest(t, s, "2022-08")
			require.NoError(t, os.WriteFile(elig, st.content, 0o644))
			err := s.Reload()
			after := servedDigest(t, s, "2022-08")
			if !st.ok {
				require.Error(t, err)
				assert.Equal(t, served, after, "the last good pack keeps serving")
				assert.Contains(t, s.log.String(), "the rule pack was not reloaded")
				assert.Contains(t, s.log.String(), "eligibility.yaml:")
				r := s.do(t, "POST", "/v1/assess", "referrer", "", examples(t)["hr-eligible.json"])
				assert.Equal(t, 200, r.status, "and answers")
				return
			}
			require.NoError(t, err)
			assert.NotEqual(t, before, after)
			r := s.do(t, "POST", "/v1/assess", "referrer", "", examples(t)["hr-eligible.json"])
			require.Equal(t, 200, r.status)
			var a pathway.Assessment
			require.NoError(t, json.Unmarshal(r.body, &a))
			assert.Equal(t, after, a.Pack.Digest, "assessments are made under the new pack")
		})
	}
	metrics := string(s.do(t, "GET", "/metrics", "", "", nil).body)
	assert.Contains(t, metrics, `pathway_pack_reloads_total{result="refused"} 2`)
	assert.Contains(t, metrics, `pathway_pack_reloads_total{result="loaded"} 1`)
	assert.Contains(t, metrics, `pathway_pack_version_info{digest="`+servedDigest(t, s, "2022-08")+`",engine="devel",pack="kent",version="2022-08"} 1`)
	assert.NotContains(t, metrics, before, "the old digest is no longer shown")

	s2 := start(t, server.Config{}, nil)
	assert.Error(t, s2.Reload(), "the embedded pack cannot be reloaded")
}

// rawRequest writes a request on a connection of its own, all but the
// last byte of its body.
func rawRequest(t *testing.T, addr, path string, body []byte) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		path, addr, tokenOf("referrer"), len(body))
	require.NoError(t, err)
	_, err = conn.Write(body[:len(body)-1])
	require.NoError(t, err)
	return conn, bufio.NewReader(conn)
}

// waitInFlight waits until n requests, besides the one asking, are being
// answered.
func waitInFlight(t *testing.T, s *service, n int) {
	t.Helper()
	want := fmt.Sprintf("\npathway_http_requests_in_flight %d\n", n+1)
	require.Eventually(t, func() bool {
		return strings.Contains(string(s.do(t, "GET", "/metrics", "", "", nil).body), want)
	}, 30*time.Second, 5*time.Millisecond, "the request never arrived")
}

// SIGTERM (the context done) stops new connections, and the requests in
// flight are answered before Serve returns.
func TestDrain(t *testing.T) {
	var decisions syncBuffer
	s := start(t, server.Config{}, &decisions)
	addr := strings.TrimPrefix(s.url, "http://")
	body := examples(t)["hr-eligible.json"]
	conn, rd := rawRequest(t, addr, "/v1/assess", body)
	defer conn.Close()
	waitInFlight(t, s, 1)

	stopped := make(chan error, 1)
	go func() { stopped <- s.stop() }()
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 10*time.Second, 10*time.Millisecond, "no new connections once shutting down")
	assert.False(t, s.Ready())
	select {
	case <-stopped:
		t.Fatal("Serve returned with a request in flight")
	default:
	}

	_, err := conn.Write(body[len(body)-1:])
	require.NoError(t, err)
	resp, err := http.ReadResponse(rd, nil)
	require.NoError(t, err)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode, "the request in flight is answered")
	assert.Contains(t, string(data), `"decision":"eligible"`)
	_, err = rd.ReadByte()
	assert.Error(t, err, "the connection is closed after the answer")
	select {
	case err := <-stopped:
		assert.NoError(t, err, "a clean drain")
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return")
	}
	assert.Contains(t, decisions.String(), resp.Header.Get("X-Decision-Id"))
	assert.Contains(t, s.log.String(), "every request in flight was answered")
}

// A request that does not finish within the drain timeout is cut off, and
// Serve says so.
func TestDrainTimeout(t *testing.T) {
	s := start(t, server.Config{DrainTimeout: 200 * time.Millisecond}, nil)
	conn, _ := rawRequest(t, strings.TrimPrefix(s.url, "http://"), "/v1/assess", examples(t)["hr-eligible.json"])
	defer conn.Close()
	waitInFlight(t, s, 1)
	err := s.stop()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cut off")
}

// Many requests at once: every decision is recorded on a line of its own,
// whole, once, under the id its answer carried.
func TestDecisionLogUnderConcurrency(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	dl, err := server.OpenDecisionLog(path)
	require.NoError(t, err)
	s := start(t, server.Config{DecisionLog: dl}, nil)
	ex := examples(t)
	var names []string
	for name := range ex {
		names = append(names, name)
	}
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := range 20 {
				name := names[(w*20+i)%len(names)]
				r := s.do(t, "POST", "/v1/assess", "referrer", contentTypeOf(name), ex[name])
				mu.Lock()
				ids[r.header.Get("X-Decision-Id")] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.NoError(t, s.stop())
	require.NoError(t, dl.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Len(t, lines, 16*20)
	seen := map[string]bool{}
	for _, l := range lines {
		var d server.DecisionRecord
		require.NoError(t, json.Unmarshal([]byte(l), &d), "each line is whole")
		assert.False(t, seen[d.ID], "each decision once")
		seen[d.ID] = true
		assert.Equal(t, "referrer-system", d.Caller)
	}
	assert.Equal(t, ids, seen)
}

// A decision that cannot be recorded is not answered.
func TestDecisionLogFailure(t *testing.T) {
	dl := server.NewDecisionLog(failingWriter{})
	s := start(t, server.Config{DecisionLog: dl}, nil)
	r := s.do(t, "POST", "/v1/assess", "referrer", "", examples(t)["hr-eligible.json"])
	assert.Equal(t, 500, r.status)
	assert.NotContains(t, string(r.body), "KR-2024-0042")
	assert.Empty(t, r.header.Get("X-Decision-Id"))
	assert.Contains(t, s.log.String(), "cannot write to the decision log")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

func TestDecisionLogReopen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "decisions.jsonl")
	dl, err := server.OpenDecisionLog(path)
	require.NoError(t, err)
	s := start(t, server.Config{DecisionLog: dl}, nil)
	ex := examples(t)["hr-eligible.json"]
	require.Equal(t, 200, s.do(t, "POST", "/v1/assess", "referrer", "", ex).status)
	require.NoError(t, os.Rename(path, path+".1")) // a rotating tool moves it away
	require.NoError(t, dl.Reopen())
	require.Equal(t, 200, s.do(t, "POST", "/v1/assess", "referrer", "", ex).status)
	require.NoError(t, dl.Close())
	for _, p := range []string{path, path + ".1"} {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, 1, strings.Count(string(data), "\n"), p)
	}
	assert.Error(t, dl.Write(server.DecisionRecord{}), "a closed log refuses decisions")
}

func TestMetrics(t *testing.T) {
	s := start(t, server.Config{}, nil)
	ex := examples(t)
	for name, data := range ex {
		s.do(t, "POST", "/v1/assess", "referrer", contentTypeOf(name), data)
	}
	s.do(t, "POST", "/v1/assess", "", "", nil)
	r := s.do(t, "GET", "/metrics", "", "", nil)
	require.Equal(t, 200, r.status)
	text := string(r.body)
	counts := map[pathway.Decision]int{}
	for name, data := range ex {
		rr, problems := readExample(name, data)
		a, err := pathway.Default().Assess(context.Background(), rr, pathway.WithProblems(problems))
		require.NoError(t, err)
		counts[a.Decision]++
	}
	for d, n := range counts {
		assert.Contains(t, text, fmt.Sprintf("pathway_decisions_total{decision=%q} %d\n", d, n))
	}
	assert.Contains(t, text, fmt.Sprintf(`pathway_http_request_duration_seconds_count{code="200",route="/v1/assess"} %d`, counts[pathway.Eligible]+counts[pathway.Ineligible]+counts[pathway.Incomplete]))
	assert.Contains(t, text, `pathway_http_request_duration_seconds_count{code="401",route="/v1/assess"} 1`)
	assert.Contains(t, text, "go_goroutines")
}
