package ws

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// judgeConn is a judge console's live connection. It carries signals only: "the queue changed",
// "conversation X has new messages". The console rereads what it shows over HTTP, so a dropped
// signal costs a refresh, never data, and the same hub serves judges on every replica.
type judgeConn struct {
	hub     *Hub
	conn    *websocket.Conn
	judgeID int64
	session string           // the session that opened the socket; the socket ends with it
	scope   escalation.Scope // the tickets this judge may see; nothing else is signalled
	check   func(context.Context) error

	mu      sync.Mutex
	queue   bool
	convs   map[string]int64 // conversation → highest seq announced
	wake    chan struct{}
	done    chan struct{}
	stopped sync.Once
	// closeCode, set by stop before done closes, makes the write pump say goodbye with it (and
	// the `unavailable` frame first for 1012); 0 ends the connection without a word.
	closeCode int
	readDone  chan struct{} // closed when the read pump ends
}

// consoleFrame is what the console receives.
type consoleFrame struct {
	Type           string `json:"type"` // hello, queue, messages, status, unavailable
	ConversationID string `json:"conversation_id,omitempty"`
	Seq            int64  `json:"seq,omitempty"`
	JudgeID        int64  `json:"judge_id,omitempty"`
}

// maxPendingConvs bounds what a slow console can make the hub hold: past it, one "queue" signal
// (reload everything) replaces the per-conversation ones.
const maxPendingConvs = 256

// JudgeSession is the signed-in judge a console socket serves.
type JudgeSession struct {
	UserID    int64
	SessionID string
	Scope     escalation.Scope
	// Check re-validates the session without extending it; an error matching
	// knowledge.ErrUnauthorized ends the socket. It runs before every delivery and every ping.
	Check func(context.Context) error
}

// CloseSessionEnded is the close code of a console socket whose session ended: the console goes
// to the login page instead of reconnecting.
const CloseSessionEnded = websocket.ClosePolicyViolation

// visible reports whether the event concerns a ticket this judge may see. Events without a court
// and judge (bot-only conversations) reach no judge.
func (j *judgeConn) visible(ev conversation.Event) bool {
	if ev.Court == "" && ev.Owner == 0 {
		return false
	}
	return j.scope.Sees(ev.Court, ev.Owner)
}

// endsWith reports whether a session-ended event is about this socket's session.
func (j *judgeConn) endsWith(ev conversation.Event) bool {
	if ev.Session != "" {
		return ev.Session == j.session
	}
	return ev.Owner != 0 && ev.Owner == j.judgeID
}

// end closes the socket because its session is over.
func (j *judgeConn) end() { j.stop(CloseSessionEnded) }

func (j *judgeConn) signal(ev conversation.Event) {
	j.mu.Lock()
	switch ev.Kind {
	case conversation.EventQueue:
		j.queue = true
	case conversation.EventMessages, conversation.EventStatus:
		if len(j.convs) >= maxPendingConvs {
			j.queue = true
		} else if ev.Seq >= j.convs[ev.ConversationID] {
			j.convs[ev.ConversationID] = ev.Seq
		}
	}
	j.mu.Unlock()
	select {
	case j.wake <- struct{}{}:
	default:
	}
}

func (j *judgeConn) stop(code int) {
	j.stopped.Do(func() {
		j.closeCode = code
		close(j.done)
	})
}

// ServeJudge upgrades an authenticated judge's request. The caller has checked the session and
// the origin.
func (h *Hub) ServeJudge(w http.ResponseWriter, r *http.Request, s JudgeSession) {
	conn, err := h.up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered the request
	}
	check := s.Check
	if check == nil {
		check = func(context.Context) error { return nil }
	}
	j := &judgeConn{hub: h, conn: conn, judgeID: s.UserID, session: s.SessionID, scope: s.Scope, check: check,
		convs: map[string]int64{}, wake: make(chan struct{}, 1), done: make(chan struct{}), readDone: make(chan struct{})}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		_ = conn.SetWriteDeadline(time.Now().Add(h.cfg.WriteWait))
		_ = conn.WriteMessage(websocket.TextMessage, encode(consoleFrame{Type: "unavailable"}))
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseServiceRestart, "service restart"),
			time.Now().Add(h.cfg.WriteWait))
		linger(conn)
		conn.Close()
		return
	}
	h.judges[j] = struct{}{}
	h.serving.Add(1)
	h.mu.Unlock()
	h.metrics.connections.Inc()
	defer func() {
		h.mu.Lock()
		delete(h.judges, j)
		h.mu.Unlock()
		h.metrics.connections.Dec()
		conn.Close()
		h.serving.Done()
	}()
	go j.readPump()
	j.writePump()
}

// readPump only keeps the connection alive: consoles send nothing but pongs.
func (j *judgeConn) readPump() {
	defer close(j.readDone)
	defer j.stop(0)
	j.conn.SetReadLimit(1024)
	_ = j.conn.SetReadDeadline(time.Now().Add(j.hub.cfg.PongWait))
	j.conn.SetPongHandler(func(string) error {
		return j.conn.SetReadDeadline(time.Now().Add(j.hub.cfg.PongWait))
	})
	for {
		if _, _, err := j.conn.ReadMessage(); err != nil {
			return
		}
	}
}

// alive re-validates the session; a session that ended (logged out elsewhere, expired, account
// deactivated) ends the socket. A store that cannot answer keeps it: that is not the judge's doing.
func (j *judgeConn) alive() bool {
	ctx, cancel := context.WithTimeout(context.Background(), j.hub.cfg.WriteWait)
	defer cancel()
	if err := j.check(ctx); errors.Is(err, knowledge.ErrUnauthorized) {
		j.end()
		return false
	}
	return true
}

func (j *judgeConn) writePump() {
	ping := time.NewTicker(j.hub.cfg.PongWait * 9 / 10)
	defer ping.Stop()
	write := func(f consoleFrame) bool {
		b, _ := json.Marshal(f)
		_ = j.conn.SetWriteDeadline(time.Now().Add(j.hub.cfg.WriteWait))
		return j.conn.WriteMessage(websocket.TextMessage, b) == nil
	}
	goodbye := func() {
		if j.closeCode == websocket.CloseServiceRestart {
			write(consoleFrame{Type: "unavailable"})
		}
		if j.closeCode != 0 {
			reason := "service restart"
			if j.closeCode == CloseSessionEnded {
				reason = "session ended"
			}
			_ = j.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(j.closeCode, reason),
				time.Now().Add(j.hub.cfg.WriteWait))
			// The read pump sees the console's answering close frame, or gives up after the grace.
			_ = j.conn.SetReadDeadline(time.Now().Add(closeGrace))
			<-j.readDone
		}
	}
	if !write(consoleFrame{Type: "hello", JudgeID: j.judgeID}) {
		return
	}
	for {
		select {
		case <-j.done:
			goodbye()
			return
		case <-ping.C:
			if !j.alive() {
				goodbye()
				return
			}
			if j.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(j.hub.cfg.WriteWait)) != nil {
				return
			}
		case <-j.wake:
			if !j.alive() {
				goodbye()
				return
			}
			j.mu.Lock()
			queue, convs := j.queue, j.convs
			j.queue, j.convs = false, map[string]int64{}
			j.mu.Unlock()
			if queue && !write(consoleFrame{Type: "queue"}) {
				return
			}
			for id, seq := range convs {
				if !write(consoleFrame{Type: "messages", ConversationID: id, Seq: seq}) {
					return
				}
			}
		}
	}
}
