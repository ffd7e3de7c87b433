package store

import (
	"context"
	"database/sql"
	"sync"
)

// Preparer is implemented by a driver whose engine gains from statements prepared once and
// reused. SQLite compiles the SQL text on every unprepared call, which was a fifth of the CPU of
// a chat answer; pgx keeps its own per-connection cache, so PostgreSQL does not ask for this one.
type Preparer interface {
	PrepareOnce() bool
}

// maxCachedStatements bounds the cache: the store's statements are a fixed set, but a query built
// with a variable number of placeholders must not grow it without end. Past the bound a statement
// runs unprepared, as before.
const maxCachedStatements = 512

// stmtCache keeps one prepared statement per SQL text for one *sql.DB. database/sql prepares it
// again on each pooled connection the first time it runs there, and reuses it after that.
type stmtCache struct {
	db      *sql.DB
	mu      sync.RWMutex
	m       map[string]*sql.Stmt
	pending map[string]bool // met inside a transaction, to prepare once it is over
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// lookup returns the prepared statement for q without preparing it. A transaction uses it:
// preparing needs a connection of the pool, and the SQLite writer has one, which the transaction
// holds. A miss is remembered and prepared after the transaction (prepareLater).
func (c *stmtCache) lookup(q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st := c.m[q]
	miss := st == nil && !c.pending[q]
	c.mu.RUnlock()
	if miss {
		c.mu.Lock()
		if len(c.m)+len(c.pending) < maxCachedStatements {
			c.pending[q] = true
		}
		c.mu.Unlock()
	}
	return st
}

// prepareLater prepares the statements transactions asked for, once no transaction holds the
// connection.
func (c *stmtCache) prepareLater(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.RLock()
	n := len(c.pending)
	c.mu.RUnlock()
	if n == 0 {
		return
	}
	c.mu.Lock()
	qs := make([]string, 0, len(c.pending))
	for q := range c.pending {
		qs = append(qs, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range qs {
		c.get(ctx, q)
	}
}

// get returns the prepared statement for q, or nil when the cache is off or full (the caller runs
// q unprepared). A statement that fails to prepare is not cached: its error comes back from the
// unprepared call.
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st, full := c.m[q], len(c.m) >= maxCachedStatements
	c.mu.RUnlock()
	if st != nil || full {
		return st
	}
	// Prepared without the lock held: preparing waits for a connection, and a transaction that
	// holds the writer's only one looks statements up under the lock.
	st, err := c.db.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if had := c.m[q]; had != nil {
		_ = st.Close() // another caller prepared it meanwhile
		return had
	}
	c.m[q] = st
	return st
}

// close releases the statements; the store calls it before closing its connections.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for q, st := range c.m {
		_ = st.Close()
		delete(c.m, q)
	}
}
