package pathway

import (
	"strconv"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/jsonout"
	"github.com/saferpath/pathway/referral"
)

// AppendJSON appends the assessment as JSON to dst and returns the extended
// buffer. What it appends is byte for byte what json.Marshal writes for the
// assessment: the same fields in the same order, with <, > and & escaped
// (\u003c), U+2028 and U+2029 escaped, and invalid UTF-8 replaced by
// U+FFFD. It fails only where json.Marshal fails too (a read that is NaN,
// say), and then dst is not to be used. A nil assessment is null.
//
// It writes without reflection and without allocating beyond dst's growth:
// a batch of assessments can reuse one buffer.
func (a *Assessment) AppendJSON(dst []byte) ([]byte, error) {
	if a == nil {
		return append(dst, "null"...), nil
	}
	const html = true
	dst = append(dst, `{"referral":`...)
	dst = jsonout.AppendString(dst, a.Referral, html)
	dst = append(dst, `,"pack":{"name":`...)
	dst = jsonout.AppendString(dst, a.Pack.Name, html)
	dst = append(dst, `,"version":`...)
	dst = jsonout.AppendString(dst, a.Pack.Version, html)
	dst = append(dst, `,"digest":`...)
	dst = jsonout.AppendString(dst, a.Pack.Digest, html)
	dst = append(dst, `,"engine":`...)
	dst = jsonout.AppendString(dst, a.Pack.Engine, html)
	dst = append(dst, `},"at":`...)
	dst = appendDate(dst, a.At)
	dst = append(dst, `,"decision":`...)
	dst = jsonout.AppendString(dst, string(a.Decision), html)
	dst = append(dst, `,"problems":`...)
	dst = appendProblems(dst, a.Problems, html)
	dst = append(dst, `,"failed":`...)
	dst = appendStrings(dst, a.Failed, html)
	dst = append(dst, `,"unknown":`...)
	dst = appendStrings(dst, a.Unknown, html)
	dst = append(dst, `,"missing":`...)
	dst = appendStrings(dst, a.Missing, html)
	dst = append(dst, `,"rules":`...)
	if a.Rules == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range a.Rules {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = a.Rules[i].appendJSON(dst, html); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"programmes":`...)
	if a.Programmes == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, o := range a.Programmes {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"id":`...)
			dst = jsonout.AppendString(dst, o.ID, html)
			dst = append(dst, `,"reasons":`...)
			dst = appendStrings(dst, o.Reasons, html)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"actions":`...)
	if a.Actions == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range a.Actions {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendAction(dst, &a.Actions[i], html)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}'), nil
}

// appendJSON appends the rule result as encoding/json writes it.
func (r *RuleResult) appendJSON(dst []byte, html bool) ([]byte, error) {
	dst = append(dst, `{"id":`...)
	dst = jsonout.AppendString(dst, r.ID, html)
	dst = append(dst, `,"kind":`...)
	dst = jsonout.AppendString(dst, r.Kind, html)
	dst = append(dst, `,"outcome":`...)
	dst = jsonout.AppendString(dst, r.Outcome, html)
	dst = append(dst, `,"reason":`...)
	dst = jsonout.AppendString(dst, r.Reason, html)
	dst = append(dst, `,"reads":`...)
	var err error
	if dst, err = r.Reads.appendJSON(dst, html); err != nil {
		return nil, err
	}
	dst = append(dst, `,"source":`...)
	dst = jsonout.AppendString(dst, r.Source, html)
	if len(r.Missing) > 0 {
		dst = append(dst, `,"missing":`...)
		dst = appendStrings(dst, r.Missing, html)
	}
	return append(dst, '}'), nil
}

// appendAction appends a safety action as encoding/json writes it.
func appendAction(dst []byte, x *Action, html bool) []byte {
	dst = append(dst, `{"id":`...)
	dst = jsonout.AppendString(dst, x.ID, html)
	dst = append(dst, `,"owner":`...)
	dst = jsonout.AppendString(dst, x.Owner, html)
	if x.Victim != nil {
		dst = append(dst, `,"victim":`...)
		dst = strconv.AppendInt(dst, int64(*x.Victim), 10)
	}
	if x.Child != nil {
		dst = append(dst, `,"child":`...)
		dst = strconv.AppendInt(dst, int64(*x.Child), 10)
	}
	dst = append(dst, `,"dueWithinDays":`...)
	dst = strconv.AppendInt(dst, int64(x.DueWithinDays), 10)
	dst = append(dst, `,"text":`...)
	dst = jsonout.AppendString(dst, x.Text, html)
	if len(x.Tell) > 0 {
		dst = append(dst, `,"tell":`...)
		dst = appendStrings(dst, x.Tell, html)
	}
	if len(x.Missing) > 0 {
		dst = append(dst, `,"missing":`...)
		dst = appendStrings(dst, x.Missing, html)
	}
	return append(dst, '}')
}

// appendProblems appends a list of diagnostics as encoding/json writes it.
func appendProblems(dst []byte, list diag.List, html bool) []byte {
	if list == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, d := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		if d == nil {
			dst = append(dst, "null"...)
			continue
		}
		dst = append(dst, `{"severity":`...)
		dst = jsonout.AppendString(dst, d.Severity.String(), html)
		dst = append(dst, `,"code":`...)
		dst = jsonout.AppendString(dst, d.Code, html)
		dst = append(dst, `,"summary":`...)
		dst = jsonout.AppendString(dst, d.Summary, html)
		if d.Detail != "" {
			dst = append(dst, `,"detail":`...)
			dst = jsonout.AppendString(dst, d.Detail, html)
		}
		if d.Path != "" {
			dst = append(dst, `,"path":`...)
			dst = jsonout.AppendString(dst, d.Path, html)
		}
		if !d.Range.IsZero() {
			dst = append(dst, `,"range":{`...)
			if d.Range.File != "" {
				dst = append(dst, `"file":`...)
				dst = jsonout.AppendString(dst, d.Range.File, html)
				dst = append(dst, ',')
			}
			dst = append(dst, `"start":`...)
			dst = appendPos(dst, d.Range.Start)
			dst = append(dst, `,"end":`...)
			dst = appendPos(dst, d.Range.End)
			dst = append(dst, '}')
		}
		if d.Excerpt != "" {
			dst = append(dst, `,"excerpt":`...)
			dst = jsonout.AppendString(dst, d.Excerpt, html)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

func appendPos(dst []byte, p diag.Pos) []byte {
	dst = append(dst, `{"line":`...)
	dst = strconv.AppendInt(dst, int64(p.Line), 10)
	dst = append(dst, `,"column":`...)
	dst = strconv.AppendInt(dst, int64(p.Column), 10)
	return append(dst, '}')
}

// appendDate appends a date as its MarshalText does, quoted: YYYY-MM-DD,
// or "" for the zero date. A date is digits and hyphens: nothing to escape.
func appendDate(dst []byte, d referral.Date) []byte {
	dst = append(dst, '"')
	if !d.IsZero() {
		dst = d.Time().AppendFormat(dst, referral.DateLayout)
	}
	return append(dst, '"')
}

// appendStrings appends a list of strings; nil is null.
func appendStrings(dst []byte, list []string, html bool) []byte {
	if list == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsonout.AppendString(dst, s, html)
	}
	return append(dst, ']')
}
