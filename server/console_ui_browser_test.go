package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The judge console: friendly empty states, a judge's reply drawn as the enterprise sees it, and
// a compact header on a phone.
func TestJudgeConsoleEmptyStatesRepliesAndPhoneHeader(t *testing.T) {
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.li", "沈阳市中级人民法院")
	ctx := chromium(t)
	step := stepper(t, ctx)
	step("log in", loginSteps(srv.URL, "judge.li", "password-judge.li")...)
	var empty string
	step("an empty queue says so",
		chromedp.WaitVisible(`#live.live-ok`),
		waitJS(`document.querySelector('#q-rows td.empty') !== null`),
		chromedp.WaitVisible(`#ticket-empty`),
		chatText(`#q-rows`, &empty))
	if !strings.Contains(empty, "暂无待办工单") {
		t.Fatalf("empty queue reads %q", empty)
	}

	ent := dialChat(t, srv, "")
	ent.hello()
	ent.ask("q1", "合同对方一直拖欠货款，我想请法官看看")
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("合同对方拖欠货款请法官指导")})
	ent.untilType("escalation_status")

	step("the ticket arrives and is claimed",
		waitJS(`document.querySelector('#q-rows tr.clickable') !== null`),
		chromedp.Click(`#q-rows tr.clickable`),
		chromedp.WaitVisible(`#ticket`),
		chromedp.WaitNotVisible(`#ticket-empty`),
		chromedp.Click(`#a-claim`),
		chromedp.WaitVisible(`#reply-form`))
	step("reply with Markdown",
		chromedp.SetValue(`#reply`, "建议先**发函催告**，保留证据：\n- 合同原件\n- 对账单和发货记录"),
		chromedp.Click(`#send-reply`),
		waitJS(`document.querySelector('#t-transcript li.judge strong') !== null`))
	var reply string
	var items int
	step("read the reply",
		chatText(`#t-transcript li.judge`, &reply),
		jsValue(`document.querySelectorAll('#t-transcript li.judge .text li').length`, &items))
	if strings.Contains(reply, "**") || strings.Contains(reply, "- 合同") || items != 2 ||
		!strings.Contains(reply, "发函催告") {
		t.Fatalf("the transcript shows the reply as %q with %d list items", reply, items)
	}

	var header float64
	step("a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		jsValue(`document.querySelector('header.bar').getBoundingClientRect().height`, &header))
	if header >= 200 {
		t.Fatalf("the header is %.0fpx tall at 390px wide", header)
	}
}

// The admin console speaks Chinese: the header link is readable, the version history of a new
// article and the audit log read as sentences, not codes or JSON.
func TestAdminConsoleChineseAndContrast(t *testing.T) {
	_, srv := testApp(t, nil)
	admin := newAPIClient(t, srv.URL)
	if admin.login("admin", "correct-horse-battery") != 200 {
		t.Fatal("admin login")
	}
	code, cur := admin.do("GET", "/api/v1/admin/articles/labor-overtime-pay", nil)
	if code != 200 {
		t.Fatal(code)
	}
	if code, out := admin.do("POST", "/api/v1/admin/articles/labor-overtime-pay/status",
		map[string]any{"status": "draft", "base_version": cur["version"]}); code != 200 {
		t.Fatalf("status: %d %v", code, out)
	}

	ctx := chromium(t)
	step := stepper(t, ctx)
	step("log in", loginSteps(srv.URL, "admin", "correct-horse-battery")...)
	var contrast float64
	step("the header link is readable",
		chromedp.WaitVisible(`#article-rows tr`),
		jsValue(`(() => {
			const rgb = (s) => s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
			const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
				return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
			const a = lum(rgb(getComputedStyle(document.querySelector('header.bar a')).color));
			const b = lum(rgb(getComputedStyle(document.querySelector('header.bar')).backgroundColor));
			return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); })()`, &contrast))
	if contrast < 4.5 {
		t.Fatalf("法官工作台 link contrast %.2f:1 on the header", contrast)
	}
	var versions string
	step("a new article's history is empty, and says so",
		chromedp.Click(`#new-article`),
		chromedp.WaitVisible(`#editor`),
		chatText(`#versions`, &versions))
	if !strings.Contains(versions, "还没有版本记录") {
		t.Fatalf("version history of a new article: %q", versions)
	}
	var rows [][]string
	step("the audit log",
		chromedp.Click(`#t-audit`),
		waitJS(`document.querySelectorAll('#audit-rows tr').length > 0`),
		jsValue(`[...document.querySelectorAll('#audit-rows tr')].map(tr => [...tr.cells].map(td => td.textContent))`, &rows))
	code0 := regexp.MustCompile(`^[a-z_]+\.[a-z_]+$`)
	found := false
	for _, r := range rows {
		if code0.MatchString(r[2]) || strings.Contains(r[4], "{") || strings.Contains(r[4], `"`) {
			t.Fatalf("audit row shows codes: %q", r)
		}
		if r[2] == "退回草稿" && r[3] == "labor-overtime-pay" && strings.Contains(r[4], "状态：草稿") {
			found = true
		}
	}
	if !found {
		t.Fatalf("audit rows %q", rows)
	}
}
