package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/server"
)

var fuzzPaths = []string{"/v1/assess", "/v1/validate", "/v1/redact", "/v1/assess?at=2023-06-01"}
var fuzzTypes = []string{"application/json", "application/yaml", "application/x-ndjson", ""}

// FuzzBody sends arbitrary bodies, as JSON, YAML or JSON Lines, to the
// endpoints that read them. Whatever the body, the answer is one the
// document lists (never a 500, never a panic), is JSON (a line at a time
// for JSON Lines), and carries no line of the body.
func FuzzBody(f *testing.F) {
	for name, data := range examples(f) {
		f.Add(uint8(0), data)
		f.Add(uint8(1), data)
		if strings.HasSuffix(name, ".json") {
			f.Add(uint8(2), append(append(compact(data), '\n'), compact(data)...))
		}
	}
	for _, seed := range []string{"", "{}", "[]", "null", `{"id": 1}`, "id: [", "{\"victims\": [" + strings.Repeat("{},", 60) + "{}]}", "\xff\xfe", "- a\n- b\n", "a: &x 1\nb: *x\n", "{\"id\":\"x\"}\n\n{\n"} {
		f.Add(uint8(0), []byte(seed))
		f.Add(uint8(2), []byte(seed))
	}
	srv, err := server.New(server.Config{Pack: pathway.Default(), InsecureLocal: true,
		DecisionLog: server.NewDecisionLog(io.Discard), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		path := fuzzPaths[int(kind)%len(fuzzPaths)]
		ct := fuzzTypes[int(kind/4)%len(fuzzTypes)]
		req := httptest.NewRequest("POST", path, bytes.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("status %d for %s %s: %s", rec.Code, path, ct, rec.Body.String())
		}
		out := rec.Body.Bytes()
		if rec.Header().Get("Content-Type") == "application/x-ndjson" {
			for _, line := range bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n")) {
				if len(line) > 0 && !json.Valid(line) {
					t.Fatalf("an answer line is not JSON: %q", line)
				}
			}
		} else if !json.Valid(out) {
			t.Fatalf("the answer is not JSON: %q", out)
		}
		if bytes.Contains(out, []byte(`"excerpt"`)) {
			t.Fatalf("an answer carries a line of the body: %s", out)
		}
		if strings.HasPrefix(path, "/v1/assess") && (rec.Code == 200 || rec.Code == 422) && rec.Header().Get("X-Decision-Id") == "" {
			t.Fatal("an assessment without a decision id")
		}
	})
}
