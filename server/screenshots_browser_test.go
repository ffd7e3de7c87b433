package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// shotsDir is where TestScreenshots writes the pictures the README shows.
const shotsDir = "../docs/screenshots"

// viewShot writes what the viewport shows as a PNG into docs/screenshots.
func viewShot(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		png, err := chromedp.CaptureScreenshot()(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, os.WriteFile(filepath.Join(shotsDir, name), png, 0o644)
	}
}

// TestScreenshots rewrites docs/screenshots: the chat page with an answered question, the judge
// console with a ticket and the admin console, each at 1280 and 390 px wide. It runs only with
// COURTDESK_SCREENSHOTS=1, so that CI never changes the repository's files.
func TestScreenshots(t *testing.T) {
	if os.Getenv("COURTDESK_SCREENSHOTS") != "1" {
		t.Skip("set COURTDESK_SCREENSHOTS=1 to rewrite docs/screenshots")
	}
	if err := os.MkdirAll(shotsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.li", "沈阳市中级人民法院")
	ctx := chromium(t)
	step := stepper(t, ctx)
	desktop := chromedp.EmulateViewport(1280, 900)
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2))

	step("chat: a question answered",
		desktop,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(`body.online`),
		chromedp.SendKeys(`#q`, "员工周末加班，加班费怎么算？"),
		chromedp.Click(`#send`),
		chromedp.WaitVisible(`.msg.bot .basis li`),
		evalJS(`document.activeElement.blur(); document.querySelector('.msg.user').scrollIntoView({ block: 'start' })`),
		viewShot("chat-1280.png"),
		phone,
		waitJS(`innerWidth === 390`),
		evalJS(`document.querySelector('.msg.user').scrollIntoView({ block: 'start' })`),
		viewShot("chat-390.png"))

	ent := dialChat(t, srv, "")
	ent.hello()
	ent.ask("q1", "公司账户被冻结，工资发不出来，想请法官看看")
	form := validForm("公司基本账户被冻结，本月工资无法发放，请法官指导如何申请解除冻结。")
	form["enforcement"] = true
	form["impact"] = map[string]any{"seized": "基本账户", "payroll_stopped": true, "employees": 36}
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": form})
	ent.untilType("escalation_status")
	ent.send(map[string]any{"type": "ask", "id": "q2", "text": "另外，冻结的金额比欠款多很多，这合理吗？"})
	ent.untilType("ack") // in the queue, a message goes to the judge and gets no bot answer

	step("judge: a ticket with a reply",
		desktop,
		chromedp.Navigate(srv.URL+"/login"))
	step("judge: log in", loginSteps(srv.URL, "judge.li", "password-judge.li")...)
	step("judge: open, claim and reply",
		chromedp.WaitVisible(`#live.live-ok`),
		chromedp.Click(`#q-rows tr.clickable`),
		chromedp.WaitVisible(`#ticket`),
		chromedp.Click(`#a-claim`),
		chromedp.WaitVisible(`#reply-form`),
		chromedp.SetValue(`#reply`, "您好，已收到您的情况。建议**尽快向执行法院提交书面申请**，并准备：\n- 工资发放名册和劳动合同\n- 账户冻结裁定书\n可以申请保留工资发放所需的资金。"),
		chromedp.Click(`#send-reply`),
		waitJS(`document.querySelector('#t-transcript li.judge strong') !== null`),
		// The console focuses the reply box again once the reply is through; wait for that, so
		// that it does not scroll the page after the scroll below.
		waitJS(`document.activeElement === document.querySelector('#reply') && !document.querySelector('#send-reply').disabled`),
		evalJS(`document.activeElement.blur(); window.scrollTo(0, 0)`),
		viewShot("judge-1280.png"),
		phone,
		waitJS(`innerWidth === 390`),
		evalJS(`window.scrollTo(0, 0)`),
		viewShot("judge-390.png"))

	step("admin: the console",
		desktop,
		chromedp.Navigate(srv.URL+"/login"))
	step("admin: log in", loginSteps(srv.URL, "admin", "correct-horse-battery")...)
	step("admin: the article list",
		chromedp.WaitVisible(`#article-rows tr`),
		viewShot("admin-1280.png"),
		phone,
		waitJS(`innerWidth === 390`),
		evalJS(`window.scrollTo(0, 0)`),
		viewShot("admin-390.png"))
}
