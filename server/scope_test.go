package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// escalateFrom opens a fresh conversation, asks one question and escalates it to the court of city.
// It returns the ticket id and the conversation id.
func escalateFrom(t *testing.T, c *chatConn, city, question string) (int64, string) {
	t.Helper()
	h := c.hello()
	c.ask("q1", question)
	f := validForm(question)
	f["city"] = city
	c.send(map[string]any{"type": "escalate", "id": "e1", "form": f})
	st, _ := c.until("waiting status", func(f frame) bool {
		if f.typ() == "error" {
			t.Fatalf("escalate: %v", f)
		}
		return f.typ() == "escalation_status" && f.str("mode") == "waiting"
	})
	return st.num("ticket_id"), h.str("conversation_id")
}

func loggedIn(t *testing.T, base, user, pw string) *apiClient {
	t.Helper()
	c := newAPIClient(t, base)
	if code := c.login(user, pw); code != 200 {
		t.Fatalf("login %s: %d", user, code)
	}
	return c
}

// A Dalian judge cannot read or act on Shenyang's tickets; a judge of the court cannot write notes
// on a colleague's claimed ticket; a ticket transferred to a judge of another court opens to them;
// the all-courts permission, granted by an admin, opens every court.
func TestJudgeCourtScope(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.sy", "沈阳市中级人民法院")
	addJudge(t, a, "judge.sy2", "沈阳市中级人民法院")
	addJudge(t, a, "judge.dl", "大连市中级人民法院")
	id1, _ := escalateFrom(t, dialChat(t, srv, ""), "210100", "合同纠纷请法官指导")
	id2, _ := escalateFrom(t, dialChat(t, srv, ""), "210100", "劳动争议请法官指导")
	sy := loggedIn(t, srv.URL, "judge.sy", "password-judge.sy")
	sy2 := loggedIn(t, srv.URL, "judge.sy2", "password-judge.sy2")
	dl := loggedIn(t, srv.URL, "judge.dl", "password-judge.dl")
	admin := loggedIn(t, srv.URL, "admin", "correct-horse-battery")
	p := func(id int64) string { return fmt.Sprintf("/api/v1/judge/tickets/%d", id) }

	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", p(id1), nil},
		{"POST", p(id1) + "/claim", nil},
		{"POST", p(id2) + "/transfer", map[string]any{"court": "210200", "reason": "转到大连"}},
		{"POST", p(id1) + "/note", map[string]any{"text": "看看"}},
		{"POST", p(id1) + "/suggest", map[string]any{"article": map[string]any{"title": "x"}}},
	} {
		if code, out := dl.do(tc.method, tc.path, tc.body); code != 404 {
			t.Errorf("Dalian judge %s %s: %d %v, want 404", tc.method, tc.path, code, out)
		}
	}
	if ts := dl.tickets(""); len(ts) != 0 {
		t.Errorf("Dalian judge's court queue lists Shenyang tickets: %v", ts)
	}
	if code, _ := dl.do("GET", "/api/v1/judge/tickets?scope=all", nil); code != 403 {
		t.Errorf("scope=all without the permission: %d, want 403", code)
	}

	if code, out := sy.do("POST", p(id1)+"/claim", nil); code != 200 {
		t.Fatalf("Shenyang claim: %d %v", code, out)
	}
	if code, out := sy2.do("POST", p(id1)+"/note", map[string]any{"text": "我来补充"}); code != 403 {
		t.Errorf("note on a colleague's ticket: %d %v, want 403", code, out)
	}
	if code, _ := sy.do("POST", p(id1)+"/note", map[string]any{"text": "已电话联系"}); code != 200 {
		t.Errorf("note by the ticket's judge: %d", code)
	}
	if code, _ := admin.do("POST", p(id1)+"/note", map[string]any{"text": "管理员备注"}); code != 200 {
		t.Errorf("note by an admin: %d", code)
	}
	if code, _ := sy2.do("GET", p(id1), nil); code != 200 {
		t.Errorf("a colleague of the same court reads the ticket: %d", code)
	}

	// Transferred to the Dalian judge, the ticket opens to them (and only that one).
	dlUser, _ := a.store.GetUserByName(t.Context(), "judge.dl")
	if code, out := sy.do("POST", p(id1)+"/transfer", map[string]any{"to_judge": dlUser.ID, "reason": "熟悉此类案件"}); code != 200 {
		t.Fatalf("transfer to the Dalian judge: %d %v", code, out)
	}
	if code, _ := dl.do("GET", p(id1), nil); code != 200 {
		t.Errorf("Dalian judge reads the ticket transferred to them: %d", code)
	}
	if code, out := dl.do("POST", p(id1)+"/reply", map[string]any{"text": "您好，我来答复。"}); code != 200 {
		t.Errorf("Dalian judge replies on the ticket transferred to them: %d %v", code, out)
	}
	if code, _ := dl.do("GET", p(id2), nil); code != 404 {
		t.Errorf("Dalian judge reads another Shenyang ticket: %d", code)
	}

	// The all-courts permission is an admin's grant.
	if code, _ := dl.do("PATCH", fmt.Sprintf("/api/v1/admin/users/%d", dlUser.ID), map[string]any{"all_courts": true}); code != 403 {
		t.Errorf("a judge grants themselves all courts: %d", code)
	}
	if code, out := admin.do("PATCH", fmt.Sprintf("/api/v1/admin/users/%d", dlUser.ID), map[string]any{"all_courts": true}); code != 200 || out["all_courts"] != true {
		t.Fatalf("grant all courts: %d %v", code, out)
	}
	if code, _ := dl.do("GET", p(id2), nil); code != 200 {
		t.Errorf("all-courts judge reads a Shenyang ticket: %d", code)
	}
	if code, _ := dl.do("GET", "/api/v1/judge/tickets?scope=all", nil); code != 200 {
		t.Errorf("all-courts judge lists every court: %d", code)
	}
}

// socketClosed reads until the judge socket ends and returns the close code (0: no close frame).
func (j *judgeSocket) closed() int {
	j.t.Helper()
	for {
		_ = j.conn.SetReadDeadline(time.Now().Add(frameWait))
		_, _, err := j.conn.ReadMessage()
		if err == nil {
			continue
		}
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce.Code
		}
		if strings.Contains(err.Error(), "timeout") {
			j.t.Fatalf("judge socket still open: %v", err)
		}
		return 0
	}
}

func sessionIDOf(b *apiClient) string {
	req, _ := http.NewRequest("GET", b.base, nil)
	for _, ck := range b.c.Jar.Cookies(req.URL) {
		if ck.Name == "cd_session" {
			sum := sha256.Sum256([]byte(ck.Value))
			return hex.EncodeToString(sum[:])
		}
	}
	return ""
}

// The judge's live socket ends with the session: at logout, at deactivation and once the session
// has expired (found on the next event).
func TestJudgeSocketEndsWithTheSession(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.sy", "沈阳市中级人民法院")
	admin := loggedIn(t, srv.URL, "admin", "correct-horse-battery")

	judge := loggedIn(t, srv.URL, "judge.sy", "password-judge.sy")
	other := loggedIn(t, srv.URL, "judge.sy", "password-judge.sy") // a second browser of the same judge
	s1, s2 := dialJudge(t, srv, judge), dialJudge(t, srv, other)
	if code, _ := judge.do("POST", "/api/v1/auth/logout", nil); code != 204 {
		t.Fatalf("logout: %d", code)
	}
	if code := s1.closed(); code != websocket.ClosePolicyViolation {
		t.Errorf("socket after logout closed with %d, want %d", code, websocket.ClosePolicyViolation)
	}

	// Expiry: the other session goes idle past its limit; the next event closes its socket instead
	// of telling it about a ticket.
	if err := a.store.TouchSession(t.Context(), sessionIDOf(other), time.Now().Add(-3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	escalateFrom(t, dialChat(t, srv, ""), "210100", "合同纠纷请法官指导")
	if code := s2.closed(); code != websocket.ClosePolicyViolation {
		t.Errorf("socket of an expired session closed with %d", code)
	}

	// Deactivation closes every socket of the account.
	third := loggedIn(t, srv.URL, "judge.sy", "password-judge.sy")
	s3 := dialJudge(t, srv, third)
	u, _ := a.store.GetUserByName(t.Context(), "judge.sy")
	if code, out := admin.do("PATCH", fmt.Sprintf("/api/v1/admin/users/%d", u.ID), map[string]any{"active": false}); code != 200 {
		t.Fatalf("deactivate: %d %v", code, out)
	}
	if code := s3.closed(); code != websocket.ClosePolicyViolation {
		t.Errorf("socket after deactivation closed with %d", code)
	}
}

// A judge's socket carries only the tickets the judge may see: nothing of bot-only conversations,
// nothing of another court's tickets.
func TestJudgeSocketOnlyCarriesVisibleTickets(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.sy", "沈阳市中级人民法院")
	addJudge(t, a, "judge.dl", "大连市中级人民法院")
	sy := dialJudge(t, srv, loggedIn(t, srv.URL, "judge.sy", "password-judge.sy"))
	dl := dialJudge(t, srv, loggedIn(t, srv.URL, "judge.dl", "password-judge.dl"))

	bot := dialChat(t, srv, "")
	botConv := bot.hello().str("conversation_id")
	bot.ask("q1", "试用期可以随便辞退员工吗？")
	_, syConv := escalateFrom(t, dialChat(t, srv, ""), "210100", "合同纠纷请法官指导")
	sy.until(func(f frame) bool { return f.typ() == "queue" })

	dlChat := dialChat(t, srv, "")
	_, dlConv := escalateFrom(t, dlChat, "210200", "劳动争议请法官指导")
	// A further message of the Dalian conversation: every frame before its signal was written
	// before it, so the frames read up to it are everything the Dalian judge was sent.
	dlChat.send(map[string]any{"type": "ask", "id": "q2", "text": "补充：对方一直不回复。"})
	ack := dlChat.untilType("ack")
	var got []frame
	for {
		f := dl.next()
		got = append(got, f)
		if f.typ() == "messages" && f.str("conversation_id") == dlConv && f.num("seq") >= ack.num("seq") {
			break
		}
	}
	for _, f := range got {
		if id := f.str("conversation_id"); id == botConv || id == syConv {
			t.Errorf("Dalian judge was sent %v", f)
		}
	}
	_ = a
}
