package main

import (
	"fmt"
	"strings"
	"testing"
)

// A refused judge action says which rule of the queue table refused it: a reply to a ticket
// nobody has claimed asks to claim it first (it used to say another judge had claimed it).
func TestQueueRefusalNamesTheRule(t *testing.T) {
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.li", "沈阳市中级人民法院")
	addJudge(t, a, "judge.wang", "沈阳市中级人民法院")
	ent := dialChat(t, srv, "")
	ent.hello()
	ent.ask("q1", "我要找法官")
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("请法官答复")})
	ent.untilType("escalation_status")
	li, wang := newAPIClient(t, srv.URL), newAPIClient(t, srv.URL)
	li.login("judge.li", "password-judge.li")
	wang.login("judge.wang", "password-judge.wang")
	path := fmt.Sprintf("/api/v1/judge/tickets/%d", int(li.tickets("")[0]["id"].(float64)))

	refused := func(c *apiClient, action string, body any, status int, rule string) {
		t.Helper()
		code, out := c.do("POST", path+"/"+action, body)
		e, _ := out["error"].(map[string]any)
		msg, _ := e["message"].(string)
		if code != status || !strings.Contains(msg, rule) {
			t.Errorf("%s: %d %v, want %d naming %q", action, code, out, status, rule)
		}
	}
	refused(li, "reply", map[string]string{"text": "先答复"}, 409, "请先接手")
	refused(li, "resolve", map[string]string{"closing": "结束"}, 409, "请先接手")
	if code, _ := li.do("POST", path+"/claim", nil); code != 200 {
		t.Fatalf("claim: %d", code)
	}
	refused(wang, "claim", nil, 409, "已被其他法官接手")
	refused(li, "claim", nil, 409, "您已接手")
	refused(wang, "reply", map[string]string{"text": "抢答"}, 409, "只有承办法官可以答复")
	refused(wang, "note", map[string]string{"text": "备注"}, 403, "只有承办法官或管理员")
}
