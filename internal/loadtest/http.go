package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Modes of a run: the chat WebSocket, or POST /api/v1/ask over keep-alive HTTP connections.
const (
	ModeWS   = "ws"
	ModeHTTP = "http"
)

// httpAsker is what every HTTP worker shares: one client whose pool holds at most one keep-alive
// connection per worker, and the request bodies, encoded once so that the tool's own JSON work does
// not compete with the server for the shared CPU.
type httpAsker struct {
	url    string
	client *http.Client
	bodies [][]byte
}

func newHTTPAsker(cfg *Config) *httpAsker {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        cfg.Conns,
		MaxIdleConnsPerHost: cfg.Conns,
		MaxConnsPerHost:     cfg.Conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	a := &httpAsker{url: strings.TrimRight(cfg.URL, "/") + "/api/v1/ask",
		client: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
	for _, q := range cfg.Questions {
		b, _ := json.Marshal(map[string]string{"question": q})
		a.bodies = append(a.bodies, b)
	}
	return a
}

func (a *httpAsker) close() { a.client.CloseIdleConnections() }

// worker is one simulated client: one request at a time on its keep-alive connection, each taken
// from tokens, until ctx ends.
func (a *httpAsker) worker(ctx context.Context, i int, tokens <-chan struct{}, st *counters) {
	st.connected.Add(1)
	defer st.connected.Add(-1)
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-tokens:
		}
		body := a.bodies[(i*7+n)%len(a.bodies)]
		st.sent.Add(1)
		t0 := time.Now()
		code := a.do(ctx, body)
		switch {
		case code == "":
			st.observe(time.Since(t0))
		case ctx.Err() != nil:
			st.fail("unanswered")
		default:
			st.fail(code)
		}
	}
}

// do sends one question and reads the whole answer, so that the connection can be reused; it
// returns "" for a 200 with a JSON body and an error code otherwise.
func (a *httpAsker) do(ctx context.Context, body []byte) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(body))
	if err != nil {
		return "request"
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return "transport"
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "read"
	}
	if resp.StatusCode != http.StatusOK {
		return "http_" + strconv.Itoa(resp.StatusCode)
	}
	if len(b) == 0 || b[0] != '{' {
		return "bad_body"
	}
	return ""
}
