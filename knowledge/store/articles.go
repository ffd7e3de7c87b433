package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
)

const articleCols = `slug, title, category, kind, questions, phrasings, summary, body, legal_basis, tags, related,
	status, version, updated_at, updated_by`

// ArticleFilter narrows ListArticles. Zero fields match everything.
type ArticleFilter struct {
	Status   knowledge.Status
	Category knowledge.Category
	Kind     knowledge.Kind
	Tag      string
	Text     string // substring of title, summary or questions
	Limit    int
	Offset   int
}

type scanner interface{ Scan(...any) error }

func scanArticle(sc scanner) (knowledge.Article, error) {
	var a knowledge.Article
	var q, ph, lb, tags, rel string
	var updated int64
	err := sc.Scan(&a.Slug, &a.Title, &a.Category, &a.Kind, &q, &ph, &a.Summary, &a.Body, &lb, &tags, &rel,
		&a.Status, &a.Version, &updated, &a.UpdatedBy)
	if err != nil {
		return a, err
	}
	a.UpdatedAt = fromMillis(updated)
	for _, p := range []struct {
		src string
		dst *[]string
	}{{q, &a.Questions}, {ph, &a.Phrasings}, {lb, &a.LegalBasis}, {tags, &a.Tags}, {rel, &a.Related}} {
		if err := json.Unmarshal([]byte(p.src), p.dst); err != nil {
			return a, fmt.Errorf("article %s: decode list: %w", a.Slug, err)
		}
	}
	a.Normalize()
	return a, nil
}

func jsonList(xs []string) string {
	if xs == nil {
		xs = []string{}
	}
	b, _ := json.Marshal(xs)
	return string(b)
}

// GetArticle returns the current version of one article.
func (s *Store) GetArticle(ctx context.Context, slug string) (knowledge.Article, error) {
	a, err := scanArticle(s.queryRow(ctx, `SELECT `+articleCols+` FROM articles WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("article %q: %w", slug, knowledge.ErrNotFound)
	}
	return a, err
}

// ListArticles returns articles ordered by category and slug.
func (s *Store) ListArticles(ctx context.Context, f ArticleFilter) ([]knowledge.Article, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Category != "" {
		where, args = append(where, "category = ?"), append(args, f.Category)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.Tag != "" {
		// Tags are a JSON list of strings; matching the quoted form avoids partial-tag hits.
		tag, _ := json.Marshal(f.Tag)
		where, args = append(where, "tags LIKE ? ESCAPE '\\'"), append(args, "%"+likeEscape(string(tag))+"%")
	}
	if f.Text != "" {
		p := "%" + likeEscape(f.Text) + "%"
		where = append(where, "(title LIKE ? ESCAPE '\\' OR summary LIKE ? ESCAPE '\\' OR questions LIKE ? ESCAPE '\\' OR slug LIKE ? ESCAPE '\\')")
		args = append(args, p, p, p, p)
	}
	q := `SELECT ` + articleCols + ` FROM articles`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY category, slug"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
	}
	rows, err := s.query(ctx, q, args...)
	return collect(rows, err, scanArticle)
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ArticleSlugs returns the set of every stored slug, whatever its status.
func (s *Store) ArticleSlugs(ctx context.Context) (map[string]bool, error) {
	rows, err := s.query(ctx, `SELECT slug FROM articles`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return nil, err
		}
		out[slug] = true
	}
	return out, rows.Err()
}

// SaveResult says what an upsert did to one article.
type SaveResult struct {
	Slug    string `json:"slug"`
	Version int    `json:"version"`
	Change  string `json:"change"` // created, updated or unchanged
}

// SaveArticles upserts a batch by slug in one transaction. An article whose content is unchanged
// keeps its version; a changed one gets a new version with a history row. The batch must already
// be valid (knowledge.ValidateSet).
func (s *Store) SaveArticles(ctx context.Context, batch []knowledge.Article, by, note string) ([]SaveResult, error) {
	out := make([]SaveResult, 0, len(batch))
	err := s.tx(ctx, func(t *Tx) error {
		out = out[:0]
		for _, a := range batch {
			r, err := s.saveArticle(ctx, t, a, by, note, 0)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// SaveArticle upserts one article. When baseVersion > 0 the stored version must still be
// baseVersion, so that of two editors the second gets knowledge.ErrConflict instead of silently
// overwriting the first.
func (s *Store) SaveArticle(ctx context.Context, a knowledge.Article, by, note string, baseVersion int) (knowledge.Article, error) {
	var r SaveResult
	err := s.tx(ctx, func(t *Tx) error {
		var err error
		r, err = s.saveArticle(ctx, t, a, by, note, baseVersion)
		return err
	})
	if err != nil {
		return a, err
	}
	return s.GetArticle(ctx, r.Slug)
}

func (s *Store) saveArticle(ctx context.Context, t *Tx, a knowledge.Article, by, note string, baseVersion int) (SaveResult, error) {
	a.Normalize()
	cur, err := scanArticle(t.queryRow(ctx, `SELECT `+articleCols+` FROM articles WHERE slug = ?`, a.Slug))
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return SaveResult{}, err
	}
	if baseVersion > 0 && (!exists || cur.Version != baseVersion) {
		return SaveResult{}, fmt.Errorf("article %q was changed by someone else (version %d, you edited %d): %w",
			a.Slug, cur.Version, baseVersion, knowledge.ErrConflict)
	}
	if exists && sameContent(cur, a) {
		return SaveResult{Slug: a.Slug, Version: cur.Version, Change: "unchanged"}, nil
	}
	now := s.millis()
	a.Version = cur.Version + 1
	args := []any{a.Title, a.Category, a.Kind, jsonList(a.Questions), jsonList(a.Phrasings), a.Summary, a.Body, jsonList(a.LegalBasis),
		jsonList(a.Tags), jsonList(a.Related), a.Status, a.Version, now, by}
	change := "updated"
	if exists {
		res, err := t.exec(ctx, `UPDATE articles SET title = ?, category = ?, kind = ?, questions = ?, phrasings = ?, summary = ?,
			body = ?, legal_basis = ?, tags = ?, related = ?, status = ?, version = ?, updated_at = ?, updated_by = ?
			WHERE slug = ? AND version = ?`, append(args, a.Slug, cur.Version)...)
		if err != nil {
			return SaveResult{}, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return SaveResult{}, fmt.Errorf("article %q changed during save: %w", a.Slug, knowledge.ErrConflict)
		}
	} else {
		change = "created"
		_, err := t.exec(ctx, `INSERT INTO articles (title, category, kind, questions, phrasings, summary, body, legal_basis,
			tags, related, status, version, updated_at, updated_by, slug, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, a.Slug, now)...)
		if err != nil {
			if s.d.IsUniqueViolation(err) {
				return SaveResult{}, fmt.Errorf("article %q created concurrently: %w", a.Slug, knowledge.ErrConflict)
			}
			return SaveResult{}, err
		}
	}
	a.UpdatedAt, a.UpdatedBy = fromMillis(now), by
	data, _ := json.Marshal(a)
	if _, err := t.exec(ctx, `INSERT INTO article_versions (slug, version, data, note, saved_by, saved_at)
		VALUES (?, ?, ?, ?, ?, ?)`, a.Slug, a.Version, string(data), note, by, now); err != nil {
		return SaveResult{}, err
	}
	return SaveResult{Slug: a.Slug, Version: a.Version, Change: change}, nil
}

func sameContent(a, b knowledge.Article) bool {
	return a.Title == b.Title && a.Category == b.Category && a.Kind == b.Kind && a.Summary == b.Summary &&
		a.Body == b.Body && a.Status == b.Status && jsonList(a.Questions) == jsonList(b.Questions) &&
		jsonList(a.Phrasings) == jsonList(b.Phrasings) &&
		jsonList(a.LegalBasis) == jsonList(b.LegalBasis) && jsonList(a.Tags) == jsonList(b.Tags) &&
		jsonList(a.Related) == jsonList(b.Related)
}

// ArticleVersion is one saved state of an article.
type ArticleVersion struct {
	Article knowledge.Article `json:"article"`
	Note    string            `json:"note"`
}

// ArticleVersions lists an article's history, newest first.
func (s *Store) ArticleVersions(ctx context.Context, slug string) ([]ArticleVersion, error) {
	rows, err := s.query(ctx, `SELECT data, note FROM article_versions WHERE slug = ? ORDER BY version DESC`, slug)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ArticleVersion
	for rows.Next() {
		var data string
		var v ArticleVersion
		if err := rows.Scan(&data, &v.Note); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &v.Article); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("article %q: %w", slug, knowledge.ErrNotFound)
	}
	return out, nil
}
