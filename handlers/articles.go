package handlers

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
)

// publicArticle is a published article as enterprises see it: sanitised HTML, no editing data.
type publicArticle struct {
	Slug         string             `json:"slug"`
	Title        string             `json:"title"`
	Category     knowledge.Category `json:"category"`
	CategoryName string             `json:"category_name"`
	Kind         knowledge.Kind     `json:"kind"`
	KindName     string             `json:"kind_name"`
	Summary      string             `json:"summary"`
	HTML         string             `json:"html"`
	LegalBasis   []string           `json:"legal_basis"`
	Tags         []string           `json:"tags"`
	Related      []relatedLink      `json:"related"`
	Version      int                `json:"version"`
	UpdatedAt    string             `json:"updated_at"`
}

type relatedLink struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

func (s *publicAPI) published(slug string) (publicArticle, error) {
	a, ok := s.d.Articles.Article(slug)
	if !ok || !knowledge.ValidSlug(slug) {
		return publicArticle{}, fmt.Errorf("article %q: %w", slug, knowledge.ErrNotFound)
	}
	p := publicArticle{
		Slug: a.Slug, Title: a.Title, Category: a.Category, CategoryName: a.Category.Name(), Kind: a.Kind,
		KindName: a.Kind.Name(), Summary: a.Summary, HTML: s.d.Render.HTML(a.Body), LegalBasis: a.LegalBasis,
		Tags: a.Tags, Related: []relatedLink{}, Version: a.Version, UpdatedAt: a.UpdatedAt.Format("2006-01-02"),
	}
	for _, r := range a.Related {
		if ra, ok := s.d.Articles.Article(r); ok {
			p.Related = append(p.Related, relatedLink{Slug: ra.Slug, Title: ra.Title})
		}
	}
	return p, nil
}

// getArticle is GET /api/v1/articles/:slug.
func (s *publicAPI) getArticle(c echo.Context) error {
	p, err := s.published(c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

var articleTmpl = template.Must(template.New("article").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - 涉企法律服务</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/app.css"></head>
<body class="article-page"><main class="article">
<p class="crumbs"><a href="/">← 返回咨询</a> · {{.CategoryName}} · {{.KindName}}</p>
<h1>{{.Title}}</h1>
<p class="summary">{{.Summary}}</p>
{{.Body}}
{{if .Basis}}<section class="basis"><h2>法律依据</h2><ul>{{range .Basis}}<li>{{.}}</li>{{end}}</ul></section>{{end}}
{{if .Related}}<section class="related"><h2>相关文章</h2><ul>{{range .Related}}<li><a href="/kb/{{.Slug}}">{{.Title}}</a></li>{{end}}</ul></section>{{end}}
<p class="disclaimer">以上内容为一般性法律信息，仅供参考，不代表法院对任何具体案件的意见。更新于 {{.UpdatedAt}}，第 {{.Version}} 版。</p>
</main></body></html>`))

// articlePage is GET /kb/:slug, the full article as a page of its own (links in answers).
func (s *publicAPI) articlePage(c echo.Context) error {
	p, err := s.published(c.Param("slug"))
	if err != nil {
		return err
	}
	var b strings.Builder
	body, basis := placeLegalBasis(p.HTML, p.LegalBasis)
	err = articleTmpl.Execute(&b, struct {
		publicArticle
		Body  template.HTML
		Basis []string
	}{p, template.HTML(body), basis}) // p.HTML comes out of the sanitiser; the basis is escaped
	if err != nil {
		return err
	}
	return c.HTML(http.StatusOK, b.String())
}
