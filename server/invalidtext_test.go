package main

import (
	"fmt"
	"github.com/courtdesk/courtdesk/internal/pgtest"
	"testing"
)

// A NUL, or bytes that are not UTF-8, in any kind of input (a JSON field made with a \u escape,
// a query filter, a path parameter, a chat frame) is refused with 400 invalid or the socket's
// invalid error on both engines. PostgreSQL used to answer 500 ("invalid byte sequence") where
// SQLite stored the text.
func TestInvalidTextIsRefusedOnBothEngines(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			a, srv := testApp(t, func(c *Config) {
				if engine == "postgres" {
					c.DB, c.DatabaseURL = "postgres", pgtest.DSN(t)
				}
			})
			addJudge(t, a, "judge.li", "沈阳市中级人民法院")
			anon, admin, li := newAPIClient(t, srv.URL), newAPIClient(t, srv.URL), newAPIClient(t, srv.URL)
			if admin.login("admin", "correct-horse-battery") != 200 || li.login("judge.li", "password-judge.li") != 200 {
				t.Fatal("login")
			}
			// A ticket to act on.
			ent := dialChat(t, srv, "")
			ent.hello()
			ent.ask("q1", "我要找法官")
			// The intake over the socket: a NUL in a form field is the socket's typed error.
			bad := validForm("请法官答复")
			bad["company"] = "沈阳\x00机械"
			ent.send(map[string]any{"type": "escalate", "id": "e0", "form": bad})
			if f := ent.untilType("error"); f.str("code") != "invalid" {
				t.Fatalf("escalate with a NUL: %v", f)
			}
			ent.send(map[string]any{"type": "message", "id": "m0", "text": "补充\x00说明"})
			if f := ent.untilType("error"); f.str("code") != "invalid" {
				t.Fatalf("chat message with a NUL: %v", f)
			}
			ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("请法官答复")})
			ent.untilType("escalation_status")
			id := int(li.tickets("")[0]["id"].(float64))
			ticket := fmt.Sprintf("/api/v1/judge/tickets/%d", id)
			if code, _ := li.do("POST", ticket+"/claim", nil); code != 200 {
				t.Fatalf("claim: %d", code)
			}

			for _, r := range []struct {
				who          *apiClient
				method, path string
				body         string
			}{
				{anon, "POST", "/api/v1/auth/login", `{"username":"ad\u0000min","password":"correct-horse-battery"}`},
				{anon, "POST", "/api/v1/auth/login", `{"username":"admin","password":"correct-horse-battery\u0000"}`},
				{anon, "POST", "/api/v1/ask", `{"question":"加班\u0000费怎么算"}`},
				{anon, "POST", "/api/v1/ask", `{"question":"加班费怎么算","choose":"labor\u0000"}`},
				{li, "POST", ticket + "/note", `{"text":"已电话\u0000联系"}`},
				{li, "POST", ticket + "/reply", `{"text":"您好\u0000"}`},
				{li, "GET", "/api/v1/judge/tickets?state=%00", ""},
				{li, "GET", "/api/v1/judge/tickets?category=labor%00", ""},
				{li, "GET", "/api/v1/judge/articles?q=%FF", ""},
				{admin, "GET", "/api/v1/admin/articles?q=%00", ""},
				{admin, "GET", "/api/v1/admin/articles?category=%FF", ""},
				{admin, "GET", "/api/v1/admin/articles/labor%00overtime", ""},
				{admin, "GET", "/api/v1/admin/escalations?conversation=%00", ""},
				{admin, "GET", "/api/v1/admin/suggestions?status=%00", ""},
				{admin, "POST", "/api/v1/admin/users", `{"username":"judge\u0000x","display_name":"x","role":"judge","court":"沈阳市中级人民法院","password":"long-enough-password"}`},
				{anon, "GET", "/api/v1/articles/labor%00overtime", ""},
				{anon, "GET", "/api/v1/statutes/lookup?cite=%FF", ""},
			} {
				var body any
				if r.body != "" {
					body = r.body
				}
				code, out := r.who.do(r.method, r.path, body)
				if code != 400 || errCodeOf(out) != "invalid" {
					t.Errorf("%s %s %s: %d %v, want 400 invalid", r.method, r.path, r.body, code, out)
				}
			}
			// Nothing was stored: the ticket has no note and no reply.
			code, out := li.do("GET", ticket, nil)
			if code != 200 {
				t.Fatalf("ticket: %d", code)
			}
			if notes, _ := out["notes"].([]any); len(notes) != 0 {
				t.Fatalf("a refused note was stored: %v", notes)
			}
		})
	}
}
