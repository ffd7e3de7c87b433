package main

import (
	"io"
	"strings"
	"testing"
)

// Unanswered questions asked in the chat (income tax on a share transfer: no article covers tax
// calculation) show up grouped in the gap report under the lexicon's term, the volume counts
// them, and the activity summary downloads as CSV.
func TestReportsFromRealConversations(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	c := dialChat(t, srv, "")
	c.hello()
	for i, q := range []string{"股权转让的个人所得税谁来交", "股权转让个人所得税按多少税率缴纳", "股权转让以后个人所得税怎么申报",
		"员工加班费怎么算", "你好"} {
		c.ask("q"+string(rune('a'+i)), q)
	}
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	code, gaps := admin.do("GET", "/api/v1/admin/reports/gaps", nil)
	groups, _ := gaps["groups"].([]any)
	if code != 200 || len(groups) == 0 {
		t.Fatalf("gaps: %d %v", code, gaps)
	}
	top := groups[0].(map[string]any)
	if top["term"] != "股份" || top["count"].(float64) != 3 || len(top["examples"].([]any)) != 3 {
		t.Fatalf("top gap group %v", top)
	}
	code, vol := admin.do("GET", "/api/v1/admin/reports/volume", nil)
	if code != 200 || vol["total"].(float64) != 5 {
		t.Fatalf("volume: %d %v", code, vol)
	}
	code, arts := admin.do("GET", "/api/v1/admin/reports/articles", nil)
	if list, _ := arts["articles"].([]any); code != 200 || len(list) != 1 || list[0].(map[string]any)["slug"] != "labor-overtime-pay" {
		t.Fatalf("articles: %d %v", code, arts)
	}
	resp, err := admin.c.Get(srv.URL + "/api/v1/admin/reports/activity?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "\ufeff月份,法院,咨询量,转法官数,已答复数,服务企业数,走访次数,涉企执行类咨询数\n") ||
		!strings.Contains(string(body), ",未转至法院,4,") || !strings.Contains(string(body), ",合计,4,") || !strings.Contains(resp.Header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv: %d %q", resp.StatusCode, body)
	}
	if code, _ := admin.do("GET", "/api/v1/admin/reports/volume?from=2026-13-01", nil); code != 400 {
		t.Fatalf("bad date: %d", code)
	}
	if code, out := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": "judge.r", "display_name": "R法官",
		"role": "judge", "court": "沈阳市中级人民法院", "password": "judge-r-password"}); code != 201 {
		t.Fatalf("create judge: %d %v", code, out)
	}
	judge := newAPIClient(t, srv.URL)
	judge.login("judge.r", "judge-r-password")
	if code, _ := judge.do("GET", "/api/v1/admin/reports/gaps", nil); code != 403 {
		t.Fatalf("judge reads reports: %d", code)
	}
}

func TestCalendarSettings(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	code, cal := admin.do("GET", "/api/v1/admin/calendar", nil)
	if code != 200 || cal["open"] != "09:00" || cal["close"] != "17:00" {
		t.Fatalf("default calendar: %d %v", code, cal)
	}
	bad := map[string]any{"open": "09:00", "close": "08:00", "holidays": []string{"2026-10-01", "2026-02-30"}, "makeup_days": []string{"2026-10-01"}}
	if code, out := admin.do("PUT", "/api/v1/admin/calendar", bad); code != 400 || len(out["error"].(map[string]any)["fields"].([]any)) < 3 {
		t.Fatalf("bad calendar: %d %v", code, out)
	}
	good := map[string]any{"open": "08:30", "close": "17:30", "holidays": []string{"2026-10-01", "2026-10-02"}, "makeup_days": []string{"2026-09-27"}}
	if code, _ := admin.do("PUT", "/api/v1/admin/calendar", good); code != 200 {
		t.Fatalf("save calendar: %d", code)
	}
	_, cal = admin.do("GET", "/api/v1/admin/calendar", nil)
	if cal["open"] != "08:30" || len(cal["holidays"].([]any)) != 2 || cal["makeup_days"].([]any)[0] != "2026-09-27" {
		t.Fatalf("saved calendar %v", cal)
	}
}

func TestAdminMaintainsCourts(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	bad := map[string]any{"courts": []map[string]string{{"code": "210100", "name": "沈阳市", "court": "沈阳市中级人民法院"},
		{"code": "210100", "name": "重复", "court": "重复法院"}}}
	if code, _ := admin.do("PUT", "/api/v1/admin/courts", bad); code != 400 {
		t.Fatalf("duplicate codes accepted: %d", code)
	}
	good := map[string]any{"courts": []map[string]string{{"code": "210102", "name": "沈阳市和平区", "court": "沈阳市和平区人民法院"},
		{"code": "210100", "name": "沈阳市", "court": "沈阳市中级人民法院"}}}
	if code, out := admin.do("PUT", "/api/v1/admin/courts", good); code != 200 {
		t.Fatalf("save courts: %d %v", code, out)
	}
	_, pub := newAPIClient(t, srv.URL).do("GET", "/api/v1/courts", nil)
	list := pub["courts"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["court"] != "沈阳市和平区人民法院" {
		t.Fatalf("intake form courts %v", list)
	}
	// The enterprise can now choose the district court.
	c := dialChat(t, srv, "")
	c.hello()
	c.ask("q1", "我想请法官看看我们的合同纠纷")
	f := validForm("合同纠纷请法官指导")
	f["city"] = "210102"
	c.send(map[string]any{"type": "escalate", "id": "e1", "form": f})
	if ack := c.untilType("ack"); ack.str("reply_to") != "e1" || ack.num("position") != 1 {
		t.Fatalf("escalation to the new court: %v", ack)
	}
}
