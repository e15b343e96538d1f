package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
)

func init() { commands = append(commands, newValidateCmd) }

func newValidateCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "validate [--format text|json] FILE...",
		Short: "Check that referrals are complete and well formed, without assessing them",
		Long: `Validate reads each referral (a JSON or YAML file, or - for standard input)
and checks it against the referral format: required answers, enumerations,
dates, email addresses, the rules that link answers (a victim not known to a
support service needs a reason, a COBI form must say whether the person is
subject to a Stalking Protection Order, ...). Every problem is reported at
once, one line each:

  FILE:LINE:COL: PATH: message

Messages never repeat a personal detail from the referral.

Each FILE must be a regular file of at most 4 MiB, and standard input may
hold at most 4 MiB: a folder, a device or a named pipe is refused at once.

Exit status: 0 every referral is valid; 1 a referral is invalid; 2 a usage
error, a file that cannot be read (a folder, a device, a named pipe, over 4
MiB), or a file that is not JSON or YAML.`,
		Example: `  pathway validate examples/referrals/hr-eligible.json
  pathway validate --format json referrals/*.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return usageErr("--format must be text or json, not %q", format)
			}
			return runValidate(cmd, format, args)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text (one line per problem) or json")
	completeFlag(cmd, "format", "text\tone line per problem", "json\tfor systems")
	return cmd
}

// validation is the result for one file, as --format json prints it.
type validation struct {
	File string `json:"file"`
	// Status is valid, invalid or unreadable.
	Status   string    `json:"status"`
	Problems diag.List `json:"problems"`
}

func runValidate(cmd *cobra.Command, format string, args []string) error {
	stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
	code := 0
	results := make([]validation, 0, len(args))
	for _, name := range args {
		v := validateFile(cmd.InOrStdin(), name)
		results = append(results, v)
		switch v.Status {
		case "invalid":
			code = max(code, 1)
		case "unreadable":
			code = 2
		}
		if format == "json" {
			continue
		}
		switch v.Status {
		case "valid":
			fmt.Fprintf(stdout, "%s: valid\n", safetext.String(name))
		case "invalid":
			for _, d := range v.Problems {
				fmt.Fprintln(stdout, problemLine(name, d))
			}
		default:
			for _, d := range v.Problems {
				fmt.Fprintln(stderr, "pathway:", problemLine(name, d))
			}
		}
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(results); err != nil {
			return err
		}
	}
	if code != 0 {
		return exitCode(code)
	}
	return nil
}

// validateFile reads and validates one file ("-" is standard input).
func validateFile(stdin io.Reader, name string) validation {
	v := validation{File: name, Problems: diag.List{}}
	data, err := readInput(stdin, name)
	if err != nil {
		v.Status = "unreadable"
		v.Problems = diag.List{{Severity: diag.Error, Code: "unreadable", Range: diag.Range{File: name},
			Summary: "Cannot read the file: " + ioReason(err)}}
		return v
	}
	r, problems := referral.Read(name, data)
	switch {
	case r == nil:
		v.Status = "unreadable"
	case len(problems) > 0:
		v.Status = "invalid"
	default:
		v.Status = "valid"
	}
	// The excerpt is a line of the file, which may hold personal details:
	// machine output (often logged) leaves it out.
	for _, d := range problems {
		c := *d
		c.Excerpt = ""
		v.Problems = append(v.Problems, &c)
	}
	return v
}

// problemLine renders one problem as FILE:LINE:COL: PATH: message, leaving
// out what is not known, on one line: line breaks in the file's name, the
// path and the summary are escaped.
func problemLine(name string, d *diag.Diagnostic) string {
	var b strings.Builder
	b.WriteString(safetext.String(name))
	if !d.Range.Start.IsZero() {
		fmt.Fprintf(&b, ":%d:%d", d.Range.Start.Line, d.Range.Start.Column)
	}
	b.WriteString(": ")
	if d.Path != "" {
		b.WriteString(safetext.String(d.Path))
		b.WriteString(": ")
	}
	b.WriteString(safetext.String(d.Summary))
	if d.Detail != "" {
		b.WriteString(". ")
		b.WriteString(strings.ReplaceAll(d.Detail, "\n", " "))
	}
	return b.String()
}
