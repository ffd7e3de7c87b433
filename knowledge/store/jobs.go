package store

import (
	"context"
	"database/sql"
	"fmt"
)

// JobLocker is implemented by drivers whose engine has cluster-wide try-locks (PostgreSQL
// advisory locks). The statement takes the lock's key and returns whether it was taken; the lock
// lasts as long as the transaction it runs in.
type JobLocker interface {
	TryLockStatement() string
}

// RunOnce runs fn unless another replica is running the job with the same key at this moment, and
// reports whether it ran. Periodic jobs (lapsed claims, outbox pruning) call it on every replica
// each period, so one replica does the work and the others skip it. An engine without try-locks
// serves one replica: fn always runs.
func (s *Store) RunOnce(ctx context.Context, key int64, fn func(context.Context) error) (bool, error) {
	l, ok := s.d.(JobLocker)
	if !ok {
		return true, fn(ctx)
	}
	// The lock lives in a transaction of its own, held open while fn works on other connections.
	t, err := s.w.BeginTx(ctx, &sql.TxOptions{})
	if err != nil {
		return false, s.writeErr(fmt.Errorf("begin: %w", err))
	}
	defer func() { _ = t.Rollback() }()
	var got bool
	if err := t.QueryRowContext(ctx, s.d.Rebind(l.TryLockStatement()), key).Scan(&got); err != nil {
		return false, s.writeErr(err)
	}
	if !got {
		return false, nil
	}
	return true, fn(ctx)
}
