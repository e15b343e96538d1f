package referral

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/saferpath/pathway/diag"
)

// DateLayout is the wire format of every date: YYYY-MM-DD.
const DateLayout = "2006-01-02"

// Date is a calendar date with no time of day or zone. The zero Date means
// "not given"; it encodes as absent (omitzero) or null.
type Date struct {
	// days since 1970-01-01, plus one, so that zero is "not given".
	n int32
}

// epochDay converts a date to days since 1970-01-01.
func epochDay(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// NewDate returns the given calendar date. It normalises out-of-range days
// and months as time.Date does.
func NewDate(year int, month time.Month, day int) Date {
	return Date{n: int32(epochDay(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))) + 1}
}

// DateOf returns t's calendar date (in t's own location).
func DateOf(t time.Time) Date { return Date{n: int32(epochDay(t)) + 1} }

// DateFromDays returns the date days after 1970-01-01.
func DateFromDays(days int) Date { return Date{n: int32(days) + 1} }

// ParseDate reads a YYYY-MM-DD date. It rejects impossible dates such as
// 2025-02-30 and years outside 1000 to 9999.
func ParseDate(s string) (Date, error) {
	if len(s) != len(DateLayout) {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	d, ok := parseDate([]byte(s))
	if !ok {
		return Date{}, fmt.Errorf("%q is not a real date in the form YYYY-MM-DD", s)
	}
	return d, nil
}

// parseDate reads YYYY-MM-DD, a day that exists on the calendar in a year
// from 1000, without allocating: dates are read for every referral.
func parseDate(b []byte) (Date, bool) {
	if len(b) != len(DateLayout) || b[4] != '-' || b[7] != '-' {
		return Date{}, false
	}
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(b[:4])
	m, ok2 := num(b[5:7])
	d, ok3 := num(b[8:])
	if !ok1 || !ok2 || !ok3 || y < 1000 || m < 1 || m > 12 || d < 1 {
		return Date{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // the 30th of February rolls over into March
		return Date{}, false
	}
	return DateOf(t), true
}

// MustDate is ParseDate for constants in code and tests; it panics on a bad date.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether the date was not given.
func (d Date) IsZero() bool { return d.n == 0 }

// Days returns the number of days from 1970-01-01 to d. It is meaningless
// for the zero Date.
func (d Date) Days() int { return int(d.n) - 1 }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Unix(int64(d.Days())*86400, 0).UTC()
}

// AddDays returns the date n days after d (before, when n is negative).
func (d Date) AddDays(n int) Date {
	if d.IsZero() {
		return d
	}
	return Date{n: d.n + int32(n)}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.n > e.n }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// String formats the date as YYYY-MM-DD, or "" when it was not given.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format(DateLayout)
}

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; an empty text is the zero Date. Its
// error is a *diag.Diagnostic with code "bad-date" that does not repeat the
// text, which may be a date of birth.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, ok := parseDate(b)
	if !ok {
		return &diag.Diagnostic{
			Severity: diag.Error,
			Code:     "bad-date",
			Summary:  "Not a real date in the form YYYY-MM-DD",
			Detail:   "Dates are written year-month-day with leading zeros, for example 2024-05-14, and must exist on the calendar. Correct the date.",
		}
	}
	*d = v
	return nil
}

// Expected says what a date looks like, for messages about wrong values.
func (Date) Expected() string { return "a date YYYY-MM-DD" }

// BirthDate is a date of birth: personal data. It prints as [redacted]
// through String, fmt and slog; JSON encoding is unchanged.
type BirthDate struct{ Date }

// String returns [redacted] when a date is set.
func (b BirthDate) String() string { return redactString(!b.IsZero()) }

// Format redacts the date for every fmt verb.
func (b BirthDate) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, b.String()) }

// LogValue redacts the date in structured logs.
func (b BirthDate) LogValue() slog.Value { return slog.StringValue(b.String()) }

// Reveal returns the underlying date as YYYY-MM-DD, for role-aware views.
func (b BirthDate) Reveal() string { return b.Date.String() }

// MarshalText writes YYYY-MM-DD: the wire format is unchanged.
func (b BirthDate) MarshalText() ([]byte, error) { return b.Date.MarshalText() }
