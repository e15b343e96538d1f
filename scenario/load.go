package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/referral"
)

// Option configures loading. Options that cannot apply return an error.
type Option func(*config) error

type config struct {
	pack    *pathway.Pack
	display func(string) string
}

// WithPack makes p serve every scenario file that names a pack by name
// (pack: kent) or names none, in place of the embedded default pack: for
// running a suite against a draft of the rules. Files that name a folder
// (pack: ./draft) still load that folder.
func WithPack(p *pathway.Pack) Option {
	return func(c *config) error {
		if p == nil {
			return errors.New("no pack given")
		}
		c.pack = p
		return nil
	}
}

// DisplayAs makes messages name each file (a path in the file system given
// to Load) as fn returns it: the path its users typed, say.
func DisplayAs(fn func(name string) string) Option {
	return func(c *config) error {
		if fn == nil {
			return errors.New("no display function given")
		}
		c.display = fn
		return nil
	}
}

// rawFile is a scenario file as written.
type rawFile struct {
	Pack  yamlsrc.Scalar `json:"pack"`
	Cases []rawCase      `json:"cases"`
}

type rawCase struct {
	Name     string        `json:"name"`
	Referral *yaml.Node    `json:"referral"`
	Set      *yaml.Node    `json:"set"`
	At       referral.Date `json:"at"`
	Expect   *rawExpect    `json:"expect"`
}

type rawExpect struct {
	Decision   yamlsrc.Scalar `json:"decision"`
	Failed     *[]string      `json:"failed"`
	Unknown    *[]string      `json:"unknown"`
	Missing    *[]string      `json:"missing"`
	Programmes *[]string      `json:"programmes"`
	Actions    *[]string      `json:"actions"`
}

// maxFile bounds a scenario or referral file's size.
const maxFile = yamlsrc.MaxSize

// loader loads files, sharing packs and referral files between them.
type loader struct {
	fsys      fs.FS
	cfg       config
	packs     map[string]*pathway.Pack
	packErrs  map[string]diag.List
	referrals map[string]*yamlsrc.File
	refErrs   map[string]*refError
}

// refError says why a referral file named by a case cannot be used. It is
// reported at each case that names the file, in the scenario file: it
// never quotes the referral file, which may be any file at all.
type refError struct {
	code, summary, detail string
}

// Load reads the scenario file name from fsys (a path as fs.FS takes it)
// with the referral files and pack folders it names, relative to it. A
// non-nil error is a diag.List holding every problem in the file.
//
// fsys is the root: no file outside it is read. A referral file or pack
// folder whose name climbs out of it (../../elsewhere) is a problem at the
// case's line (code referral-outside or pack-outside), and the file is not
// read. Give an fs.FS made with os.OpenRoot (os.Root.FS) so that symbolic
// links cannot lead outside it either: a referral file that is such a link
// is reported as outside (referral-outside). Every file is read as a
// regular file of at most 4 MiB, its size checked first: a folder, a
// device or a named pipe is refused at once. A referral file that cannot
// be read or is not a referral is reported without quoting anything it
// holds, and problems in a referral file carry no source line: it may hold
// personal details.
func Load(fsys fs.FS, name string, opts ...Option) (*File, error) {
	files, err := LoadAll(fsys, []string{name}, opts...)
	if err != nil {
		return nil, err
	}
	return files[0], nil
}

// LoadAll reads several scenario files, sharing the packs and referral
// files they name. A non-nil error is a diag.List holding every problem in
// every file; the files are then nil.
func LoadAll(fsys fs.FS, names []string, opts ...Option) ([]*File, error) {
	l := &loader{fsys: fsys, packs: map[string]*pathway.Pack{}, packErrs: map[string]diag.List{},
		referrals: map[string]*yamlsrc.File{}, refErrs: map[string]*refError{}}
	l.cfg.display = func(s string) string { return s }
	for _, o := range opts {
		if err := o(&l.cfg); err != nil {
			return nil, err
		}
	}
	var problems diag.List
	var files []*File
	for _, name := range names {
		f, errs := l.load(name)
		problems = append(problems, errs...)
		files = append(files, f)
	}
	if problems.HasErrors() {
		problems.Sort()
		return nil, problems
	}
	return files, nil
}

func (l *loader) load(name string) (_ *File, problems diag.List) {
	display := l.cfg.display(name)
	data, err := pathway.ReadBounded(l.fsys, name, maxFile)
	if err != nil {
		return nil, diag.List{{Severity: diag.Error, Code: "unreadable", Summary: "Cannot read the scenario file",
			Detail: fmt.Sprintf("%s. Name a scenario file (YAML) inside the folder the scenarios are run from.", reason(err)), Range: diag.Range{File: display}}}
	}
	sf, problems := yamlsrc.Parse(display, data)
	if sf == nil {
		for _, d := range problems {
			if d.Code == "syntax" && flowIndex.MatchString(d.Excerpt) {
				d.Detail += " In braces {...}, a path with a list index must be quoted (\"victims[0].consentsToContact\": false); or write `set:` as a block, one path a line."
			}
		}
		return nil, problems
	}
	defer func() { yamlsrc.Annotate(problems, sf) }()
	if sf.Root.Kind != yaml.MappingNode {
		problems = diag.List{sf.Diag(sf.Root, "not-a-scenario-file", "Not a scenario file",
			"A scenario file is a group of named fields: `pack:` and `cases:`, a list of cases. Check that this is a scenario file.", "")}
		return nil, problems
	}
	var raw rawFile
	pos, problems := yamlsrc.Decode(sf, sf.Root, "", &raw)
	file := &File{Name: display}
	pack, errs := l.pack(name, sf, raw.Pack)
	problems = append(problems, errs...)
	file.Pack = pack
	if len(raw.Cases) == 0 && pos.Node("cases") == sf.Root {
		problems = append(problems, sf.Diag(sf.Root, "no-cases", "The file has no cases",
			"Add `cases:`, a list of cases, each with a name, a referral and what it expects.", "cases"))
	}
	ids := packIDs(pack)
	names := map[string]int{}
	for i, rc := range raw.Cases {
		p := yamlsrc.Index("cases", i)
		node := pos.Node(p)
		c := &Case{Name: rc.Name, File: display, Line: node.Line, At: rc.At, pack: pack}
		at := func(field string) *yaml.Node { return pos.Node(yamlsrc.Field(p, field)) }
		if strings.TrimSpace(rc.Name) == "" {
			problems = append(problems, sf.Diag(at("name"), "missing-name", "The case has no name",
				"Give every case a `name:` that says what it checks; failures are reported by it.", yamlsrc.Field(p, "name")))
		} else if first, ok := names[rc.Name]; ok {
			problems = append(problems, sf.Diag(at("name"), "duplicate-name", fmt.Sprintf("Two cases are called %q", rc.Name),
				fmt.Sprintf("The case on line %d has the same name. Give each case its own name, so that a failure says which one it is.", first), yamlsrc.Field(p, "name")))
		} else {
			names[rc.Name] = node.Line
		}
		r, refProblems, errs := l.referral(name, sf, rc.Referral, at("referral"), yamlsrc.Field(p, "referral"))
		problems = append(problems, errs...)
		if r != nil && rc.Set != nil {
			set, errs := applySet(sf, r, rc.Set, yamlsrc.Field(p, "set"))
			problems = append(problems, errs...)
			refProblems = slices.DeleteFunc(slices.Clone(refProblems), func(d *diag.Diagnostic) bool { return overridden(d.Path, set) })
		}
		c.referral, c.problems = r, refProblems
		if rc.Expect == nil {
			problems = append(problems, sf.Diag(node, "no-expect", "The case expects nothing",
				"Add `expect:` with any of decision, failed, unknown, missing, programmes and actions.", yamlsrc.Field(p, "expect")))
		} else {
			c.Expect, errs = checkExpect(sf, pos, yamlsrc.Field(p, "expect"), *rc.Expect, ids)
			problems = append(problems, errs...)
		}
		file.Cases = append(file.Cases, c)
	}
	return file, problems
}

// pack resolves the `pack:` of file name: a pack's name, or a folder
// relative to the file.
func (l *loader) pack(name string, sf *yamlsrc.File, s yamlsrc.Scalar) (*pathway.Pack, diag.List) {
	value := strings.TrimSpace(s.Value)
	isPath := strings.ContainsAny(value, "/\\") || strings.HasPrefix(value, ".")
	switch {
	case !isPath && l.cfg.pack != nil:
		return l.cfg.pack, nil
	case value == "" || value == pathway.DefaultName:
		return pathway.Default(), nil
	case !isPath:
		return nil, diag.List{sf.Diag(s.Node, "unknown-pack", fmt.Sprintf("There is no pack called %q", value),
			fmt.Sprintf("Name the embedded pack, %q, or a rule pack folder relative to this file, such as ./draft.%s",
				pathway.DefaultName, diag.DidYouMean(value, []string{pathway.DefaultName})), "pack")}
	}
	dir := path.Join(path.Dir(name), strings.ReplaceAll(value, "\\", "/"))
	if !fs.ValidPath(dir) {
		return nil, diag.List{sf.Diag(s.Node, "pack-outside", "The pack folder is outside the folder the scenarios are run from",
			l.outsideDetail(), "pack")}
	}
	if p, ok := l.packs[dir]; ok {
		return p, nil
	}
	if errs, ok := l.packErrs[dir]; ok {
		return nil, append(diag.List{sf.Diag(s.Node, "broken-pack", "The rule pack cannot be loaded", "Its problems are listed with it. Fix them and run again.", "pack")}, errs...)
	}
	sub, err := fs.Sub(l.fsys, dir)
	var p *pathway.Pack
	if err == nil {
		p, err = pathway.Load(sub, pathway.NamedAs(l.cfg.display(dir)))
	}
	if err != nil {
		var errs diag.List
		if !errors.As(err, &errs) {
			errs = diag.List{{Severity: diag.Error, Code: "unreadable", Summary: "Cannot read the rule pack folder",
				Detail: reason(err) + ". Check the folder's name.", Range: diag.Range{File: l.cfg.display(dir)}}}
		}
		l.packErrs[dir] = errs
		return nil, append(diag.List{sf.Diag(s.Node, "broken-pack", "The rule pack cannot be loaded", "Its problems are listed with it. Fix them and run again.", "pack")}, errs...)
	}
	l.packs[dir] = p
	return p, nil
}

// referral decodes a case's referral: a file named relative to the
// scenario file, or written inline. It returns the referral, its decoding
// problems (which make it invalid, as in `pathway check`), and the
// problems of the scenario file.
func (l *loader) referral(name string, sf *yamlsrc.File, n, at *yaml.Node, p string) (*referral.Referral, diag.List, diag.List) {
	switch {
	case n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		return nil, nil, diag.List{sf.Diag(at, "missing-referral", "The case has no referral",
			"Add `referral:` with a referral file's name, relative to this file, or the referral written inline.", p)}
	case n.Kind == yaml.MappingNode:
		r, probs := decodeReferral(sf, n)
		for _, d := range probs {
			d.Path = strings.TrimPrefix(strings.TrimPrefix(d.Path, p), ".")
		}
		return r, probs, nil
	case n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str":
		return nil, nil, diag.List{sf.Diag(n, "wrong-type", "Expected a referral file's name or a referral",
			"Write the name of a referral file, relative to this file, or the referral itself as a group of named fields.", p)}
	}
	file := path.Join(path.Dir(name), strings.ReplaceAll(n.Value, "\\", "/"))
	if !fs.ValidPath(file) {
		return nil, nil, diag.List{sf.Diag(n, "referral-outside", "The referral file is outside the folder the scenarios are run from",
			l.outsideDetail(), p)}
	}
	rf, ok := l.referrals[file]
	if !ok {
		rf, l.refErrs[file] = l.readReferral(file)
		l.referrals[file] = rf
	}
	if e := l.refErrs[file]; e != nil {
		return nil, nil, diag.List{sf.Diag(n, e.code, e.summary, e.detail, p)}
	}
	r, probs := decodeReferral(rf, rf.Root)
	if r == nil {
		return nil, nil, diag.List{sf.Diag(n, "not-a-referral", "The file is not a referral", notReferralDetail, p)}
	}
	// Problems in the referral file are the referral's: the case may
	// expect them. Their source lines may hold personal details.
	for _, d := range probs {
		d.Excerpt = ""
	}
	return r, probs, nil
}

// outsideDetail says where the files a scenario file names must be, and
// what to do.
func (l *loader) outsideDetail() string {
	where := "the folder the scenarios are run from"
	if root := l.cfg.display("."); root != "." && root != "" {
		where += " (" + root + ")"
	}
	return fmt.Sprintf("A scenario file may name only files and folders inside %s. "+
		"Move what it names inside that folder, or widen it: pathway test --root DIR.", where)
}

const (
	notReferralDetail = "A referral file holds one referral, a JSON or YAML group of named fields such as {\"id\": ..., \"form\": ..., ...}. " +
		"Check the file's name, which is relative to this scenario file."
)

// readReferral reads and parses the referral file at file, a name in fsys
// inside the root. It reads only a regular file of at most maxFile bytes,
// and it reports a file that cannot be read, is not JSON or YAML, or holds
// no referral answer, without quoting any of it.
func (l *loader) readReferral(file string) (*yamlsrc.File, *refError) {
	data, err := pathway.ReadBounded(l.fsys, file, maxFile)
	if err != nil {
		if brokenLink(l.fsys, file) {
			return nil, &refError{"referral-outside", "The referral file is a link, or is in a linked folder, that leads outside the folder the scenarios are run from, or to nothing",
				"The link was not followed. " + l.outsideDetail()}
		}
		why := reason(err)
		if _, serr := fs.Stat(l.fsys, file); errors.Is(serr, fs.ErrNotExist) {
			why = "There is no such file"
		}
		return nil, &refError{"unreadable", "Cannot read the referral file",
			why + ". Check its name, which is relative to this scenario file: a referral file (JSON or YAML)."}
	}
	rf, probs := yamlsrc.Parse(l.cfg.display(file), data)
	if rf == nil {
		where := ""
		for _, d := range probs {
			if !d.Range.Start.IsZero() {
				where = fmt.Sprintf(" (at line %d, column %d)", d.Range.Start.Line, d.Range.Start.Column)
				break
			}
		}
		return nil, &refError{"not-a-referral", "The file is not a referral: it is not JSON or YAML",
			fmt.Sprintf("It could not be read as JSON or YAML%s. %s", where, notReferralDetail)}
	}
	if !looksLikeReferral(rf.Root) {
		return nil, &refError{"not-a-referral", "The file is not a referral", notReferralDetail}
	}
	return rf, nil
}

// brokenLink reports whether name, or a folder on its way, is a symbolic
// link that cannot be followed in fsys: it leads outside it (fsys made by
// os.Root refuses), or to nothing.
func brokenLink(fsys fs.FS, name string) bool {
	parts := strings.Split(name, "/")
	for i := range parts {
		p := path.Join(parts[:i+1]...)
		info, err := fs.Lstat(fsys, p)
		if err != nil {
			return false
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			continue
		}
		if _, err := fs.Stat(fsys, p); err != nil {
			return true
		}
	}
	return false
}

// topLevel are the names a referral may have at its top level.
var topLevel = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for _, f := range referral.Fields() {
		if !strings.ContainsAny(f.Path, ".[") {
			names[f.Path] = true
		}
	}
	return names
})

// looksLikeReferral reports whether n could be a referral: a group of
// named fields, empty or with at least one of a referral's names. Anything
// else is not a referral, and none of its names is quoted back.
func looksLikeReferral(n *yaml.Node) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		return false
	}
	if len(n.Content) == 0 {
		return true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if topLevel()[n.Content[i].Value] {
			return true
		}
	}
	return false
}

// decodeReferral decodes the referral at node n of f, as referral.Decode
// does a whole file. The referral is nil when n is not a group of named
// fields.
func decodeReferral(f *yamlsrc.File, n *yaml.Node) (*referral.Referral, diag.List) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, diag.List{f.Diag(n, "not-a-referral", "Not a referral",
			"A referral is a group of named fields, such as {\"id\": ..., \"form\": ..., ...}. Check that this is a referral file.", "")}
	}
	r := new(referral.Referral)
	_, probs := yamlsrc.Decode(f, n, "", r)
	return r, probs
}

// ids are the ids a pack's versions define, for checking expectations.
type ids struct {
	rules, programmes, actions []string
}

func packIDs(p *pathway.Pack) ids {
	var out ids
	if p == nil {
		return out
	}
	for _, v := range p.Versions() {
		for _, r := range versionRules(v) {
			switch r.Kind {
			case KindCriterion, KindExclusion:
				out.rules = append(out.rules, r.ID)
			case KindProgramme:
				out.programmes = append(out.programmes, r.ID)
			}
		}
		out.actions = append(out.actions, actionIDs(v)...)
	}
	for _, s := range []*[]string{&out.rules, &out.programmes, &out.actions} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return out
}

var (
	indexPattern = regexp.MustCompile(`\[[0-9]+\]`)
	flowIndex    = regexp.MustCompile(`\{[^}"']*[A-Za-z]\[[0-9]+\]`)
)

// checkExpect checks the expectations of one case.
func checkExpect(sf *yamlsrc.File, pos yamlsrc.Positions, p string, raw rawExpect, known ids) (Expect, diag.List) {
	var problems diag.List
	var e Expect
	if raw.Decision.Node != nil {
		if !slices.Contains(Decisions, raw.Decision.Value) {
			problems = append(problems, sf.Diag(raw.Decision.Node, "bad-decision", "Not a decision",
				fmt.Sprintf("A decision is %s.%s", diag.Quoted(Decisions), diag.DidYouMean(raw.Decision.Value, Decisions)), yamlsrc.Field(p, "decision")))
		}
		e.Decision = pathway.Decision(raw.Decision.Value)
	}
	list := func(field string, values *[]string, known []string, what, plural string) []string {
		if values == nil {
			return nil
		}
		lp := yamlsrc.Field(p, field)
		seen := map[string]bool{}
		for i, v := range *values {
			ip := yamlsrc.Index(lp, i)
			switch {
			case seen[v]:
				problems = append(problems, sf.Diag(pos.Node(ip), "duplicate-id", fmt.Sprintf("%q is listed twice", v),
					"The list is compared as a set. Remove the repeat.", ip))
			case known != nil && !slices.Contains(known, v):
				problems = append(problems, sf.Diag(pos.Node(ip), "unknown-id", fmt.Sprintf("There is no %s %q in the pack", what, v),
					fmt.Sprintf("`%s` names the pack's %s: %s.%s", field, plural, diag.Quoted(known), diag.DidYouMean(v, known)), ip))
			}
			seen[v] = true
		}
		return append([]string{}, *values...)
	}
	e.Failed = list("failed", raw.Failed, known.rules, "criterion or exclusion", "criteria and exclusions")
	e.Unknown = list("unknown", raw.Unknown, known.rules, "criterion or exclusion", "criteria and exclusions")
	e.Programmes = list("programmes", raw.Programmes, known.programmes, "programme", "programmes")
	e.Actions = list("actions", raw.Actions, known.actions, "action", "actions")
	e.Missing = list("missing", raw.Missing, nil, "", "")
	if e.Decision == "" && e.Failed == nil && e.Unknown == nil && e.Missing == nil && e.Programmes == nil && e.Actions == nil && len(problems) == 0 {
		problems = append(problems, sf.Diag(pos.Node(p), "no-expect", "The case expects nothing",
			"Add any of decision, failed, unknown, missing, programmes and actions under `expect:`.", p))
	}
	schema := engine.ReferralSchema()
	for i, m := range e.Missing {
		f := schema.Find(indexPattern.ReplaceAllString(m, "[]"))
		if f == nil || m == "today" || !validPath(m) {
			ip := yamlsrc.Index(yamlsrc.Field(p, "missing"), i)
			problems = append(problems, sf.Diag(pos.Node(ip), "unknown-path", fmt.Sprintf("%q is not an answer on the referral", m),
				"`missing` lists answers by their JSON path, such as subject.likelyOrder or victims[0].consentsToContact."+suggestPath(m), ip))
		}
	}
	return e, problems
}

// reason is a file error's reason without Go's operation prefix.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	s := err.Error()
	if s == "" {
		return "It cannot be read"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
