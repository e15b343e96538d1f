package referral

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// parseDate decides every date as time.Parse does (with the years from
// 1000), and reads the same day.
func TestParseDateMatchesTime(t *testing.T) {
	var inputs []string
	for _, y := range []string{"0999", "1000", "1900", "2000", "2023", "2024", "2100", "9999", "+202", "-202", " 202", "20x4"} {
		for m := -1; m <= 13; m++ {
			for d := -1; d <= 32; d++ {
				inputs = append(inputs, fmt.Sprintf("%s-%02d-%02d", y, m, d))
			}
		}
	}
	inputs = append(inputs, "", "2024-1-1", "2024/01/01", "2024-01-1 ", "2024-01-01T", "２０２４-01-01", "2024-0a-01", "2024-01-+1")
	for _, s := range inputs {
		t.Run(s, func(t *testing.T) {
			want, err := time.Parse(DateLayout, s)
			wantOK := err == nil && want.Year() >= 1000 && len(s) == len(DateLayout)
			got, ok := parseDate([]byte(s))
			assert.Equal(t, wantOK, ok)
			if wantOK {
				assert.Equal(t, DateOf(want), got)
			}
		})
	}
}
