package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// askLog writes the HTTP ask records with group commit. A record is queued and the call returns;
// the first record of a group starts a writer that waits askGroupDelay for more, then stores
// every queued record in one transaction, and again while more arrived meanwhile. One record at a
// time costs a transaction each, and on SQLite's single writer connection thousands of asks a
// second queue behind one another and behind the chat's writes; grouped, a busy second costs a
// few dozen transactions. The records are statistics for the activity report: readers of the
// report wait for the queue (flushAsks), and Close writes what is left.
type askLog struct {
	mu      sync.Mutex
	pending []httpAskRow
	writing bool
	lost    int           // records a failed write dropped since the last report of it
	err     error         // that failure, returned once by the next RecordHTTPAsk
	idle    chan struct{} // closed when the running writer ends
}

type httpAskRow struct {
	at                       int64
	intent, reason, category string
}

const (
	// askGroupDelay is how long the first record of a group waits for others.
	askGroupDelay = 50 * time.Millisecond
	// askBatchMax bounds one INSERT: four parameters a row stays far below every engine's limit.
	askBatchMax = 500
	// askWriteTimeout bounds one group's write.
	askWriteTimeout = 10 * time.Second
)

// RecordHTTPAsk keeps one line per question answered through POST /api/v1/ask, which has no
// conversation to store it in, so that the activity report counts it. It queues the record and
// returns; an error reports records of earlier calls that a failed write lost.
func (s *Store) RecordHTTPAsk(_ context.Context, res answer.Result) error {
	cat := ""
	if len(res.Sources) > 0 {
		cat = string(res.Sources[0].Category)
	}
	row := httpAskRow{at: s.millis(), intent: string(res.Intent), reason: string(res.Escalation.Reason), category: cat}
	l := &s.asks
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = append(l.pending, row)
	if !l.writing {
		l.writing, l.idle = true, make(chan struct{})
		go s.writeAsks(askGroupDelay)
	}
	if l.err == nil {
		return nil
	}
	err := fmt.Errorf("%d http ask records lost: %w", l.lost, l.err)
	l.lost, l.err = 0, nil
	return err
}

// writeAsks waits delay, then writes queued records until none is left.
func (s *Store) writeAsks(delay time.Duration) {
	l := &s.asks
	if delay > 0 {
		t := time.NewTimer(delay)
		<-t.C
	}
	ctx, cancel := context.WithTimeout(context.Background(), askWriteTimeout)
	defer cancel()
	for {
		l.mu.Lock()
		batch := l.pending
		l.pending = nil
		if len(batch) == 0 {
			l.writing = false
			close(l.idle)
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		for len(batch) > 0 {
			n := min(len(batch), askBatchMax)
			if err := s.insertHTTPAsks(ctx, batch[:n]); err != nil {
				l.mu.Lock()
				l.lost += n
				l.err = errors.Join(l.err, err)
				l.mu.Unlock()
			}
			batch = batch[n:]
		}
	}
}

// flushAsks returns once the records queued before the call are written (or lost).
func (s *Store) flushAsks() {
	s.asks.mu.Lock()
	if !s.asks.writing {
		s.asks.mu.Unlock()
		return
	}
	idle := s.asks.idle
	s.asks.mu.Unlock()
	<-idle
}

func (s *Store) insertHTTPAsks(ctx context.Context, rows []httpAskRow) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO http_asks (at, intent, reason, category) VALUES `)
	args := make([]any, 0, 4*len(rows))
	for i, r := range rows {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?)")
		args = append(args, r.at, r.intent, r.reason, r.category)
	}
	_, err := s.exec(ctx, q.String(), args...)
	return err
}
