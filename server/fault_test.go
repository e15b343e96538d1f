package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/server"
)

// TestFaultsUnderLoad keeps 16 clients posting referrals while the pack
// is reloaded broken (refused), then reloaded good, and then the service
// is shut down as on SIGTERM. Every request the service took is answered
// 2xx or 4xx; every decision recorded reached its client and every answer
// received was recorded (none is lost); requests fail only once shutdown
// has begun, and only because the service no longer took them.
func TestFaultsUnderLoad(t *testing.T) {
	dir := copyPack(t)
	var decisions syncBuffer
	s := start(t, server.Config{Load: loadDir(dir)}, &decisions)
	oldDigest := servedDigest(t, s, "2022-08")
	earlier := servedDigest(t, s, "2021-09") // referrals sent in 2021-22; its files do not change
	ex := examples(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range ex {
			if !yield(k) {
				return
			}
		}
	})

	type result struct {
		status int
		id     string
		digest string
		err    error
		at     time.Time
	}
	const clients, maxRequests = 16, 20_000
	results := make([][]result, clients)
	var wg sync.WaitGroup
	var sent atomic.Int64
	for c := range clients {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: time.Minute}
			defer client.CloseIdleConnections()
			for i := range maxRequests {
				name := names[(c+i)%len(names)]
				req, err := http.NewRequest("POST", s.url+"/v1/assess", bytes.NewReader(ex[name]))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", contentTypeOf(name))
				req.Header.Set("Authorization", "Bearer "+tokenOf("referrer"))
				sent.Add(1)
				resp, err := client.Do(req)
				if err != nil {
					results[c] = append(results[c], result{err: err, at: time.Now()})
					return
				}
				var a struct {
					Pack struct{ Digest string } `json:"pack"`
				}
				decodeErr := json.NewDecoder(resp.Body).Decode(&a)
				resp.Body.Close()
				if decodeErr != nil {
					results[c] = append(results[c], result{err: decodeErr, at: time.Now()})
					return
				}
				results[c] = append(results[c], result{status: resp.StatusCode, id: resp.Header.Get("X-Decision-Id"), digest: a.Pack.Digest})
			}
		})
	}
	waitFor := func(n int64) {
		require.Eventually(t, func() bool { return sent.Load() >= n }, time.Minute, time.Millisecond)
	}

	elig := filepath.Join(dir, "2022-08", "eligibility.yaml")
	good, err := os.ReadFile(elig)
	require.NoError(t, err)
	waitFor(200)
	require.NoError(t, os.WriteFile(elig, []byte("criteria:\n  - id: [\n"), 0o644))
	require.Error(t, s.Reload(), "a broken pack is refused")
	waitFor(sent.Load() + 200)
	require.NoError(t, os.WriteFile(elig, append(good, "\n# reviewed\n"...), 0o644))
	require.NoError(t, s.Reload())
	newDigest := servedDigest(t, s, "2022-08")
	require.NotEqual(t, oldDigest, newDigest)
	waitFor(sent.Load() + 200)
	stopping := time.Now()
	require.NoError(t, s.stop(), "every request in flight was answered")
	wg.Wait()

	received := map[string]bool{}
	digests := map[string]int{}
	answered, failed := 0, 0
	for c, rs := range results {
		for i, r := range rs {
			if r.err != nil {
				failed++
				assert.Equal(t, len(rs)-1, i, "client %d goes on after a failure", c)
				assert.False(t, r.at.Before(stopping), "client %d: a request failed before shutdown: %v", c, r.err)
				continue
			}
			answered++
			assert.True(t, r.status == 200 || r.status == 422, "status %d", r.status)
			require.NotEmpty(t, r.id)
			assert.False(t, received[r.id], "a decision id answered twice")
			received[r.id] = true
			digests[r.digest]++
		}
	}
	recorded := map[string]bool{}
	for l := range strings.Lines(decisions.String()) {
		var d server.DecisionRecord
		require.NoError(t, json.Unmarshal([]byte(l), &d))
		recorded[d.ID] = true
	}
	assert.Equal(t, received, recorded, "every decision recorded was answered, and every answer recorded")
	assert.Greater(t, digests[oldDigest], 0, "answers under the old pack")
	assert.Greater(t, digests[newDigest], 0, "answers under the new pack")
	delete(digests, earlier)
	assert.Len(t, digests, 2, "no answer under any other pack")
	assert.LessOrEqual(t, failed, clients, "each client stops at its first failure")
	t.Logf("%d answered (%d under the old pack, %d under the new), %d refused once shutting down", answered, digests[oldDigest], digests[newDigest], failed)
}
