package conversation

import "context"

// EventKind says what changed.
type EventKind string

// Event kinds.
const (
	// EventMessages: the conversation has stored messages up to Seq. Receivers read what they have
	// not delivered yet from the store, so an event that carries no message body can never lose,
	// reorder or duplicate one.
	EventMessages EventKind = "messages"
	// EventStatus: the conversation's mode, ticket or queue position changed.
	EventStatus EventKind = "status"
	// EventQueue: the judge queue of Court changed, so every waiting position there may have moved.
	EventQueue EventKind = "queue"
)

// Event is a change announcement. It is small and self-contained so that a bus between replicas
// (PostgreSQL LISTEN/NOTIFY, whose payloads are capped at 8,000 bytes) can carry it as JSON.
type Event struct {
	Kind           EventKind `json:"kind"`
	ConversationID string    `json:"conversation_id,omitempty"`
	Seq            int64     `json:"seq,omitempty"`
	Court          string    `json:"court,omitempty"`
}

// Notifier announces events to every replica. It is called after the change is committed; a lost
// announcement delays delivery until the client's next resume but never loses a message, because
// messages are read from the store.
type Notifier interface {
	Notify(ctx context.Context, ev Event)
}

// NopNotifier drops every event (commands and tests that have no live clients).
type NopNotifier struct{}

// Notify implements Notifier.
func (NopNotifier) Notify(context.Context, Event) {}
