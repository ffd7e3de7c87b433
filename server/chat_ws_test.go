package main

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

const overtimeQ = "员工周末加班，加班费怎么算？"

func TestChatAskAndAnswer(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	c := dialChat(t, srv, "")
	h := c.hello()
	if h.num("version") != 1 || h.str("mode") != "bot" || !conversation.ValidID(h.str("conversation_id")) ||
		h.str("token") == "" || len(messagesOf(h)) != 0 {
		t.Fatalf("hello = %v", h)
	}
	ack, ans := c.ask("q1", overtimeQ)
	if ack.num("seq") != 1 || ack.str("mode") != "bot" {
		t.Fatalf("ack = %v", ack)
	}
	if ans.num("seq") != 2 || ans.str("intent") != "answer" || ans.str("summary") == "" {
		t.Fatalf("answer = %v", ans)
	}
	src := ans["sources"].([]any)[0].(map[string]any)
	if src["slug"] != "labor-overtime-pay" || src["title"] == "" {
		t.Fatalf("top source = %v", src)
	}
	if lb, _ := ans["legal_basis"].([]any); len(lb) == 0 {
		t.Fatalf("no legal basis: %v", ans)
	}
	if rq, _ := ans["related_questions"].([]any); len(rq) < 2 || len(rq) > 3 {
		t.Fatalf("related questions = %v", ans["related_questions"])
	}
	// The asking tab also receives its own question as a stored message, exactly once.
	own := 0
	for _, f := range c.seen {
		if f.typ() == "message" && f.str("id") == "q1" {
			own++
		}
	}
	if own != 1 {
		t.Fatalf("own question delivered %d times: %v", own, c.types())
	}

	c.send(map[string]any{"type": "feedback", "id": "f1", "seq": 2, "helpful": true})
	if f := c.untilType("ack"); f.str("reply_to") != "f1" || f.num("seq") != 2 {
		t.Fatalf("feedback ack = %v", f)
	}
	last, err := a.store.LastAnswer(context.Background(), h.str("conversation_id"))
	if err != nil || last.Feedback != conversation.FeedbackHelpful || last.Answer.Sources[0].Slug != "labor-overtime-pay" {
		t.Fatalf("stored answer = %+v, %v", last, err)
	}
	c.send(map[string]any{"type": "feedback", "id": "f2", "seq": 1, "helpful": false})
	if f := c.untilType("error"); f.str("code") != "not_found" || f.str("reply_to") != "f2" {
		t.Fatalf("feedback on a question = %v", f)
	}
}

func TestChatResendAfterDropIsNotDuplicated(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	c := dialChat(t, srv, "")
	h := c.hello()
	token, conv := h.str("token"), h.str("conversation_id")
	ack, _ := c.ask("q1", overtimeQ)
	// The connection drops hard, without a close frame, as a phone going into a tunnel does.
	c.conn.UnderlyingConn().Close()

	c2 := dialChat(t, srv, "token="+token)
	h2 := c2.hello()
	if h2.str("conversation_id") != conv || fmt.Sprint(seqsOf(messagesOf(h2))) != "[1 2]" {
		t.Fatalf("hello after reconnect = %v", h2)
	}
	// The page did not see the ack and resends: the same seq comes back, nothing new is stored.
	c2.send(map[string]any{"type": "ask", "id": "q1", "text": overtimeQ})
	again := c2.untilType("ack")
	if again.num("seq") != ack.num("seq") || again["duplicate"] != true {
		t.Fatalf("resend ack = %v, first ack %v", again, ack)
	}
	// A second question proves the connection moved on with no extra frames in between.
	ack3, ans3 := c2.ask("q2", "试用期可以随便辞退员工吗？")
	if ack3.num("seq") != 3 || ans3.num("seq") != 4 {
		t.Fatalf("next question got seqs %d and %d", ack3.num("seq"), ans3.num("seq"))
	}
	ms, _ := a.store.Messages(context.Background(), conv, 0, 100)
	if len(ms) != 4 {
		t.Fatalf("stored %d messages, want 4", len(ms))
	}

	// A drop before the ack is read: the resend after reconnecting still stores one question and one answer.
	c2.send(map[string]any{"type": "ask", "id": "q3", "text": "劳动合同到期不续签要给补偿吗？"})
	c2.conn.UnderlyingConn().Close()
	c3 := dialChat(t, srv, "token="+token+"&last_seq=4")
	h3 := c3.hello()
	c3.send(map[string]any{"type": "ask", "id": "q3", "text": "劳动合同到期不续签要给补偿吗？"})
	if ack5 := c3.untilType("ack"); ack5.num("seq") != 5 {
		t.Fatalf("resend after an unacked drop: ack %v", ack5)
	}
	// The first attempt may have been answered before the reconnect (then the answer is in the
	// hello) or not (then it is answered now and arrives live): either way exactly once.
	answers := 0
	for _, m := range append(messagesOf(h3), c3.backlog...) {
		if m.typ() == "answer" && m.str("reply_to") == "q3" {
			answers++
		}
	}
	if answers == 0 {
		if ans := c3.untilType("answer"); ans.str("reply_to") != "q3" || ans.num("seq") != 6 {
			t.Fatalf("answer after resend = %v", ans)
		}
	}
	ms, _ = a.store.Messages(context.Background(), conv, 0, 100)
	if len(ms) != 6 {
		t.Fatalf("stored %d messages after the resend, want 6", len(ms))
	}
}

func TestChatResumeReturnsExactlyTheMissedMessages(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	ctx := context.Background()
	c := dialChat(t, srv, "")
	h := c.hello()
	token, conv := h.str("token"), h.str("conversation_id")
	c.ask("q1", overtimeQ) // seqs 1, 2
	c.conn.Close()

	// While the first tab is away: another tab asks, and a judge writes.
	other := dialChat(t, srv, "token="+token)
	other.hello()
	other.ask("q2", "试用期可以随便辞退员工吗？") // seqs 3, 4
	if _, err := a.chat.conversations.PostJudgeMessage(ctx, conv, 0, "李法官", "您好，我来看一下您的问题。"); err != nil {
		t.Fatal(err)
	}
	other.untilType("judge_message") // seq 5

	back := dialChat(t, srv, "token="+token+"&last_seq=999") // claims more than exists: brought back in step
	bh := back.hello()
	if bh.num("last_seq") != 5 || len(messagesOf(bh)) != 0 {
		t.Fatalf("hello for a client claiming seq 999 = %v", bh)
	}
	back.send(map[string]any{"type": "resume", "last_seq": 2})
	rh := back.untilType("hello")
	missed := messagesOf(rh)
	if fmt.Sprint(seqsOf(missed)) != "[3 4 5]" {
		t.Fatalf("resume from 2 returned seqs %v", seqsOf(missed))
	}
	if missed[0].typ() != "message" || missed[0].str("id") != "q2" || missed[1].typ() != "answer" ||
		missed[2].typ() != "judge_message" || missed[2].str("judge") != "李法官" {
		t.Fatalf("missed messages = %v", missed)
	}
	// What the other tab got live (sent from the event that announced it, not read back from the
	// store) is exactly what the store gives a resume.
	for _, m := range missed {
		i := slices.IndexFunc(other.seen, func(f frame) bool { return f.typ() != "ack" && f.num("seq") == m.num("seq") })
		if i < 0 || !reflect.DeepEqual(other.seen[i], m) {
			t.Fatalf("seq %d: live frame %v, resumed %v", m.num("seq"), other.seen[max(i, 0)], m)
		}
	}
	// Live delivery continues after the resume without repeating anything.
	if _, err := a.chat.conversations.PostJudgeMessage(ctx, conv, 0, "李法官", "请提供合同。"); err != nil {
		t.Fatal(err)
	}
	if f := back.untilType("judge_message"); f.num("seq") != 6 {
		t.Fatalf("live judge message after resume = %v", f)
	}
	for _, f := range back.seen {
		if f.typ() != "hello" && f.num("seq") != 6 && f.typ() != "escalation_status" {
			t.Fatalf("frame repeated outside the hello: %v", f)
		}
	}
	back.send(map[string]any{"type": "resume", "last_seq": 0})
	if all := messagesOf(back.untilType("hello")); fmt.Sprint(seqsOf(all)) != "[1 2 3 4 5 6]" {
		t.Fatalf("full resume = %v", seqsOf(all))
	}
}

func TestChatTwoTabsShareEvents(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	ctx := context.Background()
	tab1 := dialChat(t, srv, "")
	h := tab1.hello()
	token, conv := h.str("token"), h.str("conversation_id")
	tab2 := dialChat(t, srv, "token="+token)
	h2 := tab2.hello()
	if h2.str("conversation_id") != conv {
		t.Fatalf("second tab opened another conversation: %v", h2)
	}
	// The first tab's hello, of a conversation just started, is built without the store; the
	// second's is read from it: the same but for the freshly signed token.
	delete(h, "token")
	delete(h2, "token")
	if !reflect.DeepEqual(h, h2) {
		t.Fatalf("hello of a new conversation %v, read from the store %v", h, h2)
	}

	tab1.ask("q1", overtimeQ)
	q := tab2.untilType("message")
	ans := tab2.untilType("answer")
	if q.str("id") != "q1" || q.str("role") != "enterprise" || ans.str("reply_to") != "q1" || ans.num("seq") != 2 {
		t.Fatalf("second tab got %v and %v", q, ans)
	}

	// Escalating from the second tab puts both in the queue.
	tab2.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("加班费的计算基数怎么确定？")})
	ack := tab2.untilType("ack")
	if ack.str("reply_to") != "e1" || ack.num("position") != 1 || ack.str("mode") != "waiting" {
		t.Fatalf("escalate ack = %v", ack)
	}
	for i, tab := range []*chatConn{tab1, tab2} {
		st := tab.untilType("escalation_status")
		if st.str("mode") != "waiting" || st.num("position") != 1 {
			t.Fatalf("tab %d status = %v", i+1, st)
		}
		notice := tab.seen[slices.IndexFunc(tab.seen, func(f frame) bool { return f.str("role") == "system" })]
		if !strings.Contains(notice.str("text"), "沈阳市中级人民法院") {
			t.Fatalf("tab %d notice = %v", i+1, notice)
		}
	}

	// While waiting the bot stays silent: the message goes to the ticket, and the next frame
	// after it is the judge's, not an answer.
	tab1.send(map[string]any{"type": "ask", "id": "q2", "text": "补充一下：每周六都加班。"})
	if ack := tab1.untilType("ack"); ack.str("mode") != "waiting" {
		t.Fatalf("ack while waiting = %v", ack)
	}
	if _, err := a.chat.conversations.PostJudgeMessage(ctx, conv, 0, "李法官", "收到，请稍等。"); err != nil {
		t.Fatal(err)
	}
	for i, tab := range []*chatConn{tab1, tab2} {
		f := tab.untilType("judge_message")
		if f.str("judge") != "李法官" {
			t.Fatalf("tab %d judge message = %v", i+1, f)
		}
		// Frames arrive in seq order, so an answer to q2 would have come before the judge's.
		for _, b := range tab.seen {
			if b.typ() == "answer" && b.str("reply_to") == "q2" {
				t.Fatalf("tab %d: the bot answered while waiting: %v", i+1, b)
			}
		}
	}

	// After resolution both tabs see it and the bot answers again.
	if err := a.store.SetConversationMode(ctx, conv, conversation.ModeResolved); err != nil {
		t.Fatal(err)
	}
	a.chat.hub.Notify(ctx, conversation.Event{Kind: conversation.EventStatus, ConversationID: conv})
	// A status read while still waiting (a queue event's) may come first: what counts is that
	// the resolution arrives.
	for _, tab := range []*chatConn{tab1, tab2} {
		tab.until("resolved", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "resolved" })
	}
	_, ans = tab1.ask("q3", "试用期可以随便辞退员工吗？")
	if ans.str("intent") == "" {
		t.Fatalf("no answer after resolution: %v", ans)
	}
	tab2.until("back with the bot", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "bot" })
}

func TestChatEscalationIntake(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	resp, err := http.Get(srv.URL + "/api/v1/courts")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("courts: %d", resp.StatusCode)
	}

	c := dialChat(t, srv, "")
	c.hello()
	c.ask("q1", "法院把我们厂房查封了，工厂马上停产，很着急")
	bad := validForm("厂房被查封")
	bad["credit_code"] = "91350100M000100Y44"
	c.send(map[string]any{"type": "escalate", "id": "e1", "form": bad})
	f := c.untilType("error")
	fields := fmt.Sprint(f["fields"])
	if f.str("code") != "invalid" || f.str("reply_to") != "e1" || !strings.Contains(fields, "credit_code") ||
		!strings.Contains(fields, "impact.seized") {
		t.Fatalf("invalid form = %v", f)
	}
	good := validForm("厂房被查封，工厂停产")
	good["impact"] = map[string]any{"seized": "厂房和两条生产线", "production_stopped": true, "employees": 120}
	c.send(map[string]any{"type": "escalate", "id": "e2", "form": good})
	ack := c.untilType("ack")
	if ack.str("reply_to") != "e2" || ack.num("position") != 1 {
		t.Fatalf("ack = %v", ack)
	}
	c.send(map[string]any{"type": "escalate", "id": "e2", "form": good})
	if again := c.untilType("ack"); again["duplicate"] != true || again.num("seq") != ack.num("seq") {
		t.Fatalf("resent escalate = %v", again)
	}
	c.send(map[string]any{"type": "escalate", "id": "e3", "form": good})
	if f := c.untilType("error"); f.str("code") != "conflict" {
		t.Fatalf("second escalation = %v", f)
	}

	// A second enterprise in Shenyang with a normal matter queues behind the urgent one.
	d := dialChat(t, srv, "")
	d.hello()
	d.ask("q1", "合同纠纷想请法官看看") // a conversation escalates after a question (issue 12)
	d.send(map[string]any{"type": "escalate", "id": "x", "form": validForm("合同纠纷想请法官看看")})
	if ack := d.untilType("ack"); ack.num("position") != 2 {
		t.Fatalf("second ticket position = %v", ack)
	}
}

// errorOn sends raw bytes and expects a typed error, with the connection still usable.
func errorOn(t *testing.T, c *chatConn, kind int, payload []byte, code string) {
	t.Helper()
	c.sendRaw(kind, payload)
	f := c.untilType("error")
	if f.str("code") != code || f.str("message") == "" {
		t.Fatalf("%q: got %v, want code %s", payload, f, code)
	}
}

func TestChatBadFramesGetTypedErrors(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	bystander := dialChat(t, srv, "")
	bystander.hello()
	c := dialChat(t, srv, "")
	c.hello()
	for _, tc := range []struct {
		payload string
		code    string
	}{
		{`{bad`, "bad_json"},
		{`[1,2]`, "bad_frame"},
		{`{"type":"ask","id":5,"text":"x"}`, "bad_frame"},
		{`{"type":"ask","id":"a"}`, "bad_frame"},
		{`{"type":"ask","id":"a","text":"x","extra":1}`, "bad_frame"},
		{`{"id":"a"}`, "bad_frame"},
		{`{"type":"order_pizza"}`, "unknown_type"},
		{`{"type":"ask","id":"a"}{"type":"typing"}`, "bad_json"},
		{`{"type":"resume"}`, "bad_frame"},
		{`{"type":"ask","id":"bad id!","text":"x"}`, "invalid"},
		{`{"type":"ask","id":"long","text":"` + strings.Repeat("问", 1001) + `"}`, "invalid"},
	} {
		errorOn(t, c, websocket.TextMessage, []byte(tc.payload), tc.code)
	}
	errorOn(t, c, websocket.TextMessage, []byte("{\"type\":\"ask\",\"id\":\"u\",\"text\":\"\xff\xfe\"}"), "invalid_utf8")
	errorOn(t, c, websocket.BinaryMessage, []byte{1, 2, 3}, "binary_unsupported")
	// Still open and working after all of that.
	if _, ans := c.ask("ok", overtimeQ); ans.str("intent") != "answer" {
		t.Fatalf("answer after bad frames = %v", ans)
	}

	// An oversized frame is refused with a typed error and then closed with 1009.
	c.sendRaw(websocket.TextMessage, []byte(`{"type":"ask","id":"big","text":"`+strings.Repeat("a", 20<<10)+`"}`))
	if f := c.untilType("error"); f.str("code") != "frame_too_large" {
		t.Fatalf("oversized frame = %v", f)
	}
	if code := c.closeCode(); code != websocket.CloseMessageTooBig {
		t.Fatalf("close code %d, want 1009", code)
	}
	if _, ans := bystander.ask("b1", overtimeQ); ans.str("intent") != "answer" {
		t.Fatalf("bystander affected: %v", ans)
	}
}

func TestChatOriginTokenAndRequestChecks(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, func(c *Config) { c.Origins = []string{"https://courtdesk.example.cn"} })
	bystander := dialChat(t, srv, "")
	bystander.hello()

	_, resp, err := dialChatErr(srv, "", http.Header{"Origin": {"https://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("bad origin: err %v, resp %v", err, resp)
	}
	body := make([]byte, 512)
	n, _ := resp.Body.Read(body)
	if !strings.Contains(string(body[:n]), `"bad_origin"`) {
		t.Fatalf("bad origin body = %s", body[:n])
	}
	if conn, _, err := dialChatErr(srv, "", http.Header{"Origin": {"https://courtdesk.example.cn"}}); err != nil {
		t.Fatalf("configured origin refused: %v", err)
	} else {
		conn.Close()
	}
	if r, err := http.Get(srv.URL + "/ws/chat"); err != nil || r.StatusCode != http.StatusBadRequest {
		t.Fatalf("plain GET on /ws/chat: %v %v", r, err)
	}

	// A forged token gets a typed error and a fresh conversation, never the forged one.
	real := bystander.seen[0].str("token")
	parts := strings.Split(real, ".")
	forgedID := strings.Repeat("a", 32)
	forged := strings.Join([]string{parts[0], forgedID, parts[2], parts[3]}, ".")
	c := dialChat(t, srv, "token="+forged)
	if f := c.next(); f.typ() != "error" || f.str("code") != "invalid_token" {
		t.Fatalf("forged token: first frame %v", f)
	}
	h := c.hello()
	if h.str("conversation_id") == forgedID || h.str("conversation_id") == bystander.seen[0].str("conversation_id") ||
		h.str("token") == forged {
		t.Fatalf("forged token hello = %v", h)
	}
	if _, ans := bystander.ask("b1", overtimeQ); ans.str("intent") != "answer" {
		t.Fatalf("bystander affected: %v", ans)
	}
}

func TestChatFloodAndConnectionCap(t *testing.T) {
	_, srv := testApp(t, func(c *Config) { c.RateLimit, c.RateBurst, c.WSConnsPerIP = 2, 5, 3 })
	bystander := dialChat(t, srv, "")
	bystander.hello()
	flood := dialChat(t, srv, "")
	flood.hello()
	const n = 40
	for i := range n {
		flood.send(map[string]any{"type": "typing"})
		_ = i
	}
	flood.send(map[string]any{"type": "ask", "id": "late", "text": overtimeQ})
	if f := flood.untilType("error"); f.str("code") != "rate_limited" {
		t.Fatalf("flood = %v", f)
	}
	if _, ans := bystander.ask("b1", overtimeQ); ans.str("intent") != "answer" {
		t.Fatalf("bystander affected by the flood: %v", ans)
	}

	// Two connections are open; the third is the cap; the fourth is refused with a typed error.
	third := dialChat(t, srv, "")
	third.hello()
	fourth := dialChat(t, srv, "")
	if f := fourth.next(); f.str("code") != "too_many_connections" {
		t.Fatalf("fourth connection = %v", f)
	}
	if code := fourth.closeCode(); code != websocket.CloseTryAgainLater {
		t.Fatalf("close code %d, want 1013", code)
	}
	third.conn.Close()
	third.closeCodeOrEOF()
}

func TestChatRateLimitZeroLiftsEveryLimit(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, func(c *Config) { c.RateLimit, c.WSConnsPerIP = 0, 2 })
	var conns []*chatConn
	for range 6 {
		c := dialChat(t, srv, "")
		c.hello()
		conns = append(conns, c)
	}
	c := conns[0]
	for i := range 30 {
		c.send(map[string]any{"type": "ask", "id": fmt.Sprintf("q%d", i), "text": overtimeQ})
	}
	acks := 0
	for acks < 30 {
		f := c.next()
		if f.typ() == "error" {
			t.Fatalf("limit with RateLimit 0: %v", f)
		}
		if f.typ() == "ack" {
			acks++
		}
	}
}

func TestChatShutdownSaysServiceRestart(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	c := dialChat(t, srv, "")
	c.hello()
	c.ask("q1", overtimeQ)
	a.chat.hub.Close()
	if f, _ := c.until("unavailable", func(f frame) bool { return f.typ() == "error" }); f.str("code") != "unavailable" {
		t.Fatalf("frame at shutdown: %v", f)
	}
	if code := c.closeCode(); code != websocket.CloseServiceRestart {
		t.Fatalf("close code %d at shutdown, want 1012", code)
	}
	late := dialChat(t, srv, "")
	if f := late.next(); f.str("code") != "unavailable" {
		t.Fatalf("connection to a closed hub: %v", f)
	}
	if code := late.closeCode(); code != websocket.CloseServiceRestart {
		t.Fatalf("close code %d for a connection after shutdown, want 1012", code)
	}
}
