package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/handlers"
	"github.com/courtdesk/courtdesk/knowledge/retention"
)

// Config is the whole configuration: defaults in code, then COURTDESK_* environment variables,
// then flags, then Validate.
type Config struct {
	Addr        string   // listen address
	DataDir     string   // SQLite database, index, secret
	DB          string   // sqlite or postgres
	DatabaseURL string   // PostgreSQL DSN when DB is postgres
	PublicURL   string   // how users reach the service; its origin is allowed for WebSockets
	Origins     []string // extra allowed WebSocket origins
	// TrustedProxies are the addresses or networks of reverse proxies whose X-Forwarded-For names the client;
	// without them every client behind a proxy shares the proxy's address and its limits.
	TrustedProxies []string
	AdminPassword  string        // password for the first admin account, else generated
	Secret         string        // HMAC secret for visitor tokens, else kept in DataDir
	RateLimit      float64       // requests per second per client; 0 turns every rate limit off
	RateBurst      int           // token-bucket burst
	MaxBodyBytes   int64         // request body cap
	LogLevel       string        // debug, info, warn, error
	LogFormat      string        // text or json
	ShutdownGrace  time.Duration // time to finish requests on shutdown
	PasswordCost   int           // bcrypt cost of new password hashes
	CourtsFile     string        // JSON list of the intake form's cities and courts, else the Liaoning seed
	WSMaxFrame     int           // largest chat WebSocket frame, bytes
	WSConnsPerIP   int           // chat WebSocket connections per client address; lifted with RateLimit 0
	// MaxImportArticles caps the articles of one import (admin console or CLI).
	MaxImportArticles int
	// EscalationsPerToken and EscalationsPerAddress limit escalations per visitor token
	// (conversation) and per client address within their windows; 0 switches one off. They are
	// not lifted by RateLimit 0: a flood of escalations buries the judges' queue, not the CPU.
	EscalationsPerToken     int
	EscalationTokenWindow   time.Duration
	EscalationsPerAddress   int
	EscalationAddressWindow time.Duration
	// RetentionDays is how long conversations, messages and resolved tickets are kept; 0 keeps
	// them forever. `courtdesk purge` uses it by default, and the daily purge when PurgeDaily is on.
	RetentionDays int
	// PurgeDaily lets serve run the purge once a day (one replica per day). Off by default, so that
	// an upgrade never starts deleting by itself: turn it on once the court has agreed the period.
	PurgeDaily bool
	// Calibrate refits the answer confidence in the background after start and after every
	// change to the articles; off, the calibration fitted on the seed (built in) serves.
	Calibrate bool
	// MetricsToken lets a scraper that presents it as a bearer token read /metrics from anywhere;
	// MetricsAllow lists the addresses and networks that may read it without one (loopback always).
	MetricsToken string
	MetricsAllow []string
	// AnswerCache is how many distinct questions' answers the engine keeps (between half of it and
	// all of it); 0 turns the cache off. An entry is used only while the index is unchanged.
	AnswerCache int
	// PprofAddr is a loopback-only listener for net/http/pprof; empty (the default) serves none.
	PprofAddr string
	// Notices chooses the SMS and e-mail providers of the enterprise notices (server/notices.go).
	Notices NoticeConfig
}

// DefaultConfig is what `go run ./server` uses on a fresh machine.
func DefaultConfig() Config {
	return Config{
		Addr:              "127.0.0.1:8080",
		DataDir:           "data",
		DB:                "sqlite",
		RateLimit:         5,
		RateBurst:         20,
		MaxBodyBytes:      64 << 10,
		LogLevel:          "info",
		LogFormat:         "text",
		ShutdownGrace:     10 * time.Second,
		PasswordCost:      11,
		WSMaxFrame:        16 << 10,
		WSConnsPerIP:      20,
		MaxImportArticles: 2000,
		Calibrate:         true,
		AnswerCache:       10000,

		EscalationsPerToken:     3,
		EscalationTokenWindow:   24 * time.Hour,
		EscalationsPerAddress:   10,
		EscalationAddressWindow: time.Hour,
		RetentionDays:           retention.DefaultDays,
		Notices:                 defaultNoticeConfig(),
	}
}

// envSpec maps one environment variable onto the config.
type envSpec struct {
	name string
	set  func(*Config, string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

var envVars = []envSpec{
	{"COURTDESK_ADDR", str(func(c *Config) *string { return &c.Addr })},
	{"COURTDESK_DATA", str(func(c *Config) *string { return &c.DataDir })},
	{"COURTDESK_DB", str(func(c *Config) *string { return &c.DB })},
	{"COURTDESK_DATABASE_URL", str(func(c *Config) *string { return &c.DatabaseURL })},
	{"COURTDESK_PUBLIC_URL", str(func(c *Config) *string { return &c.PublicURL })},
	{"COURTDESK_ADMIN_PASSWORD", str(func(c *Config) *string { return &c.AdminPassword })},
	{"COURTDESK_SECRET", str(func(c *Config) *string { return &c.Secret })},
	{"COURTDESK_LOG_LEVEL", str(func(c *Config) *string { return &c.LogLevel })},
	{"COURTDESK_LOG_FORMAT", str(func(c *Config) *string { return &c.LogFormat })},
	{"COURTDESK_ORIGINS", func(c *Config, v string) error { c.Origins = splitList(v); return nil }},
	{"COURTDESK_TRUSTED_PROXIES", func(c *Config, v string) error { c.TrustedProxies = splitList(v); return nil }},
	{"COURTDESK_RATE_LIMIT", func(c *Config, v string) (err error) { c.RateLimit, err = strconv.ParseFloat(v, 64); return }},
	{"COURTDESK_RATE_BURST", func(c *Config, v string) (err error) { c.RateBurst, err = strconv.Atoi(v); return }},
	{"COURTDESK_COURTS_FILE", str(func(c *Config) *string { return &c.CourtsFile })},
	{"COURTDESK_WS_MAX_FRAME", func(c *Config, v string) (err error) { c.WSMaxFrame, err = strconv.Atoi(v); return }},
	{"COURTDESK_WS_CONNS_PER_IP", func(c *Config, v string) (err error) { c.WSConnsPerIP, err = strconv.Atoi(v); return }},
	{"COURTDESK_PASSWORD_COST", func(c *Config, v string) (err error) { c.PasswordCost, err = strconv.Atoi(v); return }},
	{"COURTDESK_CALIBRATE", func(c *Config, v string) (err error) { c.Calibrate, err = strconv.ParseBool(v); return }},
	{"COURTDESK_MAX_IMPORT_ARTICLES", func(c *Config, v string) (err error) { c.MaxImportArticles, err = strconv.Atoi(v); return }},
	{"COURTDESK_ESCALATIONS_PER_TOKEN", func(c *Config, v string) (err error) { c.EscalationsPerToken, err = strconv.Atoi(v); return }},
	{"COURTDESK_ESCALATIONS_PER_ADDRESS", func(c *Config, v string) (err error) { c.EscalationsPerAddress, err = strconv.Atoi(v); return }},
	{"COURTDESK_ESCALATION_TOKEN_WINDOW", func(c *Config, v string) (err error) { c.EscalationTokenWindow, err = time.ParseDuration(v); return }},
	{"COURTDESK_ESCALATION_ADDRESS_WINDOW", func(c *Config, v string) (err error) {
		c.EscalationAddressWindow, err = time.ParseDuration(v)
		return
	}},
	{"COURTDESK_RETENTION_DAYS", func(c *Config, v string) (err error) { c.RetentionDays, err = strconv.Atoi(v); return }},
	{"COURTDESK_PURGE_DAILY", func(c *Config, v string) (err error) { c.PurgeDaily, err = strconv.ParseBool(v); return }},
	{"COURTDESK_METRICS_TOKEN", str(func(c *Config) *string { return &c.MetricsToken })},
	{"COURTDESK_METRICS_ALLOW", func(c *Config, v string) error { c.MetricsAllow = splitList(v); return nil }},
	{"COURTDESK_ANSWER_CACHE", func(c *Config, v string) (err error) { c.AnswerCache, err = strconv.Atoi(v); return }},
	{"COURTDESK_PPROF_ADDR", str(func(c *Config) *string { return &c.PprofAddr })},
	{"COURTDESK_MAX_BODY_BYTES", func(c *Config, v string) (err error) { c.MaxBodyBytes, err = strconv.ParseInt(v, 10, 64); return }},
}

// applyEnv overrides defaults from the environment; getenv is os.Getenv outside tests.
func (c *Config) applyEnv(getenv func(string) string) error {
	for _, e := range append(envVars, noticeEnv...) {
		if v := getenv(e.name); v != "" {
			if err := e.set(c, v); err != nil {
				return fmt.Errorf("%s=%q: %w", e.name, v, err)
			}
		}
	}
	return nil
}

// registerCommon adds the flags every subcommand shares.
func (c *Config) registerCommon(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address (COURTDESK_ADDR)")
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory (COURTDESK_DATA)")
	fs.StringVar(&c.DB, "db", c.DB, "store engine: sqlite or postgres (COURTDESK_DB)")
	fs.StringVar(&c.DatabaseURL, "database-url", c.DatabaseURL, "PostgreSQL URL when --db=postgres (COURTDESK_DATABASE_URL)")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (COURTDESK_LOG_LEVEL)")
}

// registerServe adds the flags of the serve command.
func (c *Config) registerServe(fs *flag.FlagSet) {
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "public base URL, e.g. https://courtdesk.example.cn (COURTDESK_PUBLIC_URL)")
	fs.Float64Var(&c.RateLimit, "rate-limit", c.RateLimit, "requests per second per client; 0 turns rate limits off (COURTDESK_RATE_LIMIT)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "text or json (COURTDESK_LOG_FORMAT)")
	fs.IntVar(&c.RetentionDays, "retention-days", c.RetentionDays, "days conversations and resolved tickets are kept; 0 keeps them (COURTDESK_RETENTION_DAYS)")
	fs.BoolVar(&c.PurgeDaily, "purge-daily", c.PurgeDaily, "purge what is older than the retention period once a day (COURTDESK_PURGE_DAILY)")
}

// Validate checks the configuration as a whole.
func (c *Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("addr %q: %w", c.Addr, err))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("data directory must not be empty"))
	}
	switch c.DB {
	case "sqlite":
	case "postgres":
		if c.DatabaseURL == "" {
			errs = append(errs, errors.New("--db=postgres needs --database-url or COURTDESK_DATABASE_URL"))
		}
	default:
		errs = append(errs, fmt.Errorf("db %q: must be sqlite or postgres", c.DB))
	}
	if c.RateLimit < 0 {
		errs = append(errs, errors.New("rate limit must be 0 (off) or positive"))
	}
	if c.AnswerCache < 0 {
		errs = append(errs, errors.New("answer cache must be 0 (off) or positive"))
	}
	if c.RateBurst < 1 {
		errs = append(errs, errors.New("rate burst must be at least 1"))
	}
	if c.MaxBodyBytes < 1024 || c.MaxBodyBytes > 64<<20 {
		errs = append(errs, errors.New("max body bytes must be between 1 KiB and 64 MiB"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log level %q: must be debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: must be text or json", c.LogFormat))
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		errs = append(errs, errors.New("COURTDESK_SECRET must be at least 32 characters"))
	}
	if c.WSMaxFrame < 1024 || c.WSMaxFrame > 1<<20 {
		errs = append(errs, errors.New("WebSocket max frame must be between 1 KiB and 1 MiB"))
	}
	if _, err := handlers.ParseNetworks("COURTDESK_TRUSTED_PROXIES", c.TrustedProxies); err != nil {
		errs = append(errs, err)
	}
	if _, err := handlers.ParseNetworks("COURTDESK_METRICS_ALLOW", c.MetricsAllow); err != nil {
		errs = append(errs, err)
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, errors.New("COURTDESK_METRICS_TOKEN must be at least 16 characters"))
	}
	if err := checkPprofAddr(c.PprofAddr); err != nil {
		errs = append(errs, err)
	}
	if c.WSConnsPerIP < 0 {
		errs = append(errs, errors.New("WebSocket connections per IP must be 0 (no cap) or positive"))
	}
	for _, o := range append([]string{c.PublicURL}, c.Origins...) {
		if o == "" {
			continue
		}
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("origin %q: must look like https://host[:port]", o))
		}
	}
	if c.MaxImportArticles < 1 || c.MaxImportArticles > 100_000 {
		errs = append(errs, errors.New("max import articles must be between 1 and 100000"))
	}
	if c.EscalationsPerToken < 0 || c.EscalationsPerAddress < 0 {
		errs = append(errs, errors.New("escalation limits must be 0 (off) or positive"))
	}
	for _, w := range []time.Duration{c.EscalationTokenWindow, c.EscalationAddressWindow} {
		if w < time.Minute || w > 30*24*time.Hour {
			errs = append(errs, fmt.Errorf("escalation window %s: must be between 1m and 720h", w))
		}
	}
	if c.PasswordCost < 4 || c.PasswordCost > 15 {
		errs = append(errs, errors.New("password cost must be between 4 and 15 (bcrypt)"))
	}
	if c.RetentionDays < 0 || c.RetentionDays > 36500 {
		errs = append(errs, errors.New("retention days must be between 0 (keep forever) and 36500"))
	}
	if c.PurgeDaily && c.RetentionDays == 0 {
		errs = append(errs, errors.New("COURTDESK_PURGE_DAILY needs a retention period: COURTDESK_RETENTION_DAYS is 0 (keep forever)"))
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 10 {
		errs = append(errs, errors.New("COURTDESK_ADMIN_PASSWORD must be at least 10 characters"))
	}
	errs = append(errs, c.Notices.validate()...)
	return errors.Join(errs...)
}

// BaseURL is the URL printed for users.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	host, port, _ := net.SplitHostPort(c.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func (c *Config) dbPath() string { return filepath.Join(c.DataDir, "courtdesk.db") }

func (c *Config) indexDir() string { return filepath.Join(c.DataDir, "index") }

func (c *Config) secretPath() string { return filepath.Join(c.DataDir, "secret") }

// AllowedOrigins are the WebSocket origins besides the service's own host: the public URL's and
// the extra ones configured.
func (c *Config) AllowedOrigins() []string {
	var out []string
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err == nil && u.Host != "" {
			out = append(out, u.Scheme+"://"+u.Host)
		}
	}
	return append(out, c.Origins...)
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func ensureDir(dir string) error { return os.MkdirAll(dir, 0o750) }
