package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// visitorDo calls the public visit API with a chat visitor token, as the chat page does.
func visitorDo(t *testing.T, base, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("X-Visitor-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func daysAhead(n int) string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, n).Format("2006-01-02")
}

func visitForm() map[string]any {
	return map[string]any{"kind": "compliance", "topics": []string{"labor", "contract"}, "dates": []string{daysAhead(12)},
		"org_type": "park", "org": "沈阳浑南科技产业园", "credit_code": "91210100MA0P4YK21H", "city": "210100",
		"address": "沈阳市浑南区创新路 100 号", "attendees": 40, "contact": "王主任", "mobile": "13800000000"}
}

func fieldNames(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	fs, _ := e["fields"].([]any)
	var names []string
	for _, f := range fs {
		names = append(names, f.(map[string]any)["field"].(string))
	}
	return strings.Join(names, ",")
}

// noticeFor waits for the chat's status notice of a visit that contains text.
func (c *chatConn) noticeFor(text string) frame {
	c.t.Helper()
	f, _ := c.until("visit notice "+text, func(f frame) bool {
		return f.typ() == "message" && f.num("visit_id") > 0 && strings.Contains(f.str("text"), text)
	})
	return f
}

// The whole 法官进企业 path over real HTTP and WebSockets: the bot offers the form, the form's
// errors, the visitor token as the only key, the court's permission and scope, the
// counter-proposal, the live and stored notices, the summary suggested as an article, and the
// activity report.
func TestVisitRequestFlow(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	c := dialChat(t, srv, "")
	hello := c.hello()
	token := hello.str("token")
	if _, ans := c.ask("q1", "我们园区想请法官来企业讲课，怎么预约？"); ans.str("offer") != "visit" {
		t.Fatalf("no visit offer with the answer: %v", ans)
	}
	if _, ans := c.ask("q2", "员工加班费怎么算"); ans.str("offer") != "" {
		t.Fatalf("visit offered for a labour question: %v", ans)
	}

	bad := visitForm()
	bad["dates"], bad["credit_code"], bad["topics"], bad["attendees"] = []string{"2020-01-01"}, "91210100MA0P4YK21X", []string{}, 0
	if code, out := visitorDo(t, srv.URL, token, "POST", "/api/v1/visits", bad); code != 400 || fieldNames(out) != "topics,dates,credit_code,attendees" {
		t.Fatalf("bad form: %d %v", code, out)
	}
	if code, _ := visitorDo(t, srv.URL, "", "POST", "/api/v1/visits", visitForm()); code != 401 {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := visitorDo(t, srv.URL, token+"x", "GET", "/api/v1/visits", nil); code != 401 {
		t.Fatalf("forged token: %d", code)
	}
	code, v := visitorDo(t, srv.URL, token, "POST", "/api/v1/visits", visitForm())
	if code != 201 || v["status"] != "requested" || v["court"] != "沈阳市中级人民法院" {
		t.Fatalf("submit: %d %v", code, v)
	}
	id := "/" + itoa(int(v["id"].(float64)))
	c.noticeFor("已收到您的法官进企业申请")

	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	mkJudge := func(name, court string, canVisits bool) (*apiClient, float64) {
		code, u := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": name, "display_name": name + "法官",
			"role": "judge", "court": court, "password": "password-" + name, "can_visits": canVisits})
		if code != 201 || u["can_visits"] != canVisits {
			t.Fatalf("create %s: %d %v", name, code, u)
		}
		j := newAPIClient(t, srv.URL)
		j.login(name, "password-"+name)
		return j, u["id"].(float64)
	}
	plain, plainID := mkJudge("plain", "沈阳市中级人民法院", false)
	dalian, _ := mkJudge("dalian", "大连市中级人民法院", true)
	lead, _ := mkJudge("lead", "沈阳市中级人民法院", true)

	propose := map[string]any{"date": daysAhead(14), "judges": []float64{plainID}, "note": "上午九点到"}
	for name, j := range map[string]*apiClient{"judge without permission": plain, "other court's judge": dalian} {
		if code, _ := j.do("POST", "/api/v1/judge/visits"+id+"/propose", propose); code != 403 {
			t.Fatalf("%s proposed: %d", name, code)
		}
	}
	if _, out := dalian.do("GET", "/api/v1/judge/visits", nil); len(out["visits"].([]any)) != 0 {
		t.Fatalf("other court lists %v", out)
	}
	if code, _ := newAPIClient(t, srv.URL).do("GET", "/api/v1/judge/visits", nil); code != 401 {
		t.Fatalf("anonymous console list: %d", code)
	}
	if code, out := lead.do("GET", "/api/v1/judge/visits", nil); code != 200 || len(out["visits"].([]any)) != 1 {
		t.Fatalf("court's judge lists: %d %v", code, out)
	}
	if code, out := lead.do("POST", "/api/v1/judge/visits"+id+"/propose", propose); code != 200 || out["status"] != "date_proposed" {
		t.Fatalf("propose: %d %v", code, out)
	}
	c.noticeFor("提议于 " + daysAhead(14))

	// Another visitor's token cannot touch the request.
	other := dialChat(t, srv, "")
	if code, _ := visitorDo(t, srv.URL, other.hello().str("token"), "POST", "/api/v1/visits"+id+"/accept", nil); code != 404 {
		t.Fatalf("other visitor accepted: %d", code)
	}
	if code, out := visitorDo(t, srv.URL, token, "POST", "/api/v1/visits"+id+"/counter", map[string]any{"date": daysAhead(15)}); code != 200 || out["status"] != "counter_proposed" {
		t.Fatalf("counter: %d %v", code, out)
	}
	c.noticeFor("您已提议改为 " + daysAhead(15))
	code, out := visitorDo(t, srv.URL, token, "POST", "/api/v1/visits"+id+"/accept", nil)
	if msg, _ := out["error"].(map[string]any); code != 409 || msg["code"] != "transition_refused" || msg["message"] != "只有法院提议日期后才能接受日期" {
		t.Fatalf("accepting own date: %d %v", code, out)
	}
	if code, out := admin.do("POST", "/api/v1/judge/visits"+id+"/confirm", nil); code != 200 || out["date"] != daysAhead(15) {
		t.Fatalf("admin confirms: %d %v", code, out)
	}
	c.noticeFor("走访已确认：" + daysAhead(15))

	// The assigned judge records the summary and suggests it as an article.
	if code, out := plain.do("POST", "/api/v1/judge/visits"+id+"/complete", map[string]any{"summary": map[string]string{"problems": "", "advice": ""}}); code != 400 || fieldNames(out) != "summary.problems,summary.advice" {
		t.Fatalf("empty summary: %d %v", code, out)
	}
	if code, out := plain.do("POST", "/api/v1/judge/visits"+id+"/complete", map[string]any{"summary": map[string]string{
		"problems": "园区企业普遍未与劳务派遣人员签订书面协议", "advice": "建立用工台账，规范劳务派遣协议"}}); code != 200 || out["status"] != "done" {
		t.Fatalf("complete: %d %v", code, out)
	}
	c.noticeFor("已完成")
	art := map[string]any{"article": map[string]any{"title": "园区企业劳务派遣用工合规要点", "category": "labor", "kind": "compliance_advice",
		"questions": []string{"劳务派遣要签什么协议"}, "summary": "劳务派遣须签订书面协议并建立用工台账。",
		"body": "## 常见问题\n园区企业普遍未与劳务派遣人员签订书面协议。\n\n## 建议\n建立用工台账。"}}
	if code, out := plain.do("POST", "/api/v1/judge/visits"+id+"/suggest", art); code != 201 || out["visit_id"] == nil {
		t.Fatalf("suggest: %d %v", code, out)
	}
	if _, out := admin.do("GET", "/api/v1/admin/suggestions?status=pending", nil); len(out["suggestions"].([]any)) != 1 {
		t.Fatalf("admin review list %v", out)
	}
	// The requester sees no summary, and finds every notice again after coming back.
	if _, out := visitorDo(t, srv.URL, token, "GET", "/api/v1/visits", nil); out["visits"].([]any)[0].(map[string]any)["summary"] != nil {
		t.Fatalf("requester sees the summary: %v", out)
	}
	back := dialChat(t, srv, "token="+token)
	notices := 0
	for _, m := range messagesOf(back.hello()) {
		if m.num("visit_id") > 0 {
			notices++
		}
	}
	if notices != 5 {
		t.Fatalf("%d visit notices after reconnecting, want 5", notices)
	}

	// The activity report counts the visit and the HTTP ask, per court and month.
	if code := post(t, srv.URL+"/api/v1/ask", "application/json", `{"question":"员工加班费怎么算"}`).status; code != 200 {
		t.Fatalf("http ask: %d", code)
	}
	today := daysAhead(0)
	resp, err := admin.c.Get(srv.URL + "/api/v1/admin/reports/activity?format=csv&from=" + today + "&to=" + daysAhead(20))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csv := string(body)
	month := daysAhead(15)[:7]
	if !strings.HasPrefix(csv, "\ufeff月份,法院,咨询量,转法官数,已答复数,服务企业数,走访次数,涉企执行类咨询数\n") ||
		!strings.Contains(csv, month+",沈阳市中级人民法院,") || !strings.Contains(csv, ",合计,") {
		t.Fatalf("csv:\n%s", csv)
	}
	_, act := admin.do("GET", "/api/v1/admin/reports/activity?from="+today+"&to="+daysAhead(20), nil)
	// Chat: the visit question (its conversation went to the court) and the labour question;
	// HTTP: one more.
	if act["visits"].(float64) != 1 || act["enterprises"].(float64) != 1 || act["questions"].(float64) != 3 {
		t.Fatalf("activity %v", act)
	}
}
