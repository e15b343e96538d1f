package pathway

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
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
	"github.com/saferpath/pathway/rule"
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

	effectiveAt diag.Range    // where pack.yaml says when it is in force
	manifest    *yamlsrc.File // pack.yaml, for the snippets of problems found across versions

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

	// prep is what assessing under the version takes that is the same
	// for every referral, made once when the version loads.
	prep *prepared
}

// Name returns the pack's name.
func (p *Pack) Name() string {
	if p == nil {
		return ""
	}
	return p.name
}

// Versions returns the pack's versions, earliest first. The slice is a copy;
// the versions themselves must not be modified.
func (p *Pack) Versions() []*Version {
	if p == nil {
		return nil
	}
	return slices.Clone(p.versions)
}

// Version returns the version with the given label, or nil.
func (p *Pack) Version(label string) *Version {
	if p == nil {
		return nil
	}
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
	if p == nil {
		return nil, &NoVersionError{Date: d}
	}
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
// version that starts on or before d; when none does, the earliest; nil
// for a pack without versions. Reports use it to pick the metrics for a
// period ending on d.
func (p *Pack) Nearest(d referral.Date) *Version {
	if p == nil || len(p.versions) == 0 {
		return nil
	}
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

// manifest is pack.yaml as written, and the shape its JSON Schema is made
// from.
type manifest struct {
	Name      string             `json:"name" jsonschema:"title=Pack name,description=The same in every version of the pack.,pattern=^[a-z0-9]+(-[a-z0-9]+)*$,example=kent"`
	Version   string             `json:"version" jsonschema:"title=Version label,minLength=1,example=2022-08"`
	Title     string             `json:"title" jsonschema:"title=Title,description=A title for people.,minLength=1"`
	Effective *programmes.Window `json:"effective" jsonschema:"title=In force,description=The first and last days the version is in force (both inclusive)."`
	Source    string             `json:"source" jsonschema:"title=Source,description=The documents the rules come from.,minLength=1"`
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

// MaxRuleFile bounds one rule file's size, in bytes.
const MaxRuleFile = 1 << 20

// Load reads a rule pack from fsys: either one version folder (holding
// pack.yaml) at its root, or a folder of version folders. It compiles every
// rule and reports every problem in every file at once, as an error that is
// a diag.List: a mistake in one file never hides those in another. Load
// works on any fs.FS, such as embed.FS and os.DirFS; LoadDir opens a folder
// so that nothing in it can lead outside it. Every file is read as a
// regular file of at most MaxRuleFile bytes. The formats are described in
// docs/rules.md.
func Load(fsys fs.FS, opts ...Option) (*Pack, error) {
	if fsys == nil {
		return nil, errors.New("there is no folder to load a rule pack from")
	}
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
	// The files are read in order on this goroutine (an fs.FS need not be
	// safe for concurrent use), and each version, once read, is compiled
	// on a goroutine of its own while the next is read: as many at once
	// as there are processors, so that a folder of a thousand versions is
	// not compiled all at once. Their problems are gathered in the order
	// of the folders, as if they had been compiled one after another.
	type loaded struct {
		v        *Version
		problems diag.List
	}
	done := make([]loaded, len(dirs))
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, dir := range dirs {
		vf := readVersion(fsys, dir, cfg)
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			done[i].v, done[i].problems = vf.load()
		})
	}
	wg.Wait()
	var problems diag.List
	p := &Pack{}
	for _, l := range done {
		problems = append(problems, l.problems...)
		if l.v != nil {
			p.versions = append(p.versions, l.v)
		}
	}
	across := p.checkVersions()
	for _, v := range p.versions {
		yamlsrc.Annotate(across, v.manifest)
	}
	problems = append(problems, across...)
	if problems.HasErrors() {
		problems.Sort()
		return nil, problems
	}
	sort.Slice(p.versions, func(i, j int) bool { return p.versions[i].Effective.From.Before(p.versions[j].Effective.From) })
	return p, nil
}

// LoadDir loads the rule pack in the folder dir, as Load does, naming its
// files under dir. It opens the folder with os.OpenRoot, so that no file
// name and no symbolic link inside it can lead outside it.
func LoadDir(dir string, opts ...Option) (*Pack, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the rule pack folder %s: %w", dir, errors.Unwrap(err))
	}
	defer root.Close()
	return Load(root.FS(), append([]Option{NamedAs(dir)}, opts...)...)
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
		return nil, errors.New("cannot read the rule pack folder: it is not a folder, or it cannot be read")
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

// ReadBounded reads the file name of fsys when it is a regular file of at
// most limit bytes, checking both before it reads: a folder, a device or a
// named pipe is refused at once, without opening it. The error says what
// the file is, never what it holds.
func ReadBounded(fsys fs.FS, name string, limit int64) ([]byte, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, errors.New("it cannot be read: it does not exist, leads outside its folder, or may not be read")
	}
	switch {
	case info.IsDir():
		return nil, errors.New("it is a folder, not a file")
	case !info.Mode().IsRegular():
		return nil, errors.New("it is not a regular file (a device, a named pipe or a socket)")
	case info.Size() > limit:
		return nil, fmt.Errorf("it is %d bytes; at most %d bytes are read", info.Size(), limit)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, errors.New("it cannot be opened")
	}
	defer f.Close()
	// Read into a buffer of the size Stat gave, and a byte more to see
	// the file end (or grow past the limit), as os.ReadFile does, rather
	// than one grown from nothing as it fills.
	r := io.LimitReader(f, limit+1)
	data := make([]byte, 0, info.Size()+1)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errors.New("it could not be read to the end")
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("it grew past %d bytes while it was read", limit)
	}
	return data, nil
}

// versionFiles are the files of one version folder as read, before they
// are compiled.
type versionFiles struct {
	display  string            // the folder as named in diagnostics
	data     map[string][]byte // by file name
	digest   string
	problems diag.List // found reading the folder
	readable bool      // the folder itself could be read
}

// readVersion reads the files of one version folder, each as a regular
// file of at most MaxRuleFile bytes, and digests them.
func readVersion(fsys fs.FS, dir string, cfg config) *versionFiles {
	vf := &versionFiles{display: path.Join(cfg.prefix, dir), data: map[string][]byte{}}
	digest := sha256.New()
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		vf.problems = diag.List{{Severity: diag.Error, Code: "unreadable", Summary: "Cannot read the version folder",
			Detail: "Check that it is a folder you may read.", Range: diag.Range{File: vf.display}}}
		return vf
	}
	vf.readable = true
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		fileName := path.Join(vf.display, name)
		if !slices.Contains(knownFiles, name) {
			vf.problems = append(vf.problems, &diag.Diagnostic{Severity: diag.Error, Code: "unknown-file",
				Summary: fmt.Sprintf("%s is not a rule file", name),
				Detail:  fmt.Sprintf("A version folder holds %s.%s", diag.Quoted(knownFiles), diag.DidYouMean(name, knownFiles)),
				Range:   diag.Range{File: fileName}})
			continue
		}
		b, err := ReadBounded(fsys, path.Join(dir, name), MaxRuleFile)
		if err != nil {
			vf.problems = append(vf.problems, &diag.Diagnostic{Severity: diag.Error, Code: "unreadable", Summary: "Cannot read the file",
				Detail: upperFirst(err.Error()) + ". A rule file is a YAML file in the version's folder.", Range: diag.Range{File: fileName}})
			continue
		}
		fmt.Fprintf(digest, "%s\x00%d\x00", name, len(b))
		digest.Write(b)
		vf.data[name] = b
	}
	vf.digest = "sha256:" + hex.EncodeToString(digest.Sum(nil))
	return vf
}

// load compiles and checks one version folder's files. It checks every
// file against the others as far as they can be read: a broken pack.yaml
// leaves the funding windows unchecked against the version's dates, not
// the other files unread. The safeguarding and outcomes files depend on
// no other, and are compiled on goroutines of their own while this one
// compiles pack.yaml, then the eligibility rules, then the programmes
// (which check their waivers against the criteria, and their funding
// against the version's dates).
func (vf *versionFiles) load() (*Version, diag.List) {
	if !vf.readable {
		return nil, vf.problems
	}
	display, data := vf.display, vf.data
	problems := slices.Clone(vf.problems)
	file := func(name string) string { return path.Join(display, name) }
	v := &Version{Dir: display, Digest: vf.digest}

	var wg sync.WaitGroup
	var safeguardingErrs, outcomesErrs diag.List
	if b, ok := data[SafeguardingFile]; ok {
		wg.Go(func() { v.Safeguarding, safeguardingErrs = safeguarding.Read(file(SafeguardingFile), b) })
	}
	var defs *outcomes.Definitions
	if b, ok := data[OutcomesFile]; ok {
		wg.Go(func() { defs, outcomesErrs = outcomes.ReadDefinitions(file(OutcomesFile), b) })
	}

	manifestOK := false
	if b, ok := data[ManifestFile]; ok {
		var errs diag.List
		manifestOK, errs = v.readManifest(file(ManifestFile), b)
		problems = append(problems, errs...)
	}
	// A version must say who is eligible, what is offered and how victims
	// are kept safe; outcome metrics beyond the standard ones are optional.
	for _, need := range []struct{ file, what string }{
		{ManifestFile, "its name, version, title, dates in force and source"},
		{EligibilityFile, "its criteria and exclusions"},
		{ProgrammesFile, "the programmes it offers"},
		{SafeguardingFile, "its victim-safety actions, risk instruments and sharing policy"},
	} {
		if _, ok := data[need.file]; !ok && !slices.ContainsFunc(problems, func(d *diag.Diagnostic) bool { return d.Range.File == file(need.file) }) {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "missing-file", Summary: "The version has no " + need.file,
				Detail: fmt.Sprintf("Every version needs %s in %s. Add the file (copy it from an earlier version to start).", need.what, need.file), Range: diag.Range{File: display}})
		}
	}
	if b, ok := data[EligibilityFile]; ok {
		rs, errs := eligibility.Read(file(EligibilityFile), b)
		problems = append(problems, errs...)
		v.Eligibility = rs
	}
	if b, ok := data[ProgrammesFile]; ok {
		cat, errs := programmes.Read(file(ProgrammesFile), b, v.Effective, v.Eligibility.CriterionIDs())
		problems = append(problems, errs...)
		v.Programmes = cat
	}
	wg.Wait()
	problems = append(problems, safeguardingErrs...)
	problems = append(problems, outcomesErrs...)
	if defs != nil {
		v.Outcomes, v.Reasons, v.Instruments = defs.Metrics, defs.Reasons, defs.Instruments
	}
	problems = append(problems, v.checkIDs()...)
	if !manifestOK {
		return nil, problems
	}
	v.prep = prepare(v)
	return v, problems
}

// readManifest reads pack.yaml into v. It reports whether the version can
// be used: its name, label and dates could all be read.
func (v *Version) readManifest(name string, data []byte) (bool, diag.List) {
	mf, problems := yamlsrc.Parse(name, data)
	if mf == nil {
		return false, problems
	}
	v.manifest = mf
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
	if m.Name != "" && !engine.ValidID(m.Name) {
		problems = append(problems, mf.Diag(pos.Node("name"), "bad-name", "The pack's name is not lower-case words joined by hyphens",
			"Name the pack like kent or east-sussex: scenario files and reports name it so.", "name"))
	}
	need("version", m.Version, "this version's label, such as 2022-08")
	need("title", m.Title, "a title for people")
	need("source", m.Source, "the documents the rules come from")
	v.Name, v.Version, v.Title, v.Source = m.Name, m.Version, m.Title, m.Source
	if n := pos.Node("effective"); n != nil {
		v.effectiveAt = mf.Range(n)
	}
	effectiveBad := slices.ContainsFunc(errs, func(d *diag.Diagnostic) bool { return strings.HasPrefix(d.Path, "effective") })
	switch {
	case effectiveBad:
	case m.Effective == nil || m.Effective.From.IsZero() || m.Effective.To.IsZero():
		problems = append(problems, mf.Diag(pos.Node("effective"), "missing-effective", "pack.yaml does not say when the version is in force",
			"Add effective: {from: YYYY-MM-DD, to: YYYY-MM-DD}; both dates are inclusive.", "effective"))
	case m.Effective.To.Before(m.Effective.From):
		problems = append(problems, mf.Diag(pos.Node("effective.to"), "bad-effective", "The version ends before it starts",
			"Check effective.from and effective.to: `to` must be on or after `from`.", "effective.to"))
	default:
		v.Effective = *m.Effective
	}
	yamlsrc.Annotate(problems, mf)
	return !problems.HasErrors(), problems
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// validate checks r against the wire format, with this version's risk
// instrument ranges, and merges the problems found while decoding. A
// score-out-of-range problem found while decoding (against other ranges)
// is kept only when this version's ranges agree.
func (v *Version) validate(r *referral.Referral, decoded diag.List) diag.List {
	own := diag.From(r.Validate(v.prepared().validate...))
	problems := slices.DeleteFunc(slices.Clone(decoded), func(d *diag.Diagnostic) bool {
		return d.Code == "score-out-of-range" && !slices.ContainsFunc(own, func(e *diag.Diagnostic) bool { return e.Path == d.Path && e.Code == d.Code })
	})
	return appendNew(problems, own)
}

// checkIDs reports ids used in two of a version's files: a rule, a
// programme and a trigger may not share an id. (Each file reports its own
// repeats.) Ids of rules with other mistakes count too.
func (v *Version) checkIDs() diag.List {
	var problems diag.List
	seen := map[string]diag.Range{} // where each id is first given
	check := func(rules []rule.Rule) {
		mine := map[string]bool{}
		for _, r := range rules {
			if r.ID == "" || mine[r.ID] {
				continue
			}
			mine[r.ID] = true
			if first, ok := seen[r.ID]; ok {
				problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "duplicate-id",
					Summary: fmt.Sprintf("The id %q is used twice", r.ID),
					Detail:  fmt.Sprintf("It is already used at %s. Ids must be unique within a version: scenarios and reports name rules by id. Rename one of them.", first),
					Range:   r.IDAt})
				continue
			}
			seen[r.ID] = r.IDAt
		}
	}
	if v.Eligibility != nil {
		check(v.Eligibility.Seen)
	}
	if v.Programmes != nil {
		check(v.Programmes.Seen)
	}
	if v.Safeguarding != nil {
		check(v.Safeguarding.Seen)
	}
	return problems
}

// checkVersions reports versions of different packs in one folder, repeated
// labels and overlapping effective dates.
func (p *Pack) checkVersions() diag.List {
	var problems diag.List
	for i, v := range p.versions {
		at := v.effectiveAt
		if i == 0 {
			p.name = v.Name
		} else if v.Name != p.name {
			problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "mixed-packs",
				Summary: fmt.Sprintf("This version belongs to pack %q, not %q", v.Name, p.name),
				Detail:  "Every version in a pack folder must have the same name. Move it to its own folder or correct its name.", Range: at})
		}
		for _, w := range p.versions[:i] {
			switch {
			case w.Version == v.Version:
				problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "duplicate-version",
					Summary: fmt.Sprintf("Version %s appears twice", v.Version),
					Detail:  fmt.Sprintf("It is also in %s. Give each version its own label.", w.Dir), Range: at})
			case !v.Effective.To.Before(w.Effective.From) && !w.Effective.To.Before(v.Effective.From):
				problems = append(problems, &diag.Diagnostic{Severity: diag.Error, Code: "overlapping-versions",
					Summary: fmt.Sprintf("Versions %s and %s are both in force on some days", w.Version, v.Version),
					Detail: fmt.Sprintf("%s runs %s to %s and %s runs %s to %s. Only one version may be in force on any date: end one before the other starts.",
						w.Version, w.Effective.From, w.Effective.To, v.Version, v.Effective.From, v.Effective.To), Range: at})
			}
		}
	}
	return problems
}
