package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// audit records an admin action; a failure to audit fails the action's response but not the
// already committed change, so it is reported, not hidden.
func (l *Library) audit(ctx context.Context, actor, action, target string, detail any) error {
	b, _ := json.Marshal(detail)
	return l.st.Audit(ctx, actor, action, target, string(b))
}

// validateOne checks an article and that its related slugs exist.
func (l *Library) validateOne(ctx context.Context, a knowledge.Article) error {
	existing, err := l.st.ArticleSlugs(ctx)
	if err != nil {
		return err
	}
	delete(existing, a.Slug)
	return knowledge.ValidateSet([]knowledge.Article{a}, existing)
}

// Create stores a new article; knowledge.ErrConflict when the slug is taken.
func (l *Library) Create(ctx context.Context, a knowledge.Article, by, note string) (knowledge.Article, error) {
	a.Normalize()
	if _, err := l.st.GetArticle(ctx, a.Slug); err == nil {
		return a, fmt.Errorf("article %q already exists: %w", a.Slug, knowledge.ErrConflict)
	}
	if err := l.validateOne(ctx, a); err != nil {
		return a, err
	}
	saved, err := l.st.SaveArticle(ctx, a, by, note, 0)
	if err != nil {
		return a, err
	}
	return saved, l.after(ctx, saved, by, "article.create", note)
}

// Save writes a new version of an existing article. baseVersion is the version the editor started
// from; a save over someone else's newer version is refused with knowledge.ErrConflict.
func (l *Library) Save(ctx context.Context, a knowledge.Article, by, note string, baseVersion int) (knowledge.Article, error) {
	a.Normalize()
	if baseVersion <= 0 {
		v := &knowledge.ValidationError{}
		v.Add(a.Slug, "base_version", "缺少编辑所基于的版本号")
		return a, v
	}
	if err := l.validateOne(ctx, a); err != nil {
		return a, err
	}
	saved, err := l.st.SaveArticle(ctx, a, by, note, baseVersion)
	if err != nil {
		return a, err
	}
	return saved, l.after(ctx, saved, by, "article.save", note)
}

// SetStatus publishes, archives or returns an article to draft, as a new version.
func (l *Library) SetStatus(ctx context.Context, slug string, status knowledge.Status, by string, baseVersion int) (knowledge.Article, error) {
	if !status.Valid() {
		v := &knowledge.ValidationError{}
		v.Add(slug, "status", "未知状态 %q", status)
		return knowledge.Article{}, v
	}
	a, err := l.st.GetArticle(ctx, slug)
	if err != nil {
		return a, err
	}
	a.Status = status
	saved, err := l.st.SaveArticle(ctx, a, by, "状态改为 "+string(status), baseVersion)
	if err != nil {
		return a, err
	}
	return saved, l.after(ctx, saved, by, "article."+string(status), "")
}

// Rollback makes an old version's content current again, as a new version: history is never
// rewritten. Only the content comes back: the article keeps its current status (a published
// article rolled back to a version written while it was a draft stays published) unless status
// names the status wanted, which the admin then chose explicitly.
func (l *Library) Rollback(ctx context.Context, slug string, version int, by string, baseVersion int, status knowledge.Status) (knowledge.Article, error) {
	if status != "" && !status.Valid() {
		v := &knowledge.ValidationError{}
		v.Add(slug, "status", "未知状态 %q", status)
		return knowledge.Article{}, v
	}
	cur, err := l.st.GetArticle(ctx, slug)
	if err != nil {
		return cur, err
	}
	vs, err := l.st.ArticleVersions(ctx, slug)
	if err != nil {
		return knowledge.Article{}, err
	}
	for _, v := range vs {
		if v.Article.Version != version {
			continue
		}
		a := v.Article
		a.Status = cur.Status
		note := fmt.Sprintf("回滚到第 %d 版的内容", version)
		if status != "" && status != cur.Status {
			a.Status = status
			note += "，状态改为 " + string(status)
		}
		if err := l.validateOne(ctx, a); err != nil {
			return a, err
		}
		saved, err := l.st.SaveArticle(ctx, a, by, note, baseVersion)
		if err != nil {
			return a, err
		}
		return saved, l.after(ctx, saved, by, "article.rollback", note)
	}
	return knowledge.Article{}, fmt.Errorf("article %q version %d: %w", slug, version, knowledge.ErrNotFound)
}

// after updates the index and the audit log once a change is committed.
func (l *Library) after(ctx context.Context, a knowledge.Article, by, action, note string) error {
	var errs []error
	if l.ix != nil {
		if err := l.ix.Upsert(a); err != nil {
			errs = append(errs, fmt.Errorf("index %s: %w", a.Slug, err))
		}
	}
	if err := l.audit(ctx, by, action, a.Slug, map[string]any{"version": a.Version, "status": a.Status, "note": note}); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Versions lists an article's history, newest first.
func (l *Library) Versions(ctx context.Context, slug string) ([]store.ArticleVersion, error) {
	return l.st.ArticleVersions(ctx, slug)
}

// Get returns the current version of any article, whatever its status.
func (l *Library) Get(ctx context.Context, slug string) (knowledge.Article, error) {
	return l.st.GetArticle(ctx, slug)
}

// List returns articles matching f.
func (l *Library) List(ctx context.Context, f store.ArticleFilter) ([]knowledge.Article, error) {
	return l.st.ListArticles(ctx, f)
}

// ImportAudited is Import with an audit entry, for the admin console.
func (l *Library) ImportAudited(ctx context.Context, batch []knowledge.Article, by string) ([]store.SaveResult, error) {
	res, err := l.Import(ctx, batch, by, "控制台导入")
	if err != nil {
		return res, err
	}
	return res, l.audit(ctx, by, "article.import", fmt.Sprintf("%d articles", len(res)), res)
}
