package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// exchangeGroup lets concurrent AppendExchange calls share one transaction when the writer is a
// single connection (SQLite). They would queue for that connection anyway, one commit each; in a
// group, the first caller to find the writer free stores everything queued meanwhile, each
// exchange under a savepoint of its own so that one failing leaves the others, and commits once.
// Nobody waits for a group to fill: a call on an idle store is a group of one, stored at once.
type exchangeGroup struct {
	mu      sync.Mutex
	queue   []*exchangeJob
	running bool
}

type exchangeJob struct {
	ctx  context.Context
	q, a conversation.Message
	out  conversation.Exchange
	err  error
	// wake says true when the job is stored (or failed), false when its caller is to store the
	// next group.
	wake chan bool
}

// exchangeGroupMax bounds one group, so that one transaction stays short.
const exchangeGroupMax = 64

// appendExchangeGrouped queues the exchange and returns once a group holding it is committed.
func (s *Store) appendExchangeGrouped(ctx context.Context, q, a conversation.Message) (conversation.Exchange, error) {
	g := &s.exchanges
	j := &exchangeJob{ctx: ctx, q: q, a: a, wake: make(chan bool, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, j)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if !lead {
		if done := <-j.wake; done {
			return j.out, j.err
		}
	}
	g.mu.Lock()
	n := min(len(g.queue), exchangeGroupMax)
	group := g.queue[:n:n]
	g.queue = g.queue[n:]
	g.mu.Unlock()
	s.storeExchanges(group)
	for _, o := range group {
		if o != j {
			o.wake <- true
		}
	}
	// Hand the writer to the next caller in line, or leave it free.
	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].wake <- false
	} else {
		g.running = false
	}
	g.mu.Unlock()
	return j.out, j.err
}

// storeExchanges stores a group in one transaction and sets each job's outcome.
func (s *Store) storeExchanges(group []*exchangeJob) {
	live := group[:0:0]
	for _, j := range group {
		if j.err = j.ctx.Err(); j.err == nil {
			live = append(live, j)
		}
	}
	if len(live) == 0 {
		return
	}
	// The group outlives any one caller's context: a caller giving up must not fail the others.
	ctx := context.WithoutCancel(live[0].ctx)
	one := len(live) == 1
	err := s.tx(ctx, func(t *Tx) error {
		for _, j := range live {
			if one {
				j.out, j.err = s.exchangeIn(ctx, t, j.q, j.a)
				return j.err
			}
			if _, err := t.exec(ctx, `SAVEPOINT exchange`); err != nil {
				return err
			}
			j.out, j.err = s.exchangeIn(ctx, t, j.q, j.a)
			if j.err != nil {
				if _, err := t.exec(ctx, `ROLLBACK TO SAVEPOINT exchange`); err != nil {
					return err
				}
			}
			if _, err := t.exec(ctx, `RELEASE SAVEPOINT exchange`); err != nil {
				return err
			}
		}
		return nil
	})
	for _, j := range live {
		switch {
		case err != nil && j.err == nil:
			j.out, j.err = conversation.Exchange{}, fmt.Errorf("store exchange: %w", err)
		case j.err != nil && s.d.IsUniqueViolation(j.err):
			j.out, j.err = s.exchangeResent(ctx, j.q)
		case j.err != nil:
			j.out, j.err = conversation.Exchange{}, s.writeErr(j.err)
		}
	}
}
