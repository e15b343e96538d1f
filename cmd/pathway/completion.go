package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/outcomes"
)

// Shell completion of flag values: "pathway completion SHELL" prints the
// script, and the shell asks the hidden "__complete" command for the
// values of the flag being typed. Each command registers its flags' values
// here, so that what completes is what the command accepts.

// completeFlag offers values as the completions of the flag name of cmd,
// and no file names. A value is "name" or "name\tdescription": shells that
// show descriptions (zsh, fish, PowerShell) show it beside the name.
// Only the values that start with what was typed are offered.
func completeFlag(cmd *cobra.Command, name string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(name, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		for _, v := range values {
			if strings.HasPrefix(v, toComplete) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

// valueNames strips the descriptions from completion values.
func valueNames(values []string) []string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i], _, _ = strings.Cut(v, "\t")
	}
	return names
}

// today is the date completions count from; tests set it.
var today = func() time.Time { return time.Now() }

// periodCompletions are the reporting periods offered for --period: the
// financial year today falls in and the two before it, latest first, each
// followed by its quarters, with their dates as descriptions.
func periodCompletions(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	now := today()
	start := now.Year()
	if now.Month() < time.April {
		start--
	}
	var out []string
	for y := start; y > start-3; y-- {
		periods := []outcomes.Period{outcomes.FinancialYear(y)}
		for q := 1; q <= 4; q++ {
			periods = append(periods, outcomes.Quarter(y, q))
		}
		for _, p := range periods {
			if strings.HasPrefix(p.Label, toComplete) {
				out = append(out, p.Label+"\t"+p.From.String()+" to "+p.To.String())
			}
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// noCompletion completes nothing for a flag whose value is typed (a date,
// a number), rather than offering file names.
func noCompletion(cmd *cobra.Command, name string) {
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
}
