package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// noRedirect is an HTTP client that reports redirects instead of following them.
func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// A console opened without a session redirects to the login page, naming the console as next;
// with a session it is served.
func TestConsolePagesRedirectToLogin(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	for _, page := range []string{"/judge", "/admin"} {
		resp, err := noRedirect().Get(srv.URL + page)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next="+url.QueryEscape(page) {
			t.Fatalf("%s: %d → %q", page, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	admin := newAPIClient(t, srv.URL)
	if admin.login("admin", "correct-horse-battery") != 200 {
		t.Fatal("admin login")
	}
	admin.c.CheckRedirect = noRedirect().CheckRedirect
	for _, page := range []string{"/judge", "/admin"} {
		resp, err := admin.c.Get(srv.URL + page)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "<title>") {
			t.Fatalf("%s signed in: %d", page, resp.StatusCode)
		}
	}
}

// An unknown address shows a browser a Chinese page with a way home, and an API client JSON.
func TestNotFoundPageForBrowsersJSONForAPIs(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	get := func(path, accept string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	browser := "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, path := range []string{"/no-such-page", "/kb/no-such-article"} {
		resp, body := get(path, browser)
		if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, "页面不存在") || !strings.Contains(body, `href="/"`) {
			t.Fatalf("browser %s: %d %q %.200s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	for _, c := range []struct{ path, accept string }{{"/no-such-page", "application/json"}, {"/no-such-page", ""}, {"/api/v1/nope", browser}} {
		resp, body := get(c.path, c.accept)
		if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			!strings.Contains(body, `"not_found"`) {
			t.Fatalf("API %s (Accept %q): %d %q %s", c.path, c.accept, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}

// Every page links the favicon, which is served as SVG.
func TestFaviconLinkedAndServedAsSVG(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	for _, page := range []string{"/", "/login", "/kb/labor-overtime-pay"} {
		resp, err := http.Get(srv.URL + page)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
			t.Fatalf("%s: %d, no favicon link", page, resp.StatusCode)
		}
	}
	for _, path := range []string{"/static/favicon.svg", "/favicon.ico"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(b), "<svg") {
			t.Fatalf("%s: %d %q", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

// Validation errors name their fields in Chinese, in the message and beside each field's code.
func TestValidationMessagesNameFieldsInChinese(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	if admin.login("admin", "correct-horse-battery") != 200 {
		t.Fatal("admin login")
	}
	code, out := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": "judge.wang", "display_name": "王法官",
		"role": "judge", "court": "沈阳市中级人民法院", "capacity": 3, "password": "short"})
	e, _ := out["error"].(map[string]any)
	fields, _ := e["fields"].([]any)
	if code != 400 || len(fields) != 1 {
		t.Fatalf("%d %v", code, out)
	}
	f := fields[0].(map[string]any)
	if msg, _ := e["message"].(string); f["field"] != "password" || f["label"] != "密码" || !strings.HasPrefix(msg, "密码：") {
		t.Fatalf("error %v", e)
	}
	// A statute file that does not parse is explained in Chinese, by file and line.
	code, out = admin.do("POST", "/api/v1/admin/statutes/import", map[string]any{"files": []map[string]string{
		{"name": "测试条例(2020-01-01).md", "content": "第一条 没有标题。\n"}}})
	e, _ = out["error"].(map[string]any)
	fields, _ = e["fields"].([]any)
	if code != 400 || len(fields) != 1 {
		t.Fatalf("statutes: %d %v", code, out)
	}
	f = fields[0].(map[string]any)
	if msg, _ := f["message"].(string); f["label"] != "第 1 行" || f["item"] != "测试条例(2020-01-01).md" ||
		strings.ContainsAny(msg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		t.Fatalf("statute error %v", f)
	}
	code, out = admin.do("PUT", "/api/v1/admin/synonyms", map[string]any{"text": "欠薪"})
	e, _ = out["error"].(map[string]any)
	if msg, _ := e["message"].(string); code != 400 || !strings.HasPrefix(msg, "口语词库：") || strings.ContainsAny(msg, "abcdefghijklmnopqrstuvwxyz") {
		t.Fatalf("synonyms: %d %v", code, e)
	}
}
