package conversation

import "context"

// EventKind says what changed.
type EventKind string

// Event kinds.
const (
	// EventMessages: the conversation has stored messages up to Seq. Receivers read what they have
	// not delivered yet from the store, so an event that carries no message body can never lose,
	// reorder or duplicate one. On the publishing replica the event also carries the messages
	// (Messages), which spares that read when they follow what a receiver has delivered.
	EventMessages EventKind = "messages"
	// EventStatus: the conversation's mode, ticket or queue position changed.
	EventStatus EventKind = "status"
	// EventQueue: the judge queue of Court changed, so every waiting position there may have moved.
	EventQueue EventKind = "queue"
	// EventSessionEnded: a judge's or admin's session ended (logout, deactivation, password reset);
	// the live sockets it opened are closed on every replica.
	EventSessionEnded EventKind = "session_ended"
	// EventArticle: an article changed in the store (saved, published, archived, rolled back).
	EventArticle EventKind = "article"
	// EventSetting: an admin setting changed in the store.
	EventSetting EventKind = "setting"
)

// Event is a change announcement. It is small and self-contained so that a bus between replicas
// (PostgreSQL LISTEN/NOTIFY, whose payloads are capped at 8,000 bytes) can carry it as JSON.
type Event struct {
	Kind           EventKind `json:"kind"`
	ConversationID string    `json:"conversation_id,omitempty"`
	Seq            int64     `json:"seq,omitempty"`
	// Court and Owner are the court code and judge of the conversation's open ticket, when it has
	// one: a judge's console is told only of tickets that judge may see. An event without a court
	// (a bot-only conversation) reaches no judge.
	Court string `json:"court,omitempty"`
	Owner int64  `json:"owner,omitempty"`
	// Session, with Kind EventSessionEnded, is the ended session's id; empty ends every session of
	// the account Owner.
	Session string `json:"session,omitempty"`
	// Slug, with Kind EventArticle, is the article that was saved, published, archived or rolled
	// back; each replica rereads it from the store into its own index.
	Slug string `json:"slug,omitempty"`
	// Setting, with Kind EventSetting, names the setting that changed (SettingLexicon …); each
	// replica rereads it from the store.
	Setting string `json:"setting,omitempty"`
	// Origin is the replica that published the event, set by a bus between replicas, so that the
	// publisher can skip work it has already done.
	Origin string `json:"origin,omitempty"`
	// Messages, with Kind EventMessages, are the stored messages the event announces, in seq
	// order, as the publisher stored them. They never leave the process (a bus between replicas
	// carries the rest of the event), so a receiver must be able to do without them: it reads the
	// store when they are absent or do not follow what it has delivered.
	Messages []Message `json:"-"`
}

// Settings named by EventSetting.
const (
	SettingLexicon  = "lexicon"
	SettingCalendar = "calendar"
	SettingCourts   = "courts"
)

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
