package main

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/knowledge"
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
	v, err := st.GetMeta(ctx, synonymsKey)
	if errors.Is(err, knowledge.ErrNotFound) {
		return index.DefaultSynonyms(), nil
	}
	if err != nil {
		return nil, err
	}
	var groups [][]string
	if err := json.Unmarshal([]byte(v), &groups); err != nil {
		return nil, err
	}
	return groups, nil
}

func (s synonymSettings) Groups() [][]string { return s.syn.Groups() }

func (s synonymSettings) Save(ctx context.Context, groups [][]string) error {
	b, err := json.Marshal(groups)
	if err != nil {
		return err
	}
	if err := s.st.SetMeta(ctx, synonymsKey, string(b)); err != nil {
		return err
	}
	s.syn.Set(groups)
	return nil
}
