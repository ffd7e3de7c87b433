package eventbus_test

import (
	"context"
	"database/sql"
	"github.com/courtdesk/courtdesk/internal/pgtest"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/internal/eventbus"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/store"
	"github.com/courtdesk/courtdesk/knowledge/store/postgres"
)

// recorder collects delivered events and signals each one.
type recorder struct {
	mu  sync.Mutex
	got []conversation.Event
	ch  chan conversation.Event
}

func newRecorder() *recorder { return &recorder{ch: make(chan conversation.Event, 100)} }

func (r *recorder) take(ev conversation.Event) {
	r.mu.Lock()
	r.got = append(r.got, ev)
	r.mu.Unlock()
	r.ch <- ev
}

func (r *recorder) wait(t *testing.T, conv string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for r.count(conv) == 0 {
		select {
		case <-r.ch:
		case <-deadline:
			t.Fatalf("event %s not delivered", conv)
		}
	}
}

func (r *recorder) count(conv string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ev := range r.got {
		if ev.ConversationID == conv {
			n++
		}
	}
	return n
}

func open(t *testing.T) (*store.Store, string) {
	dsn := pgtest.DSN(t)
	st, err := store.Open(context.Background(), postgres.Driver{}, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, dsn
}

// Two buses on one database: each delivers its own events at once and the other's through the
// outbox, woken by NOTIFY; every event arrives once on each.
func TestEventsReachTheOtherReplicaOnce(t *testing.T) {
	st, dsn := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A poll period longer than the test: only notifications can deliver in time.
	cfg := eventbus.Config{Poll: time.Hour}
	var recs []*recorder
	var buses []*eventbus.Outbox
	for range 2 {
		b, err := eventbus.New(ctx, st, log, cfg)
		if err != nil {
			t.Fatal(err)
		}
		r := newRecorder()
		b.Subscribe(r.take)
		ready := make(chan struct{})
		l := postgres.NewListener(dsn, log)
		var once sync.Once
		go l.Run(ctx, func() { once.Do(func() { close(ready) }); b.Wake() })
		go b.Run(ctx)
		<-ready
		recs, buses = append(recs, r), append(buses, b)
	}
	for i, conv := range []string{"c1", "c2", "c3"} {
		if err := buses[i%2].Publish(ctx, conversation.Event{Kind: conversation.EventMessages, ConversationID: conv, Seq: 1}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range recs {
		for _, conv := range []string{"c1", "c2", "c3"} {
			r.wait(t, conv)
		}
	}
	// One more round trip through both buses, then nothing may have arrived twice.
	if err := buses[0].Publish(ctx, conversation.Event{Kind: conversation.EventMessages, ConversationID: "last"}); err != nil {
		t.Fatal(err)
	}
	recs[1].wait(t, "last")
	for i, r := range recs {
		for _, conv := range []string{"c1", "c2", "c3"} {
			if n := r.count(conv); n != 1 {
				t.Fatalf("bus %d delivered %s %d times", i, conv, n)
			}
		}
	}
}

// An event whose insert commits after a later one (ids are taken at insert, rows appear at
// commit) is still delivered, once, by the reader that already passed the later id.
func TestEventCommittedOutOfOrderIsDelivered(t *testing.T) {
	st, dsn := open(t)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := eventbus.New(ctx, st, log, eventbus.Config{GapWait: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	b.Subscribe(r.take)
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	slow, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = slow.Rollback() }()
	if _, err := slow.ExecContext(ctx, `INSERT INTO outbox (kind, payload, created_at) VALUES ('messages', '{"kind":"messages","conversation_id":"slow"}', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := eventbus.Append(ctx, st, conversation.Event{Kind: conversation.EventMessages, ConversationID: "fast"}); err != nil {
		t.Fatal(err)
	}
	if err := b.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if r.count("fast") != 1 || r.count("slow") != 0 {
		t.Fatalf("before the slow commit: %+v", r.got)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := b.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if r.count("slow") != 1 || r.count("fast") != 1 {
		t.Fatalf("after the slow commit: %+v", r.got)
	}
}

// The listener's connection is killed by the server; it reconnects and the bus catches up on what
// was published meanwhile, without waiting for a poll.
func TestListenerReconnectsAndCatchesUp(t *testing.T) {
	st, dsn := open(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := eventbus.New(ctx, st, log, eventbus.Config{Poll: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	r := newRecorder()
	b.Subscribe(r.take)
	app := "cd-listener-" + time.Now().Format("150405.000000")
	l := postgres.NewListener(dsn+"&application_name="+app, log)
	connects := make(chan struct{}, 10)
	go l.Run(ctx, func() { connects <- struct{}{}; b.Wake() })
	go b.Run(ctx)
	waitConnect := func() {
		t.Helper()
		select {
		case <-connects:
		case <-time.After(10 * time.Second):
			t.Fatal("listener did not connect")
		}
	}
	waitConnect()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Another replica publishes while the connection is gone.
	var killed int
	if err := db.QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, app).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminated %d listener connections: %v", killed, err)
	}
	if _, err := eventbus.Append(ctx, st, conversation.Event{Kind: conversation.EventMessages, ConversationID: "while-down"}); err != nil {
		t.Fatal(err)
	}
	r.wait(t, "while-down")
	waitConnect() // it did reconnect
	if n := r.count("while-down"); n != 1 {
		t.Fatalf("delivered %d times", n)
	}
}
