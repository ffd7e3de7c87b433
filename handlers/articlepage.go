package handlers

import (
	"html"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge/statute"
)

// basisHeading is how the sanitiser renders a body's own `## 法律依据` section (合规建议 articles).
const basisHeading = "<h2>法律依据</h2>"

// placeLegalBasis shows an article's legal basis once on its page. A body without a 法律依据
// section of its own gets the page's section (separate). A body with one, where each citation is
// explained, keeps it as the only 法律依据 heading; the front-matter citations it does not name are
// added at the end of that section, so that none is lost and none is shown twice.
func placeLegalBasis(body string, basis []string) (out string, separate []string) {
	start := strings.Index(body, basisHeading)
	if start < 0 || len(basis) == 0 {
		return body, basis
	}
	end := len(body)
	if next := strings.Index(body[start+len(basisHeading):], "<h2"); next >= 0 {
		end = start + len(basisHeading) + next
	}
	named := citationKeys(html.UnescapeString(body[start:end]))
	var extra strings.Builder
	for _, b := range basis {
		keys := citationKeys(b)
		covered := len(keys) > 0
		for k := range keys {
			covered = covered && named[k]
		}
		if !covered {
			extra.WriteString("<li>" + html.EscapeString(b) + "</li>\n")
		}
	}
	if extra.Len() == 0 {
		return body, nil
	}
	return body[:end] + `<ul class="basis-more">` + "\n" + extra.String() + "</ul>\n" + body[end:], nil
}

// citationKeys lists the citations of text by document and article: 《劳动合同法》第四十六条 and
// 《中华人民共和国劳动合同法》第四十六条 are the same.
func citationKeys(text string) map[string]bool {
	out := map[string]bool{}
	for _, c := range statute.Extract(text) {
		out[statute.TitleKey(c.Title)+"|"+c.Article.Label()] = true
	}
	return out
}
