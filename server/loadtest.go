package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/internal/loadtest"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge/seed"
)

const loadtestUsage = `usage: courtdesk loadtest [flags]

Drives a running CourtDesk server through its public interfaces, as enterprises would: it opens
--conns chat WebSocket connections (--ramp of them a second), then sends questions at --rate per
second over all connections together for --duration, one question at a time per connection, and
records each round trip from sending "ask" to receiving its "answer". It prints a progress line
every second and a summary table at the end: p50, p90, p99 and max latency, the achieved rate,
errors (by code), reconnects, and the server's RSS and goroutines read from its /metrics.

With --mode http it asks through POST /api/v1/ask instead: --conns keep-alive HTTP connections,
one request at a time each, --rate requests per second over all of them; the round trip is from
sending the request to reading the whole answer.

--rate 0 (chat only) opens the connections and holds them for --duration without asking: read the
server's memory per idle connection from the summary's RSS at the start and at the end.

It connects only to --url (loopback by default) and stops by itself after --duration.

For a load run, start the server with COURTDESK_RATE_LIMIT=0: the per-connection frame budget and
the per-address connection cap would otherwise refuse one client opening many connections, and
the per-client request budget of POST /api/v1/ask would answer most requests with 429. Each
connection is one open file on both sides: raise "ulimit -n" above --conns in the shells of the
tool and of the server (the tool warns when its own limit is too low).

Flags:
`

// cmdLoadtest runs the load generator (internal/loadtest) against a running server.
func cmdLoadtest(ctx context.Context, e *env, args []string) error {
	cfg := loadtest.Config{Progress: e.stdout}
	var questionsFile, jsonFile string
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), loadtestUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:8080", "base URL of the server; the only address the tool connects to")
	fs.StringVar(&cfg.Mode, "mode", loadtest.ModeWS, "ws: chat over WebSocket; http: POST /api/v1/ask over keep-alive connections")
	fs.IntVar(&cfg.Conns, "conns", 50, "chat WebSocket connections, or HTTP connections with --mode http")
	fs.Float64Var(&cfg.Ramp, "ramp", 500, "connections opened per second (0: all at once)")
	fs.Float64Var(&cfg.Rate, "rate", 100, "questions per second, all connections together")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "how long to send questions once every connection is open")
	fs.StringVar(&questionsFile, "questions", "", "JSONL file of questions, one object a line with a \"question\" (or \"q\") field; default: the seed knowledge base's own questions and phrasings")
	fs.StringVar(&jsonFile, "json", "", "also write the summary as JSON to this file")
	fs.StringVar(&cfg.MetricsToken, "metrics-token", e.getenv("COURTDESK_METRICS_TOKEN"), "bearer token for the server's /metrics (COURTDESK_METRICS_TOKEN)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	var err error
	if questionsFile != "" {
		cfg.Questions, err = readQuestions(questionsFile)
	} else {
		cfg.Questions, err = seedQuestions()
	}
	if err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(e.stderr, "loadtest: %v\n", err)
		return errUsage
	}
	if advice := loadtest.FileAdvice(cfg.Conns); advice != "" {
		fmt.Fprintln(e.stderr, "loadtest: warning:", advice)
	}
	fmt.Fprintf(e.stdout, "loadtest: %s, %d connections (%g/s ramp) to %s, %g questions/s for %s, %d distinct questions\n",
		cfg.Mode, cfg.Conns, cfg.Ramp, cfg.URL, cfg.Rate, cfg.Duration, len(cfg.Questions))
	sum, err := loadtest.Run(ctx, cfg)
	fmt.Fprintln(e.stdout)
	sum.Print(e.stdout)
	if jsonFile != "" {
		b, jerr := sum.JSON()
		if jerr == nil {
			jerr = os.WriteFile(jsonFile, append(b, '\n'), 0o644)
		}
		if jerr != nil {
			return fmt.Errorf("--json: %w", jerr)
		}
	}
	return err
}

// readQuestions reads the "question" (or the dev set's "q") field of each JSONL line.
func readQuestions(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var v struct {
			Question string `json:"question"`
			Q        string `json:"q"`
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		q := v.Question
		if q == "" {
			q = v.Q
		}
		if q == "" {
			return nil, fmt.Errorf("%s:%d: no \"question\" field", path, n)
		}
		out = append(out, q)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no questions", path)
	}
	return out, nil
}

// seedQuestions are the embedded seed's questions and phrasings: how people ask for its articles.
func seedQuestions() ([]string, error) {
	articles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		return nil, fmt.Errorf("seed questions: %w", err)
	}
	var out []string
	for _, a := range articles {
		out = append(out, a.Questions...)
		out = append(out, a.Phrasings...)
	}
	return out, nil
}
