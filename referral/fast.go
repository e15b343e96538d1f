package referral

import (
	"bytes"

	"github.com/go-json-experiment/json"

	"github.com/saferpath/pathway/internal/yamlsrc"
)

// strictJSON decodes as the positioned decoder does for a well-formed
// referral: unknown and duplicate names, invalid UTF-8 and trailing data
// are errors, and names match exactly.
var strictJSON = json.JoinOptions(
	json.RejectUnknownMembers(true),
	json.MatchCaseInsensitiveNames(false),
)

// decodeFast decodes a referral written as a JSON object straight into
// the structs, without the node tree that gives every value its line and
// column. It reports false for anything it does not decode exactly as the
// positioned decoder would: then the caller takes the positioned path,
// which finds and places every problem. It exists because most referrals
// are well formed, and the positions are needed only to say where a
// problem is.
//
// The two paths decode the same referral from the same bytes; the fuzz
// test FuzzFastMatchesPositioned holds them to it.
func decodeFast(data []byte) (*Referral, bool) {
	if len(data) > yamlsrc.MaxSize {
		return nil, false
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, false
	}
	r := new(Referral)
	if err := json.Unmarshal(trimmed, r, strictJSON); err != nil {
		return nil, false
	}
	return r, true
}
