package ws

import (
	"errors"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

// maxHellos is how many resumes may wait for their hello; more are refused as too frequent.
const maxHellos = 4

// pingRounds is how many rounds the hub spreads its pings over: each round pings the clients of
// its slot, so that write pumps start a few hundred at a time rather than all at once.
const pingRounds = 32

// wakeLocked starts a write pump unless a writer runs or the connection is finished. c.mu is held.
func (c *client) wakeLocked() {
	if c.writing || c.finished {
		return
	}
	c.writing = true
	go c.writePump()
}

// handOver ends the handshake goroutine's turn as the writer: a write pump takes over if something
// is waiting, otherwise the connection has no writer until there is.
func (c *client) handOver() {
	if !c.idle() {
		go c.writePump()
	}
}

// idle reports whether there is nothing to write, and then stops being the writer. Checking and
// stopping under c.mu is what makes a wake-up between the two impossible to miss.
func (c *client) idle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) > 0 || len(c.hellos) > 0 || c.pingDue || c.closing || c.flags.Load() != 0 {
		return false
	}
	c.writing = false
	return true
}

// writePump writes what is pending, in the order the protocol needs: the direct replies queued so
// far (an ack before the answer it precedes), then a resume's hello, then the flagged deliveries,
// then a ping; it stops when nothing is left, and for good after the close frame or a failed write.
// Only one runs at a time (c.writing), so it is the connection's only writer.
func (c *client) writePump() {
	for !c.idle() {
		c.mu.Lock()
		closing, ping := c.closing, c.pingDue
		c.pingDue = false
		var after int64
		hello := len(c.hellos) > 0 && !closing
		if hello {
			after = c.hellos[0]
			c.hellos = c.hellos[1:]
			if len(c.hellos) == 0 {
				c.hellos = nil
			}
		}
		c.mu.Unlock()
		if err := c.flush(); err != nil {
			c.writeFailed(err)
			return
		}
		if closing {
			c.sayGoodbye()
			return
		}
		if hello {
			next, err := c.sendHello(after, c.cursor, true)
			if err != nil {
				c.writeFailed(err)
				return
			}
			c.cursor = next
		}
		if c.flags.Load() != 0 {
			next, err := c.deliver(c.cursor)
			c.cursor = next
			if err != nil {
				c.writeFailed(err)
				return
			}
		}
		if ping {
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(c.hub.cfg.WriteWait)); err != nil {
				c.writeFailed(err)
				return
			}
		}
	}
}

// flush writes the direct replies queued so far, so that an ack goes out before the answer it
// precedes. An empty queue gives its array back, so an idle client holds none.
func (c *client) flush() error {
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.queue = nil
			c.mu.Unlock()
			return nil
		}
		b := c.queue[0]
		c.queue[0] = nil
		c.queue = c.queue[1:]
		c.mu.Unlock()
		if err := c.write(b); err != nil {
			return err
		}
	}
}

// sayGoodbye sends the close frame and gives the peer a short while to answer it.
func (c *client) sayGoodbye() {
	c.mu.Lock()
	code, text := c.closeCode, c.closeText
	c.mu.Unlock()
	_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text),
		time.Now().Add(c.hub.cfg.WriteWait))
	// The read pump now only waits for the peer's close frame, and not for long.
	_ = c.conn.SetReadDeadline(time.Now().Add(closeGrace))
	c.finish()
}

// writeFailed drops a connection that could not be written to.
func (c *client) writeFailed(err error) {
	if !errors.Is(err, net.ErrClosed) {
		c.hub.log.Debug("ws: write failed", "conversation", c.conv, "err", err)
	}
	c.drop("write")
	c.finish()
}

// finish ends the last writer: none starts again, and the read pump's goroutine may close the
// connection.
func (c *client) finish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.finished {
		return
	}
	c.finished, c.writing = true, false
	c.queue, c.hellos = nil, nil
	close(c.stopped)
}

// pingLoop pings every chat client once per PongWait·9/10, one slot of them per round, until quit
// closes. The pings go through each client's writer, so a slow client holds up only its own pump.
func (h *Hub) pingLoop(quit <-chan struct{}) {
	t := time.NewTicker(max(h.cfg.PongWait*9/10/pingRounds, time.Millisecond))
	defer t.Stop()
	for slot := uint8(0); ; slot = (slot + 1) % pingRounds {
		select {
		case <-quit:
			return
		case <-t.C:
		}
		h.pingSlot(slot)
	}
}

func (h *Hub) pingSlot(slot uint8) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.byConv {
		for c := range set {
			if c.slot == slot {
				c.ping()
			}
		}
	}
}
