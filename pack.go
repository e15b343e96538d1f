package pathway

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/eligibility"
	"github.com/saferpath/pathway/internal/engine"
	"github.com/saferpath/pathway/internal/yamlsrc"
	"github.com/saferpath/pathway/outcomes"
	"github.com/saferpath/pathway/programmes"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

//go:embed rules/kent
var embedded embed.FS

// DefaultName is the name of the embedded default pack.
const DefaultName = "kent"

// Pack is a loaded rule pack: one or more versions, each in force over its
// effective dates. A Pack is immutable once loaded and safe for concurrent
// use by any number of goroutines.
type Pack struct {
	name     string
	versions []*Version // by effective date
}

// Version is one version of a pack: its manifest and compiled rules. It is
// immutable and safe for concurrent use.
type Version struct {
	// Name is the pack's name, Version this version's label (2022-08).
	Name, Version, Title string
	// Effective are the dates the version is in force, both inclusive.
	Effective programmes.Window
	// Source names the documents the version is drawn from.
	Source string
	// Digest is "sha256:" and the hex digest of the version's files.
	Digest string
	// Dir is the version's folder as named in diagnostics.
	Dir string

	effectiveAt diag.Range // where pack.yaml says when it is in force
	effectiveLn string     // that line, for snippets

	Eligibility *eligibility.Rules
	Programmes  *programmes.Catalogue
	// Safeguarding is the version's victim-safety policy, from
	// safeguarding.yaml; nil (and no actions listed) without that file.
	Safeguarding *safeguarding.Policy
	// Outcomes are the metrics outcomes.yaml adds to every report.
	Outcomes []outcomes.Metric
	// Reasons are the withdrawal reason codes outcomes.yaml lists, with
	// their titles and aliases; outcomes.DefaultReasons when it lists none.
	Reasons []outcomes.ReasonCode
	// Instruments are the score instruments outcomes.yaml names.
	Instruments []outcomes.Instrument
}

// Name returns the pack's name.
func (p *Pack) Name() string { return p.name }

// Versions returns the pack's versions, earliest first. The slice is a copy;
// the versions themselves must not be modified.
func (p *Pack) Versions() []*Version { return slices.Clone(p.versions) }

// Version returns the version with the given label, or nil.
func (p *Pack) Version(label string) *Version {
	for _, v := range p.versions {
		if v.Version == label {
			return v
		}
	}
	return nil
}

// NoVersionError is returned when no version of a pack is in force on a date.
type NoVersionError struct {
	Pack     string
	Date     referral.Date
	Versions []string // "2021-09 (2021-09-01 to 2022-07-31)"
}

func (e *NoVersionError) Error() string {
	return fmt.Sprintf("no version of pack %q is in force on %s; its versions are %s", e.Pack, e.Date, strings.Join(e.Versions, ", "))
}

// InForce returns the version in force on date d, or a *NoVersionError.
func (p *Pack) InForce(d referral.Date) (*Version, error) {
	for _, v := range p.versions {
		if v.Effective.Contains(d) {
			return v, nil
		}
	}
	e := &NoVersionError{Pack: p.name, Date: d}
	for _, v := range p.versions {
		e.Versions = append(e.Versions, fmt.Sprintf("%s (%s to %s)", v.Version, v.Effective.From, v.Effective.To))
	}
	return nil, e
}

// Nearest returns the version in force on d; when none is, the latest
// version that starts on or before d; when none does, the earliest. Reports
// use it to pick the metrics for a period ending on d.
func (p *Pack) Nearest(d referral.Date) *Version {
	best := p.versions[0]
	for _, v := range p.versions {
		if !v.Effective.From.After(d) {
			best = v
		}
	}
	return best
}

// Option configures Load. Options that cannot apply return an error.
type Option func(*config) error

type config struct {
	prefix string
}

// NamedAs makes diagnostics and rule sources name files under prefix (the
// folder the pack was read from, as its users know it): "rules/kent"
// gives rules/kent/2022-08/eligibility.yaml.
func NamedAs(prefix string) Option {
	return func(c *config) error {
		c.prefix = path.Clean(strings.ReplaceAll(prefix, "\\", "/"))
		return nil
	}
}

// manifest is pack.yaml.
type manifest struct {
	Name      string             `json:"name"`
	Version   string             `json:"version"`
	Title     string             `json:"title"`
	Effective *programmes.Window `json:"effective"`
	Source    string             `json:"source"`
}

// Files a version folder may hold.
const (
	ManifestFile     = "pack.yaml"
	EligibilityFile  = "eligibility.yaml"
	ProgrammesFile   = "programmes.yaml"
	SafeguardingFile = "safeguarding.yaml"
	OutcomesFile     = "outcomes.yaml"
)

var knownFiles = []string{ManifestFile, EligibilityFile, ProgrammesFile, SafeguardingFile, OutcomesFile}

// maxPackFile bounds one rule file's size.
const maxPackFile = 1 << 20

// Load reads a rule pack from fsys: either one version folder (holding
// pack.yaml) at its root, or a folder of version folders. It compiles every
// rule and reports every problem in every file at once, as an error that is
// a diag.List. Load works on any fs.FS, such as embed.FS and os.DirFS.
func Load(fsys fs.FS, opts ...Option) (*Pack, error) {
	cfg := config{prefix: "."}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	dirs, err := versionDirs(fsys)
	if err != nil {
		return nil, err
	}
	var problems diag.List
	p := &Pack{}
	for _, dir := range dirs {
		v, errs := loadVersion(fsys, dir, cfg)
		problems = append(problems, errs...)
		if v != nil {
			p.versions = append(p.versions, v)
		}
	}
	problems = append(problems, p.checkVersions()...)
	if problems.HasErrors() {
		problems.Sort()
		return nil, problems
	}
	sort.Slice(p.versions, func(i, j int) bool { return p.versions[i].Effective.From.Before(p.versions[j].Effective.From) })
	return p, nil
}

// MustLoad is Load for packs compiled into a binary; it panics on error.
func MustLoad(fsys fs.FS, opts ...Option) *Pack {
	p, err := Load(fsys, opts...)
	if err != nil {
		panic(err)
	}
	return p
}

var defaultPack = sync.OnceValue(func() *Pack {
	sub, err := fs.Sub(embedded, "rules/kent")
	if err != nil {
		panic(err)
	}
	return MustLoad(sub, NamedAs("rules/kent"))
})

// Default returns the embedded default pack, kent, loaded once.
func Default() *Pack { return defaultPack() }

func versionDirs(fsys fs.FS) ([]string, error) {
	if _, err := fs.Stat(fsys, ManifestFile); err == nil {
		return []string{"."}, nil
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("cannot read the rule pack folder: %w", err)
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), ManifestFile)); err == nil {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 0 {
		return nil, errors.New("this folder is not a rule pack: it has no pack.yaml, and no folder in it has one")
	}
	return dirs, nil
}

func loadVersion(fsys fs.FS, dir string, cfg config) (*Version, diag.List) {
	display := path.Join(cfg.prefix, dir)
	var problems diag.List
	files := map[string]*yamlsrc.File{}
	digest := sha256.New()
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, diag.List{{Severity: diag.Error, Code: "unreadable", Summary: "Cannot read the version folder",
			Detail: err.Error(), Range: diag.Range{File: display}}}
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		fileName := path.Join(display, name)
		if !slices.Contains(knownFiles, name) {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "unknown-file",
				Summary: fmt.Sprintf("%s is not a rule file", name),
				Detail:  fmt.Sprintf("A version folder holds %s.%s", diag.Quoted(knownFiles), diag.DidYouMean(name, knownFiles)),
				Range:   diag.Range{File: fileName}})
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "unreadable", Summary: "Cannot read the file",
				Detail: err.Error(), Range: diag.Range{File: fileName}})
			continue
		}
		if len(data) > maxPackFile {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "too-large", Summary: "The file is too large",
				Detail: fmt.Sprintf("A rule file may be at most %d bytes. Split the rules, or remove what is not a rule.", maxPackFile), Range: diag.Range{File: fileName}})
			continue
		}
		fmt.Fprintf(digest, "%s\x00%d\x00", name, len(data))
		digest.Write(data)
		f, errs := yamlsrc.Parse(fileName, data)
		problems = append(problems, errs...)
		if f != nil {
			files[name] = f
		}
	}
	mf := files[ManifestFile]
	if mf == nil {
		return nil, problems
	}
	var m manifest
	pos, errs := yamlsrc.Decode(mf, mf.Root, "", &m)
	problems = append(problems, errs...)
	need := func(field, value, what string) {
		if value == "" {
			problems = append(problems, mf.Diag(pos.Node(field), "missing-"+field, fmt.Sprintf("pack.yaml has no %s", field),
				fmt.Sprintf("Add `%s:` with %s.", field, what), field))
		}
	}
	need("name", m.Name, "the pack's name, such as kent")
	need("version", m.Version, "this version's label, such as 2022-08")
	need("title", m.Title, "a title for people")
	need("source", m.Source, "the documents the rules come from")
	effectiveBad := slices.ContainsFunc(errs, func(d *diag.Diagnostic) bool { return strings.HasPrefix(d.Path, "effective") })
	if m.Effective == nil || m.Effective.From.IsZero() || m.Effective.To.IsZero() {
		if effectiveBad {
			return nil, problems
		}
		problems = append(problems, mf.Diag(pos.Node("effective"), "missing-effective", "pack.yaml does not say when the version is in force",
			"Add effective: {from: YYYY-MM-DD, to: YYYY-MM-DD}; both dates are inclusive.", "effective"))
		return nil, problems
	}
	if m.Effective.To.Before(m.Effective.From) {
		problems = append(problems, mf.Diag(pos.Node("effective.to"), "bad-effective", "The version ends before it starts",
			"Check effective.from and effective.to: `to` must be on or after `from`.", "effective.to"))
	}
	v := &Version{Name: m.Name, Version: m.Version, Title: m.Title, Effective: *m.Effective, Source: m.Source,
		Digest: "sha256:" + hex.EncodeToString(digest.Sum(nil)), Dir: display}
	if n := pos.Node("effective"); n != nil {
		v.effectiveAt = mf.Range(n)
		v.effectiveLn = diag.Excerpt(mf.Src, v.effectiveAt.Start.Line)
	}
	// A version must say who is eligible, what is offered and how victims
	// are kept safe; outcome metrics beyond the standard ones are optional.
	for _, need := range []struct{ file, what string }{
		{EligibilityFile, "its criteria and exclusions"},
		{ProgrammesFile, "the programmes it offers"},
		{SafeguardingFile, "its victim-safety actions, risk instruments and sharing policy"},
	} {
		if files[need.file] == nil && !slices.ContainsFunc(problems, func(d *diag.Diagnostic) bool { return strings.HasSuffix(d.Range.File, need.file) }) {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "missing-file", Summary: "The version has no " + need.file,
				Detail: fmt.Sprintf("Every version needs %s in %s. Add the file (copy it from an earlier version to start).", need.what, need.file), Range: diag.Range{File: display}})
		}
	}
	if f := files[EligibilityFile]; f != nil {
		rs, errs := eligibility.Parse(f)
		problems = append(problems, errs...)
		v.Eligibility = rs
	}
	var criteria []string
	if v.Eligibility != nil {
		for _, r := range v.Eligibility.Criteria {
			criteria = append(criteria, r.ID)
		}
	}
	if f := files[ProgrammesFile]; f != nil {
		cat, errs := programmes.Parse(f, v.Effective, criteria)
		problems = append(problems, errs...)
		v.Programmes = cat
	}
	if f := files[SafeguardingFile]; f != nil {
		pol, errs := safeguarding.Parse(f)
		problems = append(problems, errs...)
		v.Safeguarding = pol
	}
	if f := files[OutcomesFile]; f != nil {
		defs, err := outcomes.ReadDefinitions(f.Name, f.Src)
		problems = append(problems, diag.From(err)...)
		if defs != nil {
			v.Outcomes, v.Reasons, v.Instruments = defs.Metrics, defs.Reasons, defs.Instruments
		}
	}
	problems = append(problems, v.checkIDs()...)
	return v, problems
}

// validate checks r against the wire format, with this version's risk
// instrument ranges, and merges the problems found while decoding. A
// score-out-of-range problem found while decoding (against other ranges)
// is kept only when this version's ranges agree.
func (v *Version) validate(r *referral.Referral, decoded diag.List) diag.List {
	var opts []referral.ValidateOption
	if v.Safeguarding != nil {
		opts = append(opts, referral.WithScoreRanges(v.Safeguarding.ScoreRanges()))
	}
	own := diag.From(r.Validate(opts...))
	problems := slices.DeleteFunc(slices.Clone(decoded), func(d *diag.Diagnostic) bool {
		return d.Code == "score-out-of-range" && !slices.ContainsFunc(own, func(e *diag.Diagnostic) bool { return e.Path == d.Path && e.Code == d.Code })
	})
	return appendNew(problems, own)
}

// checkIDs reports rule ids used twice within a version, across its files.
func (v *Version) checkIDs() diag.List {
	var problems diag.List
	seen := map[string]*engine.Rule{}
	check := func(r *engine.Rule) {
		if first, ok := seen[r.ID]; ok {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "duplicate-id",
				Summary: fmt.Sprintf("The id %q is used twice", r.ID),
				Detail:  fmt.Sprintf("It is already used at %s. Ids must be unique within a version: scenarios and reports name rules by id. Rename one of them.", first.IDAt),
				Range:   r.IDAt, Excerpt: r.IDLine})
			return
		}
		seen[r.ID] = r
	}
	if v.Eligibility != nil {
		for _, r := range v.Eligibility.All() {
			check(&r.Rule)
		}
	}
	if v.Programmes != nil {
		for _, p := range v.Programmes.Programmes {
			check(&p.Rule)
		}
	}
	if v.Safeguarding != nil {
		for _, t := range v.Safeguarding.Triggers {
			check(&t.Rule)
		}
	}
	return problems
}

// checkVersions reports versions of different packs in one folder, repeated
// labels and overlapping effective dates.
func (p *Pack) checkVersions() diag.List {
	var problems diag.List
	for i, v := range p.versions {
		at, line := v.effectiveAt, v.effectiveLn
		if i == 0 {
			p.name = v.Name
		} else if v.Name != p.name {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "mixed-packs",
				Summary: fmt.Sprintf("This version belongs to pack %q, not %q", v.Name, p.name),
				Detail:  "Every version in a pack folder must have the same name. Move it to its own folder or correct its name.", Range: at, Excerpt: line})
		}
		for _, w := range p.versions[:i] {
			switch {
			case w.Version == v.Version:
				problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "duplicate-version",
					Summary: fmt.Sprintf("Version %s appears twice", v.Version),
					Detail:  fmt.Sprintf("It is also in %s. Give each version its own label.", w.Dir), Range: at, Excerpt: line})
			case !v.Effective.To.Before(w.Effective.From) && !w.Effective.To.Before(v.Effective.From):
				problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "overlapping-versions",
					Summary: fmt.Sprintf("Versions %s and %s are both in force on some days", w.Version, v.Version),
					Detail: fmt.Sprintf("%s runs %s to %s and %s runs %s to %s. Only one version may be in force on any date: end one before the other starts.",
						w.Version, w.Effective.From, w.Effective.To, v.Version, v.Effective.From, v.Effective.To), Range: at, Excerpt: line})
			}
		}
	}
	return problems
}
