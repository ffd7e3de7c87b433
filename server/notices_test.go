package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge/notice"
)

// lockedBuffer is the log of a test service, read while the service writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// noticeApp is testApp with the production logger (masking included) writing to a buffer, where
// the log provider's messages can be read.
func noticeApp(t *testing.T) (*app, *httptest.Server, *lockedBuffer) {
	return noticeAppOn(t, t.TempDir())
}

// noticeAppOn starts the service on the data directory dir.
func noticeAppOn(t *testing.T, dir string) (*app, *httptest.Server, *lockedBuffer) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.AdminPassword, cfg.RateLimit, cfg.PasswordCost, cfg.Calibrate = dir, "correct-horse-battery", 0, 4, false
	cfg.Notices.Sender = "沈阳市中级人民法院"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	a, err := build(context.Background(), &cfg, newLogger(&cfg, logs), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.http)
	t.Cleanup(func() { srv.Close(); a.close() })
	return a, srv, logs
}

// daytime is a clock at the next 12:00 in Shanghai: SMS is held between 21:00 and 08:00 there, so
// a dispatch on the wall clock would send nothing when the tests run in the Chinese night. Being
// ahead of the wall clock, every notice queued so far is due.
func daytime() time.Time {
	cst := time.FixedZone("CST", 8*3600)
	l := time.Now().In(cst)
	noon := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, cst)
	if noon.Before(l) {
		noon = noon.AddDate(0, 0, 1)
	}
	return noon
}

// noticeDo calls the public notice API with a visitor token.
func noticeDo(t *testing.T, srv *httptest.Server, token, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Visitor-Token", token)
	req.Header.Set("Origin", srv.URL)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var logCode = regexp.MustCompile(`code=(\d{6})`)

// TestNoticeOptInReplyAndLink: the enterprise opts in by SMS and confirms the code the log provider
// wrote (its number masked in the log); the judge claims and replies; the outbox sends one notice
// (of the reply) without the judge's words; the link opens the conversation with the reply in another client,
// which gets a visitor token from the page; a forged or expired link gets a clear page; the judge's
// queue shows the notice status; withdrawal stops further notices.
func TestNoticeOptInReplyAndLink(t *testing.T) {
	a, srv, logs := noticeApp(t)
	ctx := context.Background()
	addJudge(t, a, "judge.n", "沈阳市中级人民法院")
	judge := newAPIClient(t, srv.URL)
	if judge.login("judge.n", "password-judge.n") != 200 {
		t.Fatal("judge login")
	}
	ent := dialChat(t, srv, "")
	token := ent.hello().str("token")
	ent.ask("q1", "合同对方拖欠货款请法官指导")
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("合同对方拖欠货款请法官指导")})
	st, _ := ent.until("waiting status", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "waiting" })
	ticket := st.num("ticket_id")

	if code, body := noticeDo(t, srv, token, "GET", "/api/v1/notices", ""); code != 200 || !strings.Contains(body, "第十四条、第十七条") {
		t.Fatalf("notice settings: %d %s", code, body)
	}
	if code, body := noticeDo(t, srv, token, "POST", "/api/v1/notices/consent", `{"channel":"sms","contact":"1390000"}`); code != 400 ||
		!strings.Contains(body, "手机号码") {
		t.Fatalf("bad number: %d %s", code, body)
	}
	if code, body := noticeDo(t, srv, token, "POST", "/api/v1/notices/consent", `{"channel":"sms","contact":"13900000001"}`); code != 202 ||
		!strings.Contains(body, "139****0001") || !strings.Contains(body, `"verified":false`) {
		t.Fatalf("opt in: %d %s", code, body)
	}
	// A second request within the minute is refused.
	if code, body := noticeDo(t, srv, token, "POST", "/api/v1/notices/consent", `{"channel":"sms","contact":"13900000001"}`); code != 429 ||
		!strings.Contains(body, "一分钟") {
		t.Fatalf("second code within a minute: %d %s", code, body)
	}
	m := logCode.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no code in the log:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "13900000001") {
		t.Fatal("the mobile number reached the log unmasked")
	}
	wrong := "000000"
	if m[1] == wrong {
		wrong = "111111"
	}
	if code, body := noticeDo(t, srv, token, "POST", "/api/v1/notices/verify", `{"code":"`+wrong+`"}`); code != 400 || !strings.Contains(body, "验证码不正确") {
		t.Fatalf("wrong code: %d %s", code, body)
	}
	if code, body := noticeDo(t, srv, token, "POST", "/api/v1/notices/verify", `{"code":"`+m[1]+`"}`); code != 200 || !strings.Contains(body, `"verified":true`) {
		t.Fatalf("verify: %d %s", code, body)
	}

	// The enterprise leaves; the judge claims and replies.
	ent.conn.Close()
	path := fmt.Sprintf("/api/v1/judge/tickets/%d", ticket)
	if code, _ := judge.do("POST", path+"/claim", nil); code != 200 {
		t.Fatal("claim")
	}
	if code, _ := judge.do("POST", path+"/reply", map[string]string{"text": "请准备合同原件和对账单，向被告住所地法院起诉。"}); code != 200 {
		t.Fatal("reply")
	}
	before := logs.String()
	if n, err := a.notices.dispatcher(srv.URL, daytime).RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("dispatch: %d %v", n, err)
	}
	// The claim's notice was still waiting when the reply came: one notice, of the reply.
	sent := strings.TrimPrefix(logs.String(), before)
	if !strings.Contains(sent, "法官已答复") || strings.Contains(sent, "法官已接手") || strings.Contains(sent, "对账单") {
		t.Fatalf("notices as logged:\n%s", sent)
	}
	link := regexp.MustCompile(`(/n/n1\.[A-Za-z0-9._-]+)`).FindStringSubmatch(sent)
	if link == nil {
		t.Fatalf("no link in %s", sent)
	}
	if ts := judge.tickets(""); len(ts) != 1 {
		t.Fatalf("tickets %v", ts)
	}
	_, out := judge.do("GET", "/api/v1/judge/tickets", nil)
	if st := out["notices"].(map[string]any)[fmt.Sprint(ticket)]; st != string(notice.StatusSent) {
		t.Fatalf("notice status in the queue: %v", out["notices"])
	}

	// The link, in any browser: a page carrying a fresh visitor token of the conversation.
	code, page := get(t, srv.URL+link[1])
	tok := regexp.MustCompile(`data-token="([^"]+)"`).FindStringSubmatch(page)
	if code != 200 || tok == nil || !strings.Contains(page, "/static/notice-open.js") {
		t.Fatalf("link page %d: %s", code, page)
	}
	back := dialChat(t, srv, "token="+tok[1])
	h := back.hello()
	var texts []string
	for _, msg := range messagesOf(h) {
		texts = append(texts, msg.str("text"))
	}
	if !strings.Contains(strings.Join(texts, "|"), "对账单") {
		t.Fatalf("the linked conversation lacks the reply: %v", texts)
	}
	// Forged and expired links.
	if code, page := get(t, srv.URL+link[1][:len(link[1])-2]+"xx"); code != 400 || !strings.Contains(page, "链接无效") {
		t.Fatalf("forged link: %d %s", code, page)
	}
	secret, _ := loadSecret(a.cfg, a.log)
	old := notice.NewLinks(secret, 0).Sign(h.str("conversation_id"), time.Now().Add(-notice.LinkTTL-time.Minute))
	if code, page := get(t, srv.URL+"/n/"+old); code != 410 || !strings.Contains(page, "链接已过期") {
		t.Fatalf("expired link: %d %s", code, page)
	}
	// The visitor token itself is no link.
	if code, _ := get(t, srv.URL+"/n/"+token); code != 400 {
		t.Fatalf("visitor token as a link: %d", code)
	}

	// Withdrawal: the resolution is not notified.
	if code, body := noticeDo(t, srv, token, "DELETE", "/api/v1/notices/consent", ""); code != 200 || !strings.Contains(body, `"channel":"none"`) {
		t.Fatalf("withdraw: %d %s", code, body)
	}
	if code, _ := judge.do("POST", path+"/resolve", map[string]string{"closing": "感谢咨询。"}); code != 200 {
		t.Fatal("resolve")
	}
	if n, err := a.notices.dispatcher(srv.URL, daytime).RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("after withdrawal sent %d (%v)", n, err)
	}
}

// TestNoticesSurviveRestart: notices queued when the service stops are sent after it starts again
// on the same data directory, each exactly once, by two dispatchers at once.
func TestNoticesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	a, srv, logs := noticeAppOn(t, dir)
	addJudge(t, a, "judge.r", "沈阳市中级人民法院")
	judge := newAPIClient(t, srv.URL)
	if judge.login("judge.r", "password-judge.r") != 200 {
		t.Fatal("judge login")
	}
	var tickets []int64
	for i, mobile := range []string{"13900000011", "13900000012", "13900000013"} {
		ent := dialChat(t, srv, "")
		token := ent.hello().str("token")
		ent.ask("q1", "合同对方拖欠货款请法官指导")
		ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("合同对方拖欠货款请法官指导")})
		st, _ := ent.until("waiting", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "waiting" })
		tickets = append(tickets, st.num("ticket_id"))
		if code, _ := noticeDo(t, srv, token, "POST", "/api/v1/notices/consent", `{"channel":"sms","contact":"`+mobile+`"}`); code != 202 {
			t.Fatalf("opt in %d: %d", i, code)
		}
		codes := logCode.FindAllStringSubmatch(logs.String(), -1)
		if code, body := noticeDo(t, srv, token, "POST", "/api/v1/notices/verify", `{"code":"`+codes[len(codes)-1][1]+`"}`); code != 200 {
			t.Fatalf("verify %d: %d %s", i, code, body)
		}
		ent.conn.Close()
	}
	for _, id := range tickets {
		if code, _ := judge.do("POST", fmt.Sprintf("/api/v1/judge/tickets/%d/claim", id), nil); code != 200 {
			t.Fatal("claim")
		}
	}
	// Stop with three notices queued, start again on the same data.
	srv.Close()
	a.close()
	b, srv2, logs2 := noticeAppOn(t, dir)
	var wg sync.WaitGroup
	sent := make([]int, 2)
	for i := range sent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := b.notices.dispatcher(srv2.URL, daytime).RunOnce(context.Background())
			if err != nil {
				t.Errorf("dispatch: %v", err)
			}
			sent[i] = n
		}()
	}
	wg.Wait()
	if n, _ := b.notices.dispatcher(srv2.URL, daytime).RunOnce(context.Background()); n != 0 || sent[0]+sent[1] != 3 {
		t.Fatalf("sent %v after the restart and %d more, want 3 in all", sent, n)
	}
	got := 0
	for _, line := range strings.Split(logs2.String(), "\n") {
		if strings.Contains(line, "法官已接手") {
			got++
		}
	}
	if got != 3 {
		t.Fatalf("%d claim notices in the log, want 3", got)
	}
}
