package server

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/referral"
)

// DecisionRecord is one line of the decision log: what was decided, for whom,
// under which pack and engine, and by whose request. It holds no personal
// value: the referral is named by its id only, rules and actions by their
// ids. See docs/service.md.
type DecisionRecord struct {
	// ID is the decision id, also sent as the X-Decision-Id header. In a
	// JSON Lines request it is the request's id, a slash and the line.
	ID string `json:"id"`
	// Time is when the decision was made, in UTC.
	Time time.Time `json:"time"`
	// Caller is the name of the token the request came with.
	Caller string `json:"caller"`
	// Pack names the pack version, its digest and the engine.
	Pack pathway.Stamp `json:"pack"`
	// At is the evaluation date.
	At referral.Date `json:"at"`
	// Referral is the referral's id ("line N" for a JSON Lines line with
	// none).
	Referral string `json:"referral"`
	// Line is the line of a JSON Lines request the referral was on.
	Line     int              `json:"line,omitempty"`
	Decision pathway.Decision `json:"decision"`
	Failed   []string         `json:"failed"`
	Unknown  []string         `json:"unknown"`
	// Actions are the ids of the safety actions, sorted, without repeats.
	Actions []string `json:"actions"`
	// Outbox is the name of the file the referral was written to, for a
	// referral sent from the form; absent for any other assessment.
	Outbox string `json:"outbox,omitempty"`
}

// decisionOf makes the log line of an assessment.
func decisionOf(id string, now time.Time, caller Caller, a *pathway.Assessment, line int) DecisionRecord {
	return DecisionRecord{ID: id, Time: now.UTC(), Caller: caller.Name, Pack: a.Pack, At: a.At, Referral: a.Referral, Line: line,
		Decision: a.Decision, Failed: nonNil(a.Failed), Unknown: nonNil(a.Unknown), Actions: a.ActionIDs()}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DecisionLog appends one JSON line per decision to a writer. Each line is
// written whole, with one Write, under a lock: lines from concurrent
// requests never interleave. It is safe for concurrent use.
type DecisionLog struct {
	mu     sync.Mutex
	w      io.Writer
	path   string // when opened by OpenDecisionLog
	file   *os.File
	closed bool
}

// NewDecisionLog returns a log that writes to w.
func NewDecisionLog(w io.Writer) *DecisionLog { return &DecisionLog{w: w} }

// OpenDecisionLog opens (creating it, mode 0600) the file at path for
// appending decisions. Lines are only ever appended. It refuses a path
// that exists and is not a regular file.
func OpenDecisionLog(path string) (*DecisionLog, error) {
	f, err := openAppend(path)
	if err != nil {
		return nil, err
	}
	return &DecisionLog{w: f, path: path, file: f}, nil
}

func openAppend(path string) (*os.File, error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return nil, fmt.Errorf("the decision log %s is not a regular file: give the path of a file", path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot open the decision log: %w", fileError(err))
	}
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		_ = f.Close()
		return nil, fmt.Errorf("the decision log %s is not a regular file: give the path of a file", path)
	}
	return f, nil
}

var errLogClosed = errors.New("the decision log is closed")

// Write appends d as one line.
func (l *DecisionLog) Write(d DecisionRecord) error {
	line, err := json.Marshal(d)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errLogClosed
	}
	_, err = l.w.Write(line)
	return err
}

// Reopen closes the log's file and opens the same path again, for log
// rotation: after a rotating tool moves the file away, new decisions go to
// a new file at the path. A log not opened by OpenDecisionLog is left as
// it is.
func (l *DecisionLog) Reopen() error {
	if l.path == "" {
		return nil
	}
	f, err := openAppend(l.path)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		_ = f.Close()
		return errLogClosed
	}
	old := l.file
	l.w, l.file = f, f
	return old.Close()
}

// Close flushes the log's file to disk and closes it. Later writes fail.
func (l *DecisionLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.file == nil {
		return nil
	}
	return errors.Join(l.file.Sync(), l.file.Close())
}

// newDecisionID returns a fresh UUID (version 7): 48 bits of Unix
// milliseconds, then random bits, so that ids sort by time and never
// repeat.
func newDecisionID(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
