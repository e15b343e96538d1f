package outcomes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		name, in, label, from, to string
	}{
		{"financial year", "2023/24", "2023/24", "2023-04-01", "2024-03-31"},
		{"year across a century", "2099/00", "2099/00", "2099-04-01", "2100-03-31"},
		{"leap year February in Q4", "2023/24-Q4", "2023/24-Q4", "2024-01-01", "2024-03-31"},
		{"Q1 is April to June", "2023/24-Q1", "2023/24-Q1", "2023-04-01", "2023-06-30"},
		{"Q2 is July to September", "2023/24-Q2", "2023/24-Q2", "2023-07-01", "2023-09-30"},
		{"Q3 is October to December", "2023/24-Q3", "2023/24-Q3", "2023-10-01", "2023-12-31"},
		{"lower-case quarter", "2023/24-q2", "2023/24-Q2", "2023-07-01", "2023-09-30"},
		{"surrounding space", " 2022/23 ", "2022/23", "2022-04-01", "2023-03-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePeriod(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.label, p.Label)
			assert.Equal(t, tt.from, p.From.String())
			assert.Equal(t, tt.to, p.To.String())
		})
	}
}

func TestParsePeriodErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"years not consecutive", "2023/25", `"2023/25" is not a financial year`},
		{"hyphen instead of slash", "2023-24", `Did you mean "2023/24"?`},
		{"quarter five", "2023/24-Q5", "the quarter must be Q1, Q2, Q3 or Q4"},
		{"quarter zero", "2023/24-Q0", "the quarter must be Q1, Q2, Q3 or Q4"},
		{"quarter without Q", "2023/24-1", "the quarter must be Q1, Q2, Q3 or Q4"},
		{"four-digit second year", "2023/2024", `"2023/2024" is not a period`},
		{"calendar year", "2023", `"2023" is not a period`},
		{"empty", "", `"" is not a period`},
		{"words", "last year", `"last year" is not a period`},
		{"year too small", "0999/00", "is not a period"},
		{"trailing text", "2023/24-Q1x", "the quarter must be"},
		{"control characters are not echoed", "2023/\x0024", "the period given is not a period"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePeriod(tt.in)
			require.Error(t, err)
			l := diag.From(err)
			require.Len(t, l, 1)
			assert.Equal(t, CodeBadPeriod, l[0].Code)
			assert.Contains(t, l[0].Summary+". "+l[0].Detail, tt.want)
		})
	}
}

func TestPeriodContains(t *testing.T) {
	year := FinancialYear(2023)
	q1, q2 := Quarter(2023, 1), Quarter(2023, 2)
	q4 := Quarter(2023, 4)
	tests := []struct {
		name string
		p    Period
		day  string
		want bool
	}{
		{"31 March before the year", year, "2023-03-31", false},
		{"1 April starts the year", year, "2023-04-01", true},
		{"31 March ends the year", year, "2024-03-31", true},
		{"1 April after the year", year, "2024-04-01", false},
		{"29 February in a leap year", year, "2024-02-29", true},
		{"30 June ends Q1", q1, "2023-06-30", true},
		{"1 July is not Q1", q1, "2023-07-01", false},
		{"1 July starts Q2", q2, "2023-07-01", true},
		{"30 June is not Q2", q2, "2023-06-30", false},
		{"30 September ends Q2", q2, "2023-09-30", true},
		{"1 January starts Q4", q4, "2024-01-01", true},
		{"31 December is not Q4", q4, "2023-12-31", false},
		{"31 March ends Q4", q4, "2024-03-31", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.p.Contains(referral.MustDate(tt.day)))
		})
	}
}

func TestNewPeriod(t *testing.T) {
	d := referral.MustDate
	tests := []struct {
		name, from, to, label, err string
	}{
		{"one day", "2023-05-01", "2023-05-01", "2023-05-01 to 2023-05-01", ""},
		{"half year", "2023-04-01", "2023-09-30", "2023-04-01 to 2023-09-30", ""},
		{"ten years exactly", "2020-01-01", "2029-12-31", "2020-01-01 to 2029-12-31", ""},
		{"longer than ten years", "2020-01-01", "2030-01-01", "", "longer than 10 years"},
		{"ends before it starts", "2023-05-02", "2023-05-01", "", "ends (2023-05-01) before it starts (2023-05-02)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPeriod(d(tt.from), d(tt.to))
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.label, p.Label)
		})
	}
	_, err := NewPeriod(referral.Date{}, d("2023-01-01"))
	assert.ErrorContains(t, err, "needs both")
}

func TestPeriodQuarters(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		want     []string
	}{
		{"financial year", "2023-04-01", "2024-03-31", []string{
			"2023/24-Q1 2023-04-01 2023-06-30", "2023/24-Q2 2023-07-01 2023-09-30",
			"2023/24-Q3 2023-10-01 2023-12-31", "2023/24-Q4 2024-01-01 2024-03-31"}},
		{"cut at both ends", "2023-05-15", "2023-08-10", []string{
			"2023/24-Q1 2023-05-15 2023-06-30", "2023/24-Q2 2023-07-01 2023-08-10"}},
		{"across years", "2024-03-31", "2024-04-01", []string{
			"2023/24-Q4 2024-03-31 2024-03-31", "2024/25-Q1 2024-04-01 2024-04-01"}},
		{"one day", "2023-12-31", "2023-12-31", []string{"2023/24-Q3 2023-12-31 2023-12-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPeriod(referral.MustDate(tt.from), referral.MustDate(tt.to))
			require.NoError(t, err)
			var got []string
			for _, q := range p.Quarters() {
				got = append(got, q.Label+" "+q.From.String()+" "+q.To.String())
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
