package ws

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

func TestOriginAllowed(t *testing.T) {
	bus := NewLocalBus()
	h := New(Config{Origins: []string{"https://CourtDesk.example.cn/", "http://10.0.0.5:8080"}},
		slog.New(slog.NewTextHandler(io.Discard, nil)), nil, nil, bus, nil)
	defer h.Close()
	for origin, want := range map[string]bool{
		"":                             true, // not a browser
		"http://service.local:8080":    true, // the request's own host
		"https://courtdesk.example.cn": true,
		"http://10.0.0.5:8080":         true,
		"https://evil.example":         false,
		"http://service.local:9090":    false, // another port is another origin
		"null":                         false,
		"https://courtdesk.example.cn.evil.example": false,
	} {
		r := httptest.NewRequest("GET", "http://service.local:8080/ws/chat", nil)
		if origin != "" {
			r.Header.Set("Origin", origin)
		}
		if got := h.OriginAllowed(r); got != want {
			t.Errorf("origin %q: allowed=%v, want %v", origin, got, want)
		}
	}
}

func TestLocalBusDeliversToEverySubscriberUntilCancelled(t *testing.T) {
	bus := NewLocalBus()
	var a, b []conversation.Event
	cancelA := bus.Subscribe(func(ev conversation.Event) { a = append(a, ev) })
	defer bus.Subscribe(func(ev conversation.Event) { b = append(b, ev) })()
	ev := conversation.Event{Kind: conversation.EventMessages, ConversationID: "c", Seq: 3}
	if err := bus.Publish(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	cancelA()
	_ = bus.Publish(context.Background(), conversation.Event{Kind: conversation.EventQueue, Court: "210100"})
	if len(a) != 1 || !reflect.DeepEqual(a[0], ev) || len(b) != 2 {
		t.Fatalf("subscriber a got %v, b got %v", a, b)
	}
}

func TestSlowClientIsDroppedNotWaitedFor(t *testing.T) {
	h := New(Config{SendBuffer: 2}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil, nil, NewLocalBus(), nil)
	defer h.Close()
	result := make(chan *client, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := h.up.Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		// No write pump runs (a new client's writer is its handshake), as when the pump is stuck
		// on a client that stopped reading: the third frame finds the queue full, and enqueue
		// drops the client instead of waiting.
		c := h.newClient(conn, "127.0.0.1")
		for range 3 {
			c.sendError("", "rate_limited", "x", nil)
		}
		result <- c
	}))
	defer srv.Close()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := <-result
	c.mu.Lock()
	queued := len(c.queue)
	c.mu.Unlock()
	if !c.dropped.Load() || queued != 2 {
		t.Fatalf("dropped=%v queued=%d", c.dropped.Load(), queued)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, _, err := conn.ReadMessage(); err == nil {
		t.Fatal("the dropped client's connection is still open")
	}
}
