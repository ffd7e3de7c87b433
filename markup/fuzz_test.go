package markup

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	fuzzTagRE = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	onAttrRE  = regexp.MustCompile(`(?i)[\s/"']on[a-z]+\s*=`)
	hrefValRE = regexp.MustCompile(`(?i)\s(?:href|src)="([^"]*)"`)
	// quotedRE drops quoted attribute values, so that a link such as href="/onA=0" is not
	// mistaken for an event handler: only attribute names can carry one.
	quotedRE = regexp.MustCompile(`"[^"]*"|'[^']*'`)
)

// FuzzRender: rendering and sanitising never panic, the output is valid UTF-8, has no script
// element, no on* handler and no link that leaves the allowed set (javascript:, //host …), and
// sanitising the output again changes nothing.
func FuzzRender(f *testing.F) {
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		for _, html := range []string{r.HTML(src), r.Sanitize(src)} {
			if !utf8.ValidString(html) {
				t.Fatalf("invalid UTF-8 from %q", src)
			}
			low := strings.ToLower(html)
			if strings.Contains(low, "<script") || strings.Contains(low, "<iframe") || strings.Contains(low, "<style") {
				t.Fatalf("active element from %q: %s", src, html)
			}
			for _, tag := range fuzzTagRE.FindAllString(html, -1) {
				if onAttrRE.MatchString(quotedRE.ReplaceAllString(tag, `""`)) {
					t.Fatalf("event handler from %q: %s", src, tag)
				}
				for _, m := range hrefValRE.FindAllStringSubmatch(tag, -1) {
					if !linkRE.MatchString(unescape(m[1])) {
						t.Fatalf("link %q from %q", m[1], src)
					}
				}
			}
			if again := r.Sanitize(html); again != html {
				t.Fatalf("sanitising twice changes %q:\n%s\n%s", src, html, again)
			}
		}
	})
}

// unescape undoes the entities bluemonday writes in attribute values.
func unescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#39;", "'", "&#34;", `"`, "&lt;", "<", "&gt;", ">", "&quot;", `"`).Replace(s)
}
