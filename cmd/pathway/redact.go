package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/internal/safetext"
	"github.com/saferpath/pathway/referral"
	"github.com/saferpath/pathway/safeguarding"
)

func init() { commands = append(commands, newRedactCmd) }

type redactOptions struct {
	role, rules, at, format string
}

func roleNames() []string {
	roles := safeguarding.Roles()
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return names
}

func newRedactCmd() *cobra.Command {
	var o redactOptions
	cmd := &cobra.Command{
		Use:   "redact --role ROLE [--rules DIR] [--at DATE] FILE",
		Short: "Print a referral as one role of the partnership may see it",
		Long: `Redact reads a referral (a JSON or YAML file, or - for standard input) and
prints, as JSON, the view of it that ROLE may see under the sharing policy of
the pack version in force on its dateSent (or --at): a copy holding only the
classes of data the role sees. Withheld answers are left out; lists keep
their length, so victim and child numbers in actions still match.

The roles are police-coordinator, provider, victim-link-worker, referrer and
commissioner. The provider never sees a victim's or child's name, address,
date of birth or contact details, not even inside free text; the victim link
worker never sees the contact details of the person referred; the
commissioner sees no personal data at all.

FILE must be a regular file of at most 4 MiB, and standard input may hold
at most 4 MiB: a folder, a device or a named pipe is refused at once.

Exit status: 0 the view was printed; 1 the referral is invalid (its problems
are listed and no view is printed); 2 a usage error, an unknown role, a file
that cannot be read (a folder, a device, a named pipe, over 4 MiB) or is not
JSON or YAML, a broken rule pack, or no pack version in force on the date.`,
		Example: `  pathway redact --role provider examples/referrals/hr-several-victims-children.json
  pathway redact --role commissioner - < referral.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runRedact(cmd, o, args[0]) },
	}
	cmd.Flags().StringVar(&o.role, "role", "", "the role whose view to print: "+joinOr(roleNames()))
	_ = cmd.MarkFlagRequired("role")
	completeFlag(cmd, "role", roleNames()...)
	rulesFlag(cmd, &o.rules)
	cmd.Flags().StringVar(&o.at, "at", "", "use the pack version in force on this date (YYYY-MM-DD) instead of the referral's dateSent")
	cmd.Flags().StringVar(&o.format, "format", "json", "output: json")
	completeFlag(cmd, "format", "json\tthe referral as the role may see it")
	noCompletion(cmd, "at")
	return cmd
}

func joinOr(names []string) string {
	out := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			out += " or "
		default:
			out += ", "
		}
		out += n
	}
	return out
}

func runRedact(cmd *cobra.Command, o redactOptions, name string) error {
	if err := checkFormat(o.format, "json"); err != nil {
		return err
	}
	if !slices.Contains(safeguarding.Roles(), safeguarding.Role(o.role)) {
		return usageErr("--role: %v", &safeguarding.UnknownRoleError{Role: o.role})
	}
	at, err := parseDateFlag("at", o.at)
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	pack, err := loadPack(o.rules, stderr)
	if err != nil {
		return err
	}
	data, err := readInput(cmd.InOrStdin(), name)
	if err != nil {
		return usageErr("cannot read %s: %s", shown(name), ioReason(err))
	}
	r, problems := referral.Read(name, data)
	if r == nil {
		fmt.Fprintf(stderr, "pathway: %s is not a JSON or YAML document:\n", safetext.String(name))
		_ = problems.WriteCompact(stderr)
		return exitCode(2)
	}
	v, err := versionFor(pack, at, r.DateSent)
	if err != nil {
		return usageErr("%s: %v", name, err)
	}
	if v.Safeguarding == nil {
		return usageErr("pack %s version %s has no safeguarding.yaml, so it has no sharing policy", v.Name, v.Version)
	}
	// Validate again with the version's own score ranges.
	r, problems = referral.Read(name, data, referral.WithScoreRanges(v.Safeguarding.ScoreRanges()))
	if problems.HasErrors() {
		fmt.Fprintf(stderr, "pathway: %s is not a valid referral, so no view is printed; its problems:\n", safetext.String(name))
		_ = problems.WriteCompact(stderr)
		return exitCode(1)
	}
	view, err := v.Safeguarding.Redact(r, o.role)
	if err != nil {
		var ur *safeguarding.UnknownRoleError
		if errors.As(err, &ur) {
			return usageErr("--role: %v", err)
		}
		return usageErr("%s: %v", name, err)
	}
	return writeJSON(cmd.OutOrStdout(), view)
}

// versionFor picks the pack version in force on at, or else on the
// referral's date sent, or else (no date at all) the latest.
func versionFor(pack *pathway.Pack, at, sent referral.Date) (*pathway.Version, error) {
	if at.IsZero() {
		at = sent
	}
	if at.IsZero() {
		vs := pack.Versions()
		return vs[len(vs)-1], nil
	}
	return pack.InForce(at)
}
