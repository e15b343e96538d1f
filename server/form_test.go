package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
	"github.com/saferpath/pathway/server"
)

// outboxDir makes a private folder for an outbox.
func outboxDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "outbox")
	require.NoError(t, os.Mkdir(dir, 0o700))
	return dir
}

// openOutbox opens a private folder as an outbox holding at most max files.
func openOutbox(t testing.TB, max int) *server.Outbox {
	t.Helper()
	o, err := server.OpenOutbox(outboxDir(t), max)
	require.NoError(t, err)
	t.Cleanup(func() { _ = o.Close() })
	return o
}

// fetch sends a request with the given headers (a role's token with
// "role") and reads the answer.
func (s *service) fetch(t testing.TB, method, path string, headers map[string]string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range headers {
		if k == "role" {
			req.Header.Set("Authorization", "Bearer "+tokenOf(v))
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// outboxFiles lists the names in dir.
func outboxFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

var referenceName = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.json$`)

// The page and its assets come with a strict Content-Security-Policy and
// the other security headers, hold no inline script or style, and name
// no other site.
func TestReferPage(t *testing.T) {
	s := start(t, server.Config{}, nil)
	tests := []struct {
		name, path, contentType string
		status                  int
	}{
		{name: "the page", path: "/refer", contentType: "text/html; charset=utf-8", status: 200},
		{name: "its script", path: "/refer/assets/refer.js", contentType: "text/javascript; charset=utf-8", status: 200},
		{name: "its style", path: "/refer/assets/refer.css", contentType: "text/css; charset=utf-8", status: 200},
		{name: "its icon", path: "/refer/assets/refer.svg", contentType: "image/svg+xml", status: 200},
		{name: "the page is not an asset", path: "/refer/assets/refer.html", contentType: "application/json", status: 404},
		{name: "no such asset", path: "/refer/assets/axe.min.js", contentType: "application/json", status: 404},
		{name: "no way out of the assets", path: "/refer/assets/..%2Fform.go", contentType: "application/json", status: 404},
		{name: "the page with a slash", path: "/refer/", contentType: "application/json", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.do(t, "GET", tt.path, "", "", nil)
			require.Equal(t, tt.status, r.status, string(r.body))
			assert.Equal(t, tt.contentType, r.header.Get("Content-Type"))
			assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
			assert.Empty(t, r.header.Get("Access-Control-Allow-Origin"), "no CORS")
			csp := r.header.Get("Content-Security-Policy")
			assert.Contains(t, csp, "frame-ancestors 'none'")
			assert.NotContains(t, csp, "unsafe-inline")
			assert.NotContains(t, csp, "unsafe-eval")
			if tt.status != 200 {
				return
			}
			assert.Equal(t, "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", csp)
			assert.Equal(t, "DENY", r.header.Get("X-Frame-Options"))
			assert.Equal(t, "no-referrer", r.header.Get("Referrer-Policy"))
			assert.NotRegexp(t, `https?://`, strings.ReplaceAll(string(r.body), "http://www.w3.org/2000/svg", ""), "names no other site")
			if strings.HasPrefix(tt.contentType, "text/html") {
				assert.NotRegexp(t, `<script(?:\s[^>]*)?>[^<]+</script>|<script>`, string(r.body), "no inline script")
				assert.NotRegexp(t, `<style|\sstyle=|\son[a-z]+=`, string(r.body), "no inline style or handler")
			}
		})
	}
	t.Run("HEAD", func(t *testing.T) {
		r := s.do(t, "HEAD", "/refer", "", "", nil)
		assert.Equal(t, 200, r.status)
	})
	t.Run("POST is not allowed", func(t *testing.T) {
		r := s.do(t, "POST", "/refer", "", "", nil)
		assert.Equal(t, 405, r.status)
		assert.Equal(t, "GET, HEAD", r.header.Get("Allow"))
	})
}

// formDescription reads GET /refer/form.json.
func formDescription(t *testing.T, s *service) server.FormDescription {
	t.Helper()
	r := s.do(t, "GET", "/refer/form.json", "", "", nil)
	require.Equal(t, 200, r.status)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	var d server.FormDescription
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&d))
	return d
}

// The form's description is the referral's one description, question by
// question, with the endpoints the page is to use for the way the service
// runs, and the titles of every rule, programme and action of the pack.
func TestFormDescription(t *testing.T) {
	tests := []struct {
		name                   string
		cfg                    func(t *testing.T) server.Config
		token                  bool
		validate, assess, send string
	}{
		{name: "with tokens", cfg: func(*testing.T) server.Config { return server.Config{} },
			token: true, validate: "/v1/validate", assess: "/v1/assess"},
		{name: "with tokens and an outbox", cfg: func(t *testing.T) server.Config { return server.Config{Outbox: openOutbox(t, 0)} },
			token: true, validate: "/v1/validate", assess: "/v1/assess", send: "/v1/send"},
		{name: "public", cfg: func(*testing.T) server.Config { return server.Config{PublicForm: true} },
			validate: "/refer/api/validate", assess: "/refer/api/assess"},
		{name: "public with an outbox", cfg: func(t *testing.T) server.Config { return server.Config{PublicForm: true, Outbox: openOutbox(t, 0)} },
			validate: "/refer/api/validate", assess: "/refer/api/assess", send: "/refer/api/send"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, tt.cfg(t), nil)
			d := formDescription(t, s)
			assert.Equal(t, tt.token, d.Token)
			assert.Equal(t, tt.validate, d.Validate)
			assert.Equal(t, tt.assess, d.Assess)
			assert.Equal(t, tt.send, d.Send)
			assert.Equal(t, server.MaxBody, d.MaxBody)
			assert.Equal(t, server.NextSteps, d.Next)

			fields := referral.Fields()
			require.Len(t, d.Fields, len(fields), "one question per field of the description, in its order")
			for i, f := range fields {
				got := d.Fields[i]
				assert.Equal(t, f.Path, got.Path)
				assert.Equal(t, f.Name, got.Name, f.Path)
				assert.Equal(t, string(f.Kind), got.Kind, f.Path)
				assert.Equal(t, f.Question, got.Question, f.Path)
				assert.Equal(t, f.Help, got.Help, f.Path)
				assert.Equal(t, f.Label, got.Label, f.Path)
				assert.Equal(t, f.Item, got.Item, f.Path)
				assert.Equal(t, f.Enum, got.Enum, f.Path)
				assert.Equal(t, f.Values, got.Values, f.Path)
				assert.Equal(t, f.ValueLabels, got.ValueLabels, f.Path)
				assert.Equal(t, f.Required, got.Required, f.Path)
				assert.Equal(t, f.Optional, got.Optional, f.Path)
				assert.Equal(t, f.Max, got.Max, f.Path)
				var forms []string
				for _, form := range f.Forms {
					forms = append(forms, string(form))
				}
				assert.Equal(t, forms, got.Forms, f.Path)
				if f.ShowIf == nil {
					assert.Nil(t, got.ShowIf, f.Path)
				} else if assert.NotNil(t, got.ShowIf, f.Path) {
					assert.Equal(t, f.ShowIf.Field, got.ShowIf.Field, f.Path)
					assert.Equal(t, f.ShowIf.Values, got.ShowIf.Values, f.Path)
				}
			}

			pack := pathway.Default()
			require.Len(t, d.Titles, len(pack.Versions()))
			for _, v := range pack.Versions() {
				titles := d.Titles[v.Version]
				var ids []string
				for _, r := range v.Eligibility.All() {
					ids = append(ids, r.ID)
				}
				for _, p := range v.Programmes.Programmes {
					ids = append(ids, p.ID)
				}
				for _, tr := range v.Safeguarding.Triggers {
					ids = append(ids, tr.ID, safeguarding.EstablishPrefix+tr.ID)
				}
				require.NotEmpty(t, ids)
				for _, id := range ids {
					assert.Equal(t, v.TitleOf(id), titles[id], "%s %s", v.Version, id)
					assert.NotEmpty(t, titles[id], "%s %s has a title", v.Version, id)
				}
				assert.Len(t, titles, len(ids))
			}
		})
	}
}

// Every question of both forms is in the description the page is built
// from, and the COBI form's own question is asked on it alone.
func TestFormAsksTheFormsQuestions(t *testing.T) {
	s := start(t, server.Config{}, nil)
	d := formDescription(t, s)
	byPath := map[string]server.FormField{}
	for _, f := range d.Fields {
		byPath[f.Path] = f
	}
	// The questions of the Word forms (docs/referral.md), by the path
	// that answers each.
	for _, path := range []string{
		"dateSent", "referrer.name", "referrer.organisation", "referrer.role", "referrer.phone", "referrer.email",
		"subject.name", "subject.address", "subject.phone", "subject.email", "subject.subjectToSPO", "behaviourSummary",
		"otherAgencies", "otherAgencies[].contact", "otherAgencies[].nature",
		"victims", "victims[].name", "victims[].dateOfBirth", "victims[].address", "victims[].relationship",
		"victims[].knownToSupportService", "victims[].reasonNotKnown", "victims[].awareOfSupportServices",
		"victims[].servicesProvided", "victims[].consentsToContact", "victims[].wantsUpdates", "victims[].supportServiceContact",
		"riskToStaff.present", "riskToStaff.details",
	} {
		f, ok := byPath[path]
		if assert.True(t, ok, "the form asks %s", path) {
			assert.NotEmpty(t, f.Question, path)
		}
	}
	for _, f := range d.Fields {
		if f.Path == "subject.subjectToSPO" {
			assert.Equal(t, []string{"cobi"}, f.Forms)
		} else {
			assert.Empty(t, f.Forms, "%s is asked on both forms", f.Path)
		}
	}
	for path, when := range map[string]string{
		"victims[].reasonNotKnown": "knownToSupportService=false", "victims[].servicesProvided": "awareOfSupportServices=true",
		"victims[].wantsUpdates": "consentsToContact=true", "riskToStaff.details": "present=true",
	} {
		f := byPath[path]
		if assert.NotNil(t, f.ShowIf, path) {
			assert.Equal(t, when, f.ShowIf.Field+"="+strings.Join(f.ShowIf.Values, "|"), path)
		}
	}
}

// sendCase is one referral sent, and what should come of it.
type sendCase struct {
	name        string
	path        string
	headers     map[string]string
	body        []byte
	status      int
	sent        bool
	problemCode string
}

// Sending validates and assesses the referral, writes it to the outbox as
// one private file named after its decision id (nothing else, no temporary
// file left), records the decision with the file's name, and says what
// happens next. An invalid referral is not sent.
func TestSend(t *testing.T) {
	ex := examples(t)
	big := bytes.Repeat([]byte(" "), server.MaxBody+1)
	copy(big, ex["cobi-eligible.json"])
	tests := []sendCase{
		{name: "eligible cobi", path: "/v1/send", headers: map[string]string{"role": "referrer"}, body: ex["cobi-eligible.json"], status: 200, sent: true},
		{name: "incomplete", path: "/v1/send", headers: map[string]string{"role": "referrer"}, body: ex["hr-unanswered-eligibility.json"], status: 200, sent: true},
		{name: "ineligible, as yaml", path: "/v1/send", headers: map[string]string{"role": "police-coordinator", "Content-Type": "application/yaml"}, body: ex["cobi-likely-order.yaml"], status: 200, sent: true},
		{name: "public", path: "/refer/api/send", body: ex["hr-several-victims-children.json"], status: 200, sent: true},
		{name: "invalid", path: "/v1/send", headers: map[string]string{"role": "referrer"}, body: ex["invalid-bad-email.json"], status: 422},
		{name: "public invalid", path: "/refer/api/send", body: ex["invalid-spo-unanswered.json"], status: 422},
		{name: "no version in force", path: "/v1/send", headers: map[string]string{"role": "referrer"},
			body: bytes.Replace(ex["hr-eligible.json"], []byte(`"2024-05-14"`), []byte(`"2031-05-14"`), 1), status: 422},
		{name: "no token", path: "/v1/send", body: ex["cobi-eligible.json"], status: 401, problemCode: "unauthorized"},
		{name: "a query", path: "/v1/send?at=2024-01-01", headers: map[string]string{"role": "referrer"}, body: ex["cobi-eligible.json"], status: 400, problemCode: "unknown-parameter"},
		{name: "too large", path: "/v1/send", headers: map[string]string{"role": "referrer"}, body: big, status: 413, problemCode: "too-large"},
		{name: "public too large", path: "/refer/api/send", body: big, status: 413, problemCode: "too-large"},
		{name: "not json", path: "/v1/send", headers: map[string]string{"role": "referrer"}, body: []byte(`{"id": `), status: 400, problemCode: "not-json"},
		{name: "json lines", path: "/refer/api/send", headers: map[string]string{"Content-Type": "application/x-ndjson"}, body: compact(ex["cobi-eligible.json"]), status: 415, problemCode: "unsupported-media-type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			outbox := openOutbox(t, 0)
			var decisions bytes.Buffer
			s := start(t, server.Config{Outbox: outbox, PublicForm: true}, &decisions)
			r := s.fetch(t, "POST", tt.path, tt.headers, tt.body)
			require.Equal(t, tt.status, r.status, string(r.body))
			files := outboxFiles(t, outbox.Dir())
			if !tt.sent {
				assert.Empty(t, files, "nothing is sent")
				if tt.problemCode != "" {
					var doc struct{ Problems []struct{ Code string } }
					require.NoError(t, json.Unmarshal(r.body, &doc))
					require.NotEmpty(t, doc.Problems)
					assert.Equal(t, tt.problemCode, doc.Problems[0].Code)
				}
				if tt.status == 422 {
					var a pathway.Assessment
					require.NoError(t, json.Unmarshal(r.body, &a))
					assert.Equal(t, pathway.Invalid, a.Decision)
					assert.Contains(t, decisions.String(), `"id":"`+r.header.Get("X-Decision-Id")+`"`, "the decision is recorded as usual")
					assert.NotContains(t, decisions.String(), `"outbox"`)
				}
				return
			}
			var receipt server.Receipt
			require.NoError(t, json.Unmarshal(r.body, &receipt))
			assert.Equal(t, r.header.Get("X-Decision-Id"), receipt.Reference)
			assert.Equal(t, server.NextSteps, receipt.Next)
			assert.Contains(t, receipt.Next, "police Perpetrator Programme Co-ordinator")
			assert.Contains(t, receipt.Next, "call you")
			require.NotNil(t, receipt.Assessment)
			assert.NotEqual(t, pathway.Invalid, receipt.Assessment.Decision)

			require.Equal(t, []string{receipt.Reference + ".json"}, files, "exactly one file, named after the reference, and no temporary file")
			assert.Regexp(t, referenceName, files[0])
			path := filepath.Join(outbox.Dir(), files[0])
			info, err := os.Stat(path)
			require.NoError(t, err)
			assert.True(t, info.Mode().IsRegular())
			if runtime.GOOS != "windows" {
				assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
			}
			written, err := os.ReadFile(path)
			require.NoError(t, err)
			got, problems := referral.Read("outbox", written)
			require.NotNil(t, got, "the file is a referral: %v", problems)
			assert.True(t, json.Valid(written), "the file is JSON")
			want, _ := referral.Read("sent", tt.body)
			require.NotNil(t, want)
			assert.Equal(t, want, got, "the file holds the referral that was sent")

			var rec server.DecisionRecord
			require.NoError(t, json.Unmarshal(bytes.TrimSpace(decisions.Bytes()), &rec))
			assert.Equal(t, receipt.Reference, rec.ID)
			assert.Equal(t, files[0], rec.Outbox)
			assert.Equal(t, receipt.Assessment.Decision, rec.Decision)
			if strings.HasPrefix(tt.path, "/refer/") {
				assert.Equal(t, "public-form", rec.Caller)
			}
		})
	}
}

// A full outbox, or one that cannot be written, refuses with 503 and
// sends nothing; the referrer is told to try later.
func TestSendRefused(t *testing.T) {
	ex := examples(t)
	t.Run("full", func(t *testing.T) {
		outbox := openOutbox(t, 2)
		s := start(t, server.Config{Outbox: outbox}, nil)
		for i := range 2 {
			r := s.fetch(t, "POST", "/v1/send", map[string]string{"role": "referrer"}, ex["cobi-eligible.json"])
			require.Equal(t, 200, r.status, "send %d", i+1)
		}
		r := s.fetch(t, "POST", "/v1/send", map[string]string{"role": "referrer"}, ex["cobi-eligible.json"])
		require.Equal(t, 503, r.status)
		assert.Contains(t, string(r.body), `"code":"outbox-full"`)
		assert.NotEmpty(t, r.header.Get("Retry-After"))
		assert.Len(t, outboxFiles(t, outbox.Dir()), 2)
		// Once one is collected, the next is taken.
		require.NoError(t, os.Remove(filepath.Join(outbox.Dir(), outboxFiles(t, outbox.Dir())[0])))
		r = s.fetch(t, "POST", "/v1/send", map[string]string{"role": "referrer"}, ex["cobi-eligible.json"])
		assert.Equal(t, 200, r.status)
	})
	t.Run("gone", func(t *testing.T) {
		outbox := openOutbox(t, 0)
		s := start(t, server.Config{Outbox: outbox}, nil)
		require.NoError(t, outbox.Close())
		r := s.fetch(t, "POST", "/v1/send", map[string]string{"role": "referrer"}, ex["cobi-eligible.json"])
		require.Equal(t, 503, r.status)
		assert.Contains(t, string(r.body), `"code":"outbox-unavailable"`)
	})
	t.Run("the decision cannot be recorded", func(t *testing.T) {
		outbox := openOutbox(t, 0)
		dl, err := server.OpenDecisionLog(filepath.Join(t.TempDir(), "decisions.jsonl"))
		require.NoError(t, err)
		require.NoError(t, dl.Close())
		s := start(t, server.Config{Outbox: outbox, DecisionLog: dl}, nil)
		r := s.fetch(t, "POST", "/v1/send", map[string]string{"role": "referrer"}, ex["cobi-eligible.json"])
		require.Equal(t, 500, r.status)
		assert.Empty(t, outboxFiles(t, outbox.Dir()), "a referral is sent only with its decision recorded")
	})
}

// Without an outbox there is no sending: both send endpoints are 404, and
// the form's description has no send endpoint.
func TestSendWithoutOutbox(t *testing.T) {
	ex := examples(t)
	s := start(t, server.Config{PublicForm: true}, nil)
	for _, path := range []string{"/v1/send", "/refer/api/send"} {
		t.Run(path, func(t *testing.T) {
			r := s.fetch(t, "POST", path, map[string]string{"role": "referrer"}, ex["cobi-eligible.json"])
			assert.Equal(t, 404, r.status)
			assert.Contains(t, string(r.body), `"code":"not-found"`)
		})
	}
	assert.Empty(t, formDescription(t, s).Send)
}

// Whatever a referral says (its id, names, anything a path could be made
// of), the file it is sent as has the name the service makes, inside the
// outbox and nowhere else.
func TestOutboxNameIgnoresTheReferral(t *testing.T) {
	ex := examples(t)
	var base map[string]any
	require.NoError(t, json.Unmarshal(ex["cobi-eligible.json"], &base))
	for _, id := range []string{"../../escaped", "/etc/passwd", `..\..\escaped`, "a/b/c", ".hidden", "CON", "x\u0000y", strings.Repeat("../", 30) + "z", "%2e%2e%2fescaped"} {
		t.Run(strconv.Quote(id), func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "outbox")
			require.NoError(t, os.Mkdir(dir, 0o700))
			outbox, err := server.OpenOutbox(dir, 0)
			require.NoError(t, err)
			t.Cleanup(func() { _ = outbox.Close() })
			s := start(t, server.Config{Outbox: outbox, PublicForm: true}, nil)
			base["id"] = id
			base["subject"].(map[string]any)["name"] = id
			body, err := json.Marshal(base)
			require.NoError(t, err)
			r := s.fetch(t, "POST", "/refer/api/send", nil, body)
			require.Contains(t, []int{200, 422}, r.status, string(r.body))
			files := outboxFiles(t, dir)
			if r.status == 200 {
				require.Len(t, files, 1)
				assert.Regexp(t, referenceName, files[0])
			} else {
				assert.Empty(t, files)
			}
			assert.Equal(t, []string{"outbox"}, outboxFiles(t, parent), "nothing is written beside the outbox")
		})
	}
}

// With the public form, its endpoints answer without a token, as the
// referrer, within the limits per client address: past the burst, 429
// with Retry-After. The /v1 endpoints still need a token. Without the
// public form there are no public endpoints.
func TestPublicForm(t *testing.T) {
	ex := examples(t)
	body := ex["cobi-eligible.json"]
	t.Run("no token needed", func(t *testing.T) {
		s := start(t, server.Config{PublicForm: true, Outbox: openOutbox(t, 0)}, nil)
		tests := []struct {
			path   string
			status int
		}{
			{"/refer/api/validate", 200},
			{"/refer/api/assess", 200},
			{"/refer/api/send", 200},
			{"/v1/validate", 401},
			{"/v1/assess", 401},
			{"/v1/send", 401},
			{"/v1/redact", 401},
		}
		for _, tt := range tests {
			t.Run(tt.path, func(t *testing.T) {
				r := s.fetch(t, "POST", tt.path, nil, body)
				assert.Equal(t, tt.status, r.status, string(r.body))
			})
		}
	})
	t.Run("without the public form", func(t *testing.T) {
		s := start(t, server.Config{Outbox: openOutbox(t, 0)}, nil)
		for _, path := range []string{"/refer/api/validate", "/refer/api/assess", "/refer/api/send"} {
			r := s.fetch(t, "POST", path, nil, body)
			assert.Equal(t, 404, r.status, path)
		}
		for _, path := range []string{"/v1/validate", "/v1/assess", "/v1/send"} {
			r := s.fetch(t, "POST", path, nil, body)
			assert.Equal(t, 401, r.status, path)
			r = s.fetch(t, "POST", path, map[string]string{"role": "referrer"}, body)
			assert.Equal(t, 200, r.status, path)
		}
	})
	t.Run("rate limited", func(t *testing.T) {
		tests := []struct {
			name  string
			path  string
			check server.Limit
			send  server.Limit
			burst int
		}{
			{name: "checks", path: "/refer/api/validate", check: server.Limit{Every: time.Hour, Burst: 3}, burst: 3},
			{name: "assessments share the checks' bucket", path: "/refer/api/assess", check: server.Limit{Every: time.Hour, Burst: 2}, burst: 2},
			{name: "sends", path: "/refer/api/send", send: server.Limit{Every: time.Hour, Burst: 2}, burst: 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				s := start(t, server.Config{PublicForm: true, Outbox: openOutbox(t, 0), CheckLimit: tt.check, SendLimit: tt.send}, nil)
				for i := range tt.burst {
					r := s.fetch(t, "POST", tt.path, nil, body)
					require.Equal(t, 200, r.status, "request %d of the burst", i+1)
				}
				r := s.fetch(t, "POST", tt.path, nil, body)
				require.Equal(t, 429, r.status)
				assert.Contains(t, string(r.body), `"code":"too-many-requests"`)
				secs, err := strconv.Atoi(r.header.Get("Retry-After"))
				require.NoError(t, err)
				assert.Greater(t, secs, 3000, "the wait is the time the bucket takes to give one more")
				assert.LessOrEqual(t, secs, 3600)
				// The limits are the public form's only: a token holder is not limited.
				v1 := strings.Replace(tt.path, "/refer/api/", "/v1/", 1)
				r = s.fetch(t, "POST", v1, map[string]string{"role": "referrer"}, body)
				assert.Equal(t, 200, r.status)
			})
		}
	})
	t.Run("only the form's own page", func(t *testing.T) {
		s := start(t, server.Config{PublicForm: true}, nil)
		tests := []struct {
			name    string
			headers map[string]string
			status  int
		}{
			{name: "a browser on the same origin", headers: map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": s.url}, status: 200},
			{name: "no browser", status: 200},
			{name: "a page of another site", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403},
			{name: "another origin", headers: map[string]string{"Origin": "http://evil.example"}, status: 403},
			{name: "json lines", headers: map[string]string{"Content-Type": "application/x-ndjson"}, status: 415},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := s.fetch(t, "POST", "/refer/api/assess", tt.headers, body)
				assert.Equal(t, tt.status, r.status, string(r.body))
				assert.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
			})
		}
		r := s.fetch(t, "POST", "/refer/api/assess?at=2023-01-01", nil, body)
		assert.Equal(t, 400, r.status, "no parameters")
		r = s.fetch(t, "OPTIONS", "/refer/api/assess", map[string]string{"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"}, nil)
		assert.Equal(t, 405, r.status, "no CORS preflight")
		assert.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
	})
	t.Run("public callers are the referrer", func(t *testing.T) {
		var decisions bytes.Buffer
		s := start(t, server.Config{PublicForm: true}, &decisions)
		r := s.fetch(t, "POST", "/refer/api/assess", nil, body)
		require.Equal(t, 200, r.status)
		assert.Contains(t, decisions.String(), `"caller":"public-form"`)
		var a pathway.Assessment
		require.NoError(t, json.Unmarshal(r.body, &a))
		assert.Equal(t, pathway.Eligible, a.Decision)
	})
}

// The form's endpoints take bodies up to the same limit as /v1.
func TestFormBodyLimit(t *testing.T) {
	ex := examples(t)
	s := start(t, server.Config{PublicForm: true, Outbox: openOutbox(t, 0)}, nil)
	fits := bytes.Repeat([]byte(" "), server.MaxBody)
	copy(fits, ex["cobi-eligible.json"])
	over := append(slices.Clone(fits), ' ')
	for _, path := range []string{"/refer/api/validate", "/refer/api/assess", "/refer/api/send"} {
		t.Run(path, func(t *testing.T) {
			assert.Equal(t, 200, s.fetch(t, "POST", path, nil, fits).status, "MaxBody bytes are taken")
			assert.Equal(t, 413, s.fetch(t, "POST", path, nil, over).status, "one more is not")
		})
	}
}

// Every example referral checked and sent through the public form: no
// personal value reaches the decision log or the service's own log.
func TestFormKeepsNothingPersonal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "decisions.jsonl")
	dl, err := server.OpenDecisionLog(path)
	require.NoError(t, err)
	outbox := openOutbox(t, 0)
	s := start(t, server.Config{DecisionLog: dl, PublicForm: true, Outbox: outbox,
		CheckLimit: server.Limit{Every: time.Millisecond, Burst: 1000}, SendLimit: server.Limit{Every: time.Millisecond, Burst: 1000}}, nil)
	var values []string
	sent := 0
	for name, data := range examples(t) {
		values = append(values, personalValues(t, data)...)
		ct := map[string]string{"Content-Type": contentTypeOf(name)}
		s.fetch(t, "POST", "/refer/api/validate", ct, data)
		s.fetch(t, "POST", "/refer/api/assess", ct, data)
		if s.fetch(t, "POST", "/refer/api/send", ct, data).status == 200 {
			sent++
		}
	}
	require.NoError(t, s.stop())
	require.NoError(t, dl.Close())
	require.Greater(t, sent, 3)
	assert.Len(t, outboxFiles(t, outbox.Dir()), sent)
	logged, err := os.ReadFile(path)
	require.NoError(t, err)
	own := s.log.String()
	require.Contains(t, own, `"route":"/refer/api/send"`, "the service's own log was kept at debug level")
	require.Greater(t, len(values), 100)
	for _, v := range values {
		quoted, err := json.Marshal(v)
		require.NoError(t, err)
		for _, where := range []struct{ name, text string }{{"decision log", string(logged)}, {"service log", own}} {
			if strings.Contains(where.text, v) || strings.Contains(where.text, string(quoted[1:len(quoted)-1])) {
				t.Errorf("the %s holds the personal value %q", where.name, v)
			}
		}
	}
}

func TestOpenOutbox(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	open := t.TempDir()
	require.NoError(t, os.Chmod(open, 0o777))
	tests := []struct {
		name string
		dir  string
		max  int
		err  string
	}{
		{name: "no such folder", dir: filepath.Join(t.TempDir(), "none"), err: "does not exist"},
		{name: "a file", dir: file, err: "not a folder"},
		{name: "open to everyone", dir: open, err: "chmod 700"},
		{name: "a negative most", dir: outboxDir(t), max: -1, err: "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "open to everyone" && runtime.GOOS == "windows" {
				t.Skip("no Unix permissions")
			}
			_, err := server.OpenOutbox(tt.dir, tt.max)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
	o, err := server.OpenOutbox(outboxDir(t), 0)
	require.NoError(t, err)
	defer o.Close()
	assert.Equal(t, server.DefaultOutboxMax, o.Max())
	for _, name := range []string{"", ".", "..", "../x.json", "a/b.json", ".tmp-x", `a\b.json`, "a\nb"} {
		assert.Error(t, o.Write(name, []byte("{}")), "%q is refused", name)
	}
	assert.Empty(t, outboxFiles(t, o.Dir()))
}

// The form's exchanges match the OpenAPI document: the page, its assets
// and description, the public endpoints (also when they refuse), and
// sending with a token.
func TestFormExchangesMatchOpenAPI(t *testing.T) {
	v := openAPIValidator(t)
	ex := examples(t)
	s := start(t, server.Config{PublicForm: true, Outbox: openOutbox(t, 0)}, nil)
	limited := start(t, server.Config{PublicForm: true, CheckLimit: server.Limit{Every: time.Hour, Burst: 1}}, nil)
	full := start(t, server.Config{Outbox: openOutbox(t, 1)}, nil)
	big := bytes.Repeat([]byte(" "), server.MaxBody+1)
	tests := []struct {
		name    string
		s       *service
		method  string
		path    string
		headers map[string]string
		body    []byte
		status  int
	}{
		{name: "the page", s: s, method: "GET", path: "/refer", status: 200},
		{name: "its script", s: s, method: "GET", path: "/refer/assets/refer.js", status: 200},
		{name: "its style", s: s, method: "GET", path: "/refer/assets/refer.css", status: 200},
		{name: "no such asset", s: s, method: "GET", path: "/refer/assets/none.js", status: 404},
		{name: "the description", s: s, method: "GET", path: "/refer/form.json", status: 200},
		{name: "public validate", s: s, method: "POST", path: "/refer/api/validate", body: ex["hr-eligible.json"], status: 200},
		{name: "public validate invalid", s: s, method: "POST", path: "/refer/api/validate", body: ex["invalid-bad-email.json"], status: 422},
		{name: "public assess", s: s, method: "POST", path: "/refer/api/assess", body: ex["hr-unanswered-eligibility.json"], status: 200},
		{name: "public assess invalid", s: s, method: "POST", path: "/refer/api/assess", body: ex["invalid-no-victims.json"], status: 422},
		{name: "public assess from another site", s: s, method: "POST", path: "/refer/api/assess", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, body: ex["hr-eligible.json"], status: 403},
		{name: "public send", s: s, method: "POST", path: "/refer/api/send", body: ex["cobi-eligible.json"], status: 200},
		{name: "public send invalid", s: s, method: "POST", path: "/refer/api/send", body: ex["invalid-bad-date.json"], status: 422},
		{name: "public send too large", s: s, method: "POST", path: "/refer/api/send", body: big, status: 413},
		{name: "send", s: s, method: "POST", path: "/v1/send", headers: map[string]string{"role": "referrer"}, body: ex["hr-eligible.json"], status: 200},
		{name: "send no token", s: s, method: "POST", path: "/v1/send", body: ex["hr-eligible.json"], status: 401},
		{name: "limited, first", s: limited, method: "POST", path: "/refer/api/validate", body: ex["hr-eligible.json"], status: 200},
		{name: "limited, second", s: limited, method: "POST", path: "/refer/api/validate", body: ex["hr-eligible.json"], status: 429},
		{name: "outbox, first", s: full, method: "POST", path: "/v1/send", headers: map[string]string{"role": "referrer"}, body: ex["hr-eligible.json"], status: 200},
		{name: "outbox full", s: full, method: "POST", path: "/v1/send", headers: map[string]string{"role": "referrer"}, body: ex["hr-eligible.json"], status: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, tt.s.url+tt.path, bytes.NewReader(tt.body))
			require.NoError(t, err)
			if tt.body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			for k, val := range tt.headers {
				if k == "role" {
					req.Header.Set("Authorization", "Bearer "+tokenOf(val))
					continue
				}
				req.Header.Set(k, val)
			}
			resp, err := tt.s.client.Do(req)
			require.NoError(t, err)
			data, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, tt.status, resp.StatusCode, string(data))
			resp.Body = io.NopCloser(bytes.NewReader(data))
			req.Body = io.NopCloser(bytes.NewReader(tt.body))
			if len(tt.body) <= server.MaxBody && tt.status != 401 {
				ok, errs := v.ValidateHttpRequest(req)
				assert.True(t, ok, "request: %s", describe(errs))
			}
			ok, errs := v.ValidateHttpResponse(req, resp)
			assert.True(t, ok, "answer %d: %s", resp.StatusCode, describe(errs))
		})
	}
}
