package main

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// policy is who may use a route.
type policy int

const (
	public            policy = iota // everyone
	signedIn                        // any judge or admin session
	judgeDesk                       // judges and admins
	ticketScoped                    // judges of the ticket's court (others get 404) and admins
	adminOnly                       // admins; judges get 403
	judgeMissing                    // an unknown path under /api/v1/judge: sign in first, then 404
	adminMissing                    // an unknown path under /api/v1/admin: 401, 403, then 404
	missing                         // an unknown path: 404 for everyone
	chatSocketPolicy                // the enterprise chat socket: everyone upgrades
	judgeSocketPolicy               // the judge console socket: judges and admins upgrade
	visitorOnly                     // the public visit API: a visitor token (X-Visitor-Token), no session
	visitDesk                       // the court's visit desk: judges and admins; the visit service narrows it
)

// routePolicies is the one table of who may use what. A route without an entry fails the test, so
// a new route cannot be added without deciding who may call it.
var routePolicies = map[string]policy{
	"GET /": public, "GET /admin": public, "GET /judge": public, "GET /login": public, "GET /static/*": public,
	"GET /healthz": public, "GET /readyz": public, "GET /kb/:slug": public, "GET /favicon.ico": public,
	// Public to every role, because it goes by network, not by account: this matrix calls from
	// loopback; TestMetricsRefusedToOtherAddresses covers the address list and the token.
	"GET /metrics":     public,
	"POST /api/v1/ask": public, "GET /api/v1/articles/:slug": public, "GET /api/v1/courts": public,
	"GET /api/v1/statutes/lookup": public, "POST /api/v1/auth/login": public, "POST /api/v1/auth/logout": public,
	"GET /api/v1/auth/me": signedIn, "POST /api/v1/auth/password": signedIn,

	"GET /api/v1/judge/tickets": judgeDesk, "GET /api/v1/judge/stats": judgeDesk, "GET /api/v1/judge/judges": judgeDesk,
	"GET /api/v1/judge/canned": judgeDesk, "GET /api/v1/judge/articles": judgeDesk,
	"GET /api/v1/judge/tickets/:id": ticketScoped, "POST /api/v1/judge/tickets/:id/:action": ticketScoped,
	"POST /api/v1/judge/tickets/:id/suggest": ticketScoped,

	"GET /api/v1/admin/articles": adminOnly, "POST /api/v1/admin/articles": adminOnly,
	"GET /api/v1/admin/articles/:slug": adminOnly, "PUT /api/v1/admin/articles/:slug": adminOnly,
	"POST /api/v1/admin/articles/:slug/status": adminOnly, "GET /api/v1/admin/articles/:slug/versions": adminOnly,
	"POST /api/v1/admin/articles/:slug/rollback": adminOnly, "POST /api/v1/admin/preview": adminOnly,
	"POST /api/v1/admin/import": adminOnly, "GET /api/v1/admin/export": adminOnly, "POST /api/v1/admin/test-ask": adminOnly,
	"GET /api/v1/admin/candidates": adminOnly, "POST /api/v1/admin/candidates/:id/:decision": adminOnly,
	"GET /api/v1/admin/synonyms": adminOnly, "PUT /api/v1/admin/synonyms": adminOnly,
	"GET /api/v1/admin/users": adminOnly, "POST /api/v1/admin/users": adminOnly, "PATCH /api/v1/admin/users/:id": adminOnly,
	"POST /api/v1/admin/users/:id/password": adminOnly, "GET /api/v1/admin/audit": adminOnly, "GET /api/v1/admin/retention": adminOnly,
	"GET /api/v1/admin/reports/:name": adminOnly, "GET /api/v1/admin/escalations": adminOnly,
	"POST /api/v1/admin/escalations/close": adminOnly, "POST /api/v1/admin/canned": adminOnly,
	"PUT /api/v1/admin/canned/:id": adminOnly, "DELETE /api/v1/admin/canned/:id": adminOnly,
	"GET /api/v1/admin/suggestions": adminOnly, "POST /api/v1/admin/suggestions/:id/:decision": adminOnly,
	"GET /api/v1/admin/calendar": adminOnly, "PUT /api/v1/admin/calendar": adminOnly, "PUT /api/v1/admin/courts": adminOnly,
	"GET /api/v1/admin/statutes": adminOnly, "POST /api/v1/admin/statutes/import": adminOnly,
	"GET /api/v1/admin/citations": adminOnly, "GET /api/v1/admin/legal-flags": adminOnly,
	"POST /api/v1/admin/legal-flags": adminOnly, "DELETE /api/v1/admin/legal-flags/:id": adminOnly,

	"GET /api/v1/visits/options": public, "GET /api/v1/visits": visitorOnly, "POST /api/v1/visits": visitorOnly,
	"POST /api/v1/visits/:id/:action": visitorOnly,
	"GET /api/v1/notices":             visitorOnly, "POST /api/v1/notices/consent": visitorOnly,
	"POST /api/v1/notices/verify": visitorOnly, "DELETE /api/v1/notices/consent": visitorOnly, "GET /n/:token": public,
	"GET /api/v1/judge/visits": visitDesk, "GET /api/v1/judge/visits/:id": visitDesk,
	"POST /api/v1/judge/visits/:id/:action": visitDesk, "POST /api/v1/judge/visits/:id/suggest": visitDesk,
	"echo_route_not_found /api/v1/judge/visits":   judgeDesk, // a GET there is the list
	"echo_route_not_found /api/v1/judge/visits/*": judgeMissing,

	"GET /ws/chat": chatSocketPolicy, "GET /ws/judge": judgeSocketPolicy,
	"echo_route_not_found /*": missing, "echo_route_not_found /api/v1": missing, "echo_route_not_found /api/v1/*": missing,
	"echo_route_not_found /api/v1/judge": judgeMissing, "echo_route_not_found /api/v1/judge/*": judgeMissing,
	"echo_route_not_found /api/v1/admin": adminMissing, "echo_route_not_found /api/v1/admin/*": adminMissing,
}

type actor struct {
	name    string
	login   string // username, or "" for no session
	visitor bool   // presents a visitor token in every place a credential could go
}

var matrixActors = []actor{
	{name: "anonymous"},
	{name: "visitor", visitor: true},
	{name: "judge-same-court", login: "judge.sy"},
	{name: "judge-other-court", login: "judge.dl"},
	{name: "admin", login: "admin"},
}

// expected returns a description of the allowed outcome and whether code fits it.
func expected(p policy, a actor, code int) (string, bool) {
	anon := a.login == ""
	pass := func() (string, bool) {
		return "allowed (not 401/403, no 5xx)", code < 500 && code != 401 && code != 403
	}
	switch p {
	case public:
		return pass()
	case signedIn, judgeDesk:
		if anon {
			return "401", code == 401
		}
		return pass()
	case ticketScoped:
		switch {
		case anon:
			return "401", code == 401
		case a.login == "judge.dl":
			return "404 (outside the court)", code == 404
		}
		desc, ok := pass()
		return desc + ", not 404", ok && code != 404
	case adminOnly:
		switch {
		case anon:
			return "401", code == 401
		case a.login != "admin":
			return "403", code == 403
		}
		return pass()
	case judgeMissing:
		if anon {
			return "401", code == 401
		}
		return "404", code == 404
	case adminMissing:
		switch {
		case anon:
			return "401", code == 401
		case a.login != "admin":
			return "403", code == 403
		}
		return "404", code == 404
	case missing:
		return "404", code == 404
	case visitorOnly:
		if !a.visitor {
			return "401", code == 401
		}
		return pass()
	case visitDesk:
		// The visit service answers by court and permission (its own tests); here: a session.
		if anon {
			return "401", code == 401
		}
		return "allowed (not 401, no 5xx)", code < 500 && code != 401
	case chatSocketPolicy:
		return "101", code == 101
	case judgeSocketPolicy:
		if anon {
			return "401", code == 401
		}
		return "101", code == 101
	}
	return "?", false
}

// Every route of the service and both sockets, for every kind of caller.
func TestAuthorisationMatrixEveryRoute(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.sy", "沈阳市中级人民法院")
	addJudge(t, a, "judge.dl", "大连市中级人民法院")
	ticket, _ := escalateFrom(t, dialChat(t, srv, ""), "210100", "合同纠纷请法官指导")
	visitorToken := dialChat(t, srv, "").hello().str("token")
	judgeUser, _ := a.store.GetUserByName(t.Context(), "judge.sy")
	params := strings.NewReplacer(
		"/tickets/:id", fmt.Sprintf("/tickets/%d", ticket), "/users/:id", fmt.Sprintf("/users/%d", judgeUser.ID),
		":slug", "contract-deposit", ":action", "claim", ":decision", "reject", ":name", "volume", ":id", "999999",
		"/static/*", "/static/app.css", "/*", "/no-such-route")
	passwords := map[string]string{"judge.sy": "password-judge.sy", "judge.dl": "password-judge.dl", "admin": "correct-horse-battery"}
	session := func(ac actor) *apiClient {
		c := newAPIClient(t, srv.URL)
		if ac.login != "" && c.login(ac.login, passwords[ac.login]) != 200 {
			t.Fatalf("login %s", ac.login)
		}
		return c
	}
	clients := map[string]*apiClient{}
	for _, ac := range matrixActors {
		clients[ac.name] = session(ac)
	}

	routes := a.http.Routes()
	sort.Slice(routes, func(i, j int) bool { return routes[i].Path+routes[i].Method < routes[j].Path+routes[j].Method })
	cells := 0
	for _, r := range routes {
		key := r.Method + " " + r.Path
		p, ok := routePolicies[key]
		if !ok {
			t.Errorf("route %s has no entry in the authorisation table", key)
			continue
		}
		path := params.Replace(r.Path)
		method := r.Method
		if method == "echo_route_not_found" {
			method = "GET"
		}
		for _, ac := range matrixActors {
			c := clients[ac.name]
			if key == "POST /api/v1/auth/logout" {
				c = session(ac) // a session of its own, so the other cells keep theirs
			}
			var code int
			if p == chatSocketPolicy || p == judgeSocketPolicy {
				code = dialStatus(t, srv.URL, path, c, ac, visitorToken)
			} else {
				code = c.doAs(method, path, visitorToken, ac.visitor)
			}
			cells++
			if want, ok := expected(p, ac, code); !ok {
				t.Errorf("%s as %s: %d, want %s", key, ac.name, code, want)
			}
		}
	}
	t.Logf("authorisation matrix: %d routes × %d actors = %d cells (both sockets included)", len(routes), len(matrixActors), cells)
}

// doAs sends a request as the client, with a visitor token as cookie, bearer and query when
// asked: a visitor token must open nothing a session opens.
func (b *apiClient) doAs(method, path, token string, visitor bool) int {
	b.t.Helper()
	var body *strings.Reader
	if method != "GET" && method != "DELETE" {
		body = strings.NewReader("{}")
	} else {
		body = strings.NewReader("")
	}
	if visitor {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "token=" + token
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if body.Len() > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.csrf != "" {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	if visitor {
		req.Header.Set("X-Visitor-Token", token)
		req.Header.Set("Authorization", "Bearer "+token)
		req.AddCookie(&http.Cookie{Name: "cd_session", Value: token})
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// dialStatus opens a socket as the actor and returns the handshake's status (101 on success).
func dialStatus(t *testing.T, base, path string, c *apiClient, ac actor, token string) int {
	t.Helper()
	u := "ws" + strings.TrimPrefix(base, "http") + path
	h := http.Header{"Origin": {base}}
	if ac.visitor {
		u += "?token=" + token
		h.Add("Cookie", "cd_session="+token)
	}
	req, _ := http.NewRequest("GET", base, nil)
	for _, ck := range c.c.Jar.Cookies(req.URL) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	conn, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err == nil {
		conn.Close()
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	return resp.StatusCode
}
