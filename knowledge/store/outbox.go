package store

import (
	"context"
	"strconv"
	"time"
)

// OutboxEvent is one row of the event outbox: a change announced to every replica.
type OutboxEvent struct {
	ID        int64
	Kind      string
	Payload   []byte
	CreatedAt time.Time
}

// EventNotifier is implemented by drivers whose engine can wake other replicas when an event is
// added (PostgreSQL NOTIFY). The statement takes the event id, as text, as its one argument; it
// runs in the transaction that adds the row, so the wake-up is sent only if the row commits.
type EventNotifier interface {
	NotifyEventStatement() string
}

// AppendEvent adds an event to the outbox and returns its id. On an engine with notifications the
// other replicas are woken with the id only; they read the row themselves.
func (s *Store) AppendEvent(ctx context.Context, kind string, payload []byte) (int64, error) {
	var id int64
	err := s.tx(ctx, func(t *Tx) error {
		if err := t.queryRow(ctx, `INSERT INTO outbox (kind, payload, created_at) VALUES (?, ?, ?) RETURNING id`,
			kind, string(payload), s.millis()).Scan(&id); err != nil {
			return err
		}
		if n, ok := s.d.(EventNotifier); ok {
			if _, err := t.exec(ctx, n.NotifyEventStatement(), strconv.FormatInt(id, 10)); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// EventsAfter returns up to limit outbox events with an id above after, in id order.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]OutboxEvent, error) {
	rows, err := s.query(ctx, `SELECT id, kind, payload, created_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var payload string
		var at int64
		if err := rows.Scan(&e.ID, &e.Kind, &payload, &at); err != nil {
			return nil, err
		}
		e.Payload, e.CreatedAt = []byte(payload), fromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastEventID is the highest outbox id, 0 when the outbox is empty: a replica starting up
// listens from there, since its own state was just read from the store.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&id)
	return id, err
}

// PruneEvents deletes outbox events created before cutoff and returns how many it deleted.
func (s *Store) PruneEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM outbox WHERE created_at < ?`, cutoff.UnixMilli())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
