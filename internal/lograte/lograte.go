// Package lograte folds repeated identical log records. A failing disk or database makes every
// request fail the same way; logging each failure buries the log (an attack produced 23,292 ERROR
// lines in 12 seconds) without saying more than the first line. The handler passes the first
// record of a kind through, counts the identical ones that follow within the interval, and writes
// the count with the next one after the interval or at Flush.
package lograte

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// maxKinds bounds the records remembered; past it, records pass through unfolded.
const maxKinds = 1000

// Handler wraps another slog.Handler. Records below Warn always pass through.
type Handler struct {
	next   slog.Handler
	prefix string // the attributes and groups added with WithAttrs and WithGroup, part of the key
	st     *state
}

type state struct {
	every time.Duration
	now   func() time.Time
	mu    sync.Mutex
	seen  map[string]*entry
}

type entry struct {
	next       slog.Handler
	since      time.Time
	suppressed int
	last       slog.Record
}

// New returns the folding handler. now may be nil for time.Now.
func New(next slog.Handler, every time.Duration, now func() time.Time) *Handler {
	if now == nil {
		now = time.Now
	}
	return &Handler{next: next, st: &state{every: every, now: now, seen: map[string]*entry{}}}
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	var b strings.Builder
	for _, a := range as {
		fmt.Fprintf(&b, "%s=%v;", a.Key, a.Value)
	}
	return &Handler{next: h.next.WithAttrs(as), prefix: h.prefix + b.String(), st: h.st}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(name), prefix: h.prefix + name + ".", st: h.st}
}

func (h *Handler) key(r slog.Record) string {
	var b strings.Builder
	b.WriteString(r.Level.String())
	b.WriteByte(0)
	b.WriteString(h.prefix)
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, "\x00%s=%v", a.Key, a.Value)
		return true
	})
	return b.String()
}

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return h.next.Handle(ctx, r)
	}
	k := h.key(r)
	st := h.st
	st.mu.Lock()
	now := st.now()
	e := st.seen[k]
	if e != nil && now.Sub(e.since) < st.every {
		e.suppressed++
		e.last = r.Clone()
		st.mu.Unlock()
		return nil
	}
	suppressed := 0
	if e != nil {
		suppressed = e.suppressed
	}
	if e != nil || len(st.seen) < maxKinds || st.prune(now) {
		st.seen[k] = &entry{next: h.next, since: now}
	}
	st.mu.Unlock()
	if suppressed > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("repeated", suppressed), slog.Duration("within", st.every))
	}
	return h.next.Handle(ctx, r)
}

// prune forgets the kinds whose interval has passed with nothing folded; it reports whether there
// is room now. Called with mu held.
func (s *state) prune(now time.Time) bool {
	for k, e := range s.seen {
		if e.suppressed == 0 && now.Sub(e.since) >= s.every {
			delete(s.seen, k)
		}
	}
	return len(s.seen) < maxKinds
}

// Flush writes the count of every kind whose interval has passed with records folded, so that a
// burst that stopped is still reported. The server calls it once an interval.
func (h *Handler) Flush(ctx context.Context) {
	st := h.st
	st.mu.Lock()
	now := st.now()
	var out []*entry
	for k, e := range st.seen {
		if now.Sub(e.since) < st.every {
			continue
		}
		if e.suppressed > 0 {
			out = append(out, e)
		}
		delete(st.seen, k)
	}
	st.mu.Unlock()
	for _, e := range out {
		r := e.last.Clone()
		r.AddAttrs(slog.Int("repeated", e.suppressed), slog.Duration("within", st.every))
		_ = e.next.Handle(ctx, r)
	}
}
