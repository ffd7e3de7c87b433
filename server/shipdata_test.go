package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/auth"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/seed"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

// serveAt starts the real service on dir, for tests that stop and start it again on the same data.
func serveAt(t *testing.T, dir string) (a *app, srv *httptest.Server, stop func()) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.AdminPassword, cfg.RateLimit, cfg.PasswordCost, cfg.Calibrate = dir, "correct-horse-battery", 0, 4, false
	a, err := build(context.Background(), &cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv = httptest.NewServer(a.http)
	return a, srv, func() { srv.Close(); a.close() }
}

// A fresh server, with no import by anyone, shows the 法条原文 of every numbered citation in the
// seed articles' 法律依据.
func TestFreshServerShowsSeedStatuteTexts(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	anon := newAPIClient(t, srv.URL)
	articles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range articles {
		for _, basis := range a.LegalBasis {
			for _, c := range statute.Extract(basis) {
				if !c.Numbered() {
					continue
				}
				n++
				one := statute.Citation{Title: c.Title, Article: c.Article}
				code, out := anon.do("GET", lookupPath(one.String()), nil)
				paras, _ := out["paragraphs"].([]any)
				if code != 200 || len(paras) == 0 || out["label"] != c.Article.Label() {
					t.Errorf("%s: %s: %d %v", a.Slug, one.String(), code, out)
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d numbered citations in the seed's legal basis", n)
	}
	// A document added to the shared texts in 2025 resolves too.
	if code, out := anon.do("GET", lookupPath("《中华人民共和国民营经济促进法》第二条"), nil); code != 200 || out["version"] != "2025-04-30" {
		t.Errorf("民营经济促进法: %d %v", code, out)
	}
}

// An admin's own version of a document is never replaced by the shipped text: not when it was
// imported before the first start, nor on later starts; the shipped texts of the other documents
// arrive all the same.
func TestShippedStatutesKeepTheAdminsVersions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	own := writeStatutes(t, map[string]string{"劳动合同法(2030-01-01).md": law("中华人民共和国劳动合同法", "2030-01-01", 120)})
	if code, _, errOut := runCLI(t, map[string]string{"COURTDESK_DATA": dir}, "statutes", "import", "--by", "court.admin", own); code != 0 {
		t.Fatalf("import before the first start: %d %s", code, errOut)
	}
	versionsOf := func(srv *httptest.Server, title string) (n int, current string, total int) {
		admin := newAPIClient(t, srv.URL)
		admin.login("admin", "correct-horse-battery")
		_, list := admin.do("GET", "/api/v1/admin/statutes", nil)
		for _, d := range list["documents"].([]any) {
			d := d.(map[string]any)
			if d["title"] == title {
				n++
				if d["current"] == true {
					current = fmt.Sprint(d["version"], " by ", d["imported_by"])
				}
			}
		}
		return n, current, len(list["documents"].([]any))
	}
	for start := 1; start <= 2; start++ {
		_, srv, stop := serveAt(t, dir)
		n, current, total := versionsOf(srv, "中华人民共和国劳动合同法")
		if n != 1 || current != "2030-01-01 by court.admin" || total < 50 {
			t.Fatalf("start %d: %d versions of 劳动合同法, current %q; %d documents", start, n, current, total)
		}
		anon := newAPIClient(t, srv.URL)
		if code, out := anon.do("GET", lookupPath("《劳动合同法》第四十七条"), nil); code != 200 || out["version"] != "2030-01-01" {
			t.Fatalf("start %d: lookup in the admin's version: %d %v", start, code, out)
		}
		if code, out := anon.do("GET", lookupPath("《中华人民共和国公司法》第二十一条"), nil); code != 200 || out["version"] != "2023-12-29" {
			t.Fatalf("start %d: shipped 公司法: %d %v", start, code, out)
		}
		stop()
	}
}

// A fresh server's working calendar holds the 2026 holidays: the response-time clock skips the
// Spring Festival and counts the Saturday worked before it (调休).
func TestFreshCalendarSkipsSpringFestival2026(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	cst := time.FixedZone("CST", 8*3600)
	cal := a.chat.queue.Calendar()
	at := func(s string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", s, cst)
		return t
	}
	// Friday 13 Feb 15:00 + 4 working hours: 2 on Friday, 2 on Saturday 14 Feb, a 调休 working day.
	if got := cal.Add(at("2026-02-13 15:00"), 4*time.Hour); !got.Equal(at("2026-02-14 11:00")) {
		t.Errorf("deadline from Friday 13 Feb: %s", got.In(cst))
	}
	// Saturday 14 Feb 16:00 + 4 working hours: 1 that day, then 15–23 Feb are off, 3 on Tuesday 24 Feb.
	if got := cal.Add(at("2026-02-14 16:00"), 4*time.Hour); !got.Equal(at("2026-02-24 12:00")) {
		t.Errorf("deadline across the Spring Festival: %s", got.In(cst))
	}
	if got := cal.Working(at("2026-02-13 09:00"), at("2026-02-24 17:00")); got != 24*time.Hour {
		t.Errorf("working time 13–24 Feb: %s, want 24h (13, 14 and 24 Feb)", got)
	}
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	_, out := admin.do("GET", "/api/v1/admin/calendar", nil)
	if fmt.Sprint(out["holidays"]) == "[]" || !contains(toStrings(out["makeup_days"]), "2026-02-28") ||
		!contains(toStrings(out["holidays"]), "2026-10-07") {
		t.Errorf("calendar in the console: %v", out)
	}
}

// The starter quick replies are there on the first start; an admin's edits to the calendar and the
// quick replies survive a restart (the starter sets are never loaded twice).
func TestStarterSetsLoadOnceAndStayEdited(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, srv, stop := serveAt(t, dir)
	addJudgeAt(t, a, "judge.qian", "沈阳市中级人民法院")
	judge, admin := newAPIClient(t, srv.URL), newAPIClient(t, srv.URL)
	judge.login("judge.qian", "password-judge.qian")
	admin.login("admin", "correct-horse-battery")
	code, out := judge.do("GET", "/api/v1/judge/canned", nil)
	replies, _ := out["replies"].([]any)
	if code != 200 || len(replies) < 8 || len(replies) > 12 {
		t.Fatalf("starter replies: %d %v", code, out)
	}
	for _, r := range replies {
		id := fmt.Sprint(int64(r.(map[string]any)["id"].(float64)))
		if code, _ := admin.do("DELETE", "/api/v1/admin/canned/"+id, nil); code/100 != 2 {
			t.Fatalf("delete reply %s: %d", id, code)
		}
	}
	if code, out := admin.do("PUT", "/api/v1/admin/calendar", map[string]any{"open": "08:30", "close": "17:30",
		"holidays": []string{}, "makeup_days": []string{}}); code != 200 {
		t.Fatalf("clear the calendar: %d %v", code, out)
	}
	stop()

	_, srv, stop = serveAt(t, dir)
	defer stop()
	judge, admin = newAPIClient(t, srv.URL), newAPIClient(t, srv.URL)
	judge.login("judge.qian", "password-judge.qian")
	admin.login("admin", "correct-horse-battery")
	if _, out := judge.do("GET", "/api/v1/judge/canned", nil); len(out["replies"].([]any)) != 0 {
		t.Errorf("deleted starter replies came back: %v", out)
	}
	if _, out := admin.do("GET", "/api/v1/admin/calendar", nil); out["open"] != "08:30" || len(out["holidays"].([]any)) != 0 {
		t.Errorf("the admin's calendar was replaced: %v", out)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

// addJudgeAt creates an active judge of court whose password is "password-" + name.
func addJudgeAt(t *testing.T, a *app, name, court string) {
	t.Helper()
	hash, _ := auth.Bcrypt{Cost: 4}.Hash("password-" + name)
	if _, err := a.store.CreateUser(context.Background(), knowledge.User{Username: name, DisplayName: name,
		Role: knowledge.RoleJudge, Court: court, Active: true, Capacity: 3, PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
}

// The admin console's user API accepts only courts of the court list, names a court by its
// region's code, offers the list in the error, and follows the admins' edits of the list.
func TestAdminUserCourtMustExist(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	courtError := func(code int, out map[string]any) string {
		e, _ := out["error"].(map[string]any)
		fields, _ := e["fields"].([]any)
		if code != 400 || len(fields) != 1 || fields[0].(map[string]any)["field"] != "court" {
			return ""
		}
		return fields[0].(map[string]any)["message"].(string)
	}
	user := func(name, court string) map[string]any {
		return map[string]any{"username": name, "display_name": name, "role": "judge", "court": court, "password": "judge-password-1"}
	}
	for _, court := range []string{"大连中院", "", "  "} {
		code, out := admin.do("POST", "/api/v1/admin/users", user("judge.bad", court))
		if msg := courtError(code, out); !strings.Contains(msg, "大连市中级人民法院") {
			t.Errorf("court %q: %d %v", court, code, out)
		}
	}
	code, out := admin.do("POST", "/api/v1/admin/users", user("judge.dl", "210200"))
	if code != 201 || out["court"] != "大连市中级人民法院" {
		t.Fatalf("court by region code: %d %v", code, out)
	}
	id := fmt.Sprint(int64(out["id"].(float64)))
	if code, out := admin.do("PATCH", "/api/v1/admin/users/"+id, map[string]any{"court": "大连中院"}); courtError(code, out) == "" {
		t.Errorf("patch to an unknown court: %d %v", code, out)
	}
	if code, out := admin.do("POST", "/api/v1/admin/users", map[string]any{"username": "admin.b", "display_name": "B",
		"role": "admin", "password": "admin-password-1"}); code != 201 {
		t.Errorf("an admin needs no court: %d %v", code, out)
	}
	// A court the admins add to the list is accepted at once.
	_, list := admin.do("GET", "/api/v1/courts", nil)
	courts := append(list["courts"].([]any), map[string]any{"code": "210281", "name": "瓦房店市", "court": "瓦房店市人民法院"})
	if code, out := admin.do("PUT", "/api/v1/admin/courts", map[string]any{"courts": courts}); code != 200 {
		t.Fatalf("save courts: %d %v", code, out)
	}
	if code, out := admin.do("PATCH", "/api/v1/admin/users/"+id, map[string]any{"court": "瓦房店市人民法院"}); code != 200 || out["court"] != "瓦房店市人民法院" {
		t.Errorf("patch to a court just added: %d %v", code, out)
	}
}

// Rolling a published article back to a version written while it was a draft restores the content
// only: the article stays published and its page answers. A status named in the request is applied.
func TestRollbackKeepsTheStatus(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	admin, anon := newAPIClient(t, srv.URL), newAPIClient(t, srv.URL)
	admin.login("admin", "correct-horse-battery")
	art := map[string]any{"slug": "ip-rollback-check", "title": "网店被平台封号的申诉途径", "category": "ip",
		"kind": "compliance_advice", "questions": []string{"网店被平台封号怎么申诉"}, "summary": "草稿时的摘要。",
		"body": "## 常见风险\n封号。", "related": []string{"ip-unfair-competition"}}
	if code, out := admin.do("POST", "/api/v1/admin/articles", map[string]any{"article": art}); code != 201 || out["status"] != "draft" {
		t.Fatalf("create: %d %v", code, out)
	}
	if code, out := admin.do("POST", "/api/v1/admin/articles/ip-rollback-check/status", map[string]any{"status": "published", "base_version": 1}); code != 200 {
		t.Fatalf("publish: %d %v", code, out)
	}
	art["status"], art["summary"] = "published", "发布后改写的摘要。"
	if code, out := admin.do("PUT", "/api/v1/admin/articles/ip-rollback-check", map[string]any{"article": art, "base_version": 2}); code != 200 {
		t.Fatalf("edit: %d %v", code, out)
	}
	code, out := admin.do("POST", "/api/v1/admin/articles/ip-rollback-check/rollback", map[string]any{"version": 1, "base_version": 3})
	if code != 200 || out["status"] != "published" || out["summary"] != "草稿时的摘要。" || out["version"].(float64) != 4 {
		t.Fatalf("rollback to the draft-era version: %d %v", code, out)
	}
	resp, err := anon.c.Get(srv.URL + "/kb/ip-rollback-check")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "草稿时的摘要。") {
		t.Fatalf("/kb/ after the rollback: %d", resp.StatusCode)
	}
	if code, out := admin.do("POST", "/api/v1/admin/articles/ip-rollback-check/rollback", map[string]any{"version": 3, "base_version": 4,
		"status": "retired"}); code != 400 {
		t.Errorf("unknown status: %d %v", code, out)
	}
	// Asked explicitly, the rollback also returns the article to draft.
	code, out = admin.do("POST", "/api/v1/admin/articles/ip-rollback-check/rollback", map[string]any{"version": 3, "base_version": 4,
		"status": "draft"})
	if code != 200 || out["status"] != "draft" || out["summary"] != "发布后改写的摘要。" {
		t.Fatalf("rollback with a status: %d %v", code, out)
	}
	resp, err = anon.c.Get(srv.URL + "/kb/ip-rollback-check")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("/kb/ of a draft: %d", resp.StatusCode)
	}
}

// A ticket's category is the enterprise's own choice on the intake form, else the category the
// search finds for the escalated question, never the category of the article the bot answered with
// before: an unpaid-goods case with a frozen account is not routed as 公司治理与股权.
func TestTicketCategoryFromTheIntake(t *testing.T) {
	t.Parallel()
	a, srv := testApp(t, nil)
	const earlier = "股东之间闹僵了，公司连续两年开不成股东会，能不能申请解散公司"
	const question = "客户拖欠我们的货款一直不付，我们公司的银行账户又被冻结了，该怎么办"
	escalate := func(id string, form map[string]any) frame {
		c := dialChat(t, srv, "")
		c.hello()
		_, ans := c.ask("q-"+id, earlier)
		src, _ := ans["sources"].([]any)
		if len(src) == 0 || src[0].(map[string]any)["category"] != "corporate" {
			t.Fatalf("premise: the earlier answer is about 公司治理: %v", ans)
		}
		c.send(map[string]any{"type": "escalate", "id": id, "form": form})
		f, _ := c.until("reply to "+id, func(f frame) bool {
			return (f.typ() == "ack" || f.typ() == "error") && f.str("reply_to") == id
		})
		return f
	}
	if f := escalate("guessed", validForm(question)); f.typ() != "ack" {
		t.Fatalf("escalate: %v", f)
	}
	chosen := validForm(question)
	chosen["category"] = "contract"
	if f := escalate("chosen", chosen); f.typ() != "ack" {
		t.Fatalf("escalate with a category: %v", f)
	}
	bad := validForm(question)
	bad["category"] = "weather"
	if f := escalate("bad", bad); f.typ() != "error" || !strings.Contains(fmt.Sprint(f["fields"]), "category") {
		t.Fatalf("unknown category: %v", f)
	}
	// Choosing 规范涉企执行 makes the facts of the enforcement's impact required.
	enf := validForm(question)
	enf["category"] = "enforcement"
	if f := escalate("enf", enf); f.typ() != "error" || !strings.Contains(fmt.Sprint(f["fields"]), "impact.seized") {
		t.Fatalf("enforcement chosen without impact facts: %v", f)
	}

	page, err := a.chat.queue.List(context.Background(), escalation.Judge{Admin: true}, escalation.Filter{}, true)
	if err != nil {
		t.Fatal(err)
	}
	views := page.Tickets
	got := map[knowledge.Category]knowledge.Category{}
	for _, v := range views {
		got[v.Intake.Category] = v.Specialty
	}
	t.Logf("routed (chosen → ticket category): %v", got)
	if len(views) != 2 || got["contract"] != "contract" || (got[""] != "contract" && got[""] != "enforcement") {
		t.Fatalf("ticket categories (chosen → routed): %v", got)
	}
}

// Every article page shows one 法律依据 heading, with every citation of the article's legal basis
// on it, and a meta line that does not name the same thing twice (诉讼服务 · 诉讼服务).
func TestArticlePageShowsTheLegalBasisOnce(t *testing.T) {
	t.Parallel()
	_, srv := testApp(t, nil)
	anon := newAPIClient(t, srv.URL)
	articles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	crumbs := regexp.MustCompile(`<p class="crumbs">.*?</p>`)
	seen := map[knowledge.Kind]bool{}
	for _, a := range articles {
		resp, err := anon.c.Get(srv.URL + "/kb/" + a.Slug)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := html.UnescapeString(string(b))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", a.Slug, resp.StatusCode)
		}
		headings := strings.Count(page, ">法律依据</h2>")
		if want := min(len(a.LegalBasis), 1); headings != want && !(want == 0 && headings == 1) {
			t.Errorf("%s: %d 法律依据 headings", a.Slug, headings)
		}
		// Each cited article is on the page, though perhaps as 《劳动合同法》第四十六条、第四十七条.
		onPage := map[string]bool{}
		for _, c := range statute.Extract(page) {
			onPage[statute.TitleKey(c.Title)+c.Article.Label()] = true
		}
		for _, basis := range a.LegalBasis {
			for _, c := range statute.Extract(basis) {
				if !onPage[statute.TitleKey(c.Title)+c.Article.Label()] {
					t.Errorf("%s: %s is not on the page", a.Slug, c)
				}
			}
		}
		meta := crumbs.FindString(page)
		parts := strings.Split(meta, " · ")
		if len(parts) != 3 || parts[1] == strings.TrimSuffix(parts[2], "</p>") {
			t.Errorf("%s: meta line %q", a.Slug, meta)
		}
		seen[a.Kind] = true
	}
	if len(seen) != 3 {
		t.Fatalf("kinds covered: %v", seen)
	}
}
