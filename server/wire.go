package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/auth"
	"github.com/courtdesk/courtdesk/handlers"
	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/account"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/laws"
	"github.com/courtdesk/courtdesk/knowledge/library"
	"github.com/courtdesk/courtdesk/knowledge/report"
	"github.com/courtdesk/courtdesk/knowledge/retention"
	"github.com/courtdesk/courtdesk/knowledge/seed"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/postgres"
	"github.com/courtdesk/courtdesk/knowledge/store/sqlite"
	"github.com/courtdesk/courtdesk/markup"
	"github.com/courtdesk/courtdesk/web"
)

// app is the wired service.
type app struct {
	cfg   *Config
	log   *slog.Logger
	store *store.Store
	index *index.Index
	lib   *library.Library
	chat  *chat
	http  *echo.Echo
	// retention applies the retention period: the daily purge, and the line admins see.
	retention *retention.Service
	// bus carries events between replicas; stop ends its goroutines and the applier's.
	bus  *replicaBus
	stop context.CancelFunc
	// notices: consent, codes and the outbox of the enterprise's SMS and e-mail notices.
	notices *notices
}

// openStore opens the configured engine and applies migrations.
func openStore(ctx context.Context, cfg *Config) (*store.Store, error) {
	if cfg.DB == "postgres" {
		return store.Open(ctx, postgres.Driver{}, cfg.DatabaseURL)
	}
	if err := ensureDir(cfg.DataDir); err != nil {
		return nil, err
	}
	return store.Open(ctx, sqlite.Driver{}, cfg.dbPath())
}

// build wires store → seed → admin → index → engine → HTTP. Every dependency is visible here.
func build(ctx context.Context, cfg *Config, log *slog.Logger, out io.Writer) (*app, error) {
	if err := ensureDir(cfg.DataDir); err != nil {
		return nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return buildOn(ctx, cfg, log, out, st)
}

// buildOn wires the service on an open store, which it owns from here on.
func buildOn(ctx context.Context, cfg *Config, log *slog.Logger, out io.Writer, st *store.Store) (*app, error) {
	start := time.Now()
	a := &app{cfg: cfg, log: log, store: st, lib: library.New(st, nil),
		retention: retention.New(st, cfg.RetentionDays, cfg.PurgeDaily)}
	fail := func(err error) (*app, error) { a.close(); return nil, err }
	bus, err := openBus(ctx, cfg, log, st)
	if err != nil {
		return fail(fmt.Errorf("event bus: %w", err))
	}
	a.bus = bus

	if err := a.seedIfEmpty(ctx); err != nil {
		return fail(err)
	}
	if err := a.ensureAdmin(ctx, out); err != nil {
		return fail(err)
	}
	if err := a.shipStatutes(ctx); err != nil {
		return fail(err)
	}
	if err := a.seedDesk(ctx); err != nil {
		return fail(err)
	}
	published, err := a.lib.Published(ctx)
	if err != nil {
		return fail(err)
	}
	norm, err := index.NewNormalizer()
	if err != nil {
		return fail(err)
	}
	groups, err := loadLexicon(ctx, st)
	if err != nil {
		return fail(err)
	}
	syn := index.NewSynonyms(groups)
	opts := []index.Option{index.WithLogger(log)}
	if !cfg.Calibrate {
		opts = append(opts, index.WithoutCalibration())
	}
	ix, stats, err := index.Open(cfg.indexDir(), norm, syn, published, opts...)
	if err != nil {
		return fail(fmt.Errorf("index: %w", err))
	}
	a.index = ix
	// From here on every article change updates this index and is announced to the other replicas.
	a.lib = library.New(st, announcingIndexer{ix: ix, notify: bus.notify})
	if stats.Rebuilt {
		log.Info("index built", "docs", stats.Docs, "reason", stats.Reason, "took_ms", stats.Took.Milliseconds(),
			"matcher_loaded", stats.MatcherLoaded, "matcher_trained_because", stats.MatcherReason)
	} else {
		log.Info("index opened", "docs", stats.Docs, "took_ms", stats.Took.Milliseconds(),
			"matcher_loaded", stats.MatcherLoaded, "matcher_trained_because", stats.MatcherReason)
	}

	accounts, err := account.New(st, auth.Bcrypt{Cost: cfg.PasswordCost}, account.DefaultPolicy(), nil)
	if err != nil {
		return fail(err)
	}
	engine := answer.New(ix, ix, ix, answer.DefaultConfig()).WithCache(cfg.AnswerCache)
	metrics := handlers.NewMetrics(version, ix.DocCount)
	if a.chat, err = buildChat(cfg, log, st, engine, a.lib, metrics, bus); err != nil {
		return fail(err)
	}
	a.chat.escalations.SetSearcher(ix) // a ticket's category is its question's, found by the search
	metricsAllow, err := handlers.ParseNetworks("COURTDESK_METRICS_ALLOW", cfg.MetricsAllow)
	if err != nil {
		return fail(err)
	}
	proxies, err := handlers.ParseNetworks("COURTDESK_TRUSTED_PROXIES", cfg.TrustedProxies)
	if err != nil {
		return fail(err)
	}
	secret, err := loadSecret(cfg, log)
	if err != nil {
		return fail(err)
	}
	if a.notices, err = buildNotices(cfg, log, st, secret, a.chat.tokens); err != nil {
		return fail(err)
	}
	render, citations := markup.New(), library.NewCitations(st)
	a.http = handlers.New(handlers.Deps{
		Common: handlers.Common{
			Log:           log,
			Metrics:       metrics,
			MetricsAccess: handlers.MetricsAccess{Token: cfg.MetricsToken, Allow: metricsAllow},
			Web:           web.FS(),
			Ready:         map[string]func(context.Context) error{"store": st.Ping, "store_write": st.Writable, "index": ix.Ready},
			Limits: handlers.Limits{MaxBodyBytes: cfg.MaxBodyBytes, RateLimit: cfg.RateLimit, RateBurst: cfg.RateBurst,
				MaxImportArticles: cfg.MaxImportArticles},
			Origins: cfg.AllowedOrigins(),
			// Validate checked every CIDR.
			TrustedProxies: proxies,
			HSTS:           strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https://"),
		},
		Public: handlers.PublicDeps{Engine: engine, Articles: ix, Render: render, AskLog: st, Statutes: citations},
		Chat: handlers.ChatDeps{
			Hub:    a.chat.hub,
			Courts: a.chat.escalations,
			Visits: a.chat.visits,
			// The visit API takes the chat's visitor token, checked by the same signer.
			VisitorTokens: a.chat.tokens,
			Notices:       a.notices.svc,
			NoticeLinks:   a.notices.opener,
		},
		Auth: handlers.AuthDeps{Accounts: accounts, Sessions: a.chat.hub},
		Judge: handlers.JudgeDeps{Queue: a.chat.queue, Desk: st, Hub: a.chat.hub, Directory: st, Articles: a.lib,
			Notices: a.notices.svc, Visits: a.chat.visits},
		Admin: handlers.AdminDeps{
			Library:   a.lib,
			Users:     st,
			Passwords: accounts,
			Synonyms:  synonymSettings{st: st, syn: syn, notify: bus.notify},
			Engine:    engine,
			Articles:  ix,
			Render:    render,
			Sessions:  a.chat.hub,
			Reports:   report.New(st, a.chat.queue.Calendar, escalation.DefaultPolicy().FirstResponse, ix.TopicTerms),
			Sources:   a.chat.queue,
			Review:    st,
			Calendar:  calendarSettings{st: st, queue: a.chat.queue, notify: bus.notify},
			CourtList: courtSettings{st: st, courts: a.chat.courts, notify: bus.notify},
			Statutes:  citations,
			Retention: a.retention,
		},
	})
	runCtx, stop := context.WithCancel(context.Background())
	a.stop = stop
	if bus.outbox != nil {
		ap := &applier{st: st, log: log, origin: bus.origin, ix: ix, syn: syn, chat: a.chat,
			courtsFromFile: cfg.CourtsFile != "", signal: make(chan struct{}, 1)}
		bus.bus.Subscribe(ap.take)
		go ap.run(runCtx)
	}
	bus.start(runCtx, st, log)
	log.Info("ready to serve", "store", st.Driver().Name(), "articles", len(published),
		"took_ms", time.Since(start).Milliseconds())
	return a, nil
}

func (a *app) close() {
	if a.stop != nil {
		a.stop()
	}
	if a.chat != nil {
		a.chat.hub.Close()
	}
	if a.index != nil {
		a.index.Close()
	}
	if a.store != nil {
		a.store.Close()
	}
}

// seedIfEmpty imports the embedded seed knowledge base into an empty store.
func (a *app) seedIfEmpty(ctx context.Context) error {
	slugs, err := a.store.ArticleSlugs(ctx)
	if err != nil {
		return err
	}
	if len(slugs) > 0 {
		return nil
	}
	articles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	res, err := a.lib.Import(ctx, articles, "seed", "初始知识库")
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	a.log.Info("seed knowledge base imported", "articles", len(res))
	return nil
}

// shipStatutes imports the statute texts shipped in the binary (knowledge/laws) whose titles the
// library lacks: all of them on the first start, none once they are there, and never over an
// admin's own import of a document.
func (a *app) shipStatutes(ctx context.Context) error {
	res, err := library.NewCitations(a.store).ImportMissing(ctx, laws.FS(), "seed")
	if errors.Is(err, knowledge.ErrConflict) {
		a.log.Info("statute texts imported by another replica")
		return nil
	}
	if err != nil {
		return fmt.Errorf("shipped statutes: %w", err)
	}
	if len(res) > 0 {
		a.log.Info("shipped statute texts imported", "documents", len(res))
	}
	return nil
}

// ensureAdmin creates the first admin account. Its password comes from COURTDESK_ADMIN_PASSWORD
// or is generated and printed once; it is never stored in clear.
func (a *app) ensureAdmin(ctx context.Context, out io.Writer) error {
	_, err := a.store.GetUserByName(ctx, "admin")
	if err == nil {
		return nil
	}
	if !errors.Is(err, knowledge.ErrNotFound) {
		return err
	}
	pw, generated := a.cfg.AdminPassword, false
	if pw == "" {
		if pw, err = auth.RandomToken(12); err != nil {
			return err
		}
		generated = true
	}
	hash, err := auth.Bcrypt{Cost: a.cfg.PasswordCost}.Hash(pw)
	if err != nil {
		return err
	}
	_, err = a.store.CreateUser(ctx, knowledge.User{Username: "admin", DisplayName: "系统管理员", Role: knowledge.RoleAdmin,
		Active: true, PasswordHash: hash})
	if errors.Is(err, knowledge.ErrConflict) {
		return nil // another replica created it first
	}
	if err != nil {
		return err
	}
	if generated {
		fmt.Fprintf(out, "\n  已创建管理员账号 admin，初始密码（只显示这一次）：%s\n\n", pw)
	} else {
		fmt.Fprintln(out, "  已创建管理员账号 admin（密码取自 COURTDESK_ADMIN_PASSWORD）")
	}
	return nil
}
