package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
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
	rules, addr, tokens, decisionLog, logLevel, outbox string
	insecureLocal, watch, publicForm                   bool
	watchInterval, drainTimeout                        time.Duration
	outboxMax                                          int
	trustedProxies                                     []string
}

func newServeCmd() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--rules DIR] [--addr HOST:PORT] --tokens FILE [--decision-log FILE] [--outbox DIR] [--public-form]",
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

GET /refer is the referral form for referrers. It asks for the referrer's
token and checks the answers with /v1/validate and /v1/assess as they are
typed. With --outbox DIR a checked referral can be sent: it is written to
DIR (a private folder, chmod 700) as one JSON file named after its decision
id, for the police co-ordinator's side to collect; the service refuses
more (503) while DIR holds --outbox-max files. With --public-form the form
needs no token: its own endpoints, /refer/api/validate, assess and send,
answer anyone as the referrer, limited per client address; /v1 still needs
a token. Behind a reverse proxy, name it with --trusted-proxy, so that the
limits count each client by the address the proxy had the request from.

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
  pathway serve --insecure-local   # on 127.0.0.1:8080, every caller the referrer
  pathway serve --tokens tokens.yaml --outbox /srv/referrals --public-form`,
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
	f.StringVar(&o.outbox, "outbox", "", "folder the referral form sends checked referrals to, one JSON file each")
	f.IntVar(&o.outboxMax, "outbox-max", server.DefaultOutboxMax, "with --outbox: refuse to send while the folder holds this many files")
	f.BoolVar(&o.publicForm, "public-form", false, "let anyone use the referral form without a token, limited per client address")
	f.StringSliceVar(&o.trustedProxies, "trusted-proxy", nil, "with --public-form: the address (or CIDR range) of a reverse proxy whose X-Forwarded-For names the client; repeatable")
	_ = cmd.MarkFlagFilename("tokens", "yaml", "yml")
	_ = cmd.MarkFlagDirname("outbox")
	noCompletion(cmd, "outbox-max")
	noCompletion(cmd, "trusted-proxy")
	completeFlag(cmd, "log-level", "debug\tone line per request", "info", "warn", "error")
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
	case o.outboxMax < 1:
		return usageErr("--outbox-max must be at least 1")
	case cmd.Flags().Changed("outbox-max") && o.outbox == "":
		return usageErr("--outbox-max needs --outbox: it bounds the outbox folder")
	case len(o.trustedProxies) > 0 && !o.publicForm:
		return usageErr("--trusted-proxy needs --public-form: it tells the public form's limits who the client is")
	}
	proxies, err := parseProxies(o.trustedProxies)
	if err != nil {
		return err
	}
	stderr := cmd.ErrOrStderr()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	pack, err := loadPack(o.rules, stderr)
	if err != nil {
		return err
	}
	cfg := server.Config{Pack: pack, InsecureLocal: o.insecureLocal, Logger: logger, DrainTimeout: o.drainTimeout,
		PublicForm: o.publicForm, TrustedProxies: proxies}
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
	if o.outbox != "" {
		outbox, err := server.OpenOutbox(o.outbox, o.outboxMax)
		if err != nil {
			return usageErr("%v", err)
		}
		defer outbox.Close()
		cfg.Outbox = outbox
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

// parseProxies reads --trusted-proxy values: addresses or CIDR ranges.
func parseProxies(values []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, v := range values {
		if p, err := netip.ParsePrefix(v); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return nil, usageErr("--trusted-proxy takes an IP address or a CIDR range, such as 10.0.0.5 or 10.0.0.0/24")
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
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
