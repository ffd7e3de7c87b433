package ws

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// storeFirst is a conversation service whose Ask commits the question and its answer and then,
// before it acknowledges, lets another tab's event wake the asking connection's write pump and
// waits until the pump is past the stored messages (it reads the status after them).
type storeFirst struct {
	hub *Hub
	// carry picks the messages the event carries: none (receivers read the store), both, or only
	// the answer (a gap before it, which the store fills).
	carry func(q, a conversation.Message) []conversation.Message

	mu      sync.Mutex
	msgs    []conversation.Message
	asked   bool
	pumpRan chan struct{}
}

func (s *storeFirst) Open(context.Context, string) (conversation.Opened, error) {
	return conversation.Opened{Conversation: conversation.Conversation{ID: "c1", Mode: conversation.ModeBot}, Token: "t"}, nil
}

func (s *storeFirst) Ask(ctx context.Context, conv, id, text string, ack func(conversation.Posted)) (conversation.Message, error) {
	q := conversation.Message{ConversationID: conv, Seq: 1, Kind: conversation.KindEnterprise, ClientID: id, Text: text, Mode: conversation.ModeBot}
	a := conversation.Message{ConversationID: conv, Seq: 2, Kind: conversation.KindBot, ReplyTo: id, Text: "答复",
		Answer: &answer.Result{Intent: answer.IntentAnswer, Answer: "答复", Sources: []answer.Source{}}}
	s.mu.Lock()
	s.msgs, s.asked = append(s.msgs, q, a), true
	s.mu.Unlock()
	// Another tab's question and a status change arrive between the commit and the ack.
	s.hub.Notify(ctx, conversation.Event{Kind: conversation.EventMessages, ConversationID: conv, Seq: 2, Messages: s.carry(q, a)})
	s.hub.Notify(ctx, conversation.Event{Kind: conversation.EventStatus, ConversationID: conv})
	<-s.pumpRan
	ack(conversation.Posted{Message: q})
	return a, nil
}

func (s *storeFirst) Choose(context.Context, string, string, string, string) (conversation.Posted, answer.Result, error) {
	return conversation.Posted{}, answer.Result{}, nil
}

func (s *storeFirst) AnswerChoice(context.Context, conversation.Message, answer.Result) (conversation.Message, error) {
	return conversation.Message{}, nil
}

func (s *storeFirst) Feedback(context.Context, string, int64, bool) error { return nil }

func (s *storeFirst) Since(_ context.Context, _ string, after int64, _ int) ([]conversation.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []conversation.Message
	for _, m := range s.msgs {
		if m.Seq > after {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *storeFirst) Status(context.Context, string) (conversation.Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.asked {
		select {
		case s.pumpRan <- struct{}{}:
		default:
		}
	}
	return conversation.Status{Mode: conversation.ModeBot, LastSeq: int64(len(s.msgs))}, nil
}

// The answer, stored in the question's transaction, reaches the asking connection only after the
// question's ack, even when the connection is woken to deliver messages before the ack is queued;
// and each message once, in seq order, whether the event carries the messages or not.
func TestAckPrecedesAnswerStoredWithTheQuestion(t *testing.T) {
	cases := map[string]func(q, a conversation.Message) []conversation.Message{
		"event without messages": func(q, a conversation.Message) []conversation.Message { return nil },
		"event with both":        func(q, a conversation.Message) []conversation.Message { return []conversation.Message{q, a} },
		"event with a gap":       func(q, a conversation.Message) []conversation.Message { return []conversation.Message{a} },
	}
	for name, carry := range cases {
		t.Run(name, func(t *testing.T) { ackPrecedesAnswer(t, carry) })
	}
}

func ackPrecedesAnswer(t *testing.T, carry func(q, a conversation.Message) []conversation.Message) {
	conv := &storeFirst{pumpRan: make(chan struct{}, 1), carry: carry}
	h := New(Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), conv, nil, NewLocalBus(), nil)
	defer h.Close()
	conv.hub = h
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.Serve(w, r, "127.0.0.1") }))
	defer srv.Close()
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	read := func() map[string]any {
		t.Helper()
		_, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		var f map[string]any
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := read(); f["type"] != "hello" {
		t.Fatalf("first frame %v", f)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"ask","id":"q1","text":"加班费怎么算"}`)); err != nil {
		t.Fatal(err)
	}
	var order []string
	var seqs []float64
	for len(order) == 0 || order[len(order)-1] != "answer" {
		f := read()
		order = append(order, f["type"].(string))
		if seq, ok := f["seq"].(float64); ok && f["type"] != "ack" {
			seqs = append(seqs, seq)
		}
	}
	if fmt.Sprint(seqs) != "[1 2]" {
		t.Fatalf("frames %v carried seqs %v: want the question and the answer once each", order, seqs)
	}
	ack := -1
	for i, typ := range order {
		if typ == "ack" {
			ack = i
		}
	}
	if ack < 0 || ack > len(order)-2 {
		t.Fatalf("frames %v: the ack must come before the answer", order)
	}
}
