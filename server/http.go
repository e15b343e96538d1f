package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// bodyName names the request body in diagnostics: body:3:7.
const bodyName = "body"

// Media types.
const (
	typeJSON  = "application/json"
	typeYAML  = "application/yaml"
	typeLines = "application/x-ndjson"
)

type media int

const (
	mediaJSON media = iota
	mediaYAML
	mediaLines
	mediaOther
)

// mediaOf classifies a Content-Type. No Content-Type is JSON; a charset,
// when given, must be UTF-8.
func mediaOf(contentType string) media {
	if contentType == "" || contentType == typeJSON {
		return mediaJSON
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return mediaOther
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return mediaOther
	}
	switch mt {
	case typeJSON:
		return mediaJSON
	case typeYAML, "application/x-yaml", "text/yaml":
		return mediaYAML
	case typeLines, "application/jsonl":
		return mediaLines
	}
	return mediaOther
}

// errorDoc is the body of every error answer: the problems, as the
// command-line tool reports them, without source lines.
type errorDoc struct {
	Problems diag.List `json:"problems"`
}

// public copies problems without their source lines (excerpts): a line of
// a referral may hold a personal detail.
func public(problems diag.List) diag.List {
	out := make(diag.List, len(problems))
	for i, d := range problems {
		c := *d
		c.Excerpt = ""
		out[i] = &c
	}
	return out
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled is the largest buffer kept for reuse.
const maxPooled = 256 << 10

func getBuf() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

func putBuf(b *bytes.Buffer) {
	if b.Cap() > maxPooled {
		return
	}
	b.Reset()
	bufPool.Put(b)
}

// writeJSON answers with v as JSON. Answers may hold personal data (a
// role's view of a referral): no cache may keep them.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	b := getBuf()
	defer putBuf(b)
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.log.Error("cannot write an answer", "error", err.Error())
		status = http.StatusInternalServerError
		b.Reset()
		_ = json.NewEncoder(b).Encode(errorDoc{Problems: diag.List{internalProblem}})
	}
	h := w.Header()
	h.Set("Content-Type", typeJSON)
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", apiPolicy)
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (s *Server) problems(w http.ResponseWriter, status int, problems diag.List) {
	s.writeJSON(w, status, errorDoc{Problems: public(problems)})
}

func (s *Server) problem(w http.ResponseWriter, status int, code, summary, detail string) {
	s.writeJSON(w, status, errorDoc{Problems: diag.List{{Severity: diag.Error, Code: code, Summary: summary, Detail: detail}}})
}

var internalProblem = &diag.Diagnostic{Severity: diag.Error, Code: "internal", Summary: "The service could not answer",
	Detail: "The fault is in the service, not in the request, and is logged. Try again; if it goes on, tell the service's operators."}

func (s *Server) internal(w http.ResponseWriter) {
	s.writeJSON(w, http.StatusInternalServerError, errorDoc{Problems: diag.List{internalProblem}})
}

// unauthorized answers 401 the same way whatever was wrong with the
// token: missing, malformed or unknown.
func (s *Server) unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="pathway"`)
	s.problem(w, http.StatusUnauthorized, "unauthorized", "A valid bearer token is needed", "")
}

func (s *Server) unsupported(w http.ResponseWriter, lines bool) {
	detail := "Send a referral as JSON (Content-Type: application/json) or YAML (Content-Type: application/yaml), in UTF-8."
	if lines {
		detail = "Send a referral as JSON (Content-Type: application/json) or YAML (Content-Type: application/yaml), or many as JSON Lines (Content-Type: application/x-ndjson), in UTF-8."
	}
	s.problem(w, http.StatusUnsupportedMediaType, "unsupported-media-type", "The request's Content-Type is not one this endpoint reads", detail)
}

func (s *Server) tooLarge(w http.ResponseWriter) {
	s.problem(w, http.StatusRequestEntityTooLarge, "too-large", "The request body is too large",
		fmt.Sprintf("A request body may hold at most %d bytes (%d MiB). Send one referral a request, or many as JSON Lines, where the limit is per line.", MaxBody, MaxBody>>20))
}

// readBody reads the body of a one-referral request, at most MaxBody
// bytes. It answers the request itself (413, 400) and returns ok false
// when the body cannot be had. The caller must putBuf the buffer.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, m media) (*bytes.Buffer, bool) {
	if r.ContentLength > MaxBody {
		s.tooLarge(w)
		return nil, false
	}
	b := getBuf()
	if r.ContentLength > 0 {
		b.Grow(int(r.ContentLength) + 1)
	}
	_, err := b.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		putBuf(b)
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.tooLarge(w)
			return nil, false
		}
		s.problem(w, http.StatusBadRequest, "unreadable-body", "The request body could not be read",
			"The connection failed or timed out while the body was being sent. Send the request again.")
		return nil, false
	}
	if m == mediaJSON {
		if err := checkJSON(b.Bytes()); err != nil {
			putBuf(b)
			s.problems(w, http.StatusBadRequest, diag.List{err})
			return nil, false
		}
	}
	return b, true
}

// checkJSON makes sure a body sent as JSON is JSON: the referral decoder
// also reads YAML, which needs its own Content-Type.
func checkJSON(data []byte) *diag.Diagnostic {
	if json.Valid(data) {
		return nil
	}
	d := &diag.Diagnostic{Severity: diag.Error, Code: "not-json", Summary: "The body is not JSON",
		Detail: "The request says it is JSON (Content-Type: application/json, or none), but it is not. Check the quotes, brackets and commas near here; to send YAML, say Content-Type: application/yaml.",
		Range:  diag.Range{File: bodyName}}
	if len(bytes.TrimSpace(data)) == 0 {
		d.Code, d.Summary = "empty", "The body is empty"
		d.Detail = "Send one referral as the body."
		return d
	}
	var se *json.SyntaxError
	if err := json.Unmarshal(data, new(json.RawMessage)); errors.As(err, &se) {
		d.Range.Start = position(data, int(se.Offset))
	}
	return d
}

// position is the line and column (in characters, from 1) of the byte
// offset off in data.
func position(data []byte, off int) diag.Pos {
	off = min(max(off, 0), len(data))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return diag.Pos{Line: line, Column: 1 + len([]rune(string(data[start:off])))}
}

// atParam reads the query: at most one parameter, at, a date. It answers
// 400 itself and returns ok false when the query is wrong.
func (s *Server) atParam(w http.ResponseWriter, r *http.Request) (referral.Date, bool) {
	if r.URL.RawQuery == "" {
		return referral.Date{}, true
	}
	q := r.URL.Query()
	for k := range q {
		if k != "at" {
			s.problem(w, http.StatusBadRequest, "unknown-parameter", "The query has a parameter this endpoint does not take",
				"The only parameter is at, the date to assess as on (YYYY-MM-DD).")
			return referral.Date{}, false
		}
	}
	values := q["at"]
	if len(values) != 1 {
		s.problem(w, http.StatusBadRequest, "bad-at", "The at parameter is given more than once", "Give at once, as YYYY-MM-DD.")
		return referral.Date{}, false
	}
	d, err := referral.ParseDate(values[0])
	if err != nil || d.IsZero() {
		s.problem(w, http.StatusBadRequest, "bad-at", "The at parameter is not a date",
			"Write the date to assess as on as YYYY-MM-DD, such as ?at=2024-05-14, or leave it out to use the referral's dateSent.")
		return referral.Date{}, false
	}
	return d, true
}

// recorder remembers the status of an answer, for metrics and the log.
type recorder struct {
	http.ResponseWriter
	code   int
	caller string
}

func (w *recorder) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what has been written so far.
func (w *recorder) Flush() {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush() //nolint:errcheck // a failed flush shows in the next write
}

// Unwrap gives http.ResponseController the connection's own writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument wraps a route: it times it, counts it, logs it at debug
// level (route, status, time, caller; never the body or the query) and
// turns a panic into a 500 that gives nothing away.
func (s *Server) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		s.metrics.inFlight.Inc()
		code := ""
		defer func() {
			s.metrics.inFlight.Dec()
			v := recover()
			switch {
			case v == nil:
				code = codeLabel(rec.code)
			case v == http.ErrAbortHandler:
				code = "aborted"
			default:
				// The panic's value is not logged: it could hold anything.
				s.log.Error("a request failed inside the service", "route", route, "panic", fmt.Sprintf("%T", v))
				if rec.code == 0 {
					s.internal(rec)
					code = codeLabel(http.StatusInternalServerError)
				} else {
					code = "aborted"
					v = http.ErrAbortHandler
				}
			}
			elapsed := time.Since(start)
			s.metrics.duration.WithLabelValues(route, code).Observe(elapsed.Seconds())
			if s.log.Enabled(r.Context(), slog.LevelDebug) {
				s.log.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("method", r.Method), slog.String("route", route),
					slog.String("status", code), slog.Duration("took", elapsed), slog.String("caller", rec.caller),
					slog.String("decision", rec.Header().Get("X-Decision-Id")))
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
		}()
		h.ServeHTTP(rec, r)
	})
}
