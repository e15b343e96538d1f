package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway/internal/golden"
	"github.com/saferpath/pathway/server"
)

// The published document (docs/openapi.json) is what the service serves.
func TestOpenAPIFile(t *testing.T) {
	doc, err := server.OpenAPI()
	require.NoError(t, err)
	golden.Check(t, filepath.Join("..", "docs", "openapi.json"), append(doc, '\n'))
	s := start(t, server.Config{}, nil)
	r := s.do(t, "GET", "/openapi.json", "", "", nil)
	assert.Equal(t, string(doc), string(r.body))
}

func openAPIValidator(t *testing.T) validator.Validator {
	t.Helper()
	doc, err := server.OpenAPI()
	require.NoError(t, err)
	d, err := libopenapi.NewDocument(doc)
	require.NoError(t, err)
	v, errs := validator.NewValidator(d)
	require.Empty(t, errs)
	return v
}

func describe(errs any) string {
	b, _ := json.MarshalIndent(errs, "", "  ")
	return string(b)
}

// The document is valid OpenAPI 3.1: it passes the specification's own
// schema.
func TestOpenAPIIsValid(t *testing.T) {
	ok, errs := openAPIValidator(t).ValidateDocument()
	assert.True(t, ok, describe(errs))
}

// exchange is a request sent to the service and its answer, for checking
// against the document.
type exchange struct {
	name        string
	method      string
	path        string
	role        string
	contentType string
	body        []byte
	// badRequest: the request itself breaks the document, on purpose.
	badRequest bool
}

// Every example referral's request, and the service's answer to it, on
// every endpoint and for every role, and the error answers, match the
// document; and a wrong answer does not.
func TestExchangesMatchOpenAPI(t *testing.T) {
	v := openAPIValidator(t)
	s := start(t, server.Config{}, nil)
	var exchanges []exchange
	for name, data := range examples(t) {
		ct := contentTypeOf(name)
		exchanges = append(exchanges,
			exchange{name: "assess " + name, method: "POST", path: "/v1/assess", role: "referrer", contentType: ct, body: data},
			exchange{name: "assess at " + name, method: "POST", path: "/v1/assess?at=2023-01-01", role: "referrer", contentType: ct, body: data},
			exchange{name: "validate " + name, method: "POST", path: "/v1/validate", role: "provider", contentType: ct, body: data},
		)
		for _, role := range roles {
			exchanges = append(exchanges, exchange{name: "redact " + role + " " + name, method: "POST", path: "/v1/redact", role: role, contentType: ct, body: data})
		}
	}
	exchanges = append(exchanges,
		exchange{name: "pack", method: "GET", path: "/v1/pack", role: "commissioner"},
		exchange{name: "healthz", method: "GET", path: "/healthz"},
		exchange{name: "readyz", method: "GET", path: "/readyz"},
		exchange{name: "no token", method: "POST", path: "/v1/assess", contentType: "application/json", body: []byte(`{}`), badRequest: true},
		exchange{name: "not json", method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/json", body: []byte(`{"id": `), badRequest: true},
		exchange{name: "too large", method: "POST", path: "/v1/validate", role: "referrer", contentType: "application/json", body: bytes.Repeat([]byte(" "), server.MaxBody+1)},
		exchange{name: "no version", method: "POST", path: "/v1/redact?at=2019-01-01", role: "referrer", contentType: "application/json", body: examples(t)["hr-eligible.json"]},
	)
	for _, ex := range exchanges {
		t.Run(ex.name, func(t *testing.T) {
			req, resp := send(t, s, ex)
			if ex.contentType == "application/yaml" {
				// The validator reads JSON bodies: check the same document as JSON.
				var doc any
				require.NoError(t, yaml.Unmarshal(ex.body, &doc))
				js, err := json.Marshal(doc)
				require.NoError(t, err)
				req.Body = io.NopCloser(bytes.NewReader(js))
				req.Header.Set("Content-Type", "application/json")
			}
			if len(ex.body) <= server.MaxBody {
				ok, errs := v.ValidateHttpRequest(req)
				assert.Equal(t, !ex.badRequest, ok, "request: %s", describe(errs))
			}
			if ex.contentType == "application/yaml" {
				req.Body = io.NopCloser(bytes.NewReader(ex.body))
			}
			ok, errs := v.ValidateHttpResponse(req, resp)
			assert.True(t, ok, "answer %d: %s", resp.StatusCode, describe(errs))
		})
	}

	t.Run("a wrong answer does not match", func(t *testing.T) {
		for _, bad := range []string{`{"referral": "KR-1"}`, `{"problems": [{"code": "x"}]}`} {
			req, resp := send(t, s, exchange{method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/json", body: examples(t)["hr-eligible.json"]})
			resp.Body = io.NopCloser(strings.NewReader(bad))
			ok, _ := v.ValidateHttpResponse(req, resp)
			assert.False(t, ok, bad)
		}
	})

	t.Run("JSON Lines answers are assessments", func(t *testing.T) {
		var in bytes.Buffer
		for name, data := range examples(t) {
			if strings.HasSuffix(name, ".json") {
				in.Write(compact(data))
				in.WriteByte('\n')
			}
		}
		in.WriteString("not json\n")
		r := s.do(t, "POST", "/v1/assess", "referrer", "application/x-ndjson", in.Bytes())
		require.Equal(t, 200, r.status)
		for i, line := range strings.Split(strings.TrimSuffix(string(r.body), "\n"), "\n") {
			req, resp := send(t, s, exchange{method: "POST", path: "/v1/assess", role: "referrer", contentType: "application/json", body: examples(t)["hr-eligible.json"]})
			resp.Body = io.NopCloser(strings.NewReader(line))
			ok, errs := v.ValidateHttpResponse(req, resp)
			assert.True(t, ok, "line %d: %s", i+1, describe(errs))
		}
	})
}

// send makes the exchange with the service, and returns the request (its
// body ready to read again) and the answer (its body read whole).
func send(t *testing.T, s *service, ex exchange) (*http.Request, *http.Response) {
	t.Helper()
	req, err := http.NewRequest(ex.method, s.url+ex.path, bytes.NewReader(ex.body))
	require.NoError(t, err)
	if ex.contentType != "" {
		req.Header.Set("Content-Type", ex.contentType)
	}
	if ex.role != "" {
		req.Header.Set("Authorization", "Bearer "+tokenOf(ex.role))
	}
	resp, err := s.client.Do(req)
	require.NoError(t, err)
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	req.Body = io.NopCloser(bytes.NewReader(ex.body))
	return req, resp
}
