package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// jsValue evaluates an expression into dst as one step (a promise is awaited).
func jsValue[T any](expr string, dst *T) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var err error
		*dst, err = chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise)(ctx, t)
		return chromedp.Void{}, err
	}
}

// A console opened without a session goes to the login page and, after login, back to the
// console; a next that leaves the site lands on the console instead; an expired session mid-use
// goes to the login page without an error box.
func TestLoginReturnsToPageAndRefusesForeignNext(t *testing.T) {
	_, srv := testApp(t, nil)
	host := strings.TrimPrefix(srv.URL, "http://")
	ctx := chromium(t)
	step := stepper(t, ctx)
	login := func() []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.WaitVisible(`#login-form`),
			chromedp.SendKeys(`#username`, "admin"),
			chromedp.SendKeys(`#password`, "correct-horse-battery"),
			chromedp.Click(`#login-submit`),
		}
	}
	step("open /judge signed out",
		chromedp.Navigate(srv.URL+"/judge"),
		waitJS(`location.pathname === '/login' && new URLSearchParams(location.search).get('next') === '/judge'`))
	// Selectors, not location polls, wait across a navigation: a poll fails when the page goes.
	step("log in and return to /judge", append(login(), chromedp.WaitVisible(`#live.live-ok`))...)
	var path string
	step("read the path", jsValue(`location.pathname`, &path))
	if path != "/judge" {
		t.Fatalf("after login the browser is at %q", path)
	}

	step("log out", evalJS(`document.getElementById('logout').click()`), chromedp.WaitVisible(`#login-form`))
	var bad []string
	step("judge next values on the login page",
		jsValue(`import('/static/login.js').then(m => [
			'/\t/evil.example/', '/\n/evil.example', '/\r\n/evil.example', '//evil.example/', '/\\evil.example',
			'\\/evil.example', 'https://evil.example/', 'http:/evil.example', 'javascript:alert(1)', ' /admin',
			'/\u3000/evil.example', 'evil.example', '', '/login?next=/admin',
		].filter(n => m.safeNext(n) !== '').concat(m.safeNext('/admin#t-audit') === '/admin#t-audit' ? [] : ['good next refused']))`, &bad))
	if len(bad) != 0 {
		t.Fatalf("next values let through: %q", bad)
	}

	step("log in with a foreign next",
		chromedp.Navigate(srv.URL+"/login?next=%2F%09%2Fevil.example%2F"))
	step("land on the console", append(login(), chromedp.WaitVisible(`#article-rows tr`))...)
	var where string
	step("read the address", jsValue(`location.host + location.pathname`, &where))
	if where != host+"/admin" {
		t.Fatalf("after login the browser is at %q, not %q", where, host+"/admin")
	}

	var me int
	step("the session ends while the console is open",
		chromedp.WaitVisible(`#article-rows tr`),
		evalJS(`window.alert = (m) => { sessionStorage.setItem('alerted', String(m)); }`),
		jsValue(`fetch('/api/v1/auth/logout', { method: 'POST' }).then(() => fetch('/api/v1/auth/me')).then(r => r.status)`, &me),
		chromedp.Click(`#t-audit`),
		chromedp.WaitVisible(`#login-form`),
	)
	if me != 401 {
		t.Fatalf("after logout /auth/me answers %d", me)
	}
	var alerted string
	step("no error box", jsValue(`sessionStorage.getItem('alerted') || ''`, &alerted))
	if alerted != "" {
		t.Fatalf("the console showed %q before going to the login page", alerted)
	}
	var next string
	step("read next", jsValue(`new URLSearchParams(location.search).get('next')`, &next))
	if u, _ := url.Parse(next); next == "" || u.Path != "/admin" {
		t.Fatalf("next = %q", next)
	}
}

// The chat page on a desktop and on a phone: the composer lines up with the messages, the intake
// form shows every problem at once and carries the case number over, the older 转交法官 buttons
// are disabled once the conversation is queued, and phones get neither the Enter hint nor bullets
// beside the last line of a wrapped citation.
func TestChatPageLayoutAndIntake(t *testing.T) {
	_, srv := testApp(t, nil)
	ctx := chromium(t)
	step := stepper(t, ctx)
	step("open the chat", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`body.online`))

	var edges []float64
	step("composer and column",
		jsValue(`(() => { const w = document.querySelector('.welcome').getBoundingClientRect();
			const q = document.querySelector('#q').getBoundingClientRect(), s = document.querySelector('#send').getBoundingClientRect();
			return [w.left, q.left, w.right, s.right]; })()`, &edges))
	if d0, d1 := edges[0]-edges[1], edges[2]-edges[3]; d0 < -1 || d0 > 1 || d1 < -1 || d1 > 1 {
		t.Fatalf("at 1280px the message column spans %.0f–%.0f but the composer %.0f–%.0f", edges[0], edges[2], edges[1], edges[3])
	}
	var hint bool
	step("Enter hint on a desktop", jsValue(`document.querySelector('#enter-hint').offsetParent !== null`, &hint))
	if !hint {
		t.Fatal("the Enter hint is hidden on a desktop")
	}

	step("ask a question the assistant answers with its legal basis",
		chromedp.SendKeys(`#q`, "法院把我们厂房查封了，工厂马上停产，很着急"),
		chromedp.Click(`#send`),
		chromedp.WaitVisible(`.msg.bot .basis li`),
		chromedp.WaitVisible(`.msg.bot .escalate-btn`))
	step("ask about a case",
		chromedp.SendKeys(`#q`, "我们公司的账户被法院冻结了，案号（2024）辽01执123号，工资发不出来怎么办"),
		chromedp.Click(`#send`),
		waitJS(`document.querySelectorAll('.msg.bot').length === 2`))
	step("open the form with nothing filled in",
		chromedp.Click(`#ask-judge`),
		chromedp.WaitVisible(`#esc-form`),
		waitJS(`document.querySelectorAll('#f-city option').length > 1`))
	var caseNo string
	step("case number carried over", jsValue(`document.querySelector('#f-case').value`, &caseNo))
	if !strings.Contains(caseNo, "执123号") {
		t.Fatalf("case number field = %q", caseNo)
	}
	var errs []string
	step("submit empty",
		chromedp.Click(`#esc-submit`),
		waitJS(`document.querySelector('#e-company').textContent !== ''`),
		jsValue(`[...document.querySelectorAll('#esc-form .err')].filter(p => p.textContent && p.offsetParent).map(p => p.id)`, &errs))
	for _, want := range []string{"e-company", "e-credit_code", "e-contact", "e-mobile", "e-city"} {
		if !strings.Contains(strings.Join(errs, " "), want) {
			t.Fatalf("errors shown at once: %v, missing %s", errs, want)
		}
	}
	step("fill in and submit",
		chromedp.SendKeys(`#f-company`, "沈阳某机械制造有限公司"),
		chromedp.SendKeys(`#f-credit`, "91350100M000100Y43"),
		chromedp.SendKeys(`#f-contact`, "王经理"),
		chromedp.SendKeys(`#f-mobile`, "13800241234"),
		chromedp.SetValue(`#f-city`, "210100"),
		evalJS(`document.querySelector('#f-seized').value = document.querySelector('#f-seized').value || '基本账户'`),
		chromedp.Click(`#esc-submit`),
		chromedp.WaitNotVisible(`#escalate-view`),
		waitJS(`document.querySelector('#status').textContent.includes('排队中')`))
	var note string
	step("older button disabled with a reason",
		waitJS(`[...document.querySelectorAll('.msg.bot .escalate-btn')].every(b => b.disabled)`),
		chatText(`.msg.bot .escalate .queued-note`, &note))
	if !strings.Contains(note, "已转交法官") {
		t.Fatalf("note beside the disabled button: %q", note)
	}

	step("on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch), chromedp.WaitVisible(`.msg.bot`))
	step("Enter hint on a phone", jsValue(`document.querySelector('#enter-hint').offsetParent !== null`, &hint))
	if hint {
		t.Fatal("the Enter hint shows on a phone")
	}
	// Per citation: where the bullet's middle sits below the text's top, in lines, and how many
	// lines the citation takes.
	var cites [][2]float64
	step("bullets beside first lines",
		waitJS(`document.querySelectorAll('.msg.bot .basis li').length > 0`),
		jsValue(`[...document.querySelectorAll('.msg.bot .basis li')].map(li => {
			const b = li.querySelector('.bullet').getBoundingClientRect(), c = li.querySelector('.cite-body').getBoundingClientRect();
			const line = parseFloat(getComputedStyle(li).lineHeight);
			return [((b.top + b.bottom) / 2 - c.top) / line, Math.round(c.height / line)]; })`, &cites))
	wrapped := false
	for i, c := range cites {
		if c[0] < 0 || c[0] >= 1 {
			t.Fatalf("citation %d: the bullet is %.1f lines below the top of its text", i, c[0])
		}
		wrapped = wrapped || c[1] >= 2
	}
	if !wrapped {
		t.Fatalf("no citation wraps at 390px, so the test shows nothing: %v", cites)
	}
}
