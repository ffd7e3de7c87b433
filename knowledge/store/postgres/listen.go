package postgres

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listener holds one dedicated connection that LISTENs on EventChannel and wakes the replica's
// event bus on every notification. It reconnects with backoff; after each (re)connect it wakes the
// bus once, which then catches up from the last event id it saw, so notifications sent while the
// connection was down are not needed.
type Listener struct {
	dsn string
	log *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between connection attempts.
	MinBackoff, MaxBackoff time.Duration
}

// NewListener returns a listener for the database at dsn. The DSN is never logged: it may hold a
// password.
func NewListener(dsn string, log *slog.Logger) *Listener {
	return &Listener{dsn: dsn, log: log, MinBackoff: 100 * time.Millisecond, MaxBackoff: 5 * time.Second}
}

// Run listens until ctx ends, calling wake for each notification and after each connect. wake
// must not block.
func (l *Listener) Run(ctx context.Context, wake func()) {
	backoff := l.MinBackoff
	for ctx.Err() == nil {
		err := l.listen(ctx, wake, func() { backoff = l.MinBackoff })
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("event listener: connection lost, reconnecting", "err", redact(err), "in_ms", backoff.Milliseconds())
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, l.MaxBackoff)
	}
}

func (l *Listener) listen(ctx context.Context, wake, connected func()) error {
	conn, err := pgx.Connect(ctx, l.dsn)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+EventChannel); err != nil {
		return err
	}
	connected()
	wake() // catch up on whatever was announced while this connection was not listening
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}

// redact keeps a connection error's cause without the connection string pgx may quote in it.
func redact(err error) string {
	var ce interface{ Unwrap() error }
	if errors.As(err, &ce) && ce.Unwrap() != nil {
		err = ce.Unwrap()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
