package main

import (
	"net/http"
	"strings"
	"testing"
)

// askFrom asks as a client the proxy names in X-Forwarded-For and returns the status.
func askFrom(t *testing.T, base, client string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/api/v1/ask", strings.NewReader(`{"question":"加班费怎么算"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", client)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Behind a trusted reverse proxy each client has its own rate limit; without the setting, the
// header is ignored (a client could forge it) and everyone shares the socket's address.
func TestTrustedProxyNamesTheClient(t *testing.T) {
	limit := func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 1 }
	_, direct := testApp(t, limit)
	if askFrom(t, direct.URL, "203.0.113.1") != 200 {
		t.Fatal("first ask refused")
	}
	if code := askFrom(t, direct.URL, "203.0.113.2"); code != 429 {
		t.Fatalf("a forged X-Forwarded-For escaped the limit: %d", code)
	}
	_, proxied := testApp(t, func(c *Config) { limit(c); c.TrustedProxies = []string{"127.0.0.1/32"} })
	if askFrom(t, proxied.URL, "203.0.113.1") != 200 || askFrom(t, proxied.URL, "203.0.113.2") != 200 {
		t.Fatal("two clients behind the proxy share one limit")
	}
	if code := askFrom(t, proxied.URL, "203.0.113.1"); code != 429 {
		t.Fatalf("one client behind the proxy escaped its limit: %d", code)
	}
	c := DefaultConfig()
	c.TrustedProxies = []string{"10.0.0.1", "10.1.0.0/16"}
	if err := c.Validate(); err != nil {
		t.Fatalf("one proxy's address and a network are both accepted: %v", err)
	}
	c.TrustedProxies = []string{"10.0.0.0/33"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "COURTDESK_TRUSTED_PROXIES") {
		t.Fatalf("a bad network names its setting: %v", err)
	}
}
