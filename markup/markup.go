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

// Renderer turns Markdown into sanitised HTML. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// New builds a renderer.
func New() *Renderer {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("https", "http", "mailto")
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
func (r *Renderer) Sanitize(html string) string { return r.policy.Sanitize(html) }

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
