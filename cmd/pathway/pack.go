package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/referral"
)

// rulesFlag adds --rules to a command.
func rulesFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "rules", "", "rule pack folder (default: the embedded kent pack)")
	_ = cmd.MarkFlagDirname("rules")
}

// loadPack loads the pack in dir, or the embedded default pack when dir is
// empty. A pack with problems prints them, people-style, to stderr and
// gives an exit-2 error.
func loadPack(dir string, stderr io.Writer) (*pathway.Pack, error) {
	if dir == "" {
		return pathway.Default(), nil
	}
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return nil, usageErr("cannot read the rule pack folder %s: it does not exist or is not a folder; name a folder that holds pack.yaml, or folders that do", dir)
	}
	p, err := pathway.LoadDir(dir)
	if err != nil {
		var l diag.List
		if errors.As(err, &l) {
			fmt.Fprintf(stderr, "The rule pack in %s has %d problem(s); run \"pathway lint %s\" for details.\n\n", dir, len(l), dir)
			_ = l.WriteCompact(stderr)
			return nil, exitCode(2)
		}
		return nil, usageErr("%s: %v", dir, err)
	}
	return p, nil
}

// dateFlag parses a --at or --on value.
func parseDateFlag(name, value string) (referral.Date, error) {
	if value == "" {
		return referral.Date{}, nil
	}
	d, err := referral.ParseDate(value)
	if err != nil {
		return d, usageErr("--%s: %v", name, err)
	}
	return d, nil
}

// checkFormat checks a --format value against the allowed ones, each
// written as completeFlag takes them ("name" or "name\tdescription").
func checkFormat(value string, allowed ...string) error {
	names := valueNames(allowed)
	for _, a := range names {
		if value == a {
			return nil
		}
	}
	return usageErr("--format must be one of %s, not %q", diag.Quoted(names), value)
}
