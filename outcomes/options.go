package outcomes

import (
	"errors"
	"fmt"
	"github.com/saferpath/pathway/internal/buildinfo"
	"slices"
	"strings"
	"time"

	"github.com/saferpath/pathway/referral"
)

// config holds a read's or a report run's options.
type config struct {
	extra       []Metric
	input       InputFormat
	reasons     []ReasonCode
	instruments []Instrument
	programmes  map[string]string
	pack        *PackStamp
	generated   referral.Date
}

// Option configures a read or a report run. An Option that cannot apply
// returns an error, and Compute returns no report.
type Option func(*config) error

func newConfig(opts []Option) (*config, error) {
	cfg := &config{}
	var errs []error
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(cfg); err != nil {
			errs = append(errs, err)
		}
	}
	return cfg, errors.Join(errs...)
}

// WithInputFormat reads the log as JSON Lines or CSV, rather than telling
// them apart by content (InputAuto, the default).
func WithInputFormat(f InputFormat) Option {
	return func(c *config) error {
		if _, err := ParseInputFormat(string(f)); err != nil {
			return err
		}
		c.input = f
		return nil
	}
}

// WithReasons maps withdrawal reasons to codes (a pack's outcomes.yaml
// lists them) instead of DefaultReasons. A reason that is none of them
// counts as "other", which is added when codes lack it.
func WithReasons(codes ...ReasonCode) Option {
	return func(c *config) error {
		var errs []error
		for i, rc := range codes {
			if !metricID.MatchString(string(rc.Code)) || strings.Contains(string(rc.Code), ":") {
				errs = append(errs, fmt.Errorf("reason code %q must be lower-case letters, digits and hyphens", rc.Code))
			}
			if slices.ContainsFunc(codes[:i], func(o ReasonCode) bool { return o.Code == rc.Code }) {
				errs = append(errs, fmt.Errorf("reason code %q is given twice", rc.Code))
			}
		}
		if len(codes) > 254 {
			errs = append(errs, fmt.Errorf("%d reason codes is more than the 254 a report can hold", len(codes)))
		}
		c.reasons = slices.Clone(codes)
		return errors.Join(errs...)
	}
}

// Instrument describes a score instrument, so that its score-change
// metric has a title people read.
type Instrument struct {
	// ID is the instrument's id in score events, named for what it
	// measures, such as "perpetrator-risk".
	ID string
	// Title names the instrument, such as "Perpetrator risk (Project
	// Mirabal questionnaire)".
	Title string
	// Change titles its score-change metric; "Change in " and the title
	// when empty.
	Change string
	// Description says what the instrument measures and when it is taken.
	Description string
}

// WithInstruments names score instruments. Their score-change metrics come
// in every report, in the order given (with no value when the period has
// no pair of scores), before those of instruments found only in the log.
func WithInstruments(ins ...Instrument) Option {
	return func(c *config) error {
		for _, in := range ins {
			if !isSlug([]byte(in.ID)) {
				return fmt.Errorf("instrument id %q must be lower-case letters, digits and hyphens", in.ID)
			}
		}
		c.instruments = slices.Clone(ins)
		return nil
	}
}

// WithProgrammes gives programmes' titles, by programme id, for the
// reports people read.
func WithProgrammes(titles map[string]string) Option {
	return func(c *config) error {
		c.programmes = titles
		return nil
	}
}

// PackStamp says which rule pack version a report was made under.
type PackStamp struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Digest  string `json:"digest"`
}

// WithPack records the pack version a report was made under; every format
// shows it.
func WithPack(p PackStamp) Option {
	return func(c *config) error {
		c.pack = &p
		return nil
	}
}

// WithGenerationDate sets the date a report says it was made on (today,
// by default).
func WithGenerationDate(d referral.Date) Option {
	return func(c *config) error {
		c.generated = d
		return nil
	}
}

// EngineVersion returns the version of this library in the running
// program, from its build information: a module version such as
// "v1.4.0", or "devel" for a build from a work tree. Reports record it.
func EngineVersion() string { return buildinfo.Version() }

func today() referral.Date { return referral.DateOf(time.Now()) }
