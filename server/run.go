package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/internal/logmask"
	"github.com/courtdesk/courtdesk/internal/lograte"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// command is one subcommand.
type command struct {
	name  string
	usage string
	run   func(ctx context.Context, env *env, args []string) error
}

// env is what every subcommand receives.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "serve [flags]: run the service (the default)", cmdServe},
		{"import", "import [flags] FILE|DIR: validate and upsert articles from a JSON array or a folder of Markdown files", cmdImport},
		{"export", "export [flags]: write every article as a JSON array to stdout", cmdExport},
		{"reindex", "reindex [flags]: rebuild the search index from the store", cmdReindex},
		{"user", "user add --role judge|admin --username NAME [flags]: create an account", cmdUser},
		{"purge", "purge [--older-than 180d] [--dry-run] [flags]: delete old conversations, messages and resolved tickets (never open ones); reports keep their figures", cmdPurge},
		{"statutes", "statutes import DIR | statutes check [flags]: import official statute texts; list citations that do not resolve", cmdStatutes},
		{"migrate", "migrate [flags]: apply the pending schema migrations and list them (serve also migrates on start)", cmdMigrate},
		{"loadtest", "loadtest [--mode ws|http] [--url U] [--conns N] [--rate Q] [--duration D] [flags]: drive a running server's chat or HTTP ask and report latency percentiles", cmdLoadtest},
		{"version", "version: print the version", cmdVersion},
	}
}

// errUsage marks a usage error: the command printed its help and exits with 2.
var errUsage = errors.New("usage")

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, &env{stdout: stdout, stderr: stderr, getenv: os.Getenv}, args)
}

func runWith(ctx context.Context, e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		printHelp(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args)
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "courtdesk %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "courtdesk: unknown command %q\n\n", name)
	printHelp(stderr)
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "CourtDesk: 涉企法律服务问答与法官转办\n\nUsage: courtdesk COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %s\n", c.usage)
	}
	fmt.Fprintln(w, "\nRun 'courtdesk COMMAND --help' for the flags of a command.")
}

// loadConfig builds a command's Config: defaults, environment, then its flags.
func loadConfig(e *env, name string, args []string, register func(*Config, *flag.FlagSet)) (*Config, *flag.FlagSet, error) {
	cfg := DefaultConfig()
	if err := cfg.applyEnv(e.getenv); err != nil {
		return nil, nil, err
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg.registerCommon(fs)
	if register != nil {
		register(&cfg, fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, err
		}
		return nil, nil, errUsage
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, fmt.Errorf("configuration: %w", err)
	}
	return &cfg, fs, nil
}

// newLogger is every command's logger. Mobile numbers, ID numbers and credit codes are masked in
// each line (internal/logmask) whatever path a visitor's text takes into a log.
func newLogger(cfg *Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	// Identical warnings and errors are written once a minute with a count: a failing store makes
	// every request fail alike, and one line says as much as thousands.
	return slog.New(lograte.New(logmask.New(h), logFoldInterval, nil))
}

// logFoldInterval is how long identical warnings and errors are folded into one line.
const logFoldInterval = time.Minute

// flushLogCounts writes the counts of folded log records once an interval until ctx ends.
func flushLogCounts(ctx context.Context, log *slog.Logger) {
	h, ok := log.Handler().(*lograte.Handler)
	if !ok {
		return
	}
	t := time.NewTicker(logFoldInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			h.Flush(context.Background())
			return
		case <-t.C:
			h.Flush(ctx)
		}
	}
}

func cmdVersion(_ context.Context, e *env, args []string) error {
	fmt.Fprintln(e.stdout, "courtdesk", version)
	return nil
}
