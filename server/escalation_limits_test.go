package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// A visitor's first escalation needs a question in the conversation first.
func TestEscalationNeedsAQuestionFirst(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	c := dialChat(t, srv, "")
	c.hello()
	c.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("合同纠纷想请法官看看")})
	f := c.untilType("error")
	if f.str("code") != "question_first" || f.str("reply_to") != "e1" || !strings.Contains(f.str("message"), "问题") {
		t.Fatalf("escalation without a question: %v", f)
	}
	c.ask("q1", "合同纠纷想请法官看看")
	c.send(map[string]any{"type": "escalate", "id": "e2", "form": validForm("合同纠纷想请法官看看")})
	if ack := c.untilType("ack"); ack.str("reply_to") != "e2" {
		t.Fatalf("escalation after a question: %v", ack)
	}
}

// One conversation (one visitor token) escalates at most EscalationsPerToken times a day; the
// refusal is typed and names the court's hotline.
func TestEscalationLimitPerToken(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, func(c *Config) { c.EscalationsPerToken = 2 })
	c := dialChat(t, srv, "")
	c.hello()
	admin := escalation.Judge{ID: 1, Name: "系统管理员", Admin: true}
	for i := range 3 {
		c.ask(fmt.Sprintf("q%d", i), "合同纠纷想请法官看看")
		id := fmt.Sprintf("e%d", i)
		c.send(map[string]any{"type": "escalate", "id": id, "form": validForm("合同纠纷想请法官看看")})
		f, _ := c.until("reply to "+id, func(f frame) bool { return f.str("reply_to") == id })
		if i < 2 {
			if f.typ() != "ack" {
				t.Fatalf("escalation %d: %v", i+1, f)
			}
			st, _ := c.until("waiting", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "waiting" })
			tid := st.num("ticket_id")
			if _, err := a.chat.queue.Claim(t.Context(), admin, tid); err != nil {
				t.Fatal(err)
			}
			if _, err := a.chat.queue.Resolve(t.Context(), admin, tid, "已答复，谢谢。"); err != nil {
				t.Fatal(err)
			}
			c.until("resolved", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "resolved" })
			continue
		}
		if f.typ() != "error" || f.str("code") != "escalation_limit" || !strings.Contains(f.str("message"), "12368") {
			t.Fatalf("escalation over the limit: %v", f)
		}
	}
}

// Many escalations at once from one address over real WebSockets: at most the limit succeed, the
// rest get the typed refusal.
func TestEscalationLimitPerAddressUnderConcurrency(t *testing.T) {
	t.Parallel()
	const limit, n = 4, 12
	a, srv := testApp(t, func(c *Config) { c.EscalationsPerAddress = limit })
	conns := make([]*chatConn, n)
	for i := range conns {
		conns[i] = dialChat(t, srv, "")
		conns[i].hello()
		conns[i].ask("q1", "工厂设备被查封，想请法官看看")
	}
	form := validForm("工厂设备被查封，生产全部停止")
	form["enforcement"] = true
	form["impact"] = map[string]any{"seized": "全部生产设备", "production_stopped": true, "employees": 300}
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := fmt.Appendf(nil, `{"type":"escalate","id":"e1","form":%s}`, mustJSON(form))
			if err := c.conn.WriteMessage(1, b); err != nil {
				codes[i] = "write: " + err.Error()
				return
			}
			for {
				f, err := c.read()
				if err != nil {
					codes[i] = "read: " + err.Error()
					return
				}
				if f.str("reply_to") == "e1" {
					codes[i] = f.typ() + ":" + f.str("code")
					return
				}
			}
		}()
	}
	wg.Wait()
	acks, refused := 0, 0
	for _, c := range codes {
		switch c {
		case "ack:":
			acks++
		case "error:escalation_limit":
			refused++
		default:
			t.Errorf("unexpected outcome %q", c)
		}
	}
	if acks != limit || refused != n-limit {
		t.Fatalf("%d escalations succeeded and %d were refused, want %d and %d", acks, refused, limit, n-limit)
	}
	page, err := a.chat.queue.List(t.Context(), escalation.Judge{ID: 1, Admin: true}, escalation.Filter{}, true)
	if err != nil || len(page.Tickets) != limit {
		t.Fatalf("queue holds %d tickets (%v), want %d", len(page.Tickets), err, limit)
	}
	// The priority the enterprise claimed is shown as claimed.
	if v := page.Tickets[0]; v.Priority != escalation.PriorityUrgent || v.PriorityBasis != "企业自述" {
		t.Fatalf("claimed priority shown as %q (%s)", v.PriorityName, v.PriorityBasis)
	}
}

// The queue API pages with a cursor: no ticket is lost behind many of higher priority.
func TestQueuePagesWithACursor(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.sy", "沈阳市中级人民法院")
	normal, _ := escalateFrom(t, dialChat(t, srv, ""), "210100", "合同纠纷请法官指导")
	for range 3 {
		c := dialChat(t, srv, "")
		c.hello()
		c.ask("q1", "工厂设备被查封了")
		f := validForm("工厂设备被查封，生产停止")
		f["enforcement"] = true
		f["impact"] = map[string]any{"seized": "设备", "production_stopped": true}
		c.send(map[string]any{"type": "escalate", "id": "e1", "form": f})
		c.untilType("ack")
	}
	judge := loggedIn(t, srv.URL, "judge.sy", "password-judge.sy")
	var ids []int64
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 4 {
			t.Fatal("the cursor never ends")
		}
		code, out := judge.do("GET", "/api/v1/judge/tickets?limit=2&cursor="+cursor, nil)
		if code != 200 {
			t.Fatalf("page: %d %v", code, out)
		}
		for _, x := range out["tickets"].([]any) {
			tk := x.(map[string]any)
			ids = append(ids, int64(tk["id"].(float64)))
			if tk["priority"].(float64) == 3 && tk["priority_basis"] != "企业自述" {
				t.Errorf("urgent ticket not marked as claimed: %v", tk["priority_basis"])
			}
		}
		cursor, _ = out["next_cursor"].(string)
		if cursor == "" {
			break
		}
	}
	if len(ids) != 4 || ids[3] != normal {
		t.Fatalf("pages listed %v; the normal ticket %d must come last, after the 3 urgent ones", ids, normal)
	}
	if code, _ := judge.do("GET", "/api/v1/judge/tickets?cursor=not-a-cursor!", nil); code != 400 {
		t.Fatalf("bad cursor: %d", code)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// An admin sees where escalations come from and closes every open one of an address at once; the
// enterprise is told and given the hotline; judges never see the source.
func TestAdminClosesEscalationsFromOneSource(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.sy", "沈阳市中级人民法院")
	var chats []*chatConn
	for range 3 {
		c := dialChat(t, srv, "")
		escalateFrom(t, c, "210100", "合同纠纷请法官指导")
		chats = append(chats, c)
	}
	admin := loggedIn(t, srv.URL, "admin", "correct-horse-battery")
	judge := loggedIn(t, srv.URL, "judge.sy", "password-judge.sy")
	if code, _ := judge.do("GET", "/api/v1/admin/escalations", nil); code != 403 {
		t.Fatalf("judge reads the sources: %d", code)
	}
	for _, tk := range judge.tickets("") {
		if _, ok := tk["source_addr"]; ok {
			t.Fatalf("judge sees the source: %v", tk)
		}
	}
	code, out := admin.do("GET", "/api/v1/admin/escalations", nil)
	if code != 200 {
		t.Fatalf("sources: %d %v", code, out)
	}
	srcs := out["sources"].([]any)
	if len(srcs) != 1 {
		t.Fatalf("sources %v", srcs)
	}
	src := srcs[0].(map[string]any)
	if src["count"].(float64) != 3 || src["open"].(float64) != 3 || src["network"] != "127.0.0.0/24" || len(src["addr"].(string)) != 16 {
		t.Fatalf("source %v", src)
	}
	addr := src["addr"].(string)
	code, out = admin.do("GET", "/api/v1/admin/escalations?addr="+addr, nil)
	if code != 200 || len(out["tickets"].([]any)) != 3 {
		t.Fatalf("tickets of the source: %d %v", code, out)
	}
	if code, out := admin.do("POST", "/api/v1/admin/escalations/close", map[string]any{"addr": addr}); code != 400 {
		t.Fatalf("close without a reason: %d %v", code, out)
	}
	code, out = admin.do("POST", "/api/v1/admin/escalations/close", map[string]any{"addr": addr, "reason": "同一来源短时间内大量转交"})
	if code != 200 || out["closed"].(float64) != 3 {
		t.Fatalf("bulk close: %d %v", code, out)
	}
	if ts := judge.tickets(""); len(ts) != 0 {
		t.Fatalf("queue after the bulk close: %v", ts)
	}
	for _, c := range chats {
		c.until("resolved", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "resolved" })
	}
	_, audit := admin.do("GET", "/api/v1/admin/audit", nil)
	if !strings.Contains(fmt.Sprint(audit), "escalations.close") {
		t.Fatalf("bulk close not audited: %v", audit)
	}
	_ = a
}

// On the chat page a visitor may go to a judge before asking anything: the page sends the form's
// question as the conversation's first question, and the escalation is accepted.
func TestAskJudgeFirstInBrowser(t *testing.T) {
	_, srv := testApp(t, nil)
	ctx := chromium(t)
	step := stepper(t, ctx)
	step("open the chat", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`body.online`))
	step("go to a judge at once",
		chromedp.Click(`#ask-judge`),
		chromedp.WaitVisible(`#esc-form`),
		waitJS(`document.querySelectorAll('#f-city option').length === 15`),
		chromedp.SendKeys(`#f-company`, "沈阳某机械制造有限公司"),
		chromedp.SendKeys(`#f-credit`, "91350100M000100Y43"),
		chromedp.SendKeys(`#f-contact`, "王经理"),
		chromedp.SendKeys(`#f-mobile`, "13800241234"),
		chromedp.SetValue(`#f-city`, "210100"),
		chromedp.SendKeys(`#f-question`, "供货合同对方迟迟不付款，想请法官指导"),
		chromedp.Click(`#esc-submit`),
	)
	step("see 排队中",
		chromedp.WaitNotVisible(`#escalate-view`),
		waitJS(`document.querySelector('#status').textContent.includes('排队中')`),
		waitJS(`[...document.querySelectorAll('.msg')].some(m => m.textContent.includes('迟迟不付款'))`),
	)
}

// Several tabs of one visitor token escalate at once: one ticket, the rest refused.
func TestEscalationsOfOneTokenInParallel(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, func(c *Config) { c.EscalationsPerToken = 1 })
	first := dialChat(t, srv, "")
	token := first.hello().str("token")
	first.ask("q1", "合同纠纷想请法官看看")
	const n = 6
	tabs := make([]*chatConn, n)
	for i := range tabs {
		tabs[i] = dialChat(t, srv, "token="+token)
		tabs[i].hello()
	}
	outcomes := make([]string, n)
	var wg sync.WaitGroup
	for i, c := range tabs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("tab%d", i)
			b := fmt.Appendf(nil, `{"type":"escalate","id":%q,"form":%s}`, id, mustJSON(validForm("合同纠纷想请法官看看")))
			if err := c.conn.WriteMessage(1, b); err != nil {
				outcomes[i] = err.Error()
				return
			}
			for {
				f, err := c.read()
				if err != nil {
					outcomes[i] = err.Error()
					return
				}
				if f.str("reply_to") == id {
					outcomes[i] = f.typ() + ":" + f.str("code")
					return
				}
			}
		}()
	}
	wg.Wait()
	acks := 0
	for _, o := range outcomes {
		switch o {
		case "ack:":
			acks++
		case "error:conflict", "error:escalation_limit":
		default:
			t.Errorf("unexpected outcome %q", o)
		}
	}
	if acks != 1 {
		t.Fatalf("%d escalations of one token succeeded: %v", acks, outcomes)
	}
}
