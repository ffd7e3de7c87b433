package sender

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/notice"
)

// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
const SignatureHeader = "X-CourtDesk-Signature"

// SMSRequest is the JSON body POSTed to the court's SMS gateway.
type SMSRequest struct {
	To   string `json:"to"`   // mainland mobile number, 11 digits
	Text string `json:"text"` // the whole message, 【court】 first
	Kind string `json:"kind"` // "code" or "notice"
	// ID is unique per message and stable across retries of one notice: the gateway may drop
	// a repeat it has already delivered.
	ID string `json:"id"`
}

// SMSGateway posts each SMS to an HTTP gateway. A 2xx answer means the gateway took it; anything
// else is an error and the outbox retries later.
type SMSGateway struct {
	URL    string
	Secret []byte
	Client *http.Client
	Now    func() time.Time
}

// Sign returns the signature header value for body at t.
func Sign(secret, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header for body, allowing skew either side of now: what a gateway
// does with each request (and what the tests do).
func Verify(secret, body []byte, header string, now time.Time, skew time.Duration) bool {
	var ts, sig string
	for _, p := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > skew || d < -skew {
		return false
	}
	want := Sign(secret, body, time.Unix(sec, 0))
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}

// Send implements notice.Provider.
func (g SMSGateway) Send(ctx context.Context, m notice.Message) error {
	kind := "notice"
	if m.Code != "" {
		kind = "code"
	}
	body, err := json.Marshal(SMSRequest{To: m.To, Text: m.Text, Kind: kind, ID: m.Ref})
	if err != nil {
		return err
	}
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(SignatureHeader, Sign(g.Secret, body, now()))
	c := g.Client
	if c == nil {
		c = &http.Client{Timeout: 20 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sms gateway: HTTP %d", resp.StatusCode)
	}
	return nil
}
