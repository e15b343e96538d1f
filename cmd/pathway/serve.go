package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/saferpath/pathway"
	"github.com/saferpath/pathway/diag"
	"github.com/saferpath/pathway/server"
)

func init() {
	commands = append(commands, newServeCmd)
	// The service answers assessments; "pathway check --format json" prints them.
	schemas["assessment"] = pathway.AssessmentSchema
}

type serveOptions struct {
	rules, addr, tokens, decisionLog, logLevel string
	insecureLocal, watch                       bool
	watchInterval, drainTimeout                time.Duration
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--rules DIR] [--addr HOST:PORT] --tokens FILE [--decision-log FILE]",
		Short: "Run the HTTP decision service for agency systems",
		Long: `Serve runs the decision service: agency systems in any language assess,
validate and redact referrals over HTTP, with the same documents as this
command prints. GET /openapi.json describes every endpoint; docs/service.md
in the source explains the service.

Every /v1 request needs a bearer token. --tokens names a YAML file of token
hashes, each with a name and a sharing role:

  tokens:
    - name: kent-police-case-system
      role: police-coordinator
      sha256: <hex SHA-256 of the token>

Without --tokens the service refuses to start, unless --addr is a loopback
address and --insecure-local is given: then every caller is the referrer
(for trying the service out).

--decision-log appends one JSON line per assessment (its decision id, also
the X-Decision-Id header, the caller, the pack, the decision, and rule and
action ids), never a personal value.

SIGHUP reloads the rule pack from --rules, and reopens the decision log
(for log rotation); --watch reloads it when its files change. A pack that
does not load is refused, its problems logged, and the last good pack keeps
serving. SIGTERM (or Ctrl-C) stops taking connections and answers the
requests in flight before exiting.

Exit status: 0 after a clean shutdown; 2 usage errors, an unreadable tokens
file, a broken rule pack, an address that cannot be listened on, or
requests cut off at shutdown.`,
		Example: `  pathway serve --tokens tokens.yaml --decision-log decisions.jsonl
  pathway serve --rules rules/kent --watch --addr 10.0.0.5:8080 --tokens tokens.yaml
  pathway serve --insecure-local   # on 127.0.0.1:8080, every caller the referrer`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd, o) },
	}
	rulesFlag(cmd, &o.rules)
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT (port 0 picks a free one)")
	f.StringVar(&o.tokens, "tokens", "", "YAML file of token hashes, names and roles")
	f.StringVar(&o.decisionLog, "decision-log", "", "file to append one JSON line per decision to")
	f.BoolVar(&o.insecureLocal, "insecure-local", false, "without --tokens, on a loopback address: treat every caller as the referrer")
	f.BoolVar(&o.watch, "watch", false, "reload the rule pack when the files in --rules change")
	f.DurationVar(&o.watchInterval, "watch-interval", 2*time.Second, "how often --watch looks at the files")
	f.DurationVar(&o.drainTimeout, "drain-timeout", server.DefaultDrainTimeout, "how long shutdown waits for requests in flight")
	f.StringVar(&o.logLevel, "log-level", "info", "the service's own log: debug (one line per request), info, warn or error")
	_ = cmd.MarkFlagFilename("tokens", "yaml", "yml")
	return cmd
}

func runServe(cmd *cobra.Command, o serveOptions) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return usageErr("--log-level must be debug, info, warn or error")
	}
	switch {
	case o.tokens == "" && !o.insecureLocal:
		return usageErr("--tokens is needed: the service answers only callers with a token (to try it out on this machine, use --insecure-local with a loopback --addr)")
	case o.tokens != "" && o.insecureLocal:
		return usageErr("--insecure-local is for running without tokens: leave it out when giving --tokens")
	case o.insecureLocal && !server.IsLoopback(o.addr):
		return usageErr("--insecure-local needs a loopback --addr, such as 127.0.0.1:8080: without tokens, the service must not be reachable from other machines")
	case o.watch && o.rules == "":
		return usageErr("--watch needs --rules: the embedded pack does not change")
	case o.watchInterval < 100*time.Millisecond:
		return usageErr("--watch-interval must be at least 100ms")
	case o.drainTimeout <= 0:
		return usageErr("--drain-timeout must be more than 0")
	}
	stderr := cmd.ErrOrStderr()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	pack, err := loadPack(o.rules, stderr)
	if err != nil {
		return err
	}
	cfg := server.Config{Pack: pack, InsecureLocal: o.insecureLocal, Logger: logger, DrainTimeout: o.drainTimeout}
	if o.rules != "" {
		dir := o.rules
		cfg.Load = func() (*pathway.Pack, error) { return loadRules(dir) }
	}
	if o.tokens != "" {
		tokens, err := server.ReadTokens(o.tokens)
		if err != nil {
			fmt.Fprintf(stderr, "pathway: the tokens file %s cannot be used:\n\n", o.tokens)
			_ = diag.From(err).Text(stderr)
			return exitCode(2)
		}
		cfg.Tokens = tokens
	}
	if o.decisionLog != "" {
		dl, err := server.OpenDecisionLog(o.decisionLog)
		if err != nil {
			return usageErr("%v", err)
		}
		defer func() {
			if err := dl.Close(); err != nil {
				logger.Error("cannot close the decision log", "error", err.Error())
			}
		}()
		cfg.DecisionLog = dl
	}
	srv, err := server.New(cfg)
	if err != nil {
		var l diag.List
		if errors.As(err, &l) {
			fmt.Fprintf(stderr, "pathway: the tokens and the rule pack do not agree:\n\n")
			_ = l.Text(stderr)
			return exitCode(2)
		}
		return usageErr("%v", err)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return usageErr("cannot listen on %s: %v", o.addr, err)
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				logger.Info("SIGHUP: reloading the rule pack and reopening the decision log")
				if cfg.Load != nil {
					_ = srv.Reload() // a refused pack is logged; the last good one keeps serving
				} else {
					logger.Warn("the embedded rule pack cannot be reloaded; start the service with --rules to reload")
				}
				if cfg.DecisionLog != nil {
					if err := cfg.DecisionLog.Reopen(); err != nil {
						logger.Error("cannot reopen the decision log: decisions are not answered until it can be written", "error", err.Error())
					}
				}
			}
		}
	}()
	if o.watch {
		go watch(ctx, o.rules, o.watchInterval, logger, func() { _ = srv.Reload() })
	}
	if err := srv.Serve(ctx, ln); err != nil {
		fmt.Fprintln(stderr, "pathway:", err)
		return exitCode(2)
	}
	return nil
}

// loadRules loads the pack in dir for a reload, refusing any file that
// lies outside dir (through a link).
func loadRules(dir string) (*pathway.Pack, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the rule pack folder %s: %w", dir, err)
	}
	defer root.Close()
	return pathway.Load(root.FS(), pathway.NamedAs(dir))
}

// describePack lists a pack's versions with their dates and digests.
func describePack(p *pathway.Pack) string {
	var b strings.Builder
	for _, v := range p.Versions() {
		fmt.Fprintf(&b, "  %s  %s to %s  %s\n", v.Version, v.Effective.From, v.Effective.To, v.Digest)
	}
	return b.String()
}
