package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestNoticeInBrowser: the enterprise asks for SMS notices in the intake form and confirms the code
// the log provider wrote; it closes the page; a judge replies; the link of the notice, opened in a
// fresh browser, shows the conversation with the judge's reply.
func TestNoticeInBrowser(t *testing.T) {
	a, srv, logs := noticeApp(t)
	addJudge(t, a, "judge.b", "沈阳市中级人民法院")
	ctx := chromium(t)
	step := stepper(t, ctx)

	step("ask and open the form",
		chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`body.online`),
		chromedp.SendKeys(`#q`, "合同对方拖欠货款半年，怎么办"), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`.msg.bot`),
		chromedp.Click(`#ask-judge`), chromedp.WaitVisible(`#esc-form`),
		waitJS(`document.querySelectorAll('#f-city option').length > 1`),
	)
	step("fill the form, choose SMS notices",
		chromedp.SendKeys(`#f-company`, "沈阳某机械制造有限公司"),
		chromedp.SendKeys(`#f-credit`, "91350100M000100Y43"),
		chromedp.SendKeys(`#f-contact`, "王经理"),
		chromedp.SendKeys(`#f-mobile`, "13800241234"),
		chromedp.SetValue(`#f-city`, "210100"),
		waitJS(`document.querySelector('#notice-purpose').textContent.includes('第十四条、第十七条')`),
		chromedp.Click(`#n-sms`),
		chromedp.Click(`#esc-submit`),
		chromedp.WaitNotVisible(`#escalate-view`),
		chromedp.WaitVisible(`#notice-code`),
	)
	m := logCode.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no code in the log")
	}
	var panel string
	step("confirm the code",
		chromedp.SendKeys(`#notice-code`, m[1]), chromedp.Click(`#notice-verify`),
		waitJS(`document.querySelector('#notices').textContent.includes('已开通短信提醒')`),
		chatText(`#notices`, &panel),
	)
	if !strings.Contains(panel, "138****1234") {
		t.Fatalf("panel %q", panel)
	}
	step("close the page", chromedp.Navigate("about:blank"))

	judge := newAPIClient(t, srv.URL)
	if judge.login("judge.b", "password-judge.b") != 200 {
		t.Fatal("judge login")
	}
	ts := judge.tickets("")
	if len(ts) != 1 {
		t.Fatalf("tickets %v", ts)
	}
	path := fmt.Sprintf("/api/v1/judge/tickets/%d", int64(ts[0]["id"].(float64)))
	if code, _ := judge.do("POST", path+"/claim", nil); code != 200 {
		t.Fatal("claim")
	}
	if code, _ := judge.do("POST", path+"/reply", map[string]string{"text": "请整理送货单和对账记录，可申请支付令。"}); code != 200 {
		t.Fatal("reply")
	}
	before := logs.String()
	if n, err := a.notices.dispatcher(srv.URL, daytime).RunOnce(t.Context()); err != nil || n != 1 {
		t.Fatalf("dispatch: %d %v", n, err)
	}
	link := regexp.MustCompile(`(/n/n1\.[A-Za-z0-9._-]+)`).FindStringSubmatch(strings.TrimPrefix(logs.String(), before))
	if link == nil {
		t.Fatal("no link in the notice")
	}

	// Another browser, with a profile of its own: the link opens the conversation there.
	fresh := stepper(t, chromium(t))
	fresh("open the link",
		chromedp.Navigate(srv.URL+link[1]),
		chromedp.WaitVisible(`body.online`),
		waitJS(`[...document.querySelectorAll('.msg')].some((m) => m.textContent.includes('支付令'))`),
		waitJS(`document.querySelector('#notices').textContent.includes('已开通短信提醒')`),
	)
}
