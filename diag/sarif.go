package diag

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

// SARIFVersion is the version of the SARIF format WriteSARIF writes.
const SARIFVersion = "2.1.0"

// SARIFSchema is the JSON Schema a SARIF 2.1.0 log names in "$schema".
const SARIFSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// Tool names the program that found the problems, for a SARIF log.
type Tool struct {
	// Name is the tool's name: "pathway".
	Name string
	// Version is its version, when known.
	Version string
	// InformationURI is a page about the tool, when there is one.
	InformationURI string
}

// WriteSARIF writes the list as a SARIF 2.1.0 log (Static Analysis Results
// Interchange Format, an OASIS standard) with one run of tool, for code
// scanning services and editors that read it.
//
// The run's rules are the problems' codes, each once, in the order first
// met. Each problem is a result: its code as ruleId (with ruleIndex), its
// severity as level (error or warning), its summary and detail as the
// message, and, when it has a file, a physical location: the file as a
// URI reference (a relative path stays relative, an absolute one becomes a
// file URI) and, when it has a position, the region's start line, start
// column and end column. Columns count Unicode code points, as Pos does,
// and the run says so (columnKind). A range that ends on another line, or
// has no end, covers one character. A problem's JSON path, when it has
// one, is its logical location.
func (l List) WriteSARIF(w io.Writer, tool Tool) error {
	driver := sarifDriver{Name: tool.Name, Version: tool.Version, InformationURI: tool.InformationURI, Rules: []sarifRule{}}
	results := make([]sarifResult, 0, len(l))
	var codes []string
	for _, d := range l {
		code := d.Code
		if code == "" {
			code = "error"
		}
		index := slices.Index(codes, code)
		if index < 0 {
			index = len(codes)
			codes = append(codes, code)
			driver.Rules = append(driver.Rules, sarifRule{ID: code})
		}
		res := sarifResult{RuleID: code, RuleIndex: index, Level: d.Severity.String(), Message: sarifMessage{Text: oneLine(d)}}
		if d.Range.File != "" || d.Path != "" {
			loc := sarifLocation{}
			if d.Range.File != "" {
				loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(d.Range.File)}}
				if !d.Range.Start.IsZero() {
					start := d.Range.Start
					end := start.Column + 1
					if d.Range.End.Line == start.Line && d.Range.End.Column > start.Column {
						end = d.Range.End.Column
					}
					loc.PhysicalLocation.Region = &sarifRegion{StartLine: start.Line, StartColumn: max(start.Column, 1), EndColumn: max(end, 2)}
				}
			}
			if d.Path != "" {
				loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: d.Path}}
			}
			res.Locations = []sarifLocation{loc}
		}
		results = append(results, res)
	}
	log := sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{{
		Tool: sarifTool{Driver: driver}, ColumnKind: "unicodeCodePoints", Results: results}}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// oneLine is a problem's summary and detail as one line: "Summary. Detail".
func oneLine(d *Diagnostic) string {
	text := d.Summary
	if detail := strings.Join(strings.Fields(d.Detail), " "); detail != "" {
		text += ". " + detail
	}
	return strings.Join(strings.Fields(text), " ")
}

// fileURI turns a file name into a URI reference: a relative path with
// its segments escaped, or a file URI for an absolute path.
func fileURI(name string) string {
	slashed := filepath.ToSlash(name)
	if filepath.IsAbs(name) || strings.HasPrefix(slashed, "/") {
		if !strings.HasPrefix(slashed, "/") {
			slashed = "/" + slashed // a Windows drive: file:///C:/...
		}
		return (&url.URL{Scheme: "file", Path: slashed}).String()
	}
	u := &url.URL{Path: slashed}
	return u.String()
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool     `json:"tool"`
	ColumnKind string        `json:"columnKind"`
	Results    []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID string `json:"id"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndColumn   int `json:"endColumn"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
}
