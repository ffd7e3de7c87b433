package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A chat answer counts in /metrics like an HTTP answer, labelled by its channel and intent, and
// its message write (question and answer in one transaction) is timed.
func TestMetricsCountChatAnswersLikeHTTP(t *testing.T) {
	_, srv := testApp(t, nil)
	c := dialChat(t, srv, "")
	c.hello()
	_, ans := c.ask("m-1", "加班费怎么算")
	intent := ans.str("intent")
	if intent == "" {
		t.Fatalf("answer without intent: %v", ans)
	}
	post(t, srv.URL+"/api/v1/ask", "application/json", `{"question":"加班费怎么算"}`)
	// The hub counts the answer once the store has it, which may be just after the client reads it.
	wsCount := `courtdesk_asks_total{channel="ws",intent="` + intent + `"} 1`
	var b string
	for deadline := time.Now().Add(5 * time.Second); ; {
		s, body := get(t, srv.URL+"/metrics")
		if s != http.StatusOK {
			t.Fatalf("metrics from loopback: %d", s)
		}
		if b = body; strings.Contains(b, wsCount) || time.Now().After(deadline) {
			break
		}
		runtime.Gosched()
	}
	for _, want := range []string{
		wsCount,
		`courtdesk_asks_total{channel="http",intent="answer"} 1`,
		`courtdesk_ask_duration_seconds_count{channel="ws",intent="` + intent + `"} 1`,
		`courtdesk_ask_duration_seconds_count{channel="http",intent="answer"} 1`,
		"courtdesk_message_write_duration_seconds_count 1",
		"courtdesk_ws_send_queue_frames ",
		"courtdesk_ws_send_queue_max_frames ",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// /metrics answers loopback, the configured allow list and the bearer token; any other address
// gets 403. The remote address is the socket's (no proxy header is trusted), set on the request.
func TestMetricsRefusedToOtherAddresses(t *testing.T) {
	const token = "scrape-token-0123456789"
	a, _ := testApp(t, func(c *Config) {
		c.MetricsToken = token
		c.MetricsAllow = []string{"198.51.100.0/24", "2001:db8::7"}
	})
	cases := []struct {
		remote, auth string
		want         int
	}{
		{"127.0.0.1:40000", "", http.StatusOK},
		{"[::1]:40000", "", http.StatusOK},
		{"198.51.100.7:40000", "", http.StatusOK},
		{"[2001:db8::7]:40000", "", http.StatusOK},
		{"[2001:db8::8]:40000", "", http.StatusForbidden},
		{"203.0.113.9:40000", "", http.StatusForbidden},
		{"203.0.113.9:40000", "Bearer wrong-token-0123456789", http.StatusForbidden},
		{"203.0.113.9:40000", token, http.StatusForbidden}, // not a bearer header
		{"203.0.113.9:40000", "Bearer " + token, http.StatusOK},
	}
	for _, tc := range cases {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = tc.remote
		req.Header.Set("X-Forwarded-For", "127.0.0.1") // never trusted
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		rec := httptest.NewRecorder()
		a.http.ServeHTTP(rec, req)
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != tc.want {
			t.Errorf("%s %q: %d, want %d", tc.remote, tc.auth, rec.Code, tc.want)
		}
		if rec.Code == http.StatusForbidden && strings.Contains(string(body), "go_goroutines") {
			t.Errorf("%s: a refusal carried the metrics", tc.remote)
		}
	}
}

// Without a token or allow list, a remote address is refused too.
func TestMetricsDefaultIsLoopbackOnly(t *testing.T) {
	a, _ := testApp(t, nil)
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = "203.0.113.9:40000"
	req.Header.Set("Authorization", "Bearer ")
	rec := httptest.NewRecorder()
	a.http.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Fatalf("remote /metrics without configuration: %d, want 403", rec.Code)
	}
}

// pprof is never on the service's own address, and its listener must be loopback.
func TestPprofOnlyOnItsLoopbackListener(t *testing.T) {
	_, srv := testApp(t, nil)
	if s, _ := get(t, srv.URL+"/debug/pprof/"); s != http.StatusNotFound {
		t.Errorf("/debug/pprof/ on the service address: %d, want 404", s)
	}
	for addr, ok := range map[string]bool{"": true, "127.0.0.1:6060": true, "[::1]:6060": true, "localhost:6060": true,
		"0.0.0.0:6060": false, ":6060": false, "192.0.2.1:6060": false, "6060": false} {
		cfg := DefaultConfig()
		cfg.PprofAddr = addr
		if err := cfg.Validate(); (err == nil) != ok {
			t.Errorf("pprof addr %q: Validate() = %v", addr, err)
		}
	}
	p := httptest.NewServer(pprofHandler())
	defer p.Close()
	s, b := get(t, p.URL+"/debug/pprof/")
	if s != http.StatusOK || !regexp.MustCompile(`goroutine`).MatchString(b) {
		t.Errorf("pprof listener index: %d", s)
	}
}

// A bad allow list or a short token is a configuration error at start.
func TestMetricsConfigValidated(t *testing.T) {
	for _, env := range []map[string]string{
		{"COURTDESK_METRICS_ALLOW": "10.0.0.0/33"},
		{"COURTDESK_METRICS_ALLOW": "not-an-ip"},
		{"COURTDESK_METRICS_TOKEN": "short"},
		{"COURTDESK_PPROF_ADDR": "0.0.0.0:6060"},
	} {
		if code, _, errOut := runCLI(t, env, "reindex"); code == 0 || !strings.Contains(errOut, "configuration") {
			t.Errorf("%v: exit %d %q", env, code, errOut)
		}
	}
}
