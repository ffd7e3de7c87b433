package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/courtdesk/courtdesk/handlers"
	"github.com/courtdesk/courtdesk/handlers/ws"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// chat is the wired enterprise chat: conversations, escalation and the WebSocket hub.
type chat struct {
	conversations *conversation.Service
	escalations   *escalation.Service
	queue         *escalation.Queue
	courts        *escalation.Courts
	visits        *visit.Service
	tokens        *conversation.Tokens
	hub           *ws.Hub
}

// buildChat wires the chat. The services publish on the bus through its publish-only notifier;
// the hub subscribes to the bus and delivers to this replica's sockets.
func buildChat(cfg *Config, log *slog.Logger, st *store.Store, engine conversation.Asker, learn conversation.Learner, m *handlers.Metrics,
	bus *replicaBus) (*chat, error) {
	secret, err := loadSecret(cfg, log)
	if err != nil {
		return nil, err
	}
	tokens, err := conversation.NewTokens(secret, conversation.TokenTTL, nil)
	if err != nil {
		return nil, err
	}
	courts, err := loadCourts(cfg, st)
	if err != nil {
		return nil, err
	}
	convs := conversation.New(m.TimeMessageWrites(st), engine, bus.notify, tokens, learn)
	escs := escalation.New(st, courts, bus.notify, nil)
	escs.SetLimits(escalation.Limits{PerToken: cfg.EscalationsPerToken, TokenWindow: cfg.EscalationTokenWindow,
		PerAddress: cfg.EscalationsPerAddress, AddressWindow: cfg.EscalationAddressWindow}, secret)
	wcfg := ws.DefaultConfig()
	wcfg.Origins = cfg.AllowedOrigins()
	wcfg.MaxFrameBytes = cfg.WSMaxFrame
	wcfg.Rate, wcfg.Burst = cfg.RateLimit, cfg.RateBurst
	wcfg.MaxConnsPerIP = cfg.WSConnsPerIP
	if cfg.RateLimit == 0 {
		// Load runs open many connections from one address: every rate limit goes, the cap too.
		wcfg.MaxConnsPerIP = 0
	}
	cal, err := loadCalendar(context.Background(), st)
	if err != nil {
		return nil, fmt.Errorf("working-hours calendar: %w", err)
	}
	queue := escalation.NewQueue(st, courts, cal, escalation.DefaultPolicy(), bus.notify, learn, nil)
	hub := ws.New(wcfg, log, convs, escs, bus.bus, m.Registry())
	hub.SetAnswerObserver(m.ObserveWSAnswer)
	// Visit notices go through the conversation service, so they are stored, numbered and pushed
	// like any message of the conversation.
	visits := visit.New(st, courts, convs, nil)
	return &chat{conversations: convs, escalations: escs, queue: queue, courts: courts, visits: visits, tokens: tokens,
		hub: hub}, nil
}

// loadSecret returns COURTDESK_SECRET, or the secret kept in the data directory, created on the
// first start with mode 0600. Replicas sharing PostgreSQL need one secret: set COURTDESK_SECRET.
func loadSecret(cfg *Config, log *slog.Logger) ([]byte, error) {
	if cfg.Secret != "" {
		return []byte(cfg.Secret), nil
	}
	if cfg.DB == "postgres" {
		log.Warn("visitor tokens are signed with a secret kept in this replica's data directory; " +
			"set COURTDESK_SECRET so that every replica accepts them")
	}
	path := cfg.secretPath()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return nil, err
		}
		secret := []byte(hex.EncodeToString(raw))
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return loadSecret(cfg, log) // another process created it first
		}
		if err != nil {
			return nil, fmt.Errorf("secret: %w", err)
		}
		_, werr := f.Write(append(secret, '\n'))
		if err := errors.Join(werr, f.Sync(), f.Close()); err != nil {
			return nil, fmt.Errorf("secret: %w", err)
		}
		log.Info("visitor token secret created", "path", path)
		return secret, nil
	}
	if err != nil {
		return nil, fmt.Errorf("secret: %w", err)
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
		log.Warn("secret file is readable by others; chmod 600 it", "path", path, "mode", st.Mode().Perm().String())
	}
	secret := bytes.TrimSpace(b)
	if len(secret) < conversation.MinSecretLen {
		return nil, fmt.Errorf("secret in %s: shorter than %d bytes", path, conversation.MinSecretLen)
	}
	return secret, nil
}

// loadCourts reads COURTDESK_COURTS_FILE, else the list admins maintain in the store, else the
// Liaoning seed list.
func loadCourts(cfg *Config, st *store.Store) (*escalation.Courts, error) {
	if cfg.CourtsFile == "" {
		list, err := storedCourts(context.Background(), st)
		if err != nil {
			return nil, fmt.Errorf("courts: %w", err)
		}
		if list == nil {
			list = escalation.DefaultCourts()
		}
		return escalation.NewCourts(list)
	}
	b, err := os.ReadFile(cfg.CourtsFile)
	if err != nil {
		return nil, fmt.Errorf("courts file: %w", err)
	}
	c, err := escalation.ParseCourts(b)
	if err != nil {
		return nil, fmt.Errorf("courts file %s: %w", cfg.CourtsFile, err)
	}
	return c, nil
}
