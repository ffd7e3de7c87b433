package markup_test

import (
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/markup"
)

func TestHostileMarkdownIsSanitised(t *testing.T) {
	r := markup.New()
	src := "## 标题\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n" +
		"[点我](javascript:alert(1)) [正常](/kb/labor-overtime-pay) <a href=\"https://example.cn\" onclick=\"x()\">外链</a>\n\n" +
		"<iframe src=\"https://evil.example\"></iframe>\n\n| 项 | 值 |\n|---|---|\n| 加班 | 150% |\n"
	html := strings.ToLower(r.HTML(src))
	for _, bad := range []string{"<script", "onerror", "javascript:", "<iframe", "onclick"} {
		if strings.Contains(html, bad) {
			t.Errorf("%q survived: %s", bad, html)
		}
	}
	for _, good := range []string{"<h2", `href="/kb/labor-overtime-pay"`, "<table", "150%"} {
		if !strings.Contains(html, good) {
			t.Errorf("%q lost: %s", good, html)
		}
	}
}

func TestHeadingsAndPlainText(t *testing.T) {
	src := "## 基本案情\n**张某**在某公司工作。\n\n## 争议焦点 ##\n- 是否违法"
	if got := markup.Headings(src); len(got) != 2 || got[0] != "基本案情" || got[1] != "争议焦点" {
		t.Fatalf("headings = %q", got)
	}
	if pt := markup.PlainText(src); strings.ContainsAny(pt, "#*") || !strings.Contains(pt, "张某在某公司工作") {
		t.Fatalf("plain text = %q", pt)
	}
}

// Links lead only to this site's own pages (a path rooted at one "/") or to https sites. A
// protocol-relative "//host" or "/\host" is another site, whatever it looks like.
func TestLinksOnlySameSiteOrHTTPS(t *testing.T) {
	r := markup.New()
	for _, bad := range []string{"//evil.example/x", "http://evil.example/x", "mailto:a@evil.example",
		"data:text/html,x", "ftp://evil.example", "kb/relative", "/\t/evil.example"} {
		html := r.HTML("[x](" + bad + ")")
		if strings.Contains(html, "href") {
			t.Errorf("%q kept a link: %s", bad, html)
		}
	}
	for _, good := range []string{"/kb/labor-overtime-pay", "/kb/x#基本案情", "/", "https://www.court.gov.cn/x"} {
		if html := r.HTML("[x](" + good + ")"); !strings.Contains(html, "href=") {
			t.Errorf("%q lost its link: %s", good, html)
		}
	}
	for _, bad := range []string{`//evil.example`, `/\evil.example`, `/\/evil.example`, `HTTP://evil.example`} {
		if html := r.Sanitize(`<a href="` + bad + `">x</a>`); strings.Contains(html, "href") {
			t.Errorf("Sanitize kept %q: %s", bad, html)
		}
	}
}
