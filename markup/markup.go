// Package markup renders article Markdown to HTML that is safe to show: goldmark renders, then a
// bluemonday policy keeps only text formatting, headings, lists, tables and same-site or https links.
// Raw HTML in the Markdown (a <script>, an onclick) never reaches a browser.
package markup

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// linkRE is what an article link may be: a path rooted at a single "/" (the knowledge base's
// /kb/… pages and the site's others), an in-page "#" anchor, or an https URL. "//host" and "/\host"
// are other sites to a browser, so a second "/" or a backslash right after the first is refused;
// so are http:, mailto:, data: and relative paths. Control characters and spaces, which browsers
// strip from URLs, are refused anywhere. An https URL must name a host: "https://#" is
// rewritten by the URL parser into a bare "https:".
var linkRE = regexp.MustCompile(`^(?:/(?:[^/\\\x00-\x20\x7f][^\\\x00-\x20\x7f]*)?|#[^\x00-\x20\x7f]*|https://[^/\\?#\x00-\x20\x7f][^\x00-\x20\x7f]*)$`)

// Renderer turns Markdown into sanitised HTML. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New builds a renderer.
func New() *Renderer {
	// An explicit list rather than bluemonday's UGC policy, whose href rule admits http:, mailto:
	// and "//host" and cannot be narrowed (attribute rules add up).
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("https")
	p.AllowAttrs("href").Matching(linkRE).OnElements("a")
	p.AllowElements("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span", "blockquote", "pre", "code",
		"strong", "em", "b", "i", "del", "s", "sub", "sup", "mark", "ul", "ol", "li", "dl", "dt", "dd",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return &Renderer{
		// goldmark's default leaves raw HTML out; bluemonday is the second wall.
		md:     goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)),
		policy: p,
	}
}

// HTML renders src. Rendering cannot fail for valid UTF-8; invalid bytes are replaced.
func (r *Renderer) HTML(src string) string {
	var buf bytes.Buffer
	src = strings.ToValidUTF8(src, "\uFFFD")
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return r.policy.Sanitize("<p>" + src + "</p>")
	}
	return r.policy.Sanitize(buf.String())
}

// Sanitize cleans HTML from elsewhere (an editor's preview, a judge's reply rendered client-side).
// Invalid UTF-8 is replaced first, as in HTML: bluemonday would pass the bytes through.
func (r *Renderer) Sanitize(html string) string {
	return r.policy.Sanitize(strings.ToValidUTF8(html, "\uFFFD"))
}

var h2RE = regexp.MustCompile(`(?m)^##\s+(.+?)\s*#*\s*$`)

// Headings lists the level-2 headings of a Markdown body, in order.
func Headings(src string) []string {
	var out []string
	for _, m := range h2RE.FindAllStringSubmatch(src, -1) {
		out = append(out, strings.TrimSpace(m[1]))
	}
	return out
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// PlainText strips Markdown syntax roughly, for indexing and snippets.
func PlainText(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(line, "#") {
			line = strings.TrimRight(line, "# \t") // closing hashes of an ATX heading
		}
		line = strings.TrimLeft(line, "#>*-+| \t")
		line = tagRE.ReplaceAllString(line, "")
		line = strings.NewReplacer("**", "", "__", "", "`", "", "|", " ").Replace(line)
		if line != "" {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
