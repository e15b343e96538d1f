package studio

import (
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"mime"
	"net"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.ParseFS(assets, "assets/index.html"))

// Limits on what the page may send.
const (
	// MaxDraft bounds a request's body: every rule file of the pack.
	MaxDraft = 8 << 20
	// maxFiles bounds the files of one draft.
	maxFiles = 500
)

// TokenHeader is the request header the page's script sends the token in.
// The page itself and its assets carry it as the query parameter token.
const TokenHeader = "X-Studio-Token"

// Handler returns the studio's HTTP handler for a server listening on addr.
// Every request must name the studio by its own host and port (127.0.0.1,
// localhost or the address listened on) and carry the token; every
// response has the security headers and none for CORS.
func (s *Studio) Handler(addr *net.TCPAddr) http.Handler {
	port := strconv.Itoa(addr.Port)
	hosts := []string{net.JoinHostPort("127.0.0.1", port), net.JoinHostPort("localhost", port), addr.String()}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /assets/{file...}", s.asset)
	mux.HandleFunc("GET /api/pack", s.pack)
	mux.HandleFunc("POST /api/check", s.checkDraft)
	mux.HandleFunc("POST /api/save", s.saveDraft)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		// DNS rebinding: a page on another site whose name now points to
		// this computer sends its own name as Host.
		if !slices.Contains(hosts, r.Host) {
			bare(w, http.StatusForbidden)
			return
		}
		token := r.Header.Get(TokenHeader)
		if token == "" {
			token = r.URL.Query().Get("token")
		}
		if token == "" {
			bare(w, http.StatusUnauthorized)
			return
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(s.token)) != 1 {
			bare(w, http.StatusForbidden)
			return
		}
		// Requests from other pages: a browser says where they come from.
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			bare(w, http.StatusForbidden)
			return
		}
		if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			bare(w, http.StatusForbidden)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// bare answers with a status and its standard text, nothing more.
func bare(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintln(w, http.StatusText(status))
}

func (s *Studio) index(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, struct{ Token, Pack string }{s.token, s.PackName()})
}

// asset serves the embedded scripts, styles and the editor.
func (s *Studio) asset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !fs.ValidPath(name) || name == "index.html" {
		bare(w, http.StatusNotFound)
		return
	}
	data, err := fs.ReadFile(assets, "assets/"+name)
	if err != nil {
		bare(w, http.StatusNotFound)
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".css":
		ctype = "text/css; charset=utf-8"
	case "":
		ctype = "text/plain; charset=utf-8"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	_, _ = w.Write(data)
}

// packView is the pack folder for the page: its versions and their files.
type packView struct {
	Name string `json:"name"`
	// Dir is the pack folder as the studio was given it.
	Dir      string        `json:"dir"`
	Versions []versionView `json:"versions"`
	// Problems are those of the pack as it was opened.
	Problems  []problem `json:"problems"`
	Scenarios bool      `json:"scenarios"`
	Corpus    int       `json:"corpus"`
	MaxFile   int       `json:"maxFile"`
}

type versionView struct {
	// Dir is the version's folder in the pack folder ("." when the pack
	// folder is the version's).
	Dir   string     `json:"dir"`
	Label string     `json:"label"`
	Title string     `json:"title"`
	Files []fileView `json:"files"`
}

type fileView struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Text string `json:"text"`
}

func (s *Studio) pack(w http.ResponseWriter, r *http.Request) {
	files := s.folder.snapshot()
	view := packView{Name: s.PackName(), Dir: s.folder.dir, Versions: []versionView{}, Problems: s.problems(s.baseProbs), Scenarios: s.scenarios != nil, MaxFile: pathway.MaxRuleFile}
	if s.corpus != nil {
		view.Corpus = len(s.corpus.items) + s.corpus.unread
	}
	for _, dir := range s.folder.versions {
		v := versionView{Dir: dir, Label: dir, Files: []fileView{}}
		if dir == "." {
			v.Label = s.PackName()
		}
		if s.baseline != nil {
			for _, pv := range s.baseline.Versions() {
				if rel, ok := s.folder.relative(pv.Dir); ok && rel == dir {
					v.Label, v.Title = pv.Version, pv.Title
				}
			}
		}
		for _, name := range ruleFiles {
			p := path.Join(dir, name)
			if data, ok := files[p]; ok {
				v.Files = append(v.Files, fileView{Name: name, Path: p, Text: string(data)})
			}
		}
		view.Versions = append(view.Versions, v)
	}
	// The latest version first: it is the one being changed, most often.
	slices.Reverse(view.Versions)
	writeJSON(w, http.StatusOK, view)
}

// draftRequest is what the page sends: rule files by path in the pack
// folder.
type draftRequest struct {
	Files map[string]string `json:"files"`
}

// readDraft reads a draft from the request: JSON of at most MaxDraft bytes,
// each file at most pathway.MaxRuleFile bytes and a rule file of a version
// folder. It answers the request itself when it returns nil.
func (s *Studio) readDraft(w http.ResponseWriter, r *http.Request) map[string][]byte {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" {
		writeMessage(w, http.StatusUnsupportedMediaType, "Send the draft as JSON (Content-Type: application/json).")
		return nil
	}
	var req draftRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxDraft))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeMessage(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("The draft is larger than %d MiB.", MaxDraft>>20))
			return nil
		}
		writeMessage(w, http.StatusBadRequest, "The draft is not a JSON object {\"files\": {\"path\": \"text\"}}.")
		return nil
	}
	if len(req.Files) > maxFiles {
		writeMessage(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("A draft has at most %d files.", maxFiles))
		return nil
	}
	files := make(map[string][]byte, len(req.Files))
	for name, text := range req.Files {
		if !s.folder.editable(name) {
			writeMessage(w, http.StatusBadRequest, fmt.Sprintf("%q is not a rule file of this pack: the files are %s, inside the pack's version folders.", name, strings.Join(ruleFiles, ", ")))
			return nil
		}
		if len(text) > pathway.MaxRuleFile {
			writeMessage(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("%s is larger than %d bytes, the most a rule file may be.", name, pathway.MaxRuleFile))
			return nil
		}
		files[name] = []byte(text)
	}
	return files
}

func (s *Studio) checkDraft(w http.ResponseWriter, r *http.Request) {
	files := s.readDraft(w, r)
	if files == nil {
		return
	}
	rep := s.check(r.Context(), files)
	if r.Context().Err() != nil {
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// saveReport says what was saved, and whether the saved rules have
// problems (they are saved all the same: work in progress).
type saveReport struct {
	Saved    []string  `json:"saved"`
	OK       bool      `json:"ok"`
	Problems []problem `json:"problems"`
	Message  string    `json:"message"`
}

func (s *Studio) saveDraft(w http.ResponseWriter, r *http.Request) {
	files := s.readDraft(w, r)
	if files == nil {
		return
	}
	if len(files) == 0 {
		writeMessage(w, http.StatusBadRequest, "There is nothing to save.")
		return
	}
	if err := s.folder.save(files); err != nil {
		var se *saveError
		if errors.As(err, &se) {
			s.log.Warn("not saved", "file", se.file, "status", se.status)
			writeMessage(w, se.status, fmt.Sprintf("Nothing was saved: %s: %s.", se.file, se.msg))
			return
		}
		writeMessage(w, http.StatusInternalServerError, "Nothing was saved.")
		return
	}
	saved := slices.Sorted(maps.Keys(files))
	s.log.Info("saved", "files", saved)
	rep := saveReport{Saved: saved, Problems: []problem{}}
	_, err := pathway.Load(s.folder.draft(nil), pathway.NamedAs(s.folder.display))
	rep.OK = err == nil
	if err != nil {
		rep.Problems = s.problems(diag.From(err))
		rep.Message = fmt.Sprintf("Saved. The rules have %d problem(s): they cannot be used until these are fixed.", len(rep.Problems))
	} else {
		rep.Message = "Saved. The rules have no problems."
	}
	writeJSON(w, http.StatusOK, rep)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		bare(w, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// writeMessage answers with a sentence for the person using the page.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}
