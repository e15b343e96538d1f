package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway/studio"
)

func init() { commands = append(commands, newStudioCmd) }

type studioOptions struct {
	addr, scenarios, corpus string
}

func newStudioCmd() *cobra.Command {
	var o studioOptions
	cmd := &cobra.Command{
		Use:   "studio [--addr 127.0.0.1:PORT] [--scenarios DIR] [--corpus FILE|DIR] DIR",
		Short: "Edit a rule pack in the browser, checked as you type",
		Long: `Studio opens the rule pack in DIR (a folder of version folders, or one version
folder) in a page in your browser. Each rule file is shown in an editor; as you
type, every problem is marked at its line with what to do, the scenarios are
run against your changes, the referrals of the corpus are assessed under the
rules as they were opened and under your changes (which would move, and which
rule moved each), and the policy document is written as it will read. Save
writes the files into DIR, each at once or not at all.

The studio prints the address to open, with a token that every request must
carry, and listens on this computer only (127.0.0.1, localhost or ::1). Stop
it with Ctrl+C.

--scenarios is a scenario file or folder inside the current folder (default
scenarios/<pack name>, when it exists); --corpus is a JSON Lines file of
referrals or a folder of referral files (default examples/referrals, when it
exists). Only referral ids are ever shown.

Exit status: 0 stopped; 2 usage errors, an address that is not this
computer's, or a folder that is not a rule pack.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runStudio(cmd, o, args[0]) },
	}
	cmd.Flags().StringVar(&o.addr, "addr", "127.0.0.1:0", "address to listen on: a loopback address and a port (0: any free port)")
	cmd.Flags().StringVar(&o.scenarios, "scenarios", "", "scenario file or folder (default: scenarios/<pack name>, when it exists)")
	cmd.Flags().StringVar(&o.corpus, "corpus", "", "referrals to compare over: a JSON Lines file or a folder (default: examples/referrals, when it exists)")
	_ = cmd.MarkFlagDirname("scenarios")
	return cmd
}

func runStudio(cmd *cobra.Command, o studioOptions, dir string) error {
	if err := studio.CheckAddr(o.addr); err != nil {
		return usageErr("--addr: %v", err)
	}
	stderr := cmd.ErrOrStderr()
	corpus := o.corpus
	if corpus == "" && isDir("examples/referrals") {
		corpus = filepath.Join("examples", "referrals")
	}
	cfg := studio.Config{Dir: dir, Corpus: corpus, Scenarios: o.scenarios,
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	if cfg.Scenarios == "" {
		// The default needs the pack's name: open the pack first.
		probe, err := studio.New(studio.Config{Dir: dir})
		if err != nil {
			return usageErr("%v", err)
		}
		name := probe.PackName()
		_ = probe.Close()
		if def := filepath.Join("scenarios", name); isDir(def) {
			cfg.Scenarios = def
		}
	}
	s, err := studio.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	defer s.Close()
	if n := len(s.Problems()); n > 0 {
		fmt.Fprintf(stderr, "The rule pack in %s has %d problem(s); the studio shows them.\n", dir, n)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usageErr("cannot listen on %s: %v", o.addr, err)
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(cmd.OutOrStdout(), s.URL(ln))
	fmt.Fprintf(stderr, "Open the address above in your browser to edit the rules in %s. Press Ctrl+C to stop.\n", dir)
	if err := s.Serve(ctx, ln); err != nil {
		return usageErr("%v", err)
	}
	return nil
}

func isDir(name string) bool {
	info, err := os.Stat(name)
	return err == nil && info.IsDir()
}
