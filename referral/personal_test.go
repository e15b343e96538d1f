package referral

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// personalValues are the personal details in examples/referrals/hr-eligible.json.
func exampleReferral(t *testing.T) (*Referral, []string) {
	t.Helper()
	data, err := os.ReadFile("../examples/referrals/hr-eligible.json")
	require.NoError(t, err)
	r, problems := Read("hr-eligible.json", data)
	require.Empty(t, problems)
	personal := []string{
		string(r.Referrer.Name), string(r.Referrer.Phone), string(r.Referrer.Email),
		string(r.Subject.Name), string(r.Subject.Address), string(r.Subject.Phone), string(r.Subject.Email),
		r.Subject.DateOfBirth.Reveal(), string(r.BehaviourSummary),
		string(r.Victims[0].Name), string(r.Victims[0].Address), r.Victims[0].DateOfBirth.Reveal(),
		string(r.Victims[0].ServicesProvided), string(r.Victims[0].SupportServiceContact),
	}
	for _, p := range personal {
		require.NotEmpty(t, p)
	}
	return r, personal
}

func TestPersonalDetailsRedactThemselves(t *testing.T) {
	values := []struct {
		name string
		v    any
	}{
		{"name", Name("Jane Example")},
		{"address", Address("1 Example Street")},
		{"phone", Phone("07700 900123")},
		{"email", Email("jane@example.org")},
		{"text", Text("She said Jane Example lives at 1 Example Street")},
		{"date of birth", BirthDate{MustDate("1990-07-01")}},
	}
	for _, tt := range values {
		t.Run(tt.name, func(t *testing.T) {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%10v"} {
				out := fmt.Sprintf(verb, tt.v)
				assert.Equal(t, Redacted, strings.TrimSpace(out), "verb %s", verb)
			}
			assert.Equal(t, Redacted, fmt.Sprint(tt.v))
			var b bytes.Buffer
			slog.New(slog.NewJSONHandler(&b, nil)).Info("x", "value", tt.v)
			assert.Contains(t, b.String(), `"value":"[redacted]"`)
			b.Reset()
			slog.New(slog.NewTextHandler(&b, nil)).Info("x", "value", tt.v)
			assert.Contains(t, b.String(), "value=[redacted]")
		})
	}
	assert.Equal(t, "", Name("").String(), "nothing to hide prints as nothing")
}

func TestReferralPrintsWithoutPersonalDetails(t *testing.T) {
	r, personal := exampleReferral(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, *r)
		for _, p := range personal {
			assert.NotContains(t, out, p, "verb %s", verb)
		}
		assert.Contains(t, out, Redacted)
	}
	var b bytes.Buffer
	slog.New(slog.NewTextHandler(&b, nil)).Info("referral", "subject", r.Subject.Name, "victim", r.Victims[0].Name)
	for _, p := range personal {
		assert.NotContains(t, b.String(), p)
	}
}

func TestJSONKeepsTheWireFormat(t *testing.T) {
	r, personal := exampleReferral(t)
	data, err := json.Marshal(r)
	require.NoError(t, err)
	for _, p := range personal {
		if strings.ContainsAny(p, `"\<>&`) {
			continue
		}
		assert.Contains(t, string(data), p, "encoding a referral as JSON is the wire format: nothing is redacted")
	}
	back, problems := Read("again.json", data)
	require.Empty(t, problems)
	assert.Equal(t, r, back, "a referral survives a round trip through JSON")
}
