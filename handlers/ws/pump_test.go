package ws

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

func serveHub(t *testing.T, cfg Config) (*Hub, string) {
	t.Helper()
	conv := &storeFirst{pumpRan: make(chan struct{}, 1)}
	h := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), conv, nil, NewLocalBus(), nil)
	conv.hub = h
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.Serve(w, r, "127.0.0.1") }))
	t.Cleanup(func() {
		h.Close()
		srv.Close()
	})
	return h, "ws" + strings.TrimPrefix(srv.URL, "http")
}

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func readType(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Type string }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Type
}

// A client that says nothing but answers pings stays connected well past PongWait; one that
// ignores the pings is closed once PongWait has passed.
func TestHubPingsKeepListeningClientsAndDropSilentOnes(t *testing.T) {
	// Pongs have PongWait/10 to arrive, so a slow test machine (CI runs this under the race
	// detector beside other packages) needs a generous PongWait.
	const pongWait = 3 * time.Second
	_, url := serveHub(t, Config{PongWait: pongWait})
	alive, silent := dial(t, url), dial(t, url)
	var pings atomic.Int32
	alive.SetPingHandler(func(data string) error {
		pings.Add(1)
		return alive.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	silent.SetPingHandler(func(string) error { return nil })
	if readType(t, alive) != "hello" || readType(t, silent) != "hello" {
		t.Fatal("no hello")
	}

	// Pings are answered while the client reads, so both read at once.
	aliveErr := make(chan error, 1)
	go func() {
		_ = alive.SetReadDeadline(time.Now().Add(3 * pongWait))
		_, _, err := alive.ReadMessage()
		aliveErr <- err
	}()
	_ = silent.SetReadDeadline(time.Now().Add(10 * pongWait))
	_, _, err := silent.ReadMessage()
	var ne net.Error
	if err == nil || errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("a client that never answers pings is still connected after %v: %v", 10*pongWait, err)
	}
	if err := <-aliveErr; !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("a client answering pings was closed: %v", err)
	}
	if n := pings.Load(); n < 2 {
		t.Fatalf("%d pings in %v, want one every %v", n, 3*pongWait, pongWait*9/10)
	}
}

// An idle connection has no write pump; the next frame to send starts one, and it stops again.
func TestWritePumpStopsWhenIdleAndRestartsForTheNextFrame(t *testing.T) {
	h, url := serveHub(t, Config{})
	ws := dial(t, url)
	if typ := readType(t, ws); typ != "hello" {
		t.Fatalf("first frame %q", typ)
	}
	var c *client
	h.mu.Lock()
	for c = range h.byConv["c1"] {
	}
	h.mu.Unlock()
	waitIdle := func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			c.mu.Lock()
			writing := c.writing
			c.mu.Unlock()
			if !writing {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the write pump still runs with nothing to write")
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitIdle()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"resume","last_seq":0}`)); err != nil {
		t.Fatal(err)
	}
	if typ := readType(t, ws); typ != "hello" {
		t.Fatalf("resume answered with %q", typ)
	}
	waitIdle()
	h.Notify(context.Background(), conversation.Event{Kind: conversation.EventStatus, ConversationID: "c1"})
	if typ := readType(t, ws); typ != "escalation_status" {
		t.Fatalf("status event delivered as %q", typ)
	}
	waitIdle()
}
