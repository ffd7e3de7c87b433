package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"
)

// runningServer is `courtdesk serve` on a free loopback port, as an operator runs it; stop sends
// what SIGTERM does (the context ends) and returns the exit code.
type runningServer struct {
	base string
	stop func() int
}

func startServe(t *testing.T, dataDir, addr string) runningServer {
	t.Helper()
	if addr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr = ln.Addr().String()
		ln.Close()
	}
	environ := map[string]string{"COURTDESK_DATA": dataDir, "COURTDESK_ADDR": addr, "COURTDESK_ADMIN_PASSWORD": "correct-horse-battery",
		"COURTDESK_RATE_LIMIT": "0", "COURTDESK_PASSWORD_COST": "4", "COURTDESK_CALIBRATE": "false", "COURTDESK_LOG_LEVEL": "error"}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- runWith(ctx, &env{stdout: pw, stderr: io.Discard, getenv: func(k string) string { return environ[k] }}, []string{"serve"})
		pw.Close()
	}()
	// The banner is printed once the service listens and is built.
	sc := bufio.NewScanner(pr)
	started := false
	for sc.Scan() {
		if strings.Contains(sc.Text(), "CourtDesk 已启动") {
			started = true
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if !started {
		cancel()
		t.Fatalf("serve ended before starting: exit %d", <-done)
	}
	stopped := false
	stop := func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { stop() })
	return runningServer{base: "http://" + addr, stop: stop}
}

// On shutdown every chat and judge socket is told the service is restarting (the documented
// `unavailable` frame) and closed with 1012, so pages reconnect by themselves.
func TestShutdownTellsSocketsServiceRestart(t *testing.T) {
	s := startServe(t, t.TempDir(), "")
	srv := &httptest.Server{URL: s.base}
	chat := dialChat(t, srv, "")
	chat.hello()
	admin := newAPIClient(t, s.base)
	if code := admin.login("admin", "correct-horse-battery"); code != 200 {
		t.Fatalf("login: %d", code)
	}
	judge := dialJudge(t, srv, admin)

	if code := s.stop(); code != 0 {
		t.Fatalf("serve exit code %d", code)
	}
	if f := chat.next(); f.typ() != "error" || f.str("code") != "unavailable" || f.str("message") == "" {
		t.Fatalf("chat frame at shutdown: %v", f)
	}
	if code := chat.closeCode(); code != websocket.CloseServiceRestart {
		t.Fatalf("chat close code %d, want 1012", code)
	}
	if f := judge.next(); f.typ() != "unavailable" {
		t.Fatalf("judge frame at shutdown: %v", f)
	}
	_ = judge.conn.SetReadDeadline(time.Now().Add(frameWait))
	_, _, err := judge.conn.ReadMessage()
	if ce, ok := err.(*websocket.CloseError); !ok || ce.Code != websocket.CloseServiceRestart {
		t.Fatalf("judge socket ended with %v, want close 1012", err)
	}
}

// The chat page rides out a restart: told the service is restarting, it says so, and it is back
// online by itself once the service is, in the same conversation.
func TestChatPageReconnectsAfterRestart(t *testing.T) {
	ctx := chromium(t)
	step := stepper(t, ctx)
	data := t.TempDir()
	first := startServe(t, data, "")
	addr := strings.TrimPrefix(first.base, "http://")
	var before, after string
	step("open the chat", chromedp.Navigate(first.base+"/"), chromedp.WaitVisible(`body.online`),
		jsString(conversationOf, &before))
	if code := first.stop(); code != 0 {
		t.Fatalf("serve exit code %d", code)
	}
	step("told the service restarts", waitJS(`!document.body.classList.contains('online') &&
		document.querySelector('#conn').textContent.includes('服务正在重启')`))
	startServe(t, data, addr)
	step("back online", chromedp.WaitVisible(`body.online`),
		jsString(conversationOf, &after))
	if before == "" || before != after {
		t.Fatalf("conversation before %q and after the restart %q", before, after)
	}
}

// conversationOf reads the conversation id from the page's visitor token (v1.<id>.<expiry>.<mac>);
// the token itself is renewed on every hello.
const conversationOf = `(localStorage.getItem('courtdesk.token') || '').split('.')[1] || ''`

func jsString(script string, dst *string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := chromedp.Evaluate[string](script)(ctx, t)
		*dst = v
		return chromedp.Void{}, err
	}
}
