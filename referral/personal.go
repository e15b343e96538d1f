package referral

import (
	"fmt"
	"log/slog"
)

// Redacted is what personal details print as.
const Redacted = "[redacted]"

func redactString(set bool) string {
	if set {
		return Redacted
	}
	return ""
}

// Name is a person's name: personal data.
type Name string

// Address is a postal address: personal data.
type Address string

// Phone is a telephone number: personal data.
type Phone string

// Email is an email address: personal data.
type Email string

// Contact is how to reach a person or a service, written freely (a name,
// a phone number, an address or all three): personal data.
type Contact string

// Text is free text written by a referrer. It may mention people, places
// and events, so it is treated as personal data.
type Text string

// String returns [redacted] for a non-empty name.
func (v Name) String() string { return redactString(v != "") }

// Format redacts the name for every fmt verb.
func (v Name) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, v.String()) }

// LogValue redacts the name in structured logs.
func (v Name) LogValue() slog.Value { return slog.StringValue(v.String()) }

// Reveal returns the name itself, for role-aware views.
func (v Name) Reveal() string { return string(v) }

// String returns [redacted] for a non-empty address.
func (v Address) String() string { return redactString(v != "") }

// Format redacts the address for every fmt verb.
func (v Address) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, v.String()) }

// LogValue redacts the address in structured logs.
func (v Address) LogValue() slog.Value { return slog.StringValue(v.String()) }

// Reveal returns the address itself, for role-aware views.
func (v Address) Reveal() string { return string(v) }

// String returns [redacted] for a non-empty phone number.
func (v Phone) String() string { return redactString(v != "") }

// Format redacts the phone number for every fmt verb.
func (v Phone) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, v.String()) }

// LogValue redacts the phone number in structured logs.
func (v Phone) LogValue() slog.Value { return slog.StringValue(v.String()) }

// Reveal returns the phone number itself, for role-aware views.
func (v Phone) Reveal() string { return string(v) }

// String returns [redacted] for a non-empty email address.
func (v Email) String() string { return redactString(v != "") }

// Format redacts the email address for every fmt verb.
func (v Email) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, v.String()) }

// LogValue redacts the email address in structured logs.
func (v Email) LogValue() slog.Value { return slog.StringValue(v.String()) }

// Reveal returns the email address itself, for role-aware views.
func (v Email) Reveal() string { return string(v) }

// String returns [redacted] for non-empty text.
func (v Text) String() string { return redactString(v != "") }

// Format redacts the text for every fmt verb.
func (v Text) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, v.String()) }

// LogValue redacts the text in structured logs.
func (v Text) LogValue() slog.Value { return slog.StringValue(v.String()) }

// Reveal returns the text itself, for role-aware views.
func (v Text) Reveal() string { return string(v) }

// String returns [redacted] for non-empty contact details.
func (v Contact) String() string { return redactString(v != "") }

// Format redacts the contact details for every fmt verb.
func (v Contact) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, v.String()) }

// LogValue redacts the contact details in structured logs.
func (v Contact) LogValue() slog.Value { return slog.StringValue(v.String()) }

// Reveal returns the contact details themselves, for role-aware views.
func (v Contact) Reveal() string { return string(v) }
