// Package safetext keeps what Pathway prints from being taken by a terminal
// as commands. A rule pack, a referral or a file name may hold control
// characters (an escape sequence that recolours or rewrites the screen, a
// carriage return or backspace that overwrites what was printed, a bell),
// Unicode bidirectional controls that reorder what is shown, or bytes that
// are not UTF-8. Whatever input they came from, they are written as visible
// escapes: \u001b, \r, \u202e, \xff.
//
// Every escape but \xNN is also a JSON string escape with the same meaning,
// and these characters can appear in JSON text only inside strings, so a
// Writer may carry JSON as well as text: the JSON stays valid and means the
// same. Bytes that are not UTF-8 never appear in JSON that encoding/json
// writes.
package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// String returns s with every character that could move the cursor, start
// a line, change how a terminal shows text or reorder it written as a
// visible escape: line breaks and tabs too, so that a value printed on one
// line stays on one line. A string with none is returned as it is.
func String(s string) string {
	if clean(s, false) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	appendEscaped(&b, s, false)
	return b.String()
}

// Strings applies String to each of values, in a new slice.
func Strings(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = String(v)
	}
	return out
}

// Writer writes text to another writer with every control character but
// the line break and the tab, every bidirectional control and every byte
// that is not UTF-8 written as a visible escape. A character split between
// two writes is kept back until the rest comes: call Flush after the last
// write.
type Writer struct {
	w     io.Writer
	carry []byte // the start of a character split between writes
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Unwrap returns the writer it writes to, for output that must reach the
// terminal as it is, such as a progress bar that Pathway draws itself.
func (sw *Writer) Unwrap() io.Writer { return sw.w }

// Write writes p, escaped. It reports len(p) when everything was written.
func (sw *Writer) Write(p []byte) (int, error) {
	n := len(p)
	if len(sw.carry) > 0 {
		p = append(sw.carry, p...)
		sw.carry = nil
	}
	// Keep back a character cut short at the end.
	if cut := incompleteTail(p); cut > 0 {
		sw.carry = append([]byte(nil), p[len(p)-cut:]...)
		p = p[:len(p)-cut]
	}
	if clean(string(p), true) {
		if _, err := sw.w.Write(p); err != nil {
			return 0, err
		}
		return n, nil
	}
	var b strings.Builder
	b.Grow(len(p) + 16)
	appendEscaped(&b, string(p), true)
	if _, err := io.WriteString(sw.w, b.String()); err != nil {
		return 0, err
	}
	return n, nil
}

// Flush writes what was kept back of a character cut short, escaped as
// bytes that are not UTF-8.
func (sw *Writer) Flush() error {
	if len(sw.carry) == 0 {
		return nil
	}
	var b strings.Builder
	appendEscaped(&b, string(sw.carry), true)
	sw.carry = nil
	_, err := io.WriteString(sw.w, b.String())
	return err
}

// incompleteTail returns how many bytes at the end of p start a UTF-8
// character that is not complete: 0 to 3.
func incompleteTail(p []byte) int {
	for i := 1; i <= 3 && i <= len(p); i++ {
		c := p[len(p)-i]
		if c < 0x80 {
			return 0
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(p[len(p)-i:]) {
				return i
			}
			return 0
		}
	}
	return 0
}

// unsafe reports whether r must be escaped. Line breaks and tabs are
// escaped unless lines is set.
func unsafe(r rune, lines bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return !lines
	case r < 0x20 || r == 0x7f:
		return true // C0 controls and DEL
	case r >= 0x80 && r <= 0x9f:
		return true // C1 controls, such as the one-byte CSI
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true // bidirectional marks
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // bidirectional embeddings, overrides and isolates
	case r == 0x2028 || r == 0x2029:
		return true // line and paragraph separators
	}
	return false
}

// clean reports whether s holds nothing to escape.
func clean(s string, lines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && (!lines || c != '\n' && c != '\t') {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafe(r, lines) {
			return false
		}
		i += size
	}
	return true
}

func appendEscaped(b *strings.Builder, s string, lines bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case !unsafe(r, lines):
			b.WriteString(s[i : i+size])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		default:
			fmt.Fprintf(b, `\u%04x`, r)
		}
		i += size
	}
}
