package library

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/statute"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// FlagInput is a legal-basis flag as an admin enters it: the document's title (with or without
// 《》 and 中华人民共和国), optionally one article (第四十七条, 四十七, 47), the kind and a note.
type FlagInput struct {
	Title   string `json:"title"`
	Article string `json:"article"`
	Kind    string `json:"kind"`
	Note    string `json:"note"`
}

// ArticleRef names an article that cites a flagged target.
type ArticleRef struct {
	Slug   string           `json:"slug"`
	Title  string           `json:"title"`
	Status knowledge.Status `json:"status"`
}

// FlagView is a flag in force with the articles that cite its target, for review.
type FlagView struct {
	store.LegalFlag
	Citation string       `json:"citation"`
	Articles []ArticleRef `json:"articles"`
}

// parseTarget reads the flagged document and article with the citation extractor, so that a
// flag names its target exactly as citations do. The whole input must be one citation.
func parseTarget(in FlagInput) (statute.Citation, error) {
	v := &knowledge.ValidationError{}
	title, article := strings.TrimSpace(in.Title), strings.TrimSpace(in.Article)
	if title == "" {
		v.Add("", "title", "请填写文件名称，如 中华人民共和国劳动合同法")
		return statute.Citation{}, v
	}
	if !strings.HasPrefix(title, "《") {
		title = "《" + title + "》"
	}
	if article != "" && !strings.HasPrefix(article, "第") {
		article = "第" + article
		if !strings.Contains(article, "条") {
			article += "条"
		}
	}
	text := title + article
	if utf8.RuneCountInString(text) > MaxCiteRunes {
		v.Add("", "title", "文件名称和条号合计不能超过 %d 个字", MaxCiteRunes)
		return statute.Citation{}, v
	}
	cs := statute.Extract(text)
	switch {
	case len(cs) != 1:
		v.Add("", "article", "一次只能标记一部文件或其中一条")
	case cs[0].Source != text:
		v.Add("", "article", "无法识别条号 %q，应如“第四十七条”或“第十七条之一”", in.Article)
	case cs[0].Paragraph > 0 || cs[0].Item > 0:
		v.Add("", "article", "只能标记到条，不必写款、项")
	}
	if err := v.Err(); err != nil {
		return statute.Citation{}, err
	}
	return cs[0], nil
}

// AddFlag marks a document or article as amended or repealed. A target in an imported document
// must exist there and is stored under the document's full title; a document that is not imported
// can still be flagged, as citations of it are still text that may be wrong.
func (c *Citations) AddFlag(ctx context.Context, in FlagInput, by string) (FlagView, error) {
	cite, err := parseTarget(in)
	if err != nil {
		return FlagView{}, err
	}
	r, err := c.resolver(ctx)
	if err != nil {
		return FlagView{}, err
	}
	f := store.LegalFlag{Title: cite.Title, Article: cite.Article, Kind: in.Kind, Note: strings.TrimSpace(in.Note),
		CreatedBy: by}
	if res := r.Resolve(cite, time.Time{}); res.Status != statute.StatusUnknownDocument {
		if res.Status == statute.StatusOutOfRange {
			v := &knowledge.ValidationError{}
			v.Add("", "article", "《%s》（%s 版）没有%s", res.Document, res.Version, cite.Article.Label())
			return FlagView{}, v
		}
		f.Title = res.Document
	}
	if f, err = c.st.AddLegalFlag(ctx, f); err != nil {
		return FlagView{}, err
	}
	if err := c.audit(ctx, by, "legal_flag.add", f); err != nil {
		return FlagView{}, err
	}
	views, err := c.views(ctx, []store.LegalFlag{f})
	if err != nil {
		return FlagView{}, err
	}
	return views[0], nil
}

// ClearFlag lifts a flag; the articles citing its target are no longer flagged by it.
func (c *Citations) ClearFlag(ctx context.Context, id int64, by string) (store.LegalFlag, error) {
	f, err := c.st.ClearLegalFlag(ctx, id, by)
	if err != nil {
		return f, err
	}
	return f, c.audit(ctx, by, "legal_flag.clear", f)
}

func (c *Citations) audit(ctx context.Context, by, action string, f store.LegalFlag) error {
	b, _ := json.Marshal(map[string]any{"id": f.ID, "kind": f.Kind, "note": f.Note})
	return c.st.Audit(ctx, by, action, f.Citation(), string(b))
}

// Flags lists the flags in force, each with the articles citing its target.
func (c *Citations) Flags(ctx context.Context) ([]FlagView, error) {
	flags, err := c.st.LegalFlags(ctx)
	if err != nil {
		return nil, err
	}
	return c.views(ctx, flags)
}

func (c *Citations) views(ctx context.Context, flags []store.LegalFlag) ([]FlagView, error) {
	out := make([]FlagView, len(flags))
	for i, f := range flags {
		out[i] = FlagView{LegalFlag: f, Citation: f.Citation(), Articles: []ArticleRef{}}
	}
	if len(flags) == 0 {
		return out, nil
	}
	articles, err := c.st.ListArticles(ctx, store.ArticleFilter{})
	if err != nil {
		return nil, err
	}
	for _, a := range articles {
		cites := articleCitations(a)
		for i := range out {
			if citesFlag(cites, out[i].LegalFlag) {
				out[i].Articles = append(out[i].Articles, ArticleRef{Slug: a.Slug, Title: a.Title, Status: a.Status})
			}
		}
	}
	return out, nil
}

// Flagged tells which of the given articles cite a flagged target; the console's article list
// shows them with a warning. They stay published: a flag asks for review, it does not withdraw.
func (c *Citations) Flagged(ctx context.Context, articles []knowledge.Article) (map[string]bool, error) {
	out := map[string]bool{}
	flags, err := c.st.LegalFlags(ctx)
	if err != nil || len(flags) == 0 {
		return out, err
	}
	for _, a := range articles {
		cites := articleCitations(a)
		for _, f := range flags {
			if citesFlag(cites, f) {
				out[a.Slug] = true
				break
			}
		}
	}
	return out, nil
}

func articleCitations(a knowledge.Article) []statute.Citation {
	var out []statute.Citation
	for _, f := range citingFields(a) {
		out = append(out, statute.Extract(f.text)...)
	}
	return out
}

func citesFlag(cites []statute.Citation, f store.LegalFlag) bool {
	for _, c := range cites {
		if f.Matches(c) {
			return true
		}
	}
	return false
}
