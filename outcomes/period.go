package outcomes

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// CodeBadPeriod is the code of a problem with a reporting period.
const CodeBadPeriod = "bad-period"

// MaxPeriodYears is the longest reporting period, in years.
const MaxPeriodYears = 10

// Period is a stretch of dates a report covers, both ends inclusive. An
// event counts in the period that holds its date.
type Period struct {
	// Label names the period: "2023/24", "2023/24-Q1", or
	// "2023-04-01 to 2023-09-30" for a custom period.
	Label string
	// From and To are the first and last days, both inclusive.
	From, To referral.Date
}

// FinancialYear returns the financial year starting on 1 April of year
// start: FinancialYear(2023) is 2023/24, 1 April 2023 to 31 March 2024.
func FinancialYear(start int) Period {
	return Period{
		Label: fmt.Sprintf("%d/%02d", start, (start+1)%100),
		From:  referral.NewDate(start, time.April, 1),
		To:    referral.NewDate(start+1, time.March, 31),
	}
}

// Quarter returns quarter q (1 to 4) of the financial year starting in
// start: Q1 April–June, Q2 July–September, Q3 October–December, Q4
// January–March. It returns the zero Period when q is out of range.
func Quarter(start, q int) Period {
	if q < 1 || q > 4 {
		return Period{}
	}
	first := referral.NewDate(start, time.April+time.Month(3*(q-1)), 1)
	next := referral.NewDate(start, time.April+time.Month(3*q), 1)
	return Period{
		Label: fmt.Sprintf("%d/%02d-Q%d", start, (start+1)%100, q),
		From:  first,
		To:    next.AddDays(-1),
	}
}

// NewPeriod returns the custom period from from to to, both inclusive,
// labelled "FROM to TO". It is an error when either date is missing, when
// to is before from, or when the period is longer than MaxPeriodYears.
// Errors are *diag.Diagnostic with code CodeBadPeriod.
func NewPeriod(from, to referral.Date) (Period, error) {
	switch {
	case from.IsZero() || to.IsZero():
		return Period{}, periodError("a custom period needs both a first and a last date",
			"Give both dates of the period, as YYYY-MM-DD.")
	case to.Before(from):
		return Period{}, periodError(fmt.Sprintf("the period ends (%s) before it starts (%s)", to, from),
			"Give the first day of the period, then the last; both are included.")
	case to.After(referral.DateOf(from.Time().AddDate(MaxPeriodYears, 0, -1))):
		return Period{}, periodError(fmt.Sprintf("the period from %s to %s is longer than %d years", from, to, MaxPeriodYears),
			fmt.Sprintf("A report covers at most %d years. Report a shorter period, such as one financial year.", MaxPeriodYears))
	}
	return Period{Label: from.String() + " to " + to.String(), From: from, To: to}, nil
}

// ParsePeriod reads a financial year ("2023/24": 1 April 2023 to 31 March
// 2024) or a quarter of one ("2023/24-Q1" to "2023/24-Q4"; a lower-case q
// is accepted). Errors are *diag.Diagnostic with code CodeBadPeriod and say
// what is wrong and how to write the period.
func ParsePeriod(s string) (Period, error) {
	const how = `Write a financial year as YYYY/YY, such as "2023/24" (1 April 2023 to 31 March 2024), or a quarter as "2023/24-Q1" (Q1 is April to June, Q4 January to March).`
	text := strings.TrimSpace(s)
	shownText := shownString(text)
	year, quarter, hasQuarter := strings.Cut(text, "-")
	if hasQuarter && len(year) == 4 && len(quarter) == 2 && isDigits(quarter) && isDigits(year) {
		// "2023-24": a common way to write a financial year.
		return Period{}, periodError(fmt.Sprintf("%s is not a period", shownText),
			fmt.Sprintf("Financial years are written with a slash. Did you mean \"%s/%s\"? %s", year, quarter, how))
	}
	first, second, ok := strings.Cut(year, "/")
	if !ok || len(first) != 4 || len(second) != 2 || !isDigits(first) || !isDigits(second) {
		return Period{}, periodError(fmt.Sprintf("%s is not a period", shownText), how)
	}
	start, _ := strconv.Atoi(first)
	end, _ := strconv.Atoi(second)
	if start < 1000 || start > 9998 {
		return Period{}, periodError(fmt.Sprintf("%s is not a period", shownText), how)
	}
	if end != (start+1)%100 {
		return Period{}, periodError(fmt.Sprintf("%s is not a financial year", shownText),
			fmt.Sprintf("A financial year runs from 1 April to 31 March of the next year, so the year starting in %d is \"%d/%02d\". %s", start, start, (start+1)%100, how))
	}
	if !hasQuarter {
		return FinancialYear(start), nil
	}
	if len(quarter) != 2 || (quarter[0] != 'Q' && quarter[0] != 'q') || quarter[1] < '1' || quarter[1] > '4' {
		return Period{}, periodError(fmt.Sprintf("%s is not a period: the quarter must be Q1, Q2, Q3 or Q4", shownText), how)
	}
	return Quarter(start, int(quarter[1]-'0')), nil
}

// Contains reports whether d falls in the period, both ends included.
func (p Period) Contains(d referral.Date) bool {
	return !d.Before(p.From) && !d.After(p.To)
}

// Days is the number of days in the period.
func (p Period) Days() int { return p.To.Days() - p.From.Days() + 1 }

// String returns the label.
func (p Period) String() string { return p.Label }

// Quarters returns the financial quarters that overlap the period, each
// cut to the part inside it; a cut quarter keeps its label. A financial
// year gives its four quarters.
func (p Period) Quarters() []Period {
	if p.From.IsZero() || p.To.Before(p.From) {
		return nil
	}
	var out []Period
	start, q := quarterOf(p.From)
	for {
		qp := Quarter(start, q)
		if qp.From.After(p.To) {
			return out
		}
		if qp.From.Before(p.From) {
			qp.From = p.From
		}
		if qp.To.After(p.To) {
			qp.To = p.To
		}
		out = append(out, qp)
		if q++; q > 4 {
			start, q = start+1, 1
		}
	}
}

// quarterOf returns the financial year (by its first calendar year) and
// quarter holding d.
func quarterOf(d referral.Date) (start, q int) {
	t := d.Time()
	y, m := t.Year(), int(t.Month())
	if m < 4 {
		return y - 1, 4 // January to March
	}
	return y, (m-4)/3 + 1
}

// periodJSON is the wire form of a period.
type periodJSON struct {
	Label string        `json:"label"`
	From  referral.Date `json:"from"`
	To    referral.Date `json:"to"`
}

// MarshalJSON writes {"label": ..., "from": ..., "to": ...}.
func (p Period) MarshalJSON() ([]byte, error) {
	return json.Marshal(periodJSON{p.Label, p.From, p.To})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (p *Period) UnmarshalJSON(b []byte) error {
	var v periodJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*p = Period{Label: v.Label, From: v.From, To: v.To}
	return nil
}

func periodError(summary, detail string) *diag.Diagnostic {
	return &diag.Diagnostic{Severity: diag.Error, Code: CodeBadPeriod, Summary: summary, Detail: detail}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// shownString quotes s for a message when it is short and plain.
func shownString(s string) string {
	if s == "" {
		return `""`
	}
	if len(s) > 40 {
		return "the period given"
	}
	for _, c := range []byte(s) {
		if c < 0x20 || c >= 0x7f {
			return "the period given"
		}
	}
	return strconv.Quote(s)
}
