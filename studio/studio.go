// Package studio is the browser studio for policy staff (`pathway studio`):
// a page served on this computer only where a rule pack's files are edited
// and, as they are typed, checked. It shows every problem at its line with
// what to do, runs the scenario suite against the draft, compares the
// draft's decisions with those of the pack as it was opened over a corpus of
// referrals (which referrals move, and which rule moved each), and shows the
// policy document as it will read. Saving writes the files atomically,
// inside the pack folder only.
//
// The studio is part of the command-line program, not of the library: no
// library package imports it. A local server that writes files must not be
// drivable by other web pages, so it listens on a loopback address only,
// answers only requests that name it by its own host and port, and requires
// the random token it prints in its address on every request, with no CORS.
// docs/studio.md describes it for the people who use it.
package studio

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
)

// Config says what a studio opens.
type Config struct {
	// Dir is the rule pack folder being drafted: a folder of version
	// folders, or one version folder.
	Dir string
	// ScenarioRoot is the folder scenario files are read within: a
	// scenario file may name referral files relative to itself anywhere
	// inside it. Empty means the current folder.
	ScenarioRoot string
	// Scenarios is a scenario file or a folder of them, relative to
	// ScenarioRoot or inside it. Empty means none.
	Scenarios string
	// Corpus is a JSON Lines file of referrals or a folder of referral
	// files (JSON, YAML, JSON Lines), for the effect on referrals. Empty
	// means none.
	Corpus string
	// Log receives what the studio does (never a personal value, never the
	// token); nil discards it.
	Log *slog.Logger
}

// Studio is one run of the studio: the pack folder, the pack as it was
// opened (the baseline, kept until the studio stops), the corpus and the
// token. Its methods are safe for concurrent use.
type Studio struct {
	folder    *folder
	baseline  *pathway.Pack
	baseProbs diag.List
	scenarios *scenarios
	corpus    *corpus
	token     string
	log       *slog.Logger
}

// New opens the pack folder and reads its rule files, loads them as the
// baseline, reads the corpus and checks that the scenarios can be found.
// A pack with problems is opened all the same (its problems are shown, and
// there is then nothing to compare the draft with); a folder that is not a
// rule pack, a scenario folder outside ScenarioRoot and an unreadable
// corpus are errors.
func New(cfg Config) (*Studio, error) {
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	f, err := openFolder(cfg.Dir)
	if err != nil {
		return nil, err
	}
	s := &Studio{folder: f, log: log}
	s.baseline, err = pathway.Load(f.draft(nil), pathway.NamedAs(f.display))
	if err != nil {
		if !errors.As(err, &s.baseProbs) {
			f.close()
			return nil, fmt.Errorf("%s: %w", cfg.Dir, err)
		}
		s.baseline = nil
	}
	if cfg.Scenarios != "" {
		root := cfg.ScenarioRoot
		if root == "" {
			root = "."
		}
		s.scenarios, err = openScenarios(root, cfg.Scenarios)
		if err != nil {
			f.close()
			return nil, err
		}
	}
	if cfg.Corpus != "" {
		s.corpus, err = readCorpus(cfg.Corpus)
		if err != nil {
			_ = s.Close()
			return nil, err
		}
	}
	s.token, err = newToken()
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// newToken returns 32 random bytes, base64url without padding.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("cannot make the studio's token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Token returns the token made when the studio started, which every
// request must carry.
func (s *Studio) Token() string { return s.token }

// PackName is the name of the pack as opened, or the folder's name when it
// has problems that keep it from loading.
func (s *Studio) PackName() string {
	if s.baseline != nil {
		return s.baseline.Name()
	}
	return filepath.Base(filepath.Clean(s.folder.dir))
}

// Problems are the problems of the pack as it was opened.
func (s *Studio) Problems() diag.List { return s.baseProbs }

// Close releases the pack folder and the scenarios' folder.
func (s *Studio) Close() error {
	if s.scenarios != nil {
		_ = s.scenarios.root.Close()
	}
	return s.folder.close()
}

// URL is the address to open in a browser for the studio listening on ln,
// with the token.
func (s *Studio) URL(ln net.Listener) string {
	return "http://" + ln.Addr().String() + "/?token=" + s.token
}

// Timeouts of the studio's HTTP server.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
)

// Serve answers requests on ln, which must listen on a loopback address,
// until ctx is done; it then lets requests in flight finish (for up to ten
// seconds) and returns nil.
func (s *Studio) Serve(ctx context.Context, ln net.Listener) error {
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok || !addr.IP.IsLoopback() {
		return fmt.Errorf("the studio listens on this computer only (a loopback address such as 127.0.0.1), not on %s", ln.Addr())
	}
	srv := &http.Server{
		Handler:           s.Handler(addr),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if e := <-done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// isLoopback reports whether host (an IP address or "localhost") names
// this computer only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckAddr checks a listening address given as HOST:PORT: the host must
// be a loopback address (127.0.0.1, ::1) or localhost, never empty (every
// interface) or another name.
func CheckAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not an address HOST:PORT, such as 127.0.0.1:8080", addr)
	}
	if !isLoopback(host) {
		if host == "" {
			host = "every network interface"
		}
		return fmt.Errorf("the studio listens on this computer only (127.0.0.1, localhost or ::1), not on %s: it can change files, so no other computer may reach it", host)
	}
	return nil
}
