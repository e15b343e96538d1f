// Package jsonout appends JSON values to a buffer byte for byte as
// encoding/json writes them, without reflection: the writers of the
// assessment and of case events use it on their hot paths, and tests hold
// each to encoding/json.
package jsonout

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendAny appends a read's value as encoding/json writes it inside a
// map[string]any: the kinds a rule reads directly, anything else through
// encoding/json itself.
func AppendAny(dst []byte, v any, html bool) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case string:
		return AppendString(dst, v, html), nil
	case int64:
		return strconv.AppendInt(dst, v, 10), nil
	case int:
		return strconv.AppendInt(dst, int64(v), 10), nil
	case float64:
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			return AppendFloat(dst, v), nil
		}
	}
	var b []byte
	var err error
	if html {
		b, err = json.Marshal(v)
	} else {
		var buf bytesBuffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		err = enc.Encode(v)
		b = buf.b
		if n := len(b); n > 0 && b[n-1] == '\n' {
			b = b[:n-1]
		}
	}
	if err != nil {
		return nil, err
	}
	return append(dst, b...), nil
}

// bytesBuffer is the least io.Writer there is.
type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// AppendFloat appends a finite float64 as encoding/json does: like
// JavaScript's Number to string, 'f' format between 1e-6 and 1e21, else 'e'
// with the exponent unpadded (1e-7, not 1e-07).
func AppendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		b := dst[start:]
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			dst = dst[:len(dst)-1]
		}
	}
	return dst
}

// safeJSON marks the ASCII bytes a JSON string holds as they are; with
// html, <, > and & are escaped too.
var safeJSON, htmlSafeJSON = func() (safe, htmlSafe [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		safe[b] = b != '"' && b != '\\'
		htmlSafe[b] = safe[b] && b != '<' && b != '>' && b != '&'
	}
	return safe, htmlSafe
}()

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string exactly as encoding/json does:
// \" \\ \b \f \n \r \t, other control bytes as \u00XX, <, > and & as
// \u003c, \u003e and \u0026 when html is set, U+2028 and U+2029 escaped
// always, and each byte of invalid UTF-8 as \ufffd.
func AppendString(dst []byte, s string, html bool) []byte {
	safe := &safeJSON
	if html {
		safe = &htmlSafeJSON
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
