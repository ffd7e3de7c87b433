package main

import (
	"context"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

const synonymsKey = "search.synonyms"

// synonymSettings keeps the admins' synonym list in the store and applies it to the live index.
type synonymSettings struct {
	st  *store.Store
	syn *index.Synonyms
}

// loadSynonyms returns the stored list, or the built-in default when none was saved.
func loadSynonyms(ctx context.Context, st *store.Store) ([][]string, error) {
	var groups [][]string
	found, err := st.GetMetaJSON(ctx, synonymsKey, &groups)
	if err != nil || !found {
		return index.DefaultSynonyms(), err
	}
	return groups, nil
}

func (s synonymSettings) Groups() [][]string { return s.syn.Groups() }

func (s synonymSettings) Save(ctx context.Context, groups [][]string) error {
	if err := s.st.SetMetaJSON(ctx, synonymsKey, groups); err != nil {
		return err
	}
	s.syn.Set(groups)
	return nil
}
