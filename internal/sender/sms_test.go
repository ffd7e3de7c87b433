package sender_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/internal/sender"
	"github.com/courtdesk/courtdesk/knowledge/notice"
)

var gatewaySecret = []byte("gateway-secret-0123456789abcdef0123")

// gateway is a real HTTP server standing in for a court's SMS platform: it verifies the signature
// as the README tells a gateway to, and keeps what it accepted. fail, while > 0, answers 503.
type gateway struct {
	mu   sync.Mutex
	got  []sender.SMSRequest
	fail int
	bad  int // requests refused for their signature
	srv  *httptest.Server
	ch   chan struct{}
}

func startGateway(t *testing.T) *gateway {
	g := &gateway{ch: make(chan struct{}, 100)}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		defer g.mu.Unlock()
		if r.Method != http.MethodPost || !sender.Verify(gatewaySecret, body, r.Header.Get(sender.SignatureHeader), time.Now(), 5*time.Minute) {
			g.bad++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if g.fail > 0 {
			g.fail--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		var req sender.SMSRequest
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		g.got = append(g.got, req)
		g.ch <- struct{}{}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gateway) provider(secret []byte) sender.SMSGateway {
	return sender.SMSGateway{URL: g.srv.URL, Secret: secret, Client: g.srv.Client()}
}

func (g *gateway) sent() []sender.SMSRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]sender.SMSRequest(nil), g.got...)
}

func TestSMSGatewaySigned(t *testing.T) {
	g := startGateway(t)
	ctx := context.Background()
	m := notice.Message{Channel: notice.ChannelSMS, To: "13900000001", Text: "【沈阳市中级人民法院】您的验证码为 123456", Code: "123456", Ref: "code-1"}
	if err := g.provider(gatewaySecret).Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	got := g.sent()
	if len(got) != 1 || got[0].To != "13900000001" || got[0].Text != m.Text || got[0].Kind != "code" || got[0].ID != "code-1" {
		t.Fatalf("gateway got %+v", got)
	}
	// Signed with another secret: the gateway refuses it and the provider reports the failure.
	if err := g.provider([]byte("another-secret-0123456789abcdef0123")).Send(ctx, m); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong secret: %v", err)
	}
	if g.bad != 1 || len(g.sent()) != 1 {
		t.Fatalf("bad %d, sent %d", g.bad, len(g.sent()))
	}
	// A signature is bound to its body and its time.
	body := []byte(`{"to":"13900000001"}`)
	h := sender.Sign(gatewaySecret, body, time.Now())
	if !sender.Verify(gatewaySecret, body, h, time.Now(), time.Minute) ||
		sender.Verify(gatewaySecret, []byte(`{"to":"13900000002"}`), h, time.Now(), time.Minute) ||
		sender.Verify(gatewaySecret, body, h, time.Now().Add(10*time.Minute), 5*time.Minute) {
		t.Fatal("signature not bound to body and time")
	}
}
