package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/courtdesk/courtdesk/knowledge"
)

// judgeSocket is a judge console's live connection, opened with the console's session cookie.
type judgeSocket struct {
	t    *testing.T
	conn *websocket.Conn
}

func dialJudge(t *testing.T, srv *httptest.Server, b *apiClient) *judgeSocket {
	t.Helper()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws/judge"
	h := http.Header{"Origin": {srv.URL}}
	req, _ := http.NewRequest("GET", srv.URL, nil)
	for _, ck := range b.c.Jar.Cookies(req.URL) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	conn, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("judge socket (status %d): %v", status, err)
	}
	t.Cleanup(func() { conn.Close() })
	js := &judgeSocket{t: t, conn: conn}
	if f := js.next(); f.typ() != "hello" {
		t.Fatalf("first judge frame %v", f)
	}
	return js
}

func (j *judgeSocket) next() frame {
	j.t.Helper()
	_ = j.conn.SetReadDeadline(time.Now().Add(frameWait))
	_, b, err := j.conn.ReadMessage()
	if err != nil {
		j.t.Fatalf("judge socket: %v", err)
	}
	var f frame
	if err := json.Unmarshal(b, &f); err != nil {
		j.t.Fatal(err)
	}
	return f
}

func (j *judgeSocket) until(match func(frame) bool) frame {
	j.t.Helper()
	for {
		if f := j.next(); match(f) {
			return f
		}
	}
}

// tickets lists the judge's default queue view.
func (b *apiClient) tickets(query string) []map[string]any {
	b.t.Helper()
	code, out := b.do("GET", "/api/v1/judge/tickets"+query, nil)
	if code != 200 {
		b.t.Fatalf("tickets: %d %v", code, out)
	}
	var ts []map[string]any
	for _, x := range out["tickets"].([]any) {
		ts = append(ts, x.(map[string]any))
	}
	return ts
}

func addJudge(t *testing.T, a *app, name, court string) {
	t.Helper()
	addUser(t, a, name, knowledge.RoleJudge)
	u, _ := a.store.GetUserByName(t.Context(), name)
	u.Court = court
	if _, err := a.store.UpdateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
}

// The whole escalation path over real WebSockets: the enterprise escalates, the judge's console is
// told and lists the ticket, the judge claims it and the enterprise sees 法官已接手, the judge replies
// and the enterprise receives it live; then the same reply reaches an enterprise that was offline.
func TestEscalationToJudgeEndToEnd(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.li", "沈阳市中级人民法院")
	judge := newAPIClient(t, srv.URL)
	if judge.login("judge.li", "password-judge.li") != 200 {
		t.Fatal("judge login")
	}
	console := dialJudge(t, srv, judge)

	ent := dialChat(t, srv, "")
	h := ent.hello()
	token := h.str("token")
	ent.ask("q1", "公司账户被冻结了怎么办")
	// The answer comes from the account-freeze article, so the intake asks what is frozen.
	form := validForm("账户被冻结，请法官指导")
	form["impact"] = map[string]any{"seized": "基本户存款", "payroll_stopped": true, "employees": 40}
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": form})
	if st := ent.untilType("escalation_status"); st.str("mode") != "waiting" {
		t.Fatalf("enterprise status %v", st)
	}
	console.until(func(f frame) bool { return f.typ() == "queue" })
	ts := judge.tickets("")
	if len(ts) != 1 || ts[0]["state"] != "waiting" {
		t.Fatalf("judge queue %v", ts)
	}
	id := int(ts[0]["id"].(float64))
	path := fmt.Sprintf("/api/v1/judge/tickets/%d", id)
	if code, out := judge.do("POST", path+"/claim", nil); code != 200 {
		t.Fatalf("claim: %d %v", code, out)
	}
	st, _ := ent.until("with_judge", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "with_judge" })
	if !strings.Contains(st.str("judge"), "judge.li") {
		t.Fatalf("enterprise sees %v", st)
	}
	if code, _ := judge.do("POST", path+"/reply", map[string]string{"text": "您好，可以先核实冻结的法院和案号，**申请执行异议**。"}); code != 200 {
		t.Fatalf("reply: %d", code)
	}
	jm := ent.untilType("judge_message")
	if !strings.Contains(jm.str("text"), "申请执行异议") {
		t.Fatalf("judge message %v", jm)
	}
	lastSeq := jm.num("seq")

	// The enterprise goes offline; the judge replies again; the enterprise comes back and gets it.
	ent.conn.Close()
	if code, _ := judge.do("POST", path+"/reply", map[string]string{"text": "补充：请同时准备营业执照和冻结裁定。"}); code != 200 {
		t.Fatalf("second reply: %d", code)
	}
	back := dialChat(t, srv, "token="+token+fmt.Sprintf("&last_seq=%d", lastSeq))
	hb := back.hello()
	var got []string
	for _, m := range messagesOf(hb) {
		got = append(got, m.str("text"))
	}
	if len(got) == 0 || !strings.Contains(strings.Join(got, "|"), "冻结裁定") {
		// The missed messages may follow the hello as single frames.
		f := back.untilType("judge_message")
		got = append(got, f.str("text"))
	}
	if !strings.Contains(strings.Join(got, "|"), "冻结裁定") {
		t.Fatalf("offline reply not delivered on return: %v", got)
	}

	// Resolving returns the conversation to the bot.
	if code, _ := judge.do("POST", path+"/resolve", map[string]string{"closing": "感谢咨询。"}); code != 200 {
		t.Fatalf("resolve: %d", code)
	}
	back.until("resolved", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "resolved" })
	_, ans := back.ask("q9", "加班费怎么算")
	if ans.str("intent") != "answer" {
		t.Fatalf("bot does not answer after resolve: %v", ans)
	}
	_, detail := judge.do("GET", path, nil)
	if n := len(detail["events"].([]any)); n != 5 { // create, claim, reply, reply, resolve
		t.Fatalf("audit trail has %d events", n)
	}
}

// Judge routes open for judges and admins only; a second judge cannot take a claimed ticket.
func TestJudgeRoutesAndConflicts(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.li", "沈阳市中级人民法院")
	addJudge(t, a, "judge.wang", "沈阳市中级人民法院")
	anon := newAPIClient(t, srv.URL)
	for _, p := range []string{"/api/v1/judge/tickets", "/api/v1/judge/tickets/1", "/api/v1/judge/stats", "/api/v1/judge/judges",
		"/api/v1/judge/canned", "/api/v1/judge/articles?q=x"} {
		if code, _ := anon.do("GET", p, nil); code != 401 {
			t.Errorf("anonymous %s: %d", p, code)
		}
	}
	if code, _ := anon.do("POST", "/api/v1/judge/tickets/1/claim", "{}"); code != 401 {
		t.Errorf("anonymous claim: %d", code)
	}
	req, _ := http.NewRequest("GET", "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws/judge", nil)
	if _, resp, err := websocket.DefaultDialer.Dial(req.URL.String(), http.Header{"Origin": {srv.URL}}); err == nil || resp == nil || resp.StatusCode != 401 {
		t.Errorf("anonymous judge socket: %v", err)
	}

	ent := dialChat(t, srv, "")
	ent.hello()
	ent.ask("q1", "我要找法官")
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("请法官答复")})
	ent.untilType("escalation_status")
	li, wang := newAPIClient(t, srv.URL), newAPIClient(t, srv.URL)
	li.login("judge.li", "password-judge.li")
	wang.login("judge.wang", "password-judge.wang")
	id := int(li.tickets("")[0]["id"].(float64))
	path := fmt.Sprintf("/api/v1/judge/tickets/%d", id)
	if code, _ := li.do("POST", path+"/claim", nil); code != 200 {
		t.Fatalf("li claim: %d", code)
	}
	code, out := wang.do("POST", path+"/claim", nil)
	if code != 409 {
		t.Fatalf("second claim: %d %v", code, out)
	}
	if code, _ := wang.do("POST", path+"/reply", map[string]string{"text": "抢答"}); code != 409 {
		t.Fatalf("reply to another judge's ticket: %d", code)
	}
	if code, _ := li.do("POST", path+"/reply", map[string]string{"text": ""}); code != 400 {
		t.Fatalf("empty reply: %d", code)
	}
	if code, _ := li.do("POST", path+"/note", map[string]string{"text": "已电话联系企业"}); code != 200 {
		t.Fatalf("note: %d", code)
	}
	li.csrf = ""
	if code, _ := li.do("POST", path+"/reply", map[string]string{"text": "没有 CSRF"}); code != 403 {
		t.Fatalf("reply without CSRF: %d", code)
	}
}

// A judge's good answer becomes a suggestion; the admin publishes it and the chat finds it.
func TestSuggestionToPublishedArticle(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.li", "沈阳市中级人民法院")
	ent := dialChat(t, srv, "")
	ent.hello()
	ent.ask("q1", "我要找法官")
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("跨境电商店铺被平台封号怎么办")})
	ent.untilType("escalation_status")
	judge := newAPIClient(t, srv.URL)
	judge.login("judge.li", "password-judge.li")
	id := int(judge.tickets("")[0]["id"].(float64))
	path := fmt.Sprintf("/api/v1/judge/tickets/%d", id)
	judge.do("POST", path+"/claim", nil)
	judge.do("POST", path+"/reply", map[string]string{"text": "平台封号应有规则依据，可先走平台申诉。"})
	art := map[string]any{"title": "电商平台店铺被封号的维权途径", "category": "ip", "kind": "compliance_advice",
		"questions": []string{"电商平台把我们店铺封号了怎么办"}, "summary": "平台封号应有规则依据，可先申诉。", "body": "## 常见风险\n封号"}
	code, out := judge.do("POST", path+"/suggest", map[string]any{"article": art})
	if code != 201 || out["status"] != "pending" {
		t.Fatalf("suggest: %d %v", code, out)
	}
	sid := int(out["id"].(float64))
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	_, list := admin.do("GET", "/api/v1/admin/suggestions?status=pending", nil)
	if n := len(list["suggestions"].([]any)); n != 1 {
		t.Fatalf("pending suggestions: %d", n)
	}
	art["slug"] = "ip-platform-store-ban"
	art["related"] = []string{"ip-unfair-competition"}
	if code, out := admin.do("POST", fmt.Sprintf("/api/v1/admin/suggestions/%d/publish", sid), map[string]any{"article": art}); code != 200 {
		t.Fatalf("publish: %d %v", code, out)
	}
	if top, _ := topSource(t, srv.URL, "电商平台把我们的店铺封号了怎么办"); top != "ip-platform-store-ban" {
		t.Fatalf("published suggestion not found: %q", top)
	}
	if code, _ := admin.do("POST", fmt.Sprintf("/api/v1/admin/suggestions/%d/dismiss", sid), map[string]any{"reason": "重复"}); code != 409 {
		t.Fatalf("second decision: %d", code)
	}
}
