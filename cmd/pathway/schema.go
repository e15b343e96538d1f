package main

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/referral"
)

func init() { commands = append(commands, newSchemaCmd) }

// schemas are the JSON Schemas "pathway schema NAME" prints. Each file that
// defines a format adds its own, in an init function:
//
//	func init() { schemas["rules"] = rules.Schema }
var schemas = map[string]func() ([]byte, error){
	"referral": referral.Schema,
}

func schemaNames() []string { return slices.Sorted(maps.Keys(schemas)) }

func newSchemaCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "schema NAME",
		Short: "Print the JSON Schema of a file format, for partner systems and editors",
		Long: `Schema prints the JSON Schema (draft 2020-12) of one of Pathway's file formats.
Partner systems can validate referrals against it before sending them, and
editors can use it to complete and check files as they are written.

The schema cannot say everything: "pathway validate" checks the rest.`,
		Example: `  pathway schema referral > referral.schema.json
  pathway schema events > event.schema.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("schema needs one name: %s", strings.Join(schemaNames(), ", "))
			}
			return nil
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return schemaNames(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			gen, ok := schemas[args[0]]
			if !ok {
				return usageErr("there is no schema %q: choose %s", args[0], strings.Join(schemaNames(), ", "))
			}
			data, err := gen()
			if err != nil {
				return fmt.Errorf("cannot build the %s schema: %w", args[0], err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s\n", data)
			return err
		},
	}
}
