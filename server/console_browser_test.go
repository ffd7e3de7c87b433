package main

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A judge logs in, sees the queue, opens the ticket, claims it, replies and resolves it; the
// enterprise receives the reply.
func TestJudgeConsoleInBrowser(t *testing.T) {
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.li", "沈阳市中级人民法院")
	ent := dialChat(t, srv, "")
	ent.hello()
	ent.ask("q1", "我想请法官看看我们的合同纠纷")
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": validForm("合同纠纷请法官指导")})
	ent.untilType("escalation_status")

	ctx := chromium(t)
	step := stepper(t, ctx)
	step("log in", loginSteps(srv.URL, "judge.li", "password-judge.li")...)
	step("see the queue",
		chromedp.WaitVisible(`#q-rows tr`),
		chromedp.WaitVisible(`#live.live-ok`), // live updates on: the list is not reloaded under the click
		waitJS(`document.querySelector('#q-rows tr').textContent.includes('沈阳某机械制造有限公司')`),
	)
	step("open the ticket", chromedp.Click(`#q-rows tr`), chromedp.WaitVisible(`#ticket`),
		waitJS(`document.querySelector('#t-facts').textContent.includes('91350100M000100Y43')`))
	step("claim it", chromedp.Click(`#a-claim`), chromedp.WaitVisible(`#reply-form`))
	step("reply",
		chromedp.SendKeys(`#reply`, "您好，请先向执行法院核实冻结依据，可以提出执行异议。"),
		chromedp.Click(`#send-reply`),
		waitJS(`[...document.querySelectorAll('#t-transcript li.judge')].some(li => li.textContent.includes('执行异议'))`),
	)
	if jm := ent.untilType("judge_message"); !strings.Contains(jm.str("text"), "执行异议") {
		t.Fatalf("enterprise got %v", jm)
	}
	// The enterprise writes back while the judge reads the confirmation: the live refresh shows the
	// new message and keeps the confirmation, so nothing moves under the judge's pointer.
	ent.send(map[string]any{"type": "ask", "id": "q2", "text": "好的，冻结裁定我们已经拿到了"})
	ent.until("ack q2", func(f frame) bool { return f.typ() == "ack" && f.str("reply_to") == "q2" })
	step("see the enterprise's follow-up",
		waitJS(`[...document.querySelectorAll('#t-transcript li.enterprise')].some(li => li.textContent.includes('冻结裁定我们已经拿到'))`),
		waitJS(`document.querySelector('#t-msg').textContent.includes('回复已送达企业')`),
	)
	var title string
	step("resolve",
		chromedp.Click(`#a-resolve`),
		chromedp.WaitVisible(`#dlg`),
		chromedp.Click(`#dlg-ok`),
		waitJS(`document.querySelector('#t-title').textContent.includes('已结束')`),
		chatText(`#t-title`, &title),
	)
	if !strings.Contains(title, "已结束") {
		t.Fatalf("title %q", title)
	}
	ent.until("resolved", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "resolved" })
}

// An admin creates and publishes an article, finds it on the chat page, then views its versions
// and rolls an edit back to the draft's content: the content comes back, the article stays published.
func TestAdminConsoleInBrowser(t *testing.T) {
	_, srv := testApp(t, nil)
	ctx := chromium(t)
	step := stepper(t, ctx)
	step("log in", loginSteps(srv.URL, "admin", "correct-horse-battery")...)
	step("open the console", chromedp.WaitVisible(`#article-rows tr`))
	step("create an article",
		chromedp.Click(`#new-article`),
		chromedp.WaitVisible(`#editor`),
		chromedp.SendKeys(`#a-slug`, "ip-platform-store-ban"),
		chromedp.SetValue(`#a-category`, "ip"),
		chromedp.SendKeys(`#a-title`, "电商平台店铺被封号的维权途径"),
		chromedp.SetValue(`#a-questions`, "电商平台把我们的网店封号了怎么办\n网店被封号 怎么申诉"),
		chromedp.SetValue(`#a-summary`, "平台封店须有规则依据并提供申诉渠道，企业可先申诉，再协商或起诉。"),
		chromedp.SetValue(`#a-body`, "## 常见风险\n平台**封号**\n\n## 合规建议\n1. 保存证据\n\n## 法律依据\n略\n\n## 相关专题\n略"),
		evalJS(`document.querySelector('#a-body').dispatchEvent(new Event('input'))`),
		waitJS(`document.querySelector('#a-preview strong') !== null`),
		chromedp.Click(`#save`),
		waitJS(`document.querySelector('#a-meta').textContent.includes('第 1 版')`),
	)
	step("publish", chromedp.Click(`#publish`), waitJS(`document.querySelector('#a-meta').textContent.includes('已发布')`))

	step("ask on the chat page",
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(`body.online`),
		chromedp.SendKeys(`#q`, "电商平台把我们网店封号了怎么办？"),
		chromedp.Click(`.composer button[type=submit]`),
		waitJS(`[...document.querySelectorAll('.msg.bot .sources button.source')].some(b => b.textContent.includes('电商平台店铺被封号'))`),
	)

	step("edit the published article",
		chromedp.Navigate(srv.URL+"/admin"),
		chromedp.WaitVisible(`#article-rows tr`),
		waitJS(`document.querySelectorAll('#article-rows tr').length > 100`),
		chromedp.SendKeys(`#f-q`, "封号"),
		chromedp.Click(`#filter button[type=submit]`),
		waitJS(`document.querySelectorAll('#article-rows tr').length === 1`),
		chromedp.Click(`#article-rows tr`),
		waitJS(`document.querySelectorAll('#versions tr').length === 2`),
		chromedp.SetValue(`#a-summary`, "发布后改写的摘要。"),
		chromedp.Click(`#save`),
		waitJS(`document.querySelector('#a-meta').textContent.includes('第 3 版')`),
		waitJS(`document.querySelectorAll('#versions tr').length === 3`),
	)
	step("roll back to the draft",
		// Version 1 was written as a draft: the confirmation names what comes back and says the
		// status stays; the article stays published with version 1's summary.
		evalJS(`window.confirm = (m) => { window.confirmed = m; return true }`),
		chromedp.Click(`#versions tr:last-child button:last-child`),
		waitJS(`window.confirmed.includes('摘要') && window.confirmed.includes('状态保持为“已发布”') && window.confirmed.includes('第 1 版当时为“草稿”')`),
		waitJS(`document.querySelector('#a-meta').textContent.includes('第 4 版') && document.querySelector('#a-meta').textContent.includes('已发布')`),
		waitJS(`document.querySelector('#a-summary').value.startsWith('平台封店须有规则依据')`),
		waitJS(`document.querySelectorAll('#versions tr').length === 4`),
	)
	step("see the reports",
		chromedp.Click(`#t-reports`),
		chromedp.WaitVisible(`#r-chart svg rect`),
		waitJS(`document.querySelectorAll('#r-activity .stat').length === 6`),
		waitJS(`document.querySelector('#r-csv').href.includes('format=csv')`),
	)
	step("edit the calendar",
		chromedp.Click(`#t-calendar`),
		waitJS(`document.querySelector('#cal-open').value === '09:00'`),
		chromedp.SetValue(`#cal-holidays`, "2026-10-01\n2026-10-02"),
		chromedp.Click(`#cal-form button[type=submit]`),
		waitJS(`document.querySelector('#cal-msg').textContent.includes('已保存')`),
	)
	if os.Getenv("COURTDESK_SHOTS") != "" {
		step("screenshot", chromedp.Click(`#t-reports`), chromedp.WaitVisible(`#r-chart svg rect`), saveShot("admin-reports.png"))
	}
}
