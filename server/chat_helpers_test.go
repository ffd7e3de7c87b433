package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// frame is one decoded server frame.
type frame map[string]any

func (f frame) typ() string { s, _ := f["type"].(string); return s }
func (f frame) str(k string) string {
	s, _ := f[k].(string)
	return s
}
func (f frame) num(k string) int64 {
	n, _ := f[k].(float64)
	return int64(n)
}

// chatConn is a real WebSocket client on loopback.
type chatConn struct {
	t    testing.TB
	conn *websocket.Conn
	seen []frame // every frame read, in order
	// backlog holds frames read while waiting for another one; later waits look there first,
	// because frames of one change (an ack and the echo of the message) may come in either order.
	backlog []frame
}

const frameWait = 15 * time.Second

func wsURL(srv *httptest.Server, query string) string {
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws/chat"
	if query != "" {
		u += "?" + query
	}
	return u
}

// dialChat connects with the page's own origin, as the browser would.
func dialChat(t testing.TB, srv *httptest.Server, query string) *chatConn {
	t.Helper()
	c, resp, err := dialChatErr(srv, query, http.Header{"Origin": {srv.URL}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial (status %d): %v", status, err)
	}
	cc := &chatConn{t: t, conn: c}
	t.Cleanup(func() { c.Close() })
	return cc
}

func dialChatErr(srv *httptest.Server, query string, h http.Header) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	return d.Dial(wsURL(srv, query), h)
}

func (c *chatConn) send(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(websocket.TextMessage, b)
}

func (c *chatConn) sendRaw(kind int, b []byte) {
	c.t.Helper()
	_ = c.conn.SetWriteDeadline(time.Now().Add(frameWait))
	if err := c.conn.WriteMessage(kind, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next reads one frame, failing the test when none comes within the deadline.
func (c *chatConn) next() frame {
	c.t.Helper()
	f, err := c.read()
	if err != nil {
		c.t.Fatalf("read frame: %v (frames so far: %v)", err, c.types())
	}
	return f
}

func (c *chatConn) read() (frame, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(frameWait))
	_, b, err := c.conn.ReadMessage()
	if err != nil {
		return nil, err
	}
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("server sent non-JSON %q: %w", b, err)
	}
	c.seen = append(c.seen, f)
	return f, nil
}

func (c *chatConn) types() []string {
	var out []string
	for _, f := range c.seen {
		if f.typ() == "error" {
			// An error's code and message say more than its type when a test fails.
			out = append(out, "error("+f.str("code")+": "+f.str("message")+")")
			continue
		}
		out = append(out, f.typ())
	}
	return out
}

// until reads frames until match accepts one, and returns it with the frames read before it.
func (c *chatConn) until(what string, match func(frame) bool) (frame, []frame) {
	c.t.Helper()
	for i, f := range c.backlog {
		if match(f) {
			before := slices.Clone(c.backlog[:i])
			c.backlog = slices.Delete(c.backlog, i, i+1)
			return f, before
		}
	}
	before := slices.Clone(c.backlog)
	for {
		f := c.next()
		if match(f) {
			return f, before
		}
		before = append(before, f)
		c.backlog = append(c.backlog, f)
		if len(c.backlog) > 500 {
			c.t.Fatalf("no %s in 500 frames", what)
		}
	}
}

func (c *chatConn) untilType(typ string) frame {
	c.t.Helper()
	f, _ := c.until(typ, func(f frame) bool { return f.typ() == typ })
	return f
}

func (c *chatConn) hello() frame {
	c.t.Helper()
	f := c.next()
	if f.typ() != "hello" {
		c.t.Fatalf("first frame %v, want hello", f)
	}
	return f
}

// ask sends a question and returns its ack and answer, checking that the ack comes first.
func (c *chatConn) ask(id, text string) (ack, answer frame) {
	c.t.Helper()
	c.send(map[string]any{"type": "ask", "id": id, "text": text})
	ack, _ = c.until("ack "+id, func(f frame) bool {
		if f.typ() == "error" {
			c.t.Fatalf("ask %s: error %v", id, f)
		}
		return f.typ() == "ack" && f.str("reply_to") == id
	})
	answer, _ = c.until("answer to "+id, func(f frame) bool { return f.typ() == "answer" && f.str("reply_to") == id })
	return ack, answer
}

// closeCode reads until the connection closes and returns the close code.
func (c *chatConn) closeCode() int {
	c.t.Helper()
	for {
		_, err := c.read()
		if err == nil {
			continue
		}
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce.Code
		}
		c.t.Fatalf("connection ended without a close frame: %v", err)
	}
}

func messagesOf(hello frame) []frame {
	raw, _ := hello["messages"].([]any)
	out := make([]frame, len(raw))
	for i, m := range raw {
		out[i] = frame(m.(map[string]any))
	}
	return out
}

func seqsOf(fs []frame) []int64 {
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i] = f.num("seq")
	}
	return out
}

func validForm(question string) map[string]any {
	return map[string]any{
		"company": "沈阳某机械制造有限公司", "credit_code": "91350100M000100Y43", "contact": "王经理",
		"mobile": "13800241234", "city": "210100", "question": question,
	}
}

// closeCodeOrEOF waits for the connection to end after a local close.
func (c *chatConn) closeCodeOrEOF() {
	for {
		if _, err := c.read(); err != nil {
			return
		}
	}
}
