package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// From the chat page to a confirmed visit: the bot offers the form, the form shows its errors,
// the request is received; a judge with the visits permission proposes a date in the judge
// console; back on the chat page the requester finds the proposal, accepts it and sees the
// confirmation arrive.
func TestVisitRequestInBrowser(t *testing.T) {
	a, srv := testApp(t, nil)
	addJudge(t, a, "judge.visit", "沈阳市中级人民法院")
	u, _ := a.store.GetUserByName(t.Context(), "judge.visit")
	u.CanVisits = true
	if _, err := a.store.UpdateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	ctx := chromium(t)
	step := stepper(t, ctx)
	// shot saves a screenshot for a person to look at when COURTDESK_SHOTS is set.
	shot := func(name string) chromedp.Action[chromedp.Void] {
		if os.Getenv("COURTDESK_SHOTS") == "" {
			return func(context.Context, *chromedp.Target) (chromedp.Void, error) { return chromedp.Void{}, nil }
		}
		return saveShot(name)
	}

	step("ask about a visit", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`body.online`),
		chromedp.SendKeys(`#q`, "我们园区想预约法官进企业讲一次劳动用工的课"),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`.msg.bot .visit-offer-btn`),
	)
	step("open the form and submit it empty", chromedp.Click(`.msg.bot .visit-offer-btn`), chromedp.WaitVisible(`#visit-form`),
		waitJS(`document.querySelectorAll('#v-kind option').length === 5 && document.querySelectorAll('#v-topics input').length === 11`),
		chromedp.Click(`#visit-submit`),
		waitJS(`document.querySelector('#ve-kind').textContent !== '' && document.querySelector('#ve-credit_code').textContent !== ''
			&& document.querySelector('#ve-dates').textContent !== '' && document.activeElement.id === 'v-kind'`),
	)
	step("fill the form",
		chromedp.SetValue(`#v-kind`, "lecture"),
		chromedp.SetValue(`#v-org_type`, "park"),
		chromedp.Click(`#v-topics input[value=labor]`),
		chromedp.SendKeys(`#v-org`, "沈阳浑南科技产业园"),
		chromedp.SendKeys(`#v-credit_code`, "91210100ma0p4yk21h"), // lower case is folded, as in the intake
		chromedp.SetValue(`#v-city`, "210100"),
		chromedp.SendKeys(`#v-attendees`, "60"),
		chromedp.SendKeys(`#v-address`, "沈阳市浑南区创新路 100 号"),
		chromedp.SetValue(`#v-date1`, daysAhead(10)),
		chromedp.SendKeys(`#v-contact`, "王主任"),
		chromedp.SendKeys(`#v-mobile`, "13800241234"),
		shot("visit-form.png"),
		chromedp.Click(`#visit-submit`),
		chromedp.WaitNotVisible(`#visit-view`),
		waitJS(`!!document.querySelector('#log [data-visit] .visit-card[data-status=requested]')`),
	)

	step("the judge proposes a date", append(loginSteps(srv.URL, "judge.visit", "password-judge.visit"),
		chromedp.WaitVisible(`#visits-btn`),
		chromedp.Click(`#visits-btn`),
		waitJS(`document.querySelector('#v-rows tr[data-id]') && document.querySelector('#v-rows').textContent.includes('沈阳浑南科技产业园')`),
		chromedp.Click(`#v-rows tr[data-id]`),
		chromedp.WaitVisible(`#v-propose`),
		chromedp.SetValue(`#v-date`, daysAhead(12)),
		chromedp.Click(`#v-judges input[type=checkbox]`),
		chromedp.Click(`#v-propose button[type=submit]`),
		waitJS(`document.querySelector('#v-detail').textContent.includes('已提议日期')`),
		shot("judge-visits.png"),
	)...)

	var text string
	step("the requester comes back, accepts and sees the confirmation", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`body.online`),
		chromedp.WaitVisible(`.visit-card[data-status=date_proposed] .accept-date`),
		chromedp.Click(`.visit-card[data-status=date_proposed] .accept-date`),
		waitJS(`[...document.querySelectorAll('#log [data-visit]')].some(n => n.textContent.includes('走访已确认'))`),
		chromedp.WaitVisible(`.visit-card[data-status=confirmed]`),
		chatText(`.visit-card[data-status=confirmed]`, &text),
		shot("visit-confirmed.png"),
	)
	if !strings.Contains(text, "确认日期："+daysAhead(12)) || !strings.Contains(text, "judge.visit") {
		t.Fatalf("confirmed card: %q", text)
	}
}
