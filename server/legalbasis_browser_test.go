package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/courtdesk/courtdesk/internal/testenv"
)

// The statute texts shipped with the service are there from the start; an admin imports statute
// files in the console (the same texts change nothing), flags an article as amended, sees the
// citing article marked in the article list, and clears the flag.
func TestStatuteConsoleInBrowser(t *testing.T) {
	laws := filepath.Join(testenv.SharedDir(t), "laws")
	_, srv := testApp(t, nil)
	ctx := chromium(t)
	upload := t.TempDir()
	for _, name := range []string{"劳动合同法(2012-12-28).md", "公司法(2023-12-29).md"} {
		b, err := os.ReadFile(filepath.Join(laws, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(upload, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(upload, "坏文件(2020-01-01).md")
	if err := os.WriteFile(bad, []byte("没有标题的文件\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	step := stepper(t, ctx)
	const flagged = `[...document.querySelectorAll('#article-rows tr')].filter((tr) => tr.textContent.includes('依据待复核'))`

	step("log in as admin", loginSteps(srv.URL, "admin", "correct-horse-battery")...)
	step("the console loads its article list",
		chromedp.WaitVisible(`#article-rows tr`),
		waitJS(`document.querySelectorAll('#article-rows tr').length > 100`),
	)
	step("open 法条与依据",
		chromedp.Click(`#t-statutes`),
		waitJS(`document.querySelector('#statute-count').textContent.includes('现行文件')`),
		waitJS(`document.querySelectorAll('#statute-rows tr').length > 50`),
		evalJS(`window.shippedRows = document.querySelectorAll('#statute-rows tr').length`),
	)
	step("a bad file refuses the whole import and is named",
		chromedp.SetUploadFiles(`#statute-files`, []string{filepath.Join(upload, "劳动合同法(2012-12-28).md"), bad}),
		chromedp.Click(`#statute-import`),
		waitJS(`[...document.querySelectorAll('#statute-msg .msg.error li')].some((li) => li.textContent.includes('坏文件(2020-01-01).md'))`),
		waitJS(`document.querySelectorAll('#statute-rows tr').length === window.shippedRows`),
	)
	step("import two statutes already shipped: nothing changes",
		chromedp.SetUploadFiles(`#statute-files`, []string{filepath.Join(upload, "劳动合同法(2012-12-28).md"),
			filepath.Join(upload, "公司法(2023-12-29).md")}),
		chromedp.Click(`#statute-import`),
		waitJS(`document.querySelector('#statute-msg .msg.ok')?.textContent.includes('未变 2 部')`),
		waitJS(`document.querySelectorAll('#statute-rows tr').length === window.shippedRows`),
		waitJS(`document.querySelector('#citation-summary').textContent.includes('共检查')`),
	)
	step("flag 第四十七条 as amended",
		chromedp.SendKeys(`#flag-title`, "劳动合同法"),
		chromedp.SendKeys(`#flag-article`, "第四十七条"),
		chromedp.SendKeys(`#flag-note`, "经济补偿标准待复核"),
		chromedp.Click(`#flag-form button[type=submit]`),
		waitJS(`document.querySelector('#flag-rows').textContent.includes('《中华人民共和国劳动合同法》第四十七条')`),
		waitJS(`document.querySelector('#flag-rows a')?.textContent.length > 0`),
		waitJS(`document.querySelector('#citation-rows').textContent.includes('labor-severance-compensation')`),
	)
	step("the citing article carries the warning in the list",
		chromedp.Click(`#t-articles`),
		waitJS(flagged+`.length === 1 && `+flagged+`[0].textContent.includes('labor-severance-compensation')`),
	)
	step("clear the flag",
		chromedp.Click(`#t-statutes`),
		// The tab redraws its lists when opened: click the flag's button once they are redrawn.
		waitJS(`!document.querySelector('#tab-statutes').hasAttribute('aria-busy')`),
		chromedp.WaitVisible(`#flag-rows button`),
		evalJS(`window.confirm = () => true`), // accept the confirmation dialog
		chromedp.Click(`#flag-rows button`),
		waitJS(`document.querySelector('#flag-rows').textContent.includes('暂无依据标记')`),
		chromedp.Click(`#t-articles`),
		waitJS(flagged+`.length === 0`),
	)
}
