package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/auth"
	"github.com/courtdesk/courtdesk/knowledge"
)

// apiClient is an HTTP client with a cookie jar that sends the CSRF token like the consoles do.
type apiClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func newAPIClient(t *testing.T, base string) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t: t, base: base, c: &http.Client{Jar: jar}}
}

func (b *apiClient) do(method, path string, body any) (int, map[string]any) {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			j, _ := json.Marshal(body)
			rd = bytes.NewReader(j)
		}
	}
	req, _ := http.NewRequest(method, b.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.csrf != "" {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func (b *apiClient) login(user, pw string) int {
	b.t.Helper()
	code, out := b.do("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pw})
	if code == 200 {
		b.csrf, _ = out["csrf_token"].(string)
	}
	return code
}

func addUser(t *testing.T, a *app, name string, role knowledge.Role) {
	t.Helper()
	hash, _ := auth.Bcrypt{Cost: 4}.Hash("password-" + name)
	if _, err := a.store.CreateUser(context.Background(), knowledge.User{Username: name, DisplayName: name, Role: role,
		Active: true, Capacity: 3, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
}

// Every judge and admin route refuses anonymous users and enterprise visitors, and every admin
// route refuses judges.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addUser(t, a, "judge.li", knowledge.RoleJudge)
	anon := newAPIClient(t, srv.URL)
	judge := newAPIClient(t, srv.URL)
	if judge.login("judge.li", "password-judge.li") != 200 {
		t.Fatal("judge login")
	}
	admin := newAPIClient(t, srv.URL)
	if admin.login("admin", "correct-horse-battery") != 200 {
		t.Fatal("admin login")
	}
	// A visitor token presented as a session cookie or bearer opens nothing.
	visitor := newAPIClient(t, srv.URL)
	u, _ := http.NewRequest("GET", srv.URL, nil)
	visitor.c.Jar.SetCookies(u.URL, []*http.Cookie{{Name: "cd_session", Value: "v1.visitor-token.signature"}})

	adminRoutes := [][2]string{
		{"GET", "/api/v1/admin/articles"}, {"POST", "/api/v1/admin/articles"}, {"GET", "/api/v1/admin/articles/labor-overtime-pay"},
		{"PUT", "/api/v1/admin/articles/labor-overtime-pay"}, {"POST", "/api/v1/admin/articles/labor-overtime-pay/status"},
		{"GET", "/api/v1/admin/articles/labor-overtime-pay/versions"}, {"POST", "/api/v1/admin/articles/labor-overtime-pay/rollback"},
		{"POST", "/api/v1/admin/preview"}, {"POST", "/api/v1/admin/import"}, {"GET", "/api/v1/admin/export"},
		{"POST", "/api/v1/admin/test-ask"}, {"GET", "/api/v1/admin/synonyms"}, {"PUT", "/api/v1/admin/synonyms"},
		{"GET", "/api/v1/admin/users"}, {"POST", "/api/v1/admin/users"}, {"PATCH", "/api/v1/admin/users/1"},
		{"POST", "/api/v1/admin/users/1/password"}, {"GET", "/api/v1/admin/audit"},
	}
	judgeRoutes := [][2]string{{"GET", "/api/v1/auth/me"}, {"POST", "/api/v1/auth/password"}}
	for _, r := range append(adminRoutes, judgeRoutes...) {
		for name, b := range map[string]*apiClient{"anonymous": anon, "visitor": visitor} {
			if code, _ := b.do(r[0], r[1], "{}"); code != 401 {
				t.Errorf("%s %s %s: %d, want 401", name, r[0], r[1], code)
			}
		}
	}
	for _, r := range adminRoutes {
		if code, _ := judge.do(r[0], r[1], "{}"); code != 403 {
			t.Errorf("judge %s %s: %d, want 403", r[0], r[1], code)
		}
	}
	for _, r := range judgeRoutes[:1] {
		if code, _ := judge.do(r[0], r[1], nil); code != 200 {
			t.Errorf("judge %s %s: %d, want 200", r[0], r[1], code)
		}
	}
	if code, _ := admin.do("GET", "/api/v1/admin/articles", nil); code != 200 {
		t.Errorf("admin list: %d", code)
	}
}

func TestCSRFAndOriginAndCookie(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	b := newAPIClient(t, srv.URL)
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/auth/login", strings.NewReader(`{"username":"admin","password":"correct-horse-battery"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ck := resp.Cookies()
	if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("session cookie must be HttpOnly and SameSite=Strict: %+v", ck)
	}
	// Signed in, but without the CSRF token a state change is refused.
	if code, out := b.do("POST", "/api/v1/admin/preview", map[string]string{"body": "x"}); code != 403 || out["error"].(map[string]any)["code"] != "csrf" {
		t.Fatalf("no CSRF token: %d %v", code, out)
	}
	b.csrf = "forged"
	if code, _ := b.do("POST", "/api/v1/admin/preview", map[string]string{"body": "x"}); code != 403 {
		t.Fatalf("forged CSRF token: %d", code)
	}
	_, me := b.do("GET", "/api/v1/auth/me", nil)
	b.csrf = me["csrf_token"].(string)
	if code, _ := b.do("POST", "/api/v1/admin/preview", map[string]string{"body": "x"}); code != 200 {
		t.Fatalf("with CSRF token: %d", code)
	}
	// A cross-site origin is refused even with a token.
	req, _ = http.NewRequest("POST", srv.URL+"/api/v1/admin/preview", strings.NewReader(`{"body":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf)
	req.Header.Set("Origin", "https://evil.example")
	resp, _ = b.c.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("cross-site origin: %d", resp.StatusCode)
	}
	// Logout ends the session.
	if code, _ := b.do("POST", "/api/v1/auth/logout", nil); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	if code, _ := b.do("GET", "/api/v1/auth/me", nil); code != 401 {
		t.Fatalf("after logout: %d", code)
	}
}

func TestLoginThrottleOverHTTP(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	b := newAPIClient(t, srv.URL)
	for i := range 5 {
		if code := b.login("admin", "wrong-password"); code != 401 {
			t.Fatalf("attempt %d: %d", i, code)
		}
	}
	if code := b.login("admin", "correct-horse-battery"); code != 429 {
		t.Fatalf("throttled login: %d, want 429", code)
	}
}

// askTop returns the answering article, or "" when the chat would not answer from an article.
func askTop(t *testing.T, base, q string) string {
	t.Helper()
	if top, intent := topSource(t, base, q); intent == "answer" {
		return top
	}
	return ""
}

// topSource returns the best source whatever the intent, and the intent.
func topSource(t *testing.T, base, q string) (string, string) {
	t.Helper()
	r := post(t, base+"/api/v1/ask", "application/json", `{"question":"`+q+`"}`)
	src, _ := r.body["sources"].([]any)
	intent, _ := r.body["intent"].(string)
	if len(src) == 0 {
		return "", intent
	}
	return src[0].(map[string]any)["slug"].(string), intent
}

// An admin drafts, publishes, edits, rolls back and archives an article; the chat follows at once.
func TestAdminArticleLifecycle(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	q := "跨境电商平台把我们的网店封号了怎么维权"
	art := map[string]any{"slug": "ip-platform-store-ban", "title": "跨境电商平台封店封号的维权途径", "category": "ip",
		"kind": "compliance_advice", "questions": []string{"电商平台把网店封号了怎么办", "网店被封号 维权"},
		"summary": "平台封店应有规则依据并提供申诉渠道。", "body": "## 常见风险\n封号<script>alert(1)</script>",
		"legal_basis": []string{"《中华人民共和国电子商务法》"}, "tags": []string{"封号"}, "related": []string{"ip-unfair-competition"}}
	code, out := admin.do("POST", "/api/v1/admin/articles", map[string]any{"article": art, "note": "新建"})
	if code != 201 || out["status"] != "draft" || strings.Contains(out["html"].(string), "<script") {
		t.Fatalf("create: %d %v", code, out)
	}
	if got := askTop(t, srv.URL, q); got == "ip-platform-store-ban" {
		t.Fatal("a draft is searchable")
	}
	code, out = admin.do("POST", "/api/v1/admin/articles/ip-platform-store-ban/status", map[string]any{"status": "published", "base_version": 1})
	if code != 200 || out["version"].(float64) != 2 {
		t.Fatalf("publish: %d %v", code, out)
	}
	if got := askTop(t, srv.URL, q); got != "ip-platform-store-ban" {
		t.Fatalf("published article not found at once: %q", got)
	}
	// Two admins edit version 2; the second save is refused.
	art["status"] = "published"
	art["summary"] = "第一位管理员的摘要。"
	if code, _ := admin.do("PUT", "/api/v1/admin/articles/ip-platform-store-ban", map[string]any{"article": art, "base_version": 2}); code != 200 {
		t.Fatalf("first edit: %d", code)
	}
	art["summary"] = "第二位管理员的摘要。"
	if code, out := admin.do("PUT", "/api/v1/admin/articles/ip-platform-store-ban", map[string]any{"article": art, "base_version": 2}); code != 409 {
		t.Fatalf("stale edit: %d %v", code, out)
	}
	_, vs := admin.do("GET", "/api/v1/admin/articles/ip-platform-store-ban/versions", nil)
	if n := len(vs["versions"].([]any)); n != 3 {
		t.Fatalf("versions: %d", n)
	}
	code, out = admin.do("POST", "/api/v1/admin/articles/ip-platform-store-ban/rollback", map[string]any{"version": 2, "base_version": 3})
	if code != 200 || out["version"].(float64) != 4 || out["summary"] != "平台封店应有规则依据并提供申诉渠道。" {
		t.Fatalf("rollback: %d %v", code, out)
	}
	code, _ = admin.do("POST", "/api/v1/admin/articles/ip-platform-store-ban/status", map[string]any{"status": "archived", "base_version": 4})
	if code != 200 {
		t.Fatalf("archive: %d", code)
	}
	if got := askTop(t, srv.URL, q); got == "ip-platform-store-ban" {
		t.Fatal("archived article still answers")
	}
	_, audit := admin.do("GET", "/api/v1/admin/audit", nil)
	if n := len(audit["entries"].([]any)); n < 5 {
		t.Fatalf("audit entries: %d", n)
	}
}

func TestAdminImportIsAllOrNothing(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	batch := `[{"slug":"x-good","title":"好","category":"labor","kind":"compliance_advice","questions":["问题一"],"summary":"摘要","body":"正文"},
	{"slug":"X Bad","title":"","category":"weather","kind":"poem","questions":[],"summary":"","body":"","related":["nowhere"]}]`
	code, out := admin.do("POST", "/api/v1/admin/import", batch)
	fields, _ := out["error"].(map[string]any)["fields"].([]any)
	if code != 400 || len(fields) < 5 {
		t.Fatalf("bad import: %d %v", code, out)
	}
	if code, _ := admin.do("GET", "/api/v1/admin/articles/x-good", nil); code != 404 {
		t.Fatalf("a failed import wrote the good article: %d", code)
	}
}

func TestAdminSynonymsChangeResultsAtOnce(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	q := "东家一直压着我们的血汗钱，这违法吗"
	if top, _ := topSource(t, srv.URL, q); top == "labor-wage-arrears" {
		t.Fatal("premise: without the synonym this should not find wage arrears")
	}
	_, cur := admin.do("GET", "/api/v1/admin/synonyms", nil)
	text, _ := cur["text"].(string)
	if n := len(cur["groups"].([]any)); n < 300 {
		t.Fatalf("the lexicon ships with %d groups, want at least 300", n)
	}
	// The console edits the text form: a directional group, folk term => legal term.
	text += "血汗钱, 辛苦钱 => 拖欠工资 | 0.9\n"
	if code, out := admin.do("PUT", "/api/v1/admin/synonyms", map[string]any{"text": text}); code != 200 {
		t.Fatalf("save lexicon: %d %v", code, out)
	}
	if got, _ := topSource(t, srv.URL, q); got != "labor-wage-arrears" {
		t.Fatalf("after the lexicon entry: %q", got)
	}
	for _, bad := range []map[string]any{
		{"groups": []map[string]any{{"from": []string{"孤词"}}}},
		{"text": "甲 => \n"},
		{"text": "甲, 乙 | 7"},
	} {
		if code, _ := admin.do("PUT", "/api/v1/admin/synonyms", bad); code != 400 {
			t.Fatalf("bad lexicon %v accepted: %d", bad, code)
		}
	}
}

func TestAdminTestConsoleExplains(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	code, out := admin.do("POST", "/api/v1/admin/test-ask", map[string]string{"question": "（２０２４）遼01民終567號 帳戶凍結"})
	if code != 200 || out["case_number"] != "（2024）辽01民终567号" || len(out["terms"].([]any)) == 0 ||
		!strings.Contains(out["normalized"].(string), "账户冻结") {
		t.Fatalf("test console: %d %v", code, out)
	}
}

func TestAdminManagesUsers(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	code, out := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": "judge.zhao", "display_name": "赵法官",
		"role": "judge", "court": "大连市中级人民法院", "specialties": []string{"labor"}, "capacity": 4, "password": "judge-zhao-pw1"})
	if code != 201 {
		t.Fatalf("create: %d %v", code, out)
	}
	id := int(out["id"].(float64))
	judge := newAPIClient(t, srv.URL)
	if judge.login("judge.zhao", "judge-zhao-pw1") != 200 {
		t.Fatal("new judge cannot log in")
	}
	if code, _ := admin.do("POST", "/api/v1/admin/users/"+itoa(id)+"/password", map[string]string{"password": "reset-password-9"}); code != 204 {
		t.Fatalf("reset: %d", code)
	}
	if code, _ := judge.do("GET", "/api/v1/auth/me", nil); code != 401 {
		t.Fatalf("reset must end the judge's sessions: %d", code)
	}
	if code, _ := admin.do("PATCH", "/api/v1/admin/users/"+itoa(id), map[string]any{"active": false}); code != 200 {
		t.Fatalf("deactivate: %d", code)
	}
	if judge.login("judge.zhao", "reset-password-9") != 401 {
		t.Fatal("deactivated judge logged in")
	}
	u, _ := a.store.GetUserByName(context.Background(), "judge.zhao")
	if u.Court != "大连市中级人民法院" || u.Capacity != 4 || u.Active {
		t.Fatalf("stored user: %+v", u)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
