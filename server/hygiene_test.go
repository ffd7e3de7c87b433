package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// An oversized body sent chunked (no Content-Length to refuse up front) is still "too large".
func TestOversizedChunkedBodyIs413(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	body := io.MultiReader(strings.NewReader(`{"question":"`), strings.NewReader(strings.Repeat("问", 40<<10)), strings.NewReader(`"}`))
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/ask", body)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.ContentLength != 0 || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked oversized body: %d (content length %d)", resp.StatusCode, req.ContentLength)
	}
}

// A JSON value that is not an object gets a message that says so, not one about a nameless field.
func TestNonObjectBodyMessage(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	for _, body := range []string{`[{"question":"加班费"}]`, `"加班费"`, `42`} {
		r := post(t, srv.URL+"/api/v1/ask", "application/json", body)
		msg, _ := r.body["error"].(map[string]any)["message"].(string)
		if r.status != 400 || msg != "请求体须为 JSON 对象" {
			t.Errorf("%s: %d %q", body, r.status, msg)
		}
	}
}

// Bidirectional controls, terminal escapes and zero-width characters never reach the store, from
// the admin console or from the chat.
func TestInvisibleCharactersAreStripped(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	code, out := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": "judge.he", "display_name": "何\u202e官法\u200b\x1b[2J",
		"role": "judge", "court": "沈阳市中级人民法院", "password": "judge-he-pw-1"})
	if code != 201 || out["display_name"] != "何官法[2J" {
		t.Fatalf("display name: %d %q", code, out["display_name"])
	}

	c := dialChat(t, srv, "")
	hello := c.hello()
	c.ask("q1", "公司\u2066拖欠\u2069工资\u200d怎么办\a")
	again := dialChat(t, srv, "token="+url.QueryEscape(hello.str("token")))
	msgs := messagesOf(again.hello())
	if len(msgs) == 0 || msgs[0].str("text") != "公司拖欠工资怎么办" {
		t.Fatalf("stored question: %v", msgs)
	}
}

// Responses that may carry personal data are never kept by a browser or proxy cache.
func TestPersonalDataIsNotCached(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.qian", "沈阳市中级人民法院")
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	for _, p := range []string{"/api/v1/admin/users", "/api/v1/judge/tickets", "/api/v1/auth/me", "/api/v1/admin/audit", "/api/v1/judge/visits"} {
		req, _ := http.NewRequest("GET", srv.URL+p, nil)
		resp, err := admin.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d, Cache-Control %q", p, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
	resp, err := http.Get(srv.URL + "/api/v1/judge/tickets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("anonymous: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

// Browsers are told to use https only when the service says it is reached over https.
func TestHSTSFollowsPublicURL(t *testing.T) {
	t.Parallel()
	_, plain := testApp(t, nil)
	_, secure := testApp(t, func(c *Config) { c.PublicURL = "https://courtdesk.example.cn" })
	for _, tc := range []struct {
		base, want string
	}{{plain.URL, ""}, {secure.URL, "max-age=31536000"}} {
		resp, err := http.Get(tc.base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security"); got != tc.want {
			t.Errorf("%s: Strict-Transport-Security %q, want %q", tc.base, got, tc.want)
		}
	}
}
