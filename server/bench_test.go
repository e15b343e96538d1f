package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/batch"
	"github.com/saferpath/pathway/server"
)

// The benchmarks in this file run the service on a real loopback listener,
// with a decision log file, and clients in the same process; CPU time is
// the whole process's (service and clients):
//
//	go test ./server -run XXX -bench 'BenchmarkServe$' -benchtime 20000x -count 6 | tee serve.txt
//	go test ./server -run XXX -bench 'BenchmarkServeLines' -benchtime 3x -count 6 | tee lines.txt
//	benchstat serve.txt lines.txt

// benchService starts a service for a benchmark, logging decisions to a
// file and its own log at warning level.
func benchService(b *testing.B) (string, func()) {
	b.Helper()
	dl, err := server.OpenDecisionLog(filepath.Join(b.TempDir(), "decisions.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	srv, err := server.New(server.Config{Pack: pathway.Default(), Tokens: testTokens(b), DecisionLog: dl,
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	return "http://" + ln.Addr().String(), func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
		_ = dl.Close()
	}
}

type benchBody struct {
	contentType string
	data        []byte
}

// BenchmarkServe posts the example referrals (valid and invalid, JSON and
// YAML, in turn) from 1, 8 and 64 concurrent clients, each on its own
// keep-alive connection, and reports requests per second, the median and
// 99th-percentile latency, and CPU time per request.
//
// The clients are a minimal HTTP/1.1 load generator (as wrk is), so that
// the time measured is the service's rather than a client library's; the
// nethttp case runs 64 net/http clients for comparison.
func BenchmarkServe(b *testing.B) {
	ex := examples(b)
	var bodies []benchBody
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range ex {
			if !yield(k) {
				return
			}
		}
	}) {
		bodies = append(bodies, benchBody{contentType: contentTypeOf(name), data: ex[name]})
	}
	for _, tt := range []struct {
		name    string
		clients int
		nethttp bool
	}{
		{name: "clients=1", clients: 1},
		{name: "clients=8", clients: 8},
		{name: "clients=64", clients: 64},
		{name: "nethttp-clients=64", clients: 64, nethttp: true},
	} {
		b.Run(tt.name, func(b *testing.B) {
			url, stop := benchService(b)
			defer stop()
			var post func(c, i int) (time.Duration, error)
			if tt.nethttp {
				post = netHTTPClients(url, bodies, tt.clients)
			} else {
				var err error
				post, err = rawClients(strings.TrimPrefix(url, "http://"), bodies, tt.clients)
				if err != nil {
					b.Fatal(err)
				}
			}
			// Open every connection before timing.
			var wg sync.WaitGroup
			for c := range tt.clients {
				wg.Go(func() {
					if _, err := post(c, c); err != nil {
						b.Error(err)
					}
				})
			}
			wg.Wait()

			latency := make([]time.Duration, b.N)
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			cpu0, start := cpuTime(), time.Now()
			for c := range tt.clients {
				wg.Go(func() {
					for {
						i := int(next.Add(1) - 1)
						if i >= b.N {
							return
						}
						took, err := post(c, i)
						if err != nil {
							b.Error(err)
							return
						}
						latency[i] = took
					}
				})
			}
			wg.Wait()
			elapsed, cpu := time.Since(start), cpuTime()-cpu0
			b.StopTimer()
			slices.Sort(latency)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(latency[len(latency)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(latency[len(latency)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
		})
	}
}

// netHTTPClients posts with net/http, one keep-alive connection a client.
func netHTTPClients(url string, bodies []benchBody, clients int) func(c, i int) (time.Duration, error) {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	client := &http.Client{Transport: tr}
	auth := "Bearer " + tokenOf("referrer")
	return func(_, i int) (time.Duration, error) {
		body := bodies[i%len(bodies)]
		req, err := http.NewRequest("POST", url+"/v1/assess", bytes.NewReader(body.data))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", body.contentType)
		req.Header.Set("Authorization", auth)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		took := time.Since(t0)
		if err == nil && resp.StatusCode != 200 && resp.StatusCode != 422 {
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		return took, err
	}
}

// rawClients posts with a minimal HTTP/1.1 client: one connection per
// client, each request written whole from bytes made beforehand, each
// answer's status read and its body (of Content-Length bytes) skipped.
func rawClients(addr string, bodies []benchBody, clients int) (func(c, i int) (time.Duration, error), error) {
	requests := make([][]byte, len(bodies))
	for i, body := range bodies {
		requests[i] = fmt.Appendf(nil, "POST /v1/assess HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s",
			addr, tokenOf("referrer"), body.contentType, len(body.data), body.data)
	}
	conns := make([]net.Conn, clients)
	readers := make([]*bufio.Reader, clients)
	for c := range clients {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			return nil, err
		}
		conns[c], readers[c] = conn, bufio.NewReaderSize(conn, 64<<10)
	}
	return func(c, i int) (time.Duration, error) {
		t0 := time.Now()
		if _, err := conns[c].Write(requests[i%len(requests)]); err != nil {
			return 0, err
		}
		rd := readers[c]
		status, length := 0, -1
		for first := true; ; first = false {
			line, err := rd.ReadSlice('\n')
			if err != nil {
				return 0, err
			}
			line = bytes.TrimRight(line, "\r\n")
			if len(line) == 0 {
				break
			}
			if first {
				if len(line) < 12 {
					return 0, fmt.Errorf("bad status line %q", line)
				}
				status, _ = strconv.Atoi(string(line[9:12]))
				continue
			}
			if k, v, ok := bytes.Cut(line, []byte(":")); ok && strings.EqualFold(string(k), "Content-Length") {
				length, _ = strconv.Atoi(strings.TrimSpace(string(v)))
			}
		}
		if length < 0 {
			return 0, errors.New("an answer without Content-Length")
		}
		if _, err := rd.Discard(length); err != nil {
			return 0, err
		}
		took := time.Since(t0)
		if status != 200 && status != 422 {
			return took, fmt.Errorf("status %d", status)
		}
		return took, nil
	}, nil
}

// linesCorpus is n referrals, one a line: the JSON examples in turn, each
// with an id of its own.
func linesCorpus(b *testing.B, n int) []byte {
	b.Helper()
	var lines [][]byte
	for name, data := range examples(b) {
		if strings.HasSuffix(name, ".json") {
			lines = append(lines, compact(data))
		}
	}
	slices.SortFunc(lines, bytes.Compare)
	var out bytes.Buffer
	for i := range n {
		var m map[string]any
		if err := json.Unmarshal(lines[i%len(lines)], &m); err != nil {
			b.Fatal(err)
		}
		m["id"] = fmt.Sprintf("GEN-%06d", i)
		if err := json.NewEncoder(&out).Encode(m); err != nil {
			b.Fatal(err)
		}
	}
	return out.Bytes()
}

// BenchmarkServeLines posts 5,000 referrals as one JSON Lines request,
// and in the same iteration assesses the same lines as "pathway check
// --jsonl" does (package batch, to a discarded output), and reports both
// rates and their ratio.
func BenchmarkServeLines(b *testing.B) {
	const n = 5000
	in := linesCorpus(b, n)
	url, stop := benchService(b)
	defer stop()
	client := &http.Client{}
	auth := "Bearer " + tokenOf("referrer")
	var serveTime, checkTime time.Duration
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		req, err := http.NewRequest("POST", url+"/v1/assess", bytes.NewReader(in))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set("Authorization", auth)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		lines := 0
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			lines++
		}
		resp.Body.Close()
		if err := sc.Err(); err != nil || lines != n {
			b.Fatalf("%d lines of %d: %v", lines, n, err)
		}
		t1 := time.Now()
		if _, err := batch.AssessLines(context.Background(), pathway.Default(), bytes.NewReader(in), io.Discard, batch.Options{}); err != nil {
			b.Fatal(err)
		}
		serveTime += t1.Sub(t0)
		checkTime += time.Since(t1)
	}
	b.StopTimer()
	runs := float64(b.N)
	serveRate := runs * n / serveTime.Seconds()
	checkRate := runs * n / checkTime.Seconds()
	b.ReportMetric(serveRate, "serve-referrals/s")
	b.ReportMetric(checkRate, "check-referrals/s")
	b.ReportMetric(serveRate/checkRate, "serve/check")
}
