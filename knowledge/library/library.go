// Package library is the knowledge-base service: the validated, all-or-nothing import, article
// saves with versions, and keeping the search index in step with the store. The CLI, the admin API
// and start-up seeding all go through it, so the rules live in one place.
package library

import (
	"context"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// Indexer keeps the search index current. The index package implements it.
type Indexer interface {
	Upsert(a knowledge.Article) error
	Delete(slug string) error
}

// Library combines the store and the index.
type Library struct {
	st *store.Store
	ix Indexer
}

// New builds a library. ix may be nil where no index is open (the import command when the server
// owns the index; the next start then finds the index stale and rebuilds it).
func New(st *store.Store, ix Indexer) *Library { return &Library{st: st, ix: ix} }

// Import validates every article first and writes nothing unless all are valid; then it upserts
// them by slug in one transaction and updates the index for those that changed.
func (l *Library) Import(ctx context.Context, batch []knowledge.Article, by, note string) ([]store.SaveResult, error) {
	existing, err := l.st.ArticleSlugs(ctx)
	if err != nil {
		return nil, err
	}
	if err := knowledge.ValidateSet(batch, existing); err != nil {
		return nil, err
	}
	res, err := l.st.SaveArticles(ctx, batch, by, note)
	if err != nil {
		return nil, err
	}
	for _, r := range res {
		if r.Change == "unchanged" {
			continue
		}
		if err := l.reindex(ctx, r.Slug); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (l *Library) reindex(ctx context.Context, slug string) error {
	if l.ix == nil {
		return nil
	}
	a, err := l.st.GetArticle(ctx, slug)
	if err != nil {
		return err
	}
	if err := l.ix.Upsert(a); err != nil {
		return fmt.Errorf("index %s: %w", slug, err)
	}
	return nil
}

// Published returns every published article, for building the index.
func (l *Library) Published(ctx context.Context) ([]knowledge.Article, error) {
	return l.st.ListArticles(ctx, store.ArticleFilter{Status: knowledge.StatusPublished})
}
