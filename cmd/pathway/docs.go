package main

import (
	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/policydoc"
)

func init() {
	commands = append(commands, newDocsCmd)
	schemas["rules"] = pathway.RulesSchema
	for name, file := range map[string]string{"pack": pathway.ManifestFile, "eligibility": pathway.EligibilityFile,
		"programmes": pathway.ProgrammesFile, "safeguarding": pathway.SafeguardingFile, "outcomes": pathway.OutcomesFile} {
		schemas[name] = func() ([]byte, error) { return pathway.RuleFileSchema(file) }
	}
}

func newDocsCmd() *cobra.Command {
	var rules string
	cmd := &cobra.Command{
		Use:   "docs [--rules DIR]",
		Short: "Write the rule pack as a policy document (Markdown)",
		Long: `Docs writes the rule pack as a policy document in Markdown: for each version,
its dates and sources, its criteria and exclusions, its programmes with their
figures, and its safety actions, each with its wording, its condition as
written and where it comes from.

Exit status: 0 the document was written; 2 usage errors or a broken rule pack.`,
		Example: `  pathway docs > docs/kent.md
  pathway docs --rules drafts/kent > draft.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			pack, err := loadPack(rules, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return policydoc.Write(cmd.OutOrStdout(), pack)
		},
	}
	rulesFlag(cmd, &rules)
	return cmd
}
