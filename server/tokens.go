package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway/diag"
)

// MaxTokensFile is the largest tokens file ReadTokens reads, in bytes.
const MaxTokensFile = 1 << 20

// maxTokens bounds the number of tokens in a file.
const maxTokens = 10_000

// maxTokenLength bounds a bearer token as sent, in bytes: longer ones are
// not looked up.
const maxTokenLength = 4096

// Caller is who sent a request: a token's name and role, or the anonymous
// local caller of an insecure local service.
type Caller struct {
	// Name is the token's name, as the decision log records it.
	Name string
	// Role is the sharing role that decides what /v1/redact returns.
	Role string
}

// Token is one entry of a tokens file: the name of the system that holds
// the token, its sharing role, and the SHA-256 of the token. The token
// itself is never stored.
type Token struct {
	Name string
	Role string
	// SHA256 is the digest of the token, 32 bytes.
	SHA256 [sha256.Size]byte
	// At is where the entry is in its file, for diagnostics.
	At diag.Range
}

// Tokens is the set of tokens a service accepts. It is immutable and safe
// for concurrent use.
type Tokens struct {
	list []Token
}

// NewTokens returns the set of the given tokens. Names must be unique and
// so must digests; NewTokens does not check roles (New does, against the
// pack).
func NewTokens(list ...Token) (*Tokens, error) {
	var problems diag.List
	names := map[string]bool{}
	digests := map[[sha256.Size]byte]bool{}
	for i, t := range list {
		switch {
		case t.Name == "":
			problems = append(problems, tokenProblem(t.At, i, "missing-name", "A token has no name", "Give every token the name of the system that holds it."))
		case names[t.Name]:
			problems = append(problems, tokenProblem(t.At, i, "duplicate-name", "Two tokens have the same name", "Give every token a name of its own: the decision log records it."))
		case digests[t.SHA256]:
			problems = append(problems, tokenProblem(t.At, i, "duplicate-token", "Two entries have the same hash", "Each system needs a token of its own; make a new token for one of them."))
		}
		names[t.Name] = true
		digests[t.SHA256] = true
	}
	if problems.HasErrors() {
		return nil, problems
	}
	return &Tokens{list: append([]Token(nil), list...)}, nil
}

func tokenProblem(at diag.Range, i int, code, summary, detail string) *diag.Diagnostic {
	return &diag.Diagnostic{Severity: diag.Error, Code: code, Summary: summary, Detail: detail,
		Path: fmt.Sprintf("tokens[%d]", i), Range: at}
}

// Len returns the number of tokens.
func (t *Tokens) Len() int { return len(t.list) }

// All returns a copy of the tokens.
func (t *Tokens) All() []Token { return append([]Token(nil), t.list...) }

// Lookup returns the caller whose token is token. It hashes the token and
// compares the digest with every entry in constant time, so that neither
// the time taken nor the answer tells how much of a token was right, or
// which entry matched.
func (t *Tokens) Lookup(token string) (Caller, bool) {
	if t == nil || token == "" || len(token) > maxTokenLength {
		return Caller{}, false
	}
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range t.list {
		eq := subtle.ConstantTimeCompare(sum[:], t.list[i].SHA256[:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	if found < 0 {
		return Caller{}, false
	}
	return Caller{Name: t.list[found].Name, Role: t.list[found].Role}, true
}

// HashToken returns the hex SHA-256 of a token, as a tokens file holds it.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ReadTokens reads a tokens file (see ParseTokens). It reads a regular
// file only (never a device or a pipe, which could block or never end),
// and at most MaxTokensFile bytes.
//
// On systems with Unix permissions it refuses a file that users other than
// its owner may change: whoever can write to it can let themselves in.
func ReadTokens(path string) (*Tokens, error) {
	data, err := readRegularFile(path, MaxTokensFile)
	if err != nil {
		return nil, diag.List{{Severity: diag.Error, Code: "unreadable", Range: diag.Range{File: path},
			Summary: "Cannot read the tokens file", Detail: err.Error()}}
	}
	if info, err := os.Stat(path); err == nil && runtime.GOOS != "windows" && info.Mode().Perm()&0o022 != 0 {
		return nil, diag.List{{Severity: diag.Error, Code: "writable-by-others", Range: diag.Range{File: path},
			Summary: "Other users may change the tokens file",
			Detail:  "Whoever can write to the tokens file can give themselves a token. Make it writable by its owner only (chmod go-w)."}}
	}
	return ParseTokens(path, data)
}

// readRegularFile reads the regular file at path, refusing anything else
// and anything larger than limit bytes. Its errors are sentences that say
// what to do.
func readRegularFile(path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fileError(err)
	}
	if !info.Mode().IsRegular() {
		return nil, errors.New("It is not a regular file. Give the path of a file.")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(err)
	}
	defer f.Close()
	opened, err := f.Stat()
	if err != nil || !opened.Mode().IsRegular() || !os.SameFile(info, opened) {
		return nil, errors.New("It changed while it was being opened. Try again.")
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fileError(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("It is larger than %d bytes. Check that it is the right file.", limit)
	}
	return data, nil
}

func fileError(err error) error {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return errors.New("It does not exist. Check the path.")
	case errors.Is(err, os.ErrPermission):
		return errors.New("Permission is denied. Check the file's owner and mode.")
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s. Check the file.", sentence(pe.Err.Error()))
	}
	return fmt.Errorf("%s. Check the file.", sentence(err.Error()))
}

func sentence(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ParseTokens reads a tokens file, named name in diagnostics:
//
//	tokens:
//	  - name: kent-police-case-system
//	    role: police-coordinator
//	    sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// Each entry names the system that holds the token, its sharing role and
// the hex SHA-256 of the token; the file holds hashes only. Every problem
// is reported at once, each at its line and column, as an error that is a
// diag.List; messages never repeat a value from the file.
func ParseTokens(name string, data []byte) (*Tokens, error) {
	at := func(n *yaml.Node) diag.Range {
		if n == nil {
			return diag.Range{File: name}
		}
		return diag.Range{File: name, Start: diag.Pos{Line: n.Line, Column: n.Column}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r := diag.Range{File: name}
		var le *yaml.LoadError
		var les *yaml.LoadErrors
		switch {
		case errors.As(err, &le):
			r.Start = diag.Pos{Line: le.Mark.Line, Column: le.Mark.Column}
		case errors.As(err, &les) && len(les.Errors) > 0:
			r.Start = diag.Pos{Line: les.Errors[0].Mark.Line, Column: les.Errors[0].Mark.Column}
		}
		return nil, diag.List{{Severity: diag.Error, Code: "syntax", Range: r, Summary: "The tokens file is not valid YAML",
			Detail: "Check the indentation, colons and dashes near here. The file is a list under tokens: of entries with name, role and sha256."}}
	}
	var problems diag.List
	add := func(n *yaml.Node, path, code, summary, detail string) {
		problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: code, Summary: summary, Detail: detail, Path: path, Range: at(n)})
	}
	var root *yaml.Node
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	if root == nil || root.Kind != yaml.MappingNode {
		add(root, "", "not-tokens", "The tokens file does not list tokens",
			"Write tokens: followed by a list of entries, each with name, role and sha256.")
		return nil, problems
	}
	var seq *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "tokens" {
			add(k, "", "unknown-key", "The tokens file has a key it does not use", "The file has one key, tokens. Remove the others.")
			continue
		}
		seq = v
	}
	if seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) == 0 {
		if seq == nil {
			seq = root
		}
		add(seq, "tokens", "no-tokens", "The tokens file lists no tokens",
			"List at least one entry under tokens:, with name, role and sha256.")
		return nil, problems
	}
	if len(seq.Content) > maxTokens {
		add(seq, "tokens", "too-many-tokens", "The tokens file lists too many tokens",
			fmt.Sprintf("At most %d tokens are read. Give systems of one kind one token each, not one per person.", maxTokens))
		return nil, problems
	}
	var list []Token
	for i, e := range seq.Content {
		path := fmt.Sprintf("tokens[%d]", i)
		if e.Kind != yaml.MappingNode {
			add(e, path, "not-a-token", "This entry is not a token", "Each entry has name, role and sha256.")
			continue
		}
		t := Token{At: at(e)}
		seen := map[string]bool{}
		ok := true
		for j := 0; j+1 < len(e.Content); j += 2 {
			k, v := e.Content[j], e.Content[j+1]
			field := path + "." + k.Value
			if seen[k.Value] {
				add(k, field, "duplicate-key", "The entry has the same key twice", "Give each key once.")
				ok = false
				continue
			}
			seen[k.Value] = true
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" && v.ShortTag() != "!!int" {
				if k.Value == "name" || k.Value == "role" || k.Value == "sha256" {
					add(v, field, "not-text", "The value is not text", "Write the value as text on the same line as its key.")
					ok = false
					continue
				}
			}
			switch k.Value {
			case "name":
				t.Name = v.Value
				if !printable(v.Value) || len(v.Value) > 200 {
					add(v, field, "bad-name", "The name is not a plain name",
						"Use at most 200 letters, digits, spaces and punctuation, without control characters: the decision log records it.")
					ok = false
				}
			case "role":
				t.Role = v.Value
			case "sha256":
				b, err := hex.DecodeString(strings.ToLower(v.Value))
				if err != nil || len(b) != sha256.Size {
					add(v, field, "bad-sha256", "The sha256 is not a SHA-256 digest",
						"Write the 64 hex digits of the token's SHA-256 (sha256sum prints them), not the token itself.")
					ok = false
					continue
				}
				copy(t.SHA256[:], b)
			case "token", "secret", "password", "value":
				add(k, field, "plain-token", "The file must not hold tokens",
					"The tokens file holds hashes only. Remove this key and its value, put the token's SHA-256 under sha256, and treat the token as disclosed: make a new one.")
				ok = false
			default:
				add(k, field, "unknown-key", "The entry has a key it does not use", "An entry has name, role and sha256. Remove the others.")
				ok = false
			}
		}
		for _, need := range []string{"name", "role", "sha256"} {
			if !seen[need] {
				add(e, path+"."+need, "missing-"+need, "The entry has no "+need, "Each entry has name, role and sha256.")
				ok = false
			}
		}
		if ok {
			list = append(list, t)
		}
	}
	if problems.HasErrors() {
		problems.Sort()
		return nil, problems
	}
	return NewTokens(list...)
}

func printable(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
