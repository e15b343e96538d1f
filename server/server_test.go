package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/server"
)

// TestStatusCodes sends a request for every answer of every endpoint to a
// service on a real listener, and compares each answer's status, type and
// body with a golden file (testdata/answers/NAME.golden).
func TestStatusCodes(t *testing.T) {
	ex := examples(t)
	big := bytes.Repeat([]byte(" "), server.MaxBody+1)
	copy(big, ex["hr-eligible.json"])
	tests := []struct {
		name        string
		method      string
		path        string
		role        string // "" for no token
		contentType string
		body        []byte
		status      int
		noGolden    bool // the body holds a time
	}{
		{name: "assess eligible", method: "POST", path: "/v1/assess", role: "referrer", body: ex["hr-eligible.json"], status: 200},
		{name: "assess yaml", method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/yaml", body: ex["cobi-likely-order.yaml"], status: 200},
		{name: "assess incomplete", method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/json; charset=utf-8", body: ex["hr-unanswered-eligibility.json"], status: 200},
		{name: "assess at a date", method: "POST", path: "/v1/assess?at=2022-01-10", role: "referrer", body: ex["hr-eligible.json"], status: 200},
		{name: "assess invalid", method: "POST", path: "/v1/assess", role: "referrer", body: ex["invalid-victim-support-details-missing.json"], status: 422},
		{name: "assess wrong types", method: "POST", path: "/v1/assess", role: "referrer", body: ex["invalid-wrong-type.json"], status: 422},
		{name: "assess no version on dateSent", method: "POST", path: "/v1/assess", role: "referrer", body: bytes.Replace(ex["hr-eligible.json"], []byte(`"2024-05-14"`), []byte(`"2031-05-14"`), 1), status: 422},
		{name: "assess no version at", method: "POST", path: "/v1/assess?at=2019-01-01", role: "referrer", body: ex["hr-eligible.json"], status: 422},
		{name: "assess not json", method: "POST", path: "/v1/assess", role: "referrer", body: []byte("{\n  \"id\": \"KR-1\",\n  \"form\": cobi\n}"), status: 400},
		{name: "assess yaml sent as json", method: "POST", path: "/v1/assess", role: "referrer", body: ex["cobi-likely-order.yaml"], status: 400},
		{name: "assess bad yaml", method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/yaml", body: []byte("id: [KR-1\nform: cobi\n"), status: 400},
		{name: "assess not an object", method: "POST", path: "/v1/assess", role: "referrer", body: []byte(`["KR-1"]`), status: 400},
		{name: "assess empty", method: "POST", path: "/v1/assess", role: "referrer", body: nil, status: 400},
		{name: "assess bad at", method: "POST", path: "/v1/assess?at=2024-02-30", role: "referrer", body: ex["hr-eligible.json"], status: 400},
		{name: "assess unknown parameter", method: "POST", path: "/v1/assess?name=Kevin", role: "referrer", body: ex["hr-eligible.json"], status: 400},
		{name: "assess too large", method: "POST", path: "/v1/assess", role: "referrer", body: big, status: 413},
		{name: "assess other type", method: "POST", path: "/v1/assess", role: "referrer", contentType: "text/plain", body: ex["hr-eligible.json"], status: 415},
		{name: "assess other charset", method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/json; charset=latin1", body: ex["hr-eligible.json"], status: 415},
		{name: "assess no token", method: "POST", path: "/v1/assess", body: ex["hr-eligible.json"], status: 401},
		{name: "assess get", method: "GET", path: "/v1/assess", role: "referrer", status: 405},
		{name: "lines", method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/x-ndjson",
			body: bytes.Join([][]byte{compact(ex["hr-eligible.json"]), []byte(`{"id": "KR-9", "form": 7}`), nil, []byte(`not json`), compact(ex["cobi-eligible.json"])}, []byte("\n")), status: 200},
		{name: "lines empty", method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/x-ndjson", status: 200},
		{name: "validate valid", method: "POST", path: "/v1/validate", role: "provider", body: ex["hr-eligible.json"], status: 200},
		{name: "validate invalid", method: "POST", path: "/v1/validate", role: "provider", body: ex["invalid-score-out-of-range.json"], status: 422},
		{name: "validate no version", method: "POST", path: "/v1/validate?at=2019-01-01", role: "provider", body: ex["invalid-bad-email.json"], status: 422},
		{name: "validate unparsable", method: "POST", path: "/v1/validate", role: "provider", body: []byte(`{"id": `), status: 400},
		{name: "validate too large", method: "POST", path: "/v1/validate", role: "provider", body: big, status: 413},
		{name: "validate lines", method: "POST", path: "/v1/validate", role: "provider", contentType: "application/x-ndjson", body: compact(ex["hr-eligible.json"]), status: 415},
		{name: "validate no token", method: "POST", path: "/v1/validate", body: ex["hr-eligible.json"], status: 401},
		{name: "redact", method: "POST", path: "/v1/redact", role: "provider", body: ex["hr-several-victims-children.json"], status: 200},
		{name: "redact invalid", method: "POST", path: "/v1/redact", role: "provider", body: ex["invalid-bad-enum.json"], status: 422},
		{name: "redact no version", method: "POST", path: "/v1/redact?at=2019-01-01", role: "provider", body: ex["hr-eligible.json"], status: 422},
		{name: "redact unparsable", method: "POST", path: "/v1/redact", role: "provider", body: []byte(`id: x`), status: 400},
		{name: "redact too large", method: "POST", path: "/v1/redact", role: "provider", body: big, status: 413},
		{name: "redact no token", method: "POST", path: "/v1/redact", body: ex["hr-eligible.json"], status: 401},
		{name: "pack", method: "GET", path: "/v1/pack", role: "commissioner", status: 200, noGolden: true},
		{name: "pack no token", method: "GET", path: "/v1/pack", status: 401},
		{name: "pack post", method: "POST", path: "/v1/pack", role: "commissioner", status: 405},
		{name: "healthz", method: "GET", path: "/healthz", status: 200},
		{name: "readyz", method: "GET", path: "/readyz", status: 200},
		{name: "metrics", method: "GET", path: "/metrics", status: 200, noGolden: true},
		{name: "openapi", method: "GET", path: "/openapi.json", status: 200, noGolden: true},
		{name: "nothing here", method: "GET", path: "/v2/assess", status: 404},
	}
	s := start(t, server.Config{}, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" && tt.body != nil {
				ct = "application/json"
			}
			r := s.do(t, tt.method, tt.path, tt.role, ct, tt.body)
			assert.Equal(t, tt.status, r.status)
			want := "application/json"
			switch {
			case tt.name == "metrics":
				want = "text/plain"
			case ct == "application/x-ndjson" && tt.status == 200:
				want = "application/x-ndjson"
			}
			assert.True(t, strings.HasPrefix(r.header.Get("Content-Type"), want), "Content-Type %s", r.header.Get("Content-Type"))
			if strings.HasPrefix(tt.path, "/v1/assess") && (tt.status == 200 || tt.status == 422) {
				assert.NotEmpty(t, r.header.Get("X-Decision-Id"), "every assessment has a decision id")
			} else {
				assert.Empty(t, r.header.Get("X-Decision-Id"))
			}
			if strings.HasPrefix(tt.path, "/v1/") {
				assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
			}
			if !tt.noGolden {
				var body bytes.Buffer
				if want == "application/json" {
					require.NoError(t, json.Indent(&body, r.body, "", "  "))
				} else {
					body.Write(r.body)
				}
				golden.Check(t, filepath.Join("testdata", "answers", strings.ReplaceAll(tt.name, " ", "-")+".golden"),
					fmt.Appendf(nil, "%d %s\n\n%s", r.status, r.header.Get("Content-Type"), body.Bytes()))
			}
			if tt.name != "openapi" {
				assert.NotContains(t, string(r.body), `"excerpt"`, "answers never carry a line of the body")
			}
		})
	}
}

// Each example referral's assessment by the service is the library's,
// field for field.
func TestAssessIsTheLibrarys(t *testing.T) {
	s := start(t, server.Config{}, nil)
	for name, data := range examples(t) {
		t.Run(name, func(t *testing.T) {
			r, problems := referral.Read("body", data)
			require.NotNil(t, r)
			want, err := pathway.Default().Assess(context.Background(), r, pathway.WithProblems(problems))
			require.NoError(t, err)
			wantJSON, err := json.Marshal(want)
			require.NoError(t, err)
			got := s.do(t, "POST", "/v1/assess", "police-coordinator", contentTypeOf(name), data)
			assert.JSONEq(t, string(wantJSON), string(got.body))
			if want.Decision == pathway.Invalid {
				assert.Equal(t, 422, got.status)
			} else {
				assert.Equal(t, 200, got.status)
			}
		})
	}
}

// Every role's token is accepted and every role gets its own view, the
// one the library gives; anything else is 401, always the same 401.
func TestAuthAndRoleViews(t *testing.T) {
	s := start(t, server.Config{}, nil)
	ex := examples(t)
	for _, role := range roles {
		for _, name := range []string{"hr-several-victims-children.json", "cobi-spo-risk-to-staff.yaml"} {
			t.Run(role+" "+name, func(t *testing.T) {
				r, _ := referral.Read("body", ex[name])
				v, err := pathway.Default().InForce(r.DateSent)
				require.NoError(t, err)
				view, err := v.Safeguarding.Redact(r, role)
				require.NoError(t, err)
				want, err := json.Marshal(view)
				require.NoError(t, err)
				got := s.do(t, "POST", "/v1/redact", role, contentTypeOf(name), ex[name])
				require.Equal(t, 200, got.status)
				assert.JSONEq(t, string(want), string(got.body))
				if name == "hr-several-victims-children.json" {
					golden.Check(t, filepath.Join("testdata", "views", role+".golden"), indent(t, got.body))
				}
			})
		}
	}

	denied := s.do(t, "POST", "/v1/assess", "", "", ex["hr-eligible.json"])
	require.Equal(t, 401, denied.status)
	assert.Equal(t, `Bearer realm="pathway"`, denied.header.Get("WWW-Authenticate"))
	for _, tt := range []struct {
		name    string
		headers []string
	}{
		{name: "unknown token", headers: []string{"Bearer not-a-token"}},
		{name: "no scheme", headers: []string{tokenOf("referrer")}},
		{name: "basic", headers: []string{"Basic " + tokenOf("referrer")}},
		{name: "empty token", headers: []string{"Bearer "}},
		{name: "two headers", headers: []string{"Bearer " + tokenOf("referrer"), "Bearer " + tokenOf("provider")}},
		{name: "the hash", headers: []string{"Bearer " + server.HashToken(tokenOf("referrer"))}},
		{name: "a long token", headers: []string{"Bearer " + strings.Repeat("a", 40<<10)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", s.url+"/v1/assess", bytes.NewReader(ex["hr-eligible.json"]))
			require.NoError(t, err)
			for _, h := range tt.headers {
				req.Header.Add("Authorization", h)
			}
			resp, err := s.client.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var body bytes.Buffer
			_, err = body.ReadFrom(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, 401, resp.StatusCode)
			assert.Equal(t, string(denied.body), body.String(), "every 401 is the same: it tells nothing")
		})
	}
	t.Run("lower-case scheme", func(t *testing.T) {
		req, err := http.NewRequest("POST", s.url+"/v1/assess", bytes.NewReader(ex["hr-eligible.json"]))
		require.NoError(t, err)
		req.Header.Set("Authorization", "bearer "+tokenOf("referrer"))
		resp, err := s.client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode)
	})
}

func indent(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, json.Indent(&b, data, "", "  "))
	b.WriteByte('\n')
	return b.Bytes()
}

func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name string
		cfg  server.Config
		want string
	}{
		{name: "no pack", cfg: server.Config{Tokens: testTokens(t)}, want: "no rule pack"},
		{name: "no tokens", cfg: server.Config{Pack: pathway.Default()}, want: "no tokens"},
		{name: "tokens and insecure local", cfg: server.Config{Pack: pathway.Default(), Tokens: testTokens(t), InsecureLocal: true}, want: "both"},
		{name: "a role the pack does not have", cfg: server.Config{Pack: pathway.Default(), Tokens: mustTokens(t, "tokens:\n  - name: a\n    role: judge\n    sha256: "+hashA+"\n")}, want: "not a sharing role"},
		{name: "a negative timeout", cfg: server.Config{Pack: pathway.Default(), Tokens: testTokens(t), ReadTimeout: -time.Second}, want: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := server.New(tt.cfg)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func mustTokens(t *testing.T, file string) *server.Tokens {
	t.Helper()
	tokens, err := server.ParseTokens("tokens.yaml", []byte(file))
	require.NoError(t, err)
	return tokens
}

// Without tokens, every caller is the referrer, and only on loopback.
func TestInsecureLocal(t *testing.T) {
	s := start(t, server.Config{InsecureLocal: true}, nil)
	ex := examples(t)
	got := s.do(t, "POST", "/v1/redact", "", "", ex["hr-several-victims-children.json"])
	require.Equal(t, 200, got.status)
	r, _ := referral.Read("body", ex["hr-several-victims-children.json"])
	v, err := pathway.Default().InForce(r.DateSent)
	require.NoError(t, err)
	view, err := v.Safeguarding.Redact(r, "referrer")
	require.NoError(t, err)
	want, err := json.Marshal(view)
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got.body), "the caller is the referrer")

	srv, err := server.New(server.Config{Pack: pathway.Default(), InsecureLocal: true})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	require.NoError(t, err)
	defer ln.Close()
	err = srv.Serve(context.Background(), ln)
	require.Error(t, err, "a service without tokens refuses every interface")
	assert.Contains(t, err.Error(), "loopback")

	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8080", true}, {"127.0.0.2:1", true}, {"[::1]:8080", true}, {"localhost:8080", true}, {"LOCALHOST", true},
		{":8080", false}, {"0.0.0.0:8080", false}, {"[::]:8080", false}, {"192.0.2.1:8080", false}, {"example.org:80", false}, {"", false},
	} {
		assert.Equal(t, tt.want, server.IsLoopback(tt.addr), tt.addr)
	}
}

// JSON Lines come back in input order, one assessment a line, each
// line's decision recorded as ID/LINE; a bad line names its line.
func TestLines(t *testing.T) {
	var decisions syncBuffer
	s := start(t, server.Config{}, &decisions)
	ex := examples(t)
	var in bytes.Buffer
	var ids []string
	n := 0
	for i := range 40 {
		for _, name := range []string{"hr-eligible.json", "cobi-eligible.json", "invalid-bad-email.json"} {
			data := compact(ex[name])
			id := fmt.Sprintf("B-%03d", i)
			data = bytes.Replace(data, []byte(`"id":"KR-`), []byte(`"id":"`+id+`-`), 1)
			in.Write(data)
			in.WriteByte('\n')
			n++
			var m map[string]any
			require.NoError(t, json.Unmarshal(data, &m))
			ids = append(ids, m["id"].(string))
		}
	}
	in.WriteString("{\"id\": \"half\"\n")
	n++
	got := s.do(t, "POST", "/v1/assess", "referrer", "application/x-ndjson", in.Bytes())
	require.Equal(t, 200, got.status)
	lines := strings.Split(strings.TrimSuffix(string(got.body), "\n"), "\n")
	require.Len(t, lines, n)
	for i, l := range lines {
		var a pathway.Assessment
		require.NoError(t, json.Unmarshal([]byte(l), &a))
		if i < len(ids) {
			assert.Equal(t, ids[i], a.Referral, "in input order")
			continue
		}
		assert.Equal(t, fmt.Sprintf("line %d", i+1), a.Referral)
		assert.Equal(t, pathway.Invalid, a.Decision)
		require.NotEmpty(t, a.Problems)
		assert.Equal(t, i+1, a.Problems[0].Range.Start.Line)
	}
	batch := got.header.Get("X-Decision-Id")
	logged := map[string]bool{}
	for l := range strings.Lines(decisions.String()) {
		var d server.DecisionRecord
		require.NoError(t, json.Unmarshal([]byte(l), &d))
		logged[d.ID] = true
		assert.Equal(t, fmt.Sprintf("%s/%d", batch, d.Line), d.ID)
	}
	assert.Len(t, logged, n, "every line's decision is recorded once")
}

// A JSON Lines line longer than 4 MiB is an invalid assessment naming its
// line (the status has gone by then); the lines around it are assessed.
func TestLinesTooLong(t *testing.T) {
	s := start(t, server.Config{}, nil)
	ex := examples(t)
	var in bytes.Buffer
	in.Write(compact(ex["hr-eligible.json"]))
	in.WriteString("\n{\"id\": \"" + strings.Repeat("x", server.MaxBody) + "\"}\n")
	in.Write(compact(ex["hr-eligible.json"]))
	got := s.do(t, "POST", "/v1/assess", "referrer", "application/x-ndjson", in.Bytes())
	require.Equal(t, 200, got.status)
	sc := bufio.NewScanner(bytes.NewReader(got.body))
	var decisions []string
	for sc.Scan() {
		var a pathway.Assessment
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a))
		decisions = append(decisions, string(a.Decision)+" "+a.Referral)
		if a.Decision == pathway.Invalid {
			assert.Equal(t, "too-large", a.Problems[0].Code)
		}
	}
	assert.Equal(t, []string{"eligible KR-2024-0042", "invalid line 2", "eligible KR-2024-0042"}, decisions)
}

// A body sent without a length (chunked) is cut off at the limit too.
func TestTooLargeWithoutLength(t *testing.T) {
	s := start(t, server.Config{}, nil)
	for _, tt := range []struct {
		name string
		size int
		want int
	}{
		{name: "at the limit", size: server.MaxBody, want: 200},
		{name: "over the limit", size: server.MaxBody + 1, want: 413},
		{name: "far over the limit", size: 64 << 20, want: 413},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := examples(t)["hr-eligible.json"]
			pad := strings.NewReader(strings.Repeat(" ", tt.size-len(body)))
			req, err := http.NewRequest("POST", s.url+"/v1/assess", io.MultiReader(bytes.NewReader(body), pad))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+tokenOf("referrer"))
			resp, err := s.client.Do(req)
			if err != nil && tt.want == 413 {
				// The service may close the connection while a large body is still being sent.
				return
			}
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Zero(t, req.ContentLength, "sent without a length")
			assert.Equal(t, tt.want, resp.StatusCode)
		})
	}
}
