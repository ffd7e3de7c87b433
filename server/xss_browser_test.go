package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Script and event-handler payloads, each of which would set window.__xss or open a dialog if any
// page ever parsed stored text as HTML or followed it as a javascript: link.
var xssPayloads = []string{
	`<img src=x onerror="window.__xss=1;alert(1)">`,
	`<script>window.__xss=1;alert(1)</script>`,
	`<svg onload=window.__xss=1>`,
	`[点这里](javascript:window.__xss=1)`,
	`<a href="javascript:window.__xss=1">链接</a>`,
	`"><iframe srcdoc="<script>parent.__xss=1</script>">`,
}

// Stored payloads in a chat message, an intake's company name, a judge's reply, note and display
// name, and an article's title and body: the chat page, the article page, the judge console and the
// admin console show them as text, and no script runs.
func TestStoredXSSInEveryPage(t *testing.T) {
	a, srv := testApp(t, nil)
	// The judge's display name carries a payload (40 characters at most).
	addUser(t, a, "judge.x", knowledge.RoleJudge)
	u, _ := a.store.GetUserByName(t.Context(), "judge.x")
	u.Court, u.DisplayName = "沈阳市中级人民法院", `<svg onload=window.__xss=1>李法官`
	if _, err := a.store.UpdateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(xssPayloads, " ")

	// The enterprise: a question and a company name with payloads.
	ent := dialChat(t, srv, "")
	token := ent.hello().str("token")
	ent.ask("q1", "合同纠纷 "+all)
	form := validForm("请法官看看 " + xssPayloads[0])
	form["company"] = `<img src=x onerror=window.__xss=1>公司`
	ent.send(map[string]any{"type": "escalate", "id": "e1", "form": form})
	st, _ := ent.until("waiting", func(f frame) bool { return f.typ() == "escalation_status" && f.str("mode") == "waiting" })
	path := fmt.Sprintf("/api/v1/judge/tickets/%d", st.num("ticket_id"))

	judge := loggedIn(t, srv.URL, "judge.x", "password-judge.x")
	for _, step := range []struct{ action, field string }{{"claim", ""}, {"reply", "text"}, {"note", "text"}} {
		body := map[string]any{}
		if step.field != "" {
			body[step.field] = "答复 " + all
		}
		if code, out := judge.do("POST", path+"/"+step.action, body); code != 200 {
			t.Fatalf("%s: %d %v", step.action, code, out)
		}
	}
	ent.untilType("judge_message")

	// An article with payloads in its title and body, published.
	admin := loggedIn(t, srv.URL, "admin", "correct-horse-battery")
	art := map[string]any{"slug": "contract-xss-probe", "title": `定金<img src=x onerror=window.__xss=1>`, "category": "contract",
		"kind": "compliance_advice", "questions": []string{"定金条款怎么写"}, "summary": "摘要 " + xssPayloads[1],
		"body": "## 常见风险\n" + all + "\n\n## 合规建议\n1. 保存证据", "status": "published"}
	if code, out := admin.do("POST", "/api/v1/admin/articles", map[string]any{"article": art}); code != 201 {
		t.Fatalf("article: %d %v", code, out)
	}

	ctx := chromium(t)
	var dialogs atomic.Int32
	go func() {
		for _, err := range chromedp.Events(ctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			dialogs.Add(1)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()
	// Every document counts the content-security-policy violations it sees: markup that reached
	// the DOM as active content, even where the policy stopped it.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__csp = 0; document.addEventListener('securitypolicyviolation', () => { window.__csp++; });`}); err != nil {
		t.Fatal(err)
	}
	step := stepper(t, ctx)
	// problems lists what would show a payload came alive; "" when the page is clean.
	const problems = `[window.__xss !== undefined && 'window.__xss set', window.__csp > 0 && (window.__csp + ' CSP violations'),
		...[...document.querySelectorAll('img[src="x"], svg[onload], iframe, a[href^="javascript:"]')].map(e => 'element ' + e.outerHTML.slice(0, 80)),
		[...document.scripts].some(s => s.textContent.includes('__xss')) && 'inline script with the payload'].filter(Boolean).join('; ')`
	clean := func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		got, err := chromedp.Evaluate[string](problems)(ctx, tg)
		if err == nil && got != "" {
			err = fmt.Errorf("payload came alive: %s", got)
		}
		return chromedp.Void{}, err
	}
	pages := 0
	check := func(name, shown string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		pages++
		step(name, append(actions,
			waitJS(fmt.Sprintf(`document.body.innerText.includes(%q)`, shown)), // the payload is there, as text
			clean)...)
	}

	check("chat page", "onload=window.__xss=1",
		chromedp.Navigate(srv.URL+"/healthz"), // same origin, no chat script to race for the token
		evalJS(fmt.Sprintf(`localStorage.setItem('courtdesk.token', %q)`, token)),
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(`body.online`),
		waitJS(`[...document.querySelectorAll('.msg')].some(m => m.textContent.includes('答复'))`))
	check("article page", "定金<img", chromedp.Navigate(srv.URL+"/kb/contract-xss-probe"))
	step("judge signs in", loginSteps(srv.URL, "judge.x", "password-judge.x")...)
	check("judge console", "<svg onload", chromedp.WaitVisible(`#q-scope`), chromedp.Navigate(srv.URL+"/judge"),
		chromedp.WaitVisible(`#live.live-ok`), chromedp.Click(`#q-scope`), chromedp.SetValue(`#q-scope`, "mine"),
		evalJS(`document.querySelector('#q-scope').dispatchEvent(new Event('change'))`),
		chromedp.WaitVisible(`#q-rows tr`), chromedp.Click(`#q-rows tr`), chromedp.WaitVisible(`#ticket`),
		waitJS(`document.querySelector('#t-notes').textContent.includes('onerror')`))
	step("admin signs in", evalJS(`document.cookie = 'cd_session=; Max-Age=0; path=/'`),
		chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(`#login-form`),
		chromedp.SendKeys(`#username`, "admin"), chromedp.SendKeys(`#password`, "correct-horse-battery"), chromedp.Click(`#login-submit`))
	check("admin articles", "定金<img", chromedp.WaitVisible(`#article-rows tr`),
		chromedp.SendKeys(`#f-q`, "定金"), chromedp.Click(`#filter button[type=submit]`),
		waitJS(`[...document.querySelectorAll('#article-rows tr')].some(r => r.textContent.includes('定金<img'))`),
		evalJS(`[...document.querySelectorAll('#article-rows tr')].find(r => r.textContent.includes('定金<img')).click()`),
		waitJS(`document.querySelector('#a-title').value.includes('<img')`),
		waitJS(`document.querySelector('#a-preview').textContent.includes('常见风险')`))
	check("admin users", "<svg onload", evalJS(`document.querySelector('#t-users').click()`), waitJS(`document.querySelectorAll('#user-rows tr').length >= 2`))
	check("admin sources", "公司", evalJS(`document.querySelector('#t-sources').click()`), chromedp.WaitVisible(`#src-rows tr button`),
		evalJS(`document.querySelector('#src-rows tr button').click()`), chromedp.WaitVisible(`#src-tickets tr`))
	if n := dialogs.Load(); n != 0 {
		t.Fatalf("%d dialogs opened", n)
	}
	t.Logf("stored XSS: %d payloads (+2 in a company and a display name) in 7 stored fields, checked on %d page views", len(xssPayloads), pages)
}
