package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/courtdesk/courtdesk/handlers/ws"
	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/internal/eventbus"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/library"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/postgres"
)

// Keys of the cluster-wide jobs (PostgreSQL advisory locks owned by CourtDesk).
const (
	jobSweepClaims int64 = 7012202602
	jobPruneEvents int64 = 7012202603
)

// outboxKeep is how long outbox rows stay: far longer than any replica's restart, so that a
// restarted replica finds every event it missed.
const outboxKeep = 24 * time.Hour

// replicaBus is this process's event bus. On SQLite (one replica) it is the in-process bus; on
// PostgreSQL it is the outbox with LISTEN/NOTIFY, and origin names this replica in its events.
type replicaBus struct {
	bus    ws.Bus
	notify conversation.Notifier
	origin string
	outbox *eventbus.Outbox
	listen *postgres.Listener
}

// openBus builds the bus before anything reads state from the store, so that a change another
// replica makes meanwhile is delivered rather than missed.
func openBus(ctx context.Context, cfg *Config, log *slog.Logger, st *store.Store) (*replicaBus, error) {
	if cfg.DB != "postgres" {
		b := ws.NewLocalBus()
		return &replicaBus{bus: b, notify: ws.NewPublisher(b, log)}, nil
	}
	ob, err := eventbus.New(ctx, st, log, eventbus.Config{})
	if err != nil {
		return nil, err
	}
	return &replicaBus{bus: ob, notify: ws.NewPublisher(ob, log), origin: ob.Origin(), outbox: ob,
		listen: postgres.NewListener(cfg.DatabaseURL, log)}, nil
}

// start runs the listener, the outbox reader and the pruning until ctx ends.
func (b *replicaBus) start(ctx context.Context, st *store.Store, log *slog.Logger) {
	if b.outbox == nil {
		return
	}
	go b.listen.Run(ctx, b.outbox.Wake)
	go b.outbox.Run(ctx)
	go func() {
		t := time.NewTicker(time.Hour)
		defer t.Stop()
		for {
			_, err := st.RunOnce(ctx, jobPruneEvents, func(ctx context.Context) error {
				n, err := st.PruneEvents(ctx, time.Now().Add(-outboxKeep))
				if n > 0 {
					log.Info("outbox pruned", "events", n)
				}
				return err
			})
			if err != nil && ctx.Err() == nil {
				log.Warn("outbox prune", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// announcingIndexer updates this replica's index and announces the article to the others, which
// reread it from the store into their own index.
type announcingIndexer struct {
	ix     library.Indexer
	notify conversation.Notifier
}

func (a announcingIndexer) Upsert(art knowledge.Article) error {
	if a.ix != nil {
		if err := a.ix.Upsert(art); err != nil {
			return err
		}
	}
	a.announce(art.Slug)
	return nil
}

func (a announcingIndexer) Delete(slug string) error {
	if a.ix != nil {
		if err := a.ix.Delete(slug); err != nil {
			return err
		}
	}
	a.announce(slug)
	return nil
}

func (a announcingIndexer) announce(slug string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	a.notify.Notify(ctx, conversation.Event{Kind: conversation.EventArticle, Slug: slug})
}

// outboxNotifier announces a command's changes to the running replicas through the outbox.
type outboxNotifier struct {
	st *store.Store
	e  *env
}

func (n outboxNotifier) Notify(ctx context.Context, ev conversation.Event) {
	if _, err := eventbus.Append(ctx, n.st, ev); err != nil {
		fmt.Fprintf(n.e.stderr, "running replicas not told of %s %s (they index it at their next start): %v\n", ev.Kind, ev.Slug, err)
	}
}

// applier applies, on this replica, the article and setting changes other replicas announce: it
// rereads each from the store. Work runs on its own goroutine, in order; the bus only queues it.
type applier struct {
	st     *store.Store
	log    *slog.Logger
	origin string
	ix     *index.Index
	syn    *index.Synonyms
	chat   *chat
	// courtsFromFile: the court list comes from COURTDESK_COURTS_FILE, not from the store.
	courtsFromFile bool

	mu      sync.Mutex
	pending []conversation.Event
	signal  chan struct{}
}

func (a *applier) take(ev conversation.Event) {
	if ev.Origin == a.origin || (ev.Kind != conversation.EventArticle && ev.Kind != conversation.EventSetting) {
		return
	}
	a.mu.Lock()
	a.pending = append(a.pending, ev)
	a.mu.Unlock()
	select {
	case a.signal <- struct{}{}:
	default:
	}
}

func (a *applier) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.signal:
		}
		a.mu.Lock()
		batch := a.pending
		a.pending = nil
		a.mu.Unlock()
		for _, ev := range batch {
			if err := a.apply(ctx, ev); err != nil && ctx.Err() == nil {
				a.log.Error("apply event from another replica", "kind", ev.Kind, "slug", ev.Slug, "setting", ev.Setting, "err", err)
			}
		}
	}
}

func (a *applier) apply(ctx context.Context, ev conversation.Event) error {
	switch {
	case ev.Kind == conversation.EventArticle:
		art, err := a.st.GetArticle(ctx, ev.Slug)
		if errors.Is(err, knowledge.ErrNotFound) {
			return a.ix.Delete(ev.Slug)
		}
		if err != nil {
			return err
		}
		return a.ix.Upsert(art)
	case ev.Setting == conversation.SettingLexicon:
		groups, err := loadLexicon(ctx, a.st)
		if err != nil {
			return err
		}
		a.syn.Set(groups)
	case ev.Setting == conversation.SettingCalendar:
		cal, err := loadCalendar(ctx, a.st)
		if err != nil {
			return err
		}
		a.chat.queue.SetCalendar(cal)
	case ev.Setting == conversation.SettingCourts && !a.courtsFromFile:
		list, err := storedCourts(ctx, a.st)
		if err != nil || list == nil {
			return err
		}
		return a.chat.courts.Replace(list)
	}
	return nil
}
