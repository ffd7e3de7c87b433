package main

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The chat asks which article a vague question means, answers the pick at once from that article
// (its matching passage first), and the pick reaches the admin console as a candidate phrasing;
// once approved, the same wording is answered directly.
func TestClarifyChoiceAndApprovalInBrowser(t *testing.T) {
	_, srv := testApp(t, nil)
	// Vague questions that several articles could answer; which of them the engine asks about
	// depends on the trained model, so the test takes the first that is clarified.
	var q string
	var opts []any
	for _, cand := range []string{"对方欠钱不还怎么办", "员工受伤了", "欠款要不回来", "员工要走人", "被执行了怎么办", "合同出问题了", "公司被人告了"} {
		r := post(t, srv.URL+"/api/v1/ask", "application/json", `{"question":"`+cand+`"}`)
		if o, _ := r.body["options"].([]any); r.body["intent"] == "clarify" && len(o) >= 2 {
			q, opts = cand, o
			break
		}
	}
	if q == "" {
		t.Fatal("premise: none of the vague questions is clarified")
	}
	first := opts[0].(map[string]any)
	title, slug := first["title"].(string), first["slug"].(string)

	ctx := chromium(t)
	step := stepper(t, ctx)
	step("open the chat", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`body.online`))
	var prompt string
	step("ask a vague question",
		chromedp.SendKeys(`#q`, q),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`.msg.bot .clarify button.option`),
		chatText(`.msg.bot .text`, &prompt),
	)
	if prompt != "您想了解的是哪一项？" {
		t.Fatalf("clarification prompt %q", prompt)
	}
	var shown string
	step("read the options", chatText(`.msg.bot .clarify button.option`, &shown))
	if shown != title {
		t.Fatalf("first option %q, want %q", shown, title)
	}
	var source, passage string
	step("choose the first option",
		chromedp.Click(`.msg.bot .clarify button.option`),
		waitJS(`[...document.querySelectorAll('.msg.user .text')].some(p => p.textContent.includes('我想了解'))`),
		chromedp.WaitVisible(`.msg.bot .passage`),
		chatText(`.msg.bot .sources button.source`, &source),
		chatText(`.msg.bot .passage p`, &passage),
	)
	if source != "《"+title+"》" || passage == "" {
		t.Fatalf("after the choice: source %q passage %q", source, passage)
	}

	step("log in as admin", loginSteps(srv.URL, "admin", "correct-horse-battery")...)
	step("open 候选问法",
		chromedp.WaitVisible(`#article-rows tr`),
		chromedp.Click(`#t-candidates`),
		waitJS(`[...document.querySelectorAll('#cand-rows tr')].some(tr => tr.textContent.includes('`+q+`') && tr.textContent.includes('企业选定'))`),
	)
	step("approve it",
		chromedp.Click(`#cand-rows tr button.primary`),
		waitJS(`document.querySelector('#cand-msg').textContent.includes('已加入')`),
	)
	if top, intent := topSource(t, srv.URL, q); top != slug || intent != "answer" {
		t.Fatalf("after approval %q is answered by %q (%s), want %s", q, top, intent, slug)
	}
}
