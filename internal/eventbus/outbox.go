// Package eventbus carries events between the replicas of the service through the store's
// outbox: a publisher adds a row (and, on PostgreSQL, NOTIFYs its id in the same transaction);
// every replica reads the rows after the last id it saw, when woken by a notification and once a
// poll period while notifications are silent. Each event is delivered once per replica, in id
// order for events from other replicas: ids are remembered until every smaller id has been seen,
// so an insert that commits after a larger id is still delivered, and never twice.
package eventbus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// Store is what the bus needs of the store.
type Store interface {
	AppendEvent(ctx context.Context, kind string, payload []byte) (int64, error)
	EventsAfter(ctx context.Context, after int64, limit int) ([]store.OutboxEvent, error)
	LastEventID(ctx context.Context) (int64, error)
}

// Config tunes the bus. Zero values take the defaults.
type Config struct {
	// Poll is how often the outbox is read while no notification arrives (default 1 s).
	Poll time.Duration
	// GapWait is how long a missing id below delivered ones is waited for before it is given up
	// as rolled back or pruned (default 10 s).
	GapWait time.Duration
	// Batch is the most rows read at once (default 500).
	Batch int
}

// Outbox is the bus of a replica sharing a PostgreSQL database with others. It implements
// handlers/ws.Bus.
type Outbox struct {
	st     Store
	log    *slog.Logger
	cfg    Config
	origin string
	wake   chan struct{}

	subMu sync.RWMutex
	next  int
	subs  map[int]func(conversation.Event)

	mu sync.Mutex
	// cursor: every id up to it was delivered or given up. seen: delivered ids above cursor.
	cursor   int64
	seen     map[int64]struct{}
	gapID    int64
	gapSince time.Time
}

// New returns a bus that delivers the events added after this moment. Build it before reading
// any state from the store, so that a change made meanwhile is delivered rather than missed.
func New(ctx context.Context, st Store, log *slog.Logger, cfg Config) (*Outbox, error) {
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.GapWait <= 0 {
		cfg.GapWait = 10 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	last, err := st.LastEventID(ctx)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 8)
	_, _ = rand.Read(raw)
	return &Outbox{st: st, log: log, cfg: cfg, origin: hex.EncodeToString(raw), wake: make(chan struct{}, 1),
		subs: map[int]func(conversation.Event){}, cursor: last, seen: map[int64]struct{}{}}, nil
}

// Origin identifies this replica in the events it publishes, so that a subscriber can skip work
// it already did locally.
func (b *Outbox) Origin() string { return b.origin }

// Publish stores ev in the outbox and delivers it to this replica's subscribers at once; other
// replicas read it from the outbox. When the store refuses the row, local subscribers still get
// the event and the error is returned: remote clients then see the change on their next resume.
func (b *Outbox) Publish(ctx context.Context, ev conversation.Event) error {
	ev.Origin = b.origin
	id, err := Append(ctx, b.st, ev)
	if err != nil {
		b.emit(ev)
		return err
	}
	if b.claim(id) {
		b.emit(ev)
	}
	return nil
}

// Append adds ev to the outbox without delivering it here: a command that changes the database
// beside the running replicas (courtdesk import) announces its changes this way.
func Append(ctx context.Context, st interface {
	AppendEvent(ctx context.Context, kind string, payload []byte) (int64, error)
}, ev conversation.Event) (int64, error) {
	payload, err := json.Marshal(ev)
	if err != nil {
		return 0, err
	}
	return st.AppendEvent(ctx, string(ev.Kind), payload)
}

// Subscribe implements ws.Bus. fn must not block: it runs on the publisher's goroutine for local
// events and on the bus's reader for the others.
func (b *Outbox) Subscribe(fn func(conversation.Event)) func() {
	b.subMu.Lock()
	defer b.subMu.Unlock()
	id := b.next
	b.next++
	b.subs[id] = fn
	return func() {
		b.subMu.Lock()
		defer b.subMu.Unlock()
		delete(b.subs, id)
	}
}

func (b *Outbox) emit(ev conversation.Event) {
	b.subMu.RLock()
	defer b.subMu.RUnlock()
	for _, fn := range b.subs {
		fn(ev)
	}
}

// Wake asks the reader to look at the outbox now (a notification arrived). It never blocks.
func (b *Outbox) Wake() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Run reads the outbox until ctx ends: on each wake-up and once a poll period.
func (b *Outbox) Run(ctx context.Context) {
	t := time.NewTicker(b.cfg.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.wake:
		case <-t.C:
		}
		if err := b.CatchUp(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("event bus: reading the outbox", "err", err)
		}
	}
}

// CatchUp delivers every committed event this replica has not delivered yet.
func (b *Outbox) CatchUp(ctx context.Context) error {
	b.mu.Lock()
	after := b.cursor
	b.mu.Unlock()
	for {
		rows, err := b.st.EventsAfter(ctx, after, b.cfg.Batch)
		if err != nil {
			return err
		}
		for _, r := range rows {
			after = r.ID
			if !b.claim(r.ID) {
				continue
			}
			var ev conversation.Event
			if err := json.Unmarshal(r.Payload, &ev); err != nil {
				b.log.Warn("event bus: undecodable event skipped", "id", r.ID, "kind", r.Kind, "err", err)
				continue
			}
			b.emit(ev)
		}
		if len(rows) < b.cfg.Batch {
			break
		}
	}
	b.advance(time.Now())
	return nil
}

// claim records id as delivered and reports whether it was new.
func (b *Outbox) claim(id int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if id <= b.cursor {
		return false
	}
	if _, dup := b.seen[id]; dup {
		return false
	}
	b.seen[id] = struct{}{}
	return true
}

// advance moves the cursor over delivered ids. A missing id below delivered ones is waited for
// (its insert may not have committed yet) until GapWait has passed, then given up.
func (b *Outbox) advance(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for len(b.seen) > 0 {
		next := b.cursor + 1
		if _, ok := b.seen[next]; ok {
			delete(b.seen, next)
			b.cursor = next
			continue
		}
		if b.gapID != next {
			b.gapID, b.gapSince = next, now
			return
		}
		if now.Sub(b.gapSince) < b.cfg.GapWait {
			return
		}
		b.cursor = next // rolled back or pruned: it will not come
	}
}
