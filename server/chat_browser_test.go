package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/courtdesk/courtdesk/internal/testenv"
)

// chromium starts Debian's headless chromium with a fresh profile.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		testenv.Require(t, "chromium (Debian package `chromium`)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	// The first run starts the browser and ties it to the context it is given: this one, not a
	// step's shorter one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// waitJS polls a JavaScript condition until it is true or the browser context ends.
func waitJS(cond string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(30*time.Second))(ctx, t)
		return chromedp.Void{}, err
	}
}

// chatText reads an element's text into dst as one step.
func chatText(sel string, dst *string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		var err error
		*dst, err = chromedp.Text(sel)(ctx, t)
		return chromedp.Void{}, err
	}
}

func TestChatPageInBrowser(t *testing.T) {
	_, srv := testApp(t, nil)
	ctx := chromium(t)
	step := stepper(t, ctx)

	step("open the chat", chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(`body.online`))

	step("ask with Enter",
		chromedp.SendKeys(`#q`, "法院把我们厂房查封了，工厂马上停产，很着急"),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`.msg.bot .sources button.source`),
	)
	var source, summary string
	step("read the answer",
		chatText(`.msg.bot .sources button.source`, &source),
		chatText(`.msg.bot .summary`, &summary),
	)
	if !strings.HasPrefix(source, "《") || summary == "" {
		t.Fatalf("answer shows source %q and summary %q", source, summary)
	}

	var title string
	step("open the article",
		chromedp.Click(`.msg.bot .sources button.source`),
		chromedp.WaitVisible(`#article-view`),
		waitJS(`document.querySelector('#article-body .html h2') !== null`),
		chatText(`#article-title`, &title),
	)
	if "《"+title+"》" != source {
		t.Fatalf("article %q opened for source %q", title, source)
	}
	step("close the article", chromedp.Click(`#article-view button.close`), chromedp.WaitNotVisible(`#article-view`))

	step("click 转交法官",
		chromedp.Click(`.msg.bot .escalate-btn`),
		chromedp.WaitVisible(`#esc-form`),
		chromedp.WaitVisible(`#impact`), // urgent enforcement asks for the 生产经营影响 facts
		waitJS(`document.querySelectorAll('#f-city option').length === 15`),
	)
	step("fill the form",
		chromedp.SendKeys(`#f-company`, "沈阳某机械制造有限公司"),
		chromedp.SendKeys(`#f-credit`, "91350100M000100Y43"),
		chromedp.SendKeys(`#f-contact`, "王经理"),
		chromedp.SendKeys(`#f-mobile`, "13800241234"),
		chromedp.SetValue(`#f-city`, "210100"),
		chromedp.SendKeys(`#f-seized`, "厂房和两条生产线"),
		chromedp.Click(`#f-prod`),
		chromedp.Click(`#esc-submit`),
	)
	var status string
	step("see 排队中",
		chromedp.WaitNotVisible(`#escalate-view`),
		waitJS(`document.querySelector('#status').textContent.includes('排队中')`),
		chatText(`#status`, &status),
	)
	if !strings.Contains(status, "第 1 位") {
		t.Fatalf("status = %q", status)
	}
}
