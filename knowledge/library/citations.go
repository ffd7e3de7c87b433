package library

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/statute"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// MaxCiteRunes bounds a looked-up citation: the longest real one, an interpretation's title with
// an article, paragraph and item, stays well under it.
const MaxCiteRunes = 200

// Citations is the legal-basis service: statute imports from the console, the citation report,
// the legal-basis flags and the 法条原文 lookup for the chat. It caches one statute.Resolver and
// rebuilds it when the statute library changes, whoever changed it (this process, the command,
// another replica), so an import takes effect without a restart.
type Citations struct {
	st *store.Store

	mu    sync.Mutex
	r     *statute.Resolver
	stamp string
}

// NewCitations builds the service over the store.
func NewCitations(st *store.Store) *Citations { return &Citations{st: st} }

// resolver returns the cached resolver, reloading it when the library's stamp has moved.
func (c *Citations) resolver(ctx context.Context) (*statute.Resolver, error) {
	stamp, err := c.st.StatuteStamp(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.r != nil && c.stamp == stamp {
		return c.r, nil
	}
	r, err := statute.Load(ctx, c.st)
	if err != nil {
		return nil, err
	}
	c.r, c.stamp = r, stamp
	return r, nil
}

// citedText is one field of an article that may cite statutes.
type citedText struct {
	field, text string
}

// citingFields are the fields the chat shows with an answer; questions and tags cite nothing.
func citingFields(a knowledge.Article) []citedText {
	out := []citedText{{"summary", a.Summary}, {"body", a.Body}}
	for _, lb := range a.LegalBasis {
		out = append(out, citedText{"legal_basis", lb})
	}
	return out
}

// CitationProblem is one citation an admin needs to look at.
type CitationProblem struct {
	Field        string         `json:"field"`
	Citation     string         `json:"citation"` // the one cited article: 《劳动合同法》第四十七条
	Source       string         `json:"source"`   // the whole citation as written
	Status       statute.Status `json:"status"`
	Document     string         `json:"document,omitempty"`
	Version      string         `json:"version,omitempty"`
	CitedVersion string         `json:"cited_version,omitempty"`
	Detail       string         `json:"detail,omitempty"`
}

// FlagHit is one citation that falls under a legal-basis flag.
type FlagHit struct {
	FlagID   int64  `json:"flag_id"`
	Field    string `json:"field"`
	Citation string `json:"citation"`
	Target   string `json:"target"` // what the flag marks: 《…》 or 《…》第X条
	Kind     string `json:"kind"`
	Note     string `json:"note,omitempty"`
}

// ArticleCitations is the report's entry for one article.
type ArticleCitations struct {
	Slug      string            `json:"slug"`
	Title     string            `json:"title"`
	Status    knowledge.Status  `json:"status"`
	Version   int               `json:"version"`
	UpdatedAt time.Time         `json:"updated_at"`
	Problems  []CitationProblem `json:"problems"`
	Flags     []FlagHit         `json:"flags"`
}

// ReportSummary counts citations by outcome. Numbered citations are counted once per field.
type ReportSummary struct {
	Articles        int `json:"articles"`  // articles checked, whatever their status
	Documents       int `json:"documents"` // statute documents with a current version
	Numbered        int `json:"numbered"`
	Resolved        int `json:"resolved"`
	UnknownDocument int `json:"unknown_document"`
	OutOfRange      int `json:"out_of_range"`
	Superseded      int `json:"superseded"`
	ByName          int `json:"by_name"`
	ProblemArticles int `json:"problem_articles"`
	Flags           int `json:"flags"` // flags in force
	FlaggedArticles int `json:"flagged_articles"`
}

// CitationReport lists the articles with a citation problem or a flag hit.
type CitationReport struct {
	Summary  ReportSummary      `json:"summary"`
	Articles []ArticleCitations `json:"articles"`
}

// Report resolves every citation of every article. With no statute imported, citations are
// plain text and only the flags are checked: reporting every citation as unknown would bury them.
func (c *Citations) Report(ctx context.Context) (CitationReport, error) {
	rep := CitationReport{Articles: []ArticleCitations{}}
	r, err := c.resolver(ctx)
	if err != nil {
		return rep, err
	}
	articles, err := c.st.ListArticles(ctx, store.ArticleFilter{})
	if err != nil {
		return rep, err
	}
	flags, err := c.st.LegalFlags(ctx)
	if err != nil {
		return rep, err
	}
	sum := &rep.Summary
	sum.Articles, sum.Documents, sum.Flags = len(articles), r.Documents(), len(flags)
	for _, a := range articles {
		entry := ArticleCitations{Slug: a.Slug, Title: a.Title, Status: a.Status, Version: a.Version,
			UpdatedAt: a.UpdatedAt, Problems: []CitationProblem{}, Flags: []FlagHit{}}
		seen := map[string]bool{}
		for _, f := range citingFields(a) {
			for _, cite := range statute.Extract(f.text) {
				for _, fl := range flags {
					key := fmt.Sprintf("flag\x00%s\x00%d\x00%s", f.field, fl.ID, cite)
					if fl.Matches(cite) && !seen[key] {
						seen[key] = true
						entry.Flags = append(entry.Flags, FlagHit{FlagID: fl.ID, Field: f.field, Citation: cite.String(),
							Target: fl.Citation(), Kind: fl.Kind, Note: fl.Note})
					}
				}
				if sum.Documents == 0 {
					continue
				}
				res := r.Resolve(cite, a.UpdatedAt)
				if !cite.Numbered() {
					sum.ByName++
					continue
				}
				key := fmt.Sprintf("cite\x00%s\x00%s", f.field, cite)
				if seen[key] {
					continue
				}
				seen[key] = true
				sum.Numbered++
				switch res.Status {
				case statute.StatusResolved:
					sum.Resolved++
				case statute.StatusUnknownDocument:
					sum.UnknownDocument++
				case statute.StatusOutOfRange:
					sum.OutOfRange++
				case statute.StatusSuperseded:
					sum.Superseded++
				}
				if res.Problem() {
					entry.Problems = append(entry.Problems, CitationProblem{Field: f.field, Citation: cite.String(),
						Source: cite.Source, Status: res.Status, Document: res.Document, Version: res.Version,
						CitedVersion: res.CitedVersion, Detail: res.Detail})
				}
			}
		}
		if len(entry.Problems) > 0 {
			sum.ProblemArticles++
		}
		if len(entry.Flags) > 0 {
			sum.FlaggedArticles++
		}
		if len(entry.Problems) > 0 || len(entry.Flags) > 0 {
			rep.Articles = append(rep.Articles, entry)
		}
	}
	return rep, nil
}

// StatuteText is one statute article as the chat shows it when a user opens a citation.
type StatuteText struct {
	Citation string `json:"citation"` // 《中华人民共和国劳动合同法》第四十七条
	Title    string `json:"title"`
	Version  string `json:"version"`
	// InForce is when the version shown took effect; Pending when a newer imported version will.
	InForce    string   `json:"in_force,omitempty"`
	Pending    string   `json:"pending,omitempty"`
	Label      string   `json:"label"`
	Chapter    string   `json:"chapter,omitempty"` // 编, 章 and 节 headings above it
	Paragraphs []string `json:"paragraphs"`
	// Status is "current", or the kind of a legal-basis flag in force on the article or its
	// document (amended, repealed), so that the chat can warn that the text may no longer apply.
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
}

// Lookup resolves one citation of one article against the current versions and returns its
// text; knowledge.ErrNotFound when the document is not imported or has no such article.
func (c *Citations) Lookup(ctx context.Context, cite string) (StatuteText, error) {
	var out StatuteText
	cite = strings.TrimSpace(cite)
	v := &knowledge.ValidationError{}
	switch n := utf8.RuneCountInString(cite); {
	case n == 0:
		v.Add("", "cite", "请提供要查询的法条引用，如《中华人民共和国劳动合同法》第四十七条")
	case n > MaxCiteRunes:
		v.Add("", "cite", "引用不能超过 %d 个字", MaxCiteRunes)
	}
	if err := v.Err(); err != nil {
		return out, err
	}
	cs := statute.Extract(cite)
	if len(cs) != 1 || !cs[0].Numbered() {
		v.Add("", "cite", "须为一部文件的一条，如《中华人民共和国劳动合同法》第四十七条")
		return out, v
	}
	r, err := c.resolver(ctx)
	if err != nil {
		return out, err
	}
	res := r.Resolve(cs[0], time.Time{})
	if res.Status == statute.StatusUnknownDocument {
		return out, fmt.Errorf("%s: document not imported: %w", cs[0], knowledge.ErrNotFound)
	}
	a, err := statute.Text(ctx, c.st, res)
	if err != nil {
		return out, err
	}
	flags, err := c.st.LegalFlags(ctx)
	if err != nil {
		return out, err
	}
	var headings []string
	for _, h := range []string{a.Part, a.Chapter, a.Section} {
		if h != "" {
			headings = append(headings, h)
		}
	}
	out = StatuteText{Citation: "《" + res.Document + "》" + a.Label, Title: res.Document, Version: res.Version,
		InForce: res.InForce, Pending: res.Pending, Label: a.Label, Chapter: strings.Join(headings, " "), Paragraphs: a.Paragraphs, Status: "current"}
	if out.Paragraphs == nil {
		out.Paragraphs = []string{}
	}
	for _, f := range flags {
		// Repealed outweighs amended: the warning shown is the strongest that applies.
		if f.Matches(cs[0]) && (out.Status == "current" || f.Kind == store.FlagRepealed) {
			out.Status, out.Note = f.Kind, f.Note
		}
	}
	return out, nil
}
