package ws

import (
	"context"
	"log/slog"
	"sync"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// Bus carries events between the replicas of the service. Every replica's hub publishes what its
// clients changed and subscribes to what anyone changed; the hub never assumes it is alone. A
// PostgreSQL LISTEN/NOTIFY bus implements the same interface for several replicas.
type Bus interface {
	// Publish sends ev to every subscriber of every replica, this one included.
	Publish(ctx context.Context, ev conversation.Event) error
	// Subscribe calls fn for every event until cancel is called. fn must not block.
	Subscribe(fn func(conversation.Event)) (cancel func())
}

// LocalBus is the in-process bus of a single replica.
type LocalBus struct {
	mu   sync.RWMutex
	next int
	subs map[int]func(conversation.Event)
}

// NewLocalBus returns an empty bus.
func NewLocalBus() *LocalBus { return &LocalBus{subs: map[int]func(conversation.Event){}} }

// Publish implements Bus.
func (b *LocalBus) Publish(_ context.Context, ev conversation.Event) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, fn := range b.subs {
		fn(ev)
	}
	return nil
}

// Subscribe implements Bus.
func (b *LocalBus) Subscribe(fn func(conversation.Event)) func() {
	b.mu.Lock()
	defer b.mu.Unlock()
	id := b.next
	b.next++
	b.subs[id] = fn
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		delete(b.subs, id)
	}
}

// Publisher is the publish-only side of a bus: the services are given one when they are built,
// before the hub exists, and announce every committed change through it. It implements
// conversation.Notifier.
type Publisher struct {
	bus Bus
	log *slog.Logger
}

// NewPublisher returns the notifier that publishes on bus.
func NewPublisher(bus Bus, log *slog.Logger) Publisher { return Publisher{bus: bus, log: log} }

// Notify implements conversation.Notifier. A bus failure only delays delivery until the client
// resumes, because messages live in the store.
func (p Publisher) Notify(ctx context.Context, ev conversation.Event) {
	if err := p.bus.Publish(ctx, ev); err != nil {
		p.log.Warn("ws: publish event", "kind", ev.Kind, "conversation", ev.ConversationID, "err", err)
	}
}
