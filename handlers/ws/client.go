package ws

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// Flags a bus event sets on a client; the write pump acts on them.
const (
	flagMessages uint32 = 1 << iota // read and deliver stored messages past the cursor
	flagStatus                      // reread and send the escalation status
	flagPending                     // deliver the messages events left with the client
)

// maxPending bounds the messages events may leave with a client whose write pump is behind; past
// it the pump reads the store instead.
const maxPending = 64

// closeGrace is how long a closing connection waits for the peer's close frame. Closing the TCP
// connection with unread input makes the kernel send RST, which can destroy the error and close
// frames just written before the peer reads them.
const closeGrace = 2 * time.Second

// client is one WebSocket connection. One writer at a time writes to the connection and owns the
// delivery cursor, so frames go out in one order without locks around the socket: the handshake
// goroutine until the first hello is out, then a write pump started whenever there is something
// to write (pump.go). An idle connection has no write pump, only its read pump.
type client struct {
	hub     *Hub
	conn    *websocket.Conn
	ip      string
	conv    string
	token   string
	limiter *rate.Limiter

	flags   atomic.Uint32
	waiting atomic.Bool            // last status sent was "waiting", so queue events concern it
	asking  atomic.Pointer[string] // client id of the question being stored, until its ack is queued
	dropped atomic.Bool

	mu        sync.Mutex
	queue     [][]byte // direct replies (ack, error) not yet written, at most cfg.SendBuffer
	hellos    []int64  // hello requests: send the messages after this seq
	writing   bool     // a writer runs: the handshake goroutine or a write pump
	pingDue   bool     // the hub's ping round reached this client
	closing   bool     // shutdown asked for the close frame
	finished  bool     // the close frame is out or a write failed: no writer starts again
	closeCode int
	closeText string
	slot      uint8 // the hub's ping round this client belongs to (set at register)
	// pending are stored messages that events on this replica carried (offer), in the order they
	// came, not yet delivered. The write pump sends them without reading the store when they
	// follow its cursor, and reads the store when they do not.
	pending []conversation.Message

	stopped chan struct{} // closed when the last writer has finished
	cursor  int64         // writer only: the highest seq delivered on this connection

	lastRateErr time.Time // read pump only
}

func (h *Hub) newClient(conn *websocket.Conn, ip string) *client {
	// The handshake goroutine is the writer until Serve hands over, so nothing queued before the
	// first hello starts a pump beside it.
	c := &client{hub: h, conn: conn, ip: ip, writing: true, stopped: make(chan struct{})}
	if h.cfg.Rate > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(h.cfg.Rate), h.cfg.Burst)
	}
	return c
}

// flag asks the writer to act on f (deliver messages, reread the status). The flag is set before
// the writer is woken, and a writer checks the flags under mu before it stops, so none is missed.
func (c *client) flag(f uint32) {
	c.flags.Or(f)
	c.mu.Lock()
	c.wakeLocked()
	c.mu.Unlock()
}

// offer leaves the messages an event carries with the client and wakes its write pump.
func (c *client) offer(ms []conversation.Message) {
	c.mu.Lock()
	if len(c.pending)+len(ms) > maxPending {
		c.pending = nil
		c.mu.Unlock()
		c.flag(flagMessages)
		return
	}
	c.pending = append(c.pending, ms...)
	c.mu.Unlock()
	c.flag(flagPending)
}

func (c *client) takePending() []conversation.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	ms := c.pending
	c.pending = nil
	return ms
}

// putBack returns messages the pump could not send yet ahead of those offered since.
func (c *client) putBack(ms []conversation.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending = append(append(make([]conversation.Message, 0, len(ms)+len(c.pending)), ms...), c.pending...)
}

// enqueue queues a frame without blocking. A client whose queue is full is not keeping up and is
// dropped, so that it never holds up the hub or other clients.
func (c *client) enqueue(v any) {
	b := encode(v)
	c.mu.Lock()
	full := len(c.queue) >= c.hub.cfg.SendBuffer
	if !full {
		c.queue = append(c.queue, b)
		c.wakeLocked()
	}
	c.mu.Unlock()
	if full {
		c.drop("slow")
	}
}

// requestHello queues a resume's hello; it reports false when too many are waiting already.
func (c *client) requestHello(after int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.hellos) >= maxHellos {
		return false
	}
	c.hellos = append(c.hellos, after)
	c.wakeLocked()
	return true
}

// ping asks the writer for a ping frame; the hub calls it once per round.
func (c *client) ping() {
	c.mu.Lock()
	c.pingDue = true
	c.wakeLocked()
	c.mu.Unlock()
}

// drop closes the connection at once, unblocking both pumps.
func (c *client) drop(reason string) {
	if c.dropped.CompareAndSwap(false, true) {
		c.hub.metrics.dropped.WithLabelValues(reason).Inc()
		c.conn.Close()
	}
}

// shutdown asks the writer to flush the queued frames, send a close frame and stop for good.
func (c *client) shutdown(code int, text string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing {
		return
	}
	c.closing, c.closeCode, c.closeText = true, code, text
	c.wakeLocked()
}

func (c *client) write(b []byte) error {
	_ = c.conn.SetWriteDeadline(time.Now().Add(c.hub.cfg.WriteWait))
	return c.conn.WriteMessage(websocket.TextMessage, b)
}

// greet sends the direct replies queued so far and the first hello; it returns the delivery
// cursor. Only Serve calls it, before any write pump starts, so it is the one writer then. A new
// conversation has nothing stored to read: its hello is built without the store, which spares
// two reads per connection when many open at once.
func (c *client) greet(after int64, fresh bool) (int64, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	if fresh {
		c.hub.metrics.framesOut.WithLabelValues("hello").Inc()
		return 0, c.write(encode(helloFrame{Type: "hello", Version: ProtocolVersion, ConversationID: c.conv, Token: c.token,
			Mode: conversation.ModeBot, Messages: []any{}}))
	}
	return c.sendHello(after, 0, false)
}

func (c *client) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.hub.cfg.HandleTimeout)
}

// sendHello sends the conversation state and the messages after `after`. The cursor becomes the
// last message sent; a client claiming more than exists is brought back to the real last seq.
func (c *client) sendHello(after, cursor int64, ready bool) (int64, error) {
	ctx, cancel := c.ctx()
	defer cancel()
	st, err := c.hub.conv.Status(ctx, c.conv)
	if err != nil {
		return cursor, err
	}
	after = max(min(after, st.LastSeq), 0)
	ms, err := c.hub.conv.Since(ctx, c.conv, after, helloBatch)
	if err != nil {
		return cursor, err
	}
	h := helloFrame{Type: "hello", Version: ProtocolVersion, ConversationID: c.conv, Token: c.token, Mode: st.Mode,
		Position: st.Position, Judge: st.Judge, LastSeq: max(st.LastSeq, after), Messages: make([]any, 0, len(ms))}
	next := after
	for _, m := range ms {
		if c.held(m) {
			// The answer to the question being stored follows its ack, as a frame of its own.
			c.flags.Or(flagMessages)
			break
		}
		h.Messages = append(h.Messages, messageFrameOf(m))
		next = m.Seq
	}
	if len(ms) == helloBatch {
		c.flags.Or(flagMessages) // the rest follow as single frames
	}
	if ready {
		// A resume never moves the live cursor back: what the client asked for again is in the
		// hello, and what it has not seen yet at all still comes after the cursor.
		next = max(next, cursor)
	}
	c.waiting.Store(st.Mode == conversation.ModeWaiting)
	c.hub.metrics.framesOut.WithLabelValues("hello").Inc()
	return next, c.write(encode(h))
}

// deliver acts on the flags: messages past the cursor, from what events left with the client
// when those follow the cursor and from the store otherwise, then the status.
func (c *client) deliver(cursor int64) (int64, error) {
	f := c.flags.Swap(0)
	if f == 0 {
		return cursor, nil
	}
	if f&(flagMessages|flagPending) != 0 {
		pend := c.takePending()
		if f&flagMessages == 0 {
			next, complete, err := c.deliverPending(cursor, pend)
			if err != nil {
				return next, err
			}
			if cursor = next; !complete {
				f |= flagMessages
			}
		}
		if f&flagMessages != 0 {
			var err error
			if cursor, err = c.deliverStored(cursor); err != nil {
				return cursor, err
			}
		}
	}
	if f&flagStatus != 0 {
		ctx, cancel := c.ctx()
		defer cancel()
		st, err := c.hub.conv.Status(ctx, c.conv)
		if err != nil {
			return cursor, err
		}
		c.waiting.Store(st.Mode == conversation.ModeWaiting)
		if err := c.write(encode(statusFrameOf(st))); err != nil {
			return cursor, err
		}
		c.hub.metrics.framesOut.WithLabelValues("escalation_status").Inc()
	}
	return cursor, nil
}

// deliverPending sends the messages events left that follow the cursor. It reports false when
// one is missing before them (stored by another replica, or announced by an event that carried
// no messages): the store has it, and the caller reads from there.
func (c *client) deliverPending(cursor int64, pend []conversation.Message) (int64, bool, error) {
	for i, m := range pend {
		if m.Seq <= cursor {
			continue // delivered already, by a hello or a read of the store
		}
		if m.Seq != cursor+1 {
			return cursor, false, nil
		}
		if c.held(m) {
			// Its ack is not queued yet; doneAsking wakes the pump again.
			c.putBack(pend[i:])
			return cursor, true, nil
		}
		if err := c.sendMessage(m); err != nil {
			return cursor, true, err
		}
		cursor = m.Seq
	}
	return cursor, true, nil
}

// deliverStored reads the messages past the cursor from the store and sends them.
func (c *client) deliverStored(cursor int64) (int64, error) {
	ctx, cancel := c.ctx()
	defer cancel()
	for {
		ms, err := c.hub.conv.Since(ctx, c.conv, cursor, helloBatch)
		if err != nil {
			return cursor, err
		}
		for _, m := range ms {
			if c.held(m) {
				// Its ack is not queued yet; doneAsking wakes the pump again, to read again.
				c.flags.Or(flagMessages)
				return cursor, nil
			}
			if err := c.sendMessage(m); err != nil {
				return cursor, err
			}
			cursor = m.Seq
		}
		if len(ms) < helloBatch {
			return cursor, nil
		}
	}
}

// sendMessage writes one stored message; an answer goes after the acks queued so far, the ack of
// its question among them.
func (c *client) sendMessage(m conversation.Message) error {
	if m.ReplyTo != "" {
		if err := c.flush(); err != nil {
			return err
		}
	}
	fr := messageFrameOf(m)
	if err := c.write(encode(fr)); err != nil {
		return err
	}
	c.hub.metrics.framesOut.WithLabelValues(frameType(fr)).Inc()
	return nil
}

func frameType(v any) string {
	switch v.(type) {
	case answerFrame:
		return "answer"
	case judgeFrame:
		return "judge_message"
	default:
		return "message"
	}
}

// Serve upgrades one connection, opens its conversation and hands it to its read pump, and to a
// write pump when there is something to write. It returns as soon as the read pump runs: the HTTP
// server's goroutine, whose stack grew through the middleware and the store's first queries, ends
// with the handshake, so an idle connection keeps only one small goroutine and its buffers. The
// origin must already have been checked.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, ip string) {
	conn, err := h.up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered with an HTTP error
	}
	if refused := h.admit(ip); refused != nil {
		h.metrics.errors.WithLabelValues(refused.Code).Inc()
		code := websocket.CloseTryAgainLater
		if refused.Code == "unavailable" {
			code = websocket.CloseServiceRestart
		}
		reject(conn, h.cfg.WriteWait, *refused, code)
		conn.Close()
		return
	}
	c := h.newClient(conn, ip)
	ctx, cancel := c.ctx()
	opened, err := h.conv.Open(ctx, r.URL.Query().Get("token"))
	cancel()
	if err != nil {
		h.log.Error("ws: open conversation", "err", err)
		reject(conn, h.cfg.WriteWait, errorFrame{Type: "error", Code: "unavailable", Message: "服务暂不可用，请稍后再试"},
			websocket.CloseInternalServerErr)
		conn.Close()
		h.release(ip)
		return
	}
	c.conv, c.token = opened.Conversation.ID, opened.Token
	after, _ := strconv.ParseInt(r.URL.Query().Get("last_seq"), 10, 64)
	h.register(c)
	if opened.Refused != nil {
		c.sendError("", "invalid_token", "会话凭证无效或已过期，已为您开始新的会话", nil)
	}
	// The first hello reads the store here, before the pumps exist, so that its deep stack goes
	// with this goroutine instead of growing a pump's.
	cursor, err := c.greet(after, opened.New)
	if err != nil {
		c.writeFailed(err)
		h.unregister(c)
		h.release(ip)
		conn.Close()
		return
	}
	c.cursor = cursor
	// What arrived while the hello was built, or nothing: then no write pump runs until there is
	// something to write.
	c.handOver()
	go func() {
		defer conn.Close()
		defer h.release(ip)
		defer h.unregister(c)
		c.readPump()
		c.shutdown(websocket.CloseNormalClosure, "")
		<-c.stopped
	}()
}

// reject tells a connection that was never registered why it is closed.
func reject(conn *websocket.Conn, wait time.Duration, e errorFrame, code int) {
	_ = conn.SetWriteDeadline(time.Now().Add(wait))
	_ = conn.WriteMessage(websocket.TextMessage, encode(e))
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, e.Code), time.Now().Add(wait))
	linger(conn)
}

// linger reads until the peer answers the close frame, or the grace period ends.
func linger(conn *websocket.Conn) {
	_ = conn.SetReadDeadline(time.Now().Add(closeGrace))
	for {
		_, r, err := conn.NextReader()
		if err != nil {
			return
		}
		if _, err := io.Copy(io.Discard, io.LimitReader(r, 1<<20)); err != nil {
			return
		}
	}
}
