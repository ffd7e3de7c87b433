// Package ws is the enterprise chat's WebSocket hub: one read pump per connection and one write
// pump while it has something to write, deadlines and ping/pong (the hub pings in rounds), a
// bounded send queue per client (a slow client is dropped, never waited for), limits on frame
// size, frame rate and connections per address, a registry of chat connections per conversation,
// and the judge consoles (judge.go), each told the events of the tickets its judge may see. It
// implements conversation.Notifier by publishing on a Bus. What the bus announces is delivered
// from the store, so that any replica can serve any client; the messages an event of this
// replica carries go out without that read when they follow what the connection has.
package ws

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// Conversations is what the hub needs of conversation.Service.
type Conversations interface {
	Open(ctx context.Context, token string) (conversation.Opened, error)
	Ask(ctx context.Context, conversationID, clientID, text string, ack func(conversation.Posted)) (conversation.Message, error)
	Choose(ctx context.Context, conversationID, clientID, question, slug string) (conversation.Posted, answer.Result, error)
	AnswerChoice(ctx context.Context, q conversation.Message, res answer.Result) (conversation.Message, error)
	Feedback(ctx context.Context, conversationID string, seq int64, helpful bool) error
	Since(ctx context.Context, conversationID string, after int64, limit int) ([]conversation.Message, error)
	Status(ctx context.Context, conversationID string) (conversation.Status, error)
}

// Escalations is what the hub needs of escalation.Service.
type Escalations interface {
	Escalate(ctx context.Context, conversationID, clientID string, f escalation.Form, src escalation.Source) (escalation.Escalated, error)
}

// Config holds the limits. Zero values of the rate fields switch those limits off.
type Config struct {
	// Origins are the allowed Origin values (scheme://host[:port]) besides the request's own host.
	Origins []string
	// MaxFrameBytes caps one client frame.
	MaxFrameBytes int
	// Rate and Burst are the per-connection token bucket for client frames; Rate 0 is no limit.
	Rate  float64
	Burst int
	// MaxConnsPerIP caps simultaneous connections from one address; 0 is no cap.
	MaxConnsPerIP int
	// SendBuffer is the number of frames queued for a client before it counts as too slow.
	SendBuffer int
	WriteWait  time.Duration // deadline for one write
	PongWait   time.Duration // a client silent for longer is gone
	// HandleTimeout bounds the work for one client frame (store writes, the engine).
	HandleTimeout time.Duration
}

// DefaultConfig holds the limits of the protocol document.
func DefaultConfig() Config {
	return Config{MaxFrameBytes: 16 << 10, Rate: 5, Burst: 20, MaxConnsPerIP: 20, SendBuffer: 32,
		WriteWait: 10 * time.Second, PongWait: 60 * time.Second, HandleTimeout: 20 * time.Second}
}

// helloBatch is the most messages one hello carries; the rest follow at once as single frames.
const helloBatch = 200

// Hub owns the live connections of this replica.
type Hub struct {
	cfg     Config
	log     *slog.Logger
	conv    Conversations
	esc     Escalations
	bus     Bus
	metrics *metrics
	up      websocket.Upgrader
	origins map[string]bool
	unsub   func()
	// quit ends the ping rounds at shutdown.
	quit chan struct{}
	// observe records each stored answer (the service's /metrics); nil records nothing.
	observe func(answer.Result, time.Duration)

	mu     sync.Mutex
	byConv map[string]map[*client]struct{}
	// judges are the judge consoles connected to this replica; each is signalled the events of the
	// tickets its judge may see, and closed when its session ends.
	judges    map[*judgeConn]struct{}
	perIP     map[string]int
	nextSlot  uint8 // the ping round of the next client
	closed    bool
	serving   sync.WaitGroup // connections past admission, so Close can wait for them
	unsubOnce sync.Once
}

// restarting is what every socket hears when this replica shuts down: the documented
// `unavailable` error, then close code 1012 (service restart). Pages reconnect with backoff, to
// another replica or to this one once it is back, and resume.
var restarting = errorFrame{Type: "error", Code: "unavailable", Message: "服务正在重启，稍后将自动重新连接"}

// New builds a hub and subscribes it to the bus. reg may be nil.
func New(cfg Config, log *slog.Logger, conv Conversations, esc Escalations, bus Bus, reg prometheus.Registerer) *Hub {
	def := DefaultConfig()
	if cfg.MaxFrameBytes <= 0 {
		cfg.MaxFrameBytes = def.MaxFrameBytes
	}
	if cfg.SendBuffer <= 0 {
		cfg.SendBuffer = def.SendBuffer
	}
	if cfg.WriteWait <= 0 {
		cfg.WriteWait = def.WriteWait
	}
	if cfg.PongWait <= 0 {
		cfg.PongWait = def.PongWait
	}
	if cfg.HandleTimeout <= 0 {
		cfg.HandleTimeout = def.HandleTimeout
	}
	if cfg.Burst < 1 {
		cfg.Burst = 1
	}
	h := &Hub{cfg: cfg, log: log, conv: conv, esc: esc, bus: bus, metrics: newMetrics(reg),
		origins: map[string]bool{}, byConv: map[string]map[*client]struct{}{},
		judges: map[*judgeConn]struct{}{}, perIP: map[string]int{}, quit: make(chan struct{})}
	for _, o := range cfg.Origins {
		h.origins[normalizeOrigin(o)] = true
	}
	h.up = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// Most connections are idle most of the time: a small read buffer of their own lets the
		// HTTP server's 4 KB one go with the handshake, and write buffers go back to a pool between
		// writes, so an idle connection holds none. Larger frames are read in pieces.
		ReadBufferSize:  512,
		WriteBufferPool: &sync.Pool{},
		// The handler checks the origin before upgrading, so that a refusal is a typed HTTP error.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	h.unsub = bus.Subscribe(h.deliver)
	go h.pingLoop(h.quit)
	h.metrics.registerQueue(reg, h.sendQueue)
	return h
}

// SetAnswerObserver makes the hub report every answer it stores, with the time from the question's
// frame to the stored answer, so that /metrics counts chat answers like HTTP ones. Call it before
// serving.
func (h *Hub) SetAnswerObserver(f func(answer.Result, time.Duration)) { h.observe = f }

func (h *Hub) observeAnswer(m conversation.Message, start time.Time) {
	if h.observe != nil && m.Answer != nil {
		h.observe(*m.Answer, time.Since(start))
	}
}

// sendQueue is the number of frames queued for the chat sockets, in all and on the fullest one.
func (h *Hub) sendQueue() (total, fullest int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.byConv {
		for c := range set {
			c.mu.Lock()
			n := len(c.queue)
			c.mu.Unlock()
			total += n
			fullest = max(fullest, n)
		}
	}
	return total, fullest
}

func normalizeOrigin(o string) string {
	u, err := url.Parse(strings.TrimSpace(o))
	if err != nil || u.Host == "" {
		return strings.ToLower(strings.TrimRight(o, "/"))
	}
	return strings.ToLower(u.Scheme + "://" + u.Host)
}

// OriginAllowed reports whether a browser on the request's Origin may connect: the service's own
// host, or one of the configured origins. Requests without Origin come from non-browser clients,
// which cross-site WebSocket hijacking cannot use.
func (h *Hub) OriginAllowed(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return h.origins[normalizeOrigin(o)]
}

// Notify implements conversation.Notifier: the event goes through the bus to every replica.
func (h *Hub) Notify(ctx context.Context, ev conversation.Event) {
	NewPublisher(h.bus, h.log).Notify(ctx, ev)
}

// EndSessions closes, on every replica, the console sockets of one session, or of every session
// of the account when sessionID is empty (deactivation).
func (h *Hub) EndSessions(ctx context.Context, userID int64, sessionID string) {
	h.Notify(ctx, conversation.Event{Kind: conversation.EventSessionEnded, Owner: userID, Session: sessionID})
}

// deliver runs on the bus's goroutine: it only flags clients, never blocks on one.
func (h *Hub) deliver(ev conversation.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for j := range h.judges {
		switch {
		case ev.Kind == conversation.EventSessionEnded:
			if j.endsWith(ev) {
				j.end()
			}
		case j.visible(ev):
			j.signal(ev)
		}
	}
	switch ev.Kind {
	case conversation.EventMessages:
		for c := range h.byConv[ev.ConversationID] {
			if len(ev.Messages) > 0 {
				c.offer(ev.Messages)
			} else {
				c.flag(flagMessages)
			}
		}
	case conversation.EventStatus:
		for c := range h.byConv[ev.ConversationID] {
			c.flag(flagStatus)
		}
	case conversation.EventQueue:
		// Positions move for every waiting conversation of the court; the hub does not know
		// their courts, so each waiting client rereads its own status.
		for _, cs := range h.byConv {
			for c := range cs {
				if c.waiting.Load() {
					c.flag(flagStatus)
				}
			}
		}
	}
}

// admit counts a connection against its address; it returns the refusal, or nil.
func (h *Hub) admit(ip string) *errorFrame {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		r := restarting
		return &r
	}
	if h.cfg.MaxConnsPerIP > 0 && h.perIP[ip] >= h.cfg.MaxConnsPerIP {
		return &errorFrame{Type: "error", Code: "too_many_connections", Message: "来自同一网络的连接过多，请关闭多余的页面后再试"}
	}
	h.perIP[ip]++
	h.serving.Add(1)
	return nil
}

func (h *Hub) release(ip string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.perIP[ip]--; h.perIP[ip] <= 0 {
		delete(h.perIP, ip)
	}
	h.serving.Done()
}

func (h *Hub) register(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.byConv[c.conv]
	if set == nil {
		set = map[*client]struct{}{}
		h.byConv[c.conv] = set
	}
	set[c] = struct{}{}
	c.slot, h.nextSlot = h.nextSlot, (h.nextSlot+1)%pingRounds
	if h.closed { // admitted just before Close
		c.enqueue(restarting)
		c.shutdown(websocket.CloseServiceRestart, "service restart")
	}
	h.metrics.connections.Inc()
}

func (h *Hub) unregister(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if set := h.byConv[c.conv]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(h.byConv, c.conv)
		}
	}
	h.metrics.connections.Dec()
}

// Connections is the number of live connections on this replica.
func (h *Hub) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, set := range h.byConv {
		n += len(set)
	}
	return n
}

// Close is Shutdown with the hub's own bound: the time to finish a frame plus the close grace.
func (h *Hub) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.HandleTimeout+closeGrace)
	defer cancel()
	h.Shutdown(ctx)
}

// Shutdown tells every chat and judge socket that the service is restarting (`unavailable`, then
// close code 1012) and stops taking new ones: a socket arriving later is upgraded, told the same
// and closed, rather than refused at TCP level. It waits, until ctx ends, for the connections to
// finish the frame in hand and complete the close handshake, so that the store they use is not
// closed under them. Call it before http.Server.Shutdown, which does not track WebSockets.
// Calling it again is harmless.
func (h *Hub) Shutdown(ctx context.Context) {
	h.mu.Lock()
	h.closed = true
	var all []*client
	for _, set := range h.byConv {
		for c := range set {
			all = append(all, c)
		}
	}
	for j := range h.judges {
		j.stop(websocket.CloseServiceRestart)
	}
	h.mu.Unlock()
	for _, c := range all {
		c.enqueue(restarting)
		c.shutdown(websocket.CloseServiceRestart, "service restart")
	}
	h.unsubOnce.Do(func() {
		h.unsub()
		close(h.quit)
	})
	done := make(chan struct{})
	go func() { h.serving.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		h.log.Warn("ws: connections still open at shutdown")
	}
}
