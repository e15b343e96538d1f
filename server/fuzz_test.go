package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/server"
)

var fuzzPaths = []string{"/v1/assess", "/v1/validate", "/v1/redact", "/v1/assess?at=2023-06-01",
	"/v1/send", "/refer/api/validate", "/refer/api/assess", "/refer/api/send"}
var fuzzTypes = []string{"application/json", "application/yaml", "application/x-ndjson", ""}

// FuzzBody sends arbitrary bodies, as JSON, YAML or JSON Lines, to the
// endpoints that read them, the referral form's among them. Whatever the
// body, the answer is one the document lists (never a 500, never a
// panic), is JSON (a line at a time for JSON Lines), and carries no line
// of the body; a referral sent is written to the outbox as one file named
// after its reference, holding a referral, and nothing else is left there.
func FuzzBody(f *testing.F) {
	for name, data := range examples(f) {
		f.Add(uint8(0), data)
		f.Add(uint8(1), data)
		f.Add(uint8(4), data)
		f.Add(uint8(7), data)
		if strings.HasSuffix(name, ".json") {
			f.Add(uint8(16), append(append(compact(data), '\n'), compact(data)...))
			f.Add(uint8(22), append(append(compact(data), '\n'), compact(data)...))
		}
	}
	for _, seed := range []string{"", "{}", "[]", "null", `{"id": 1}`, "id: [", "{\"victims\": [" + strings.Repeat("{},", 60) + "{}]}", "\xff\xfe", "- a\n- b\n", "a: &x 1\nb: *x\n", "{\"id\":\"x\"}\n\n{\n"} {
		f.Add(uint8(0), []byte(seed))
		f.Add(uint8(16), []byte(seed))
		f.Add(uint8(7), []byte(seed))
	}
	dir := filepath.Join(f.TempDir(), "outbox")
	if err := os.Mkdir(dir, 0o700); err != nil {
		f.Fatal(err)
	}
	outbox, err := server.OpenOutbox(dir, 0)
	if err != nil {
		f.Fatal(err)
	}
	many := server.Limit{Every: time.Nanosecond, Burst: 1 << 30}
	srv, err := server.New(server.Config{Pack: pathway.Default(), InsecureLocal: true, PublicForm: true, Outbox: outbox,
		CheckLimit: many, SendLimit: many, DecisionLog: server.NewDecisionLog(io.Discard), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		path := fuzzPaths[int(kind)%len(fuzzPaths)]
		ct := fuzzTypes[int(kind/8)%len(fuzzTypes)]
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
		assessed := strings.HasPrefix(path, "/v1/assess") || strings.HasSuffix(path, "/assess") || strings.HasSuffix(path, "/send")
		if assessed && (rec.Code == 200 || rec.Code == 422) && rec.Header().Get("X-Decision-Id") == "" {
			t.Fatal("an assessment without a decision id")
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(path, "/send") || rec.Code != 200 {
			if len(entries) != 0 {
				t.Fatalf("%s answered %d and left %d file(s) in the outbox", path, rec.Code, len(entries))
			}
			return
		}
		var receipt server.Receipt
		if err := json.Unmarshal(out, &receipt); err != nil || receipt.Assessment == nil {
			t.Fatalf("a send's answer is not a receipt: %s", out)
		}
		if len(entries) != 1 || entries[0].Name() != receipt.Reference+".json" {
			t.Fatalf("a send left %v in the outbox, not %s.json", entries, receipt.Reference)
		}
		file := filepath.Join(dir, entries[0].Name())
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if ref, problems := referral.Read("outbox", data); ref == nil || problems.HasErrors() {
			t.Fatalf("the outbox file is not a valid referral: %v", problems)
		}
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
	})
}
