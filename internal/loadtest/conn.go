package loadtest

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// conn is one simulated enterprise tab: one chat WebSocket, one question at a time.
type conn struct {
	i   int
	cfg *Config
	st  *counters

	token   string // the visitor token of the conversation, to reconnect to it
	lastSeq int64
	n       int // questions sent, for client ids and the choice of question

	mu      sync.Mutex
	pending map[string]time.Time // client id → when the ask went out
}

func newConn(i int, cfg *Config, st *counters) *conn {
	return &conn{i: i, cfg: cfg, st: st, pending: map[string]time.Time{}}
}

// inFrame is the little the tool reads of a server frame.
type inFrame struct {
	Type    string `json:"type"`
	ReplyTo string `json:"reply_to"`
	Code    string `json:"code"`
	Seq     int64  `json:"seq"`
	LastSeq int64  `json:"last_seq"`
	Token   string `json:"token"`
}

type askFrame struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Text string `json:"text"`
}

var dialer = websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 2048}

// run keeps the connection open until ctx ends, reconnecting to the same conversation after a drop
// and taking one question at a time from tokens.
func (c *conn) run(ctx context.Context, tokens <-chan struct{}) {
	first := true
	for ctx.Err() == nil {
		if !first {
			c.st.reconnects.Add(1)
			// Backoff like the page's, short: a load run wants its connections back.
			if !sleepUntil(ctx, time.Now().Add(time.Duration(200+c.i%300)*time.Millisecond)) {
				return
			}
		}
		first = false
		c.session(ctx, tokens)
	}
}

// session is one WebSocket connection, from dial to drop.
func (c *conn) session(ctx context.Context, tokens <-chan struct{}) {
	q := url.Values{}
	if c.token != "" {
		q.Set("token", c.token)
		q.Set("last_seq", strconv.FormatInt(c.lastSeq, 10))
	}
	u := c.cfg.chatURL()
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	ws, resp, err := dialer.DialContext(ctx, u, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		if ctx.Err() == nil {
			c.st.dialFailures.Add(1)
			c.st.fail("dial")
		}
		return
	}
	defer ws.Close()
	c.st.connected.Add(1)
	defer c.st.connected.Add(-1)

	idle := make(chan struct{}, 1) // the previous question is answered
	idle <- struct{}{}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		c.read(ws, idle)
	}()
	defer func() {
		// Questions in flight when the connection ends are lost to this run; they count as errors.
		c.mu.Lock()
		for id := range c.pending {
			delete(c.pending, id)
			c.st.fail("unanswered")
		}
		c.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
			ws.Close()
			<-readDone
			return
		case <-readDone:
			return
		case <-idle:
		}
		select {
		case <-ctx.Done():
			ws.Close()
			<-readDone
			return
		case <-readDone:
			return
		case <-tokens:
		}
		c.n++
		id := "lt" + strconv.Itoa(c.i) + "-" + strconv.Itoa(c.n) + "-" + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
		text := c.cfg.Questions[(c.i*7+c.n)%len(c.cfg.Questions)]
		b, _ := json.Marshal(askFrame{Type: "ask", ID: id, Text: text})
		c.mu.Lock()
		c.pending[id] = time.Now()
		c.mu.Unlock()
		_ = ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
		if err := ws.WriteMessage(websocket.TextMessage, b); err != nil {
			ws.Close()
			<-readDone
			return
		}
		c.st.sent.Add(1)
	}
}

// read handles server frames until the connection ends: an answer closes a round trip and frees
// the connection for the next question.
func (c *conn) read(ws *websocket.Conn, idle chan<- struct{}) {
	for {
		_, b, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var f inFrame
		if json.Unmarshal(b, &f) != nil {
			c.st.fail("bad_frame_from_server")
			continue
		}
		if f.Seq > c.lastSeq {
			c.lastSeq = f.Seq
		}
		switch f.Type {
		case "hello":
			c.token = f.Token
			if f.LastSeq > c.lastSeq {
				c.lastSeq = f.LastSeq
			}
		case "answer":
			c.mu.Lock()
			t, ok := c.pending[f.ReplyTo]
			delete(c.pending, f.ReplyTo)
			c.mu.Unlock()
			if ok {
				c.st.observe(time.Since(t))
				free(idle)
			}
		case "error":
			c.st.fail(f.Code)
			if f.ReplyTo != "" {
				c.mu.Lock()
				_, ok := c.pending[f.ReplyTo]
				delete(c.pending, f.ReplyTo)
				c.mu.Unlock()
				if ok {
					free(idle)
				}
			}
		}
	}
}

func free(idle chan<- struct{}) {
	select {
	case idle <- struct{}{}:
	default:
	}
}
