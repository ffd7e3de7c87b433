package main

import (
	"context"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

const (
	lexiconKey = "search.lexicon"
	// legacySynonymsKey held the equivalence-only list of earlier versions.
	legacySynonymsKey = "search.synonyms"
)

// synonymSettings keeps the admins' lexicon in the store and applies it to the live index.
type synonymSettings struct {
	st  *store.Store
	syn *index.Synonyms
	// notify announces a saved change to the other replicas.
	notify conversation.Notifier
}

// loadLexicon returns the stored lexicon, or the built-in default when none was saved. A list
// saved by an earlier version (equivalence groups only) is kept and the default added to it.
func loadLexicon(ctx context.Context, st *store.Store) ([]knowledge.LexGroup, error) {
	var groups []knowledge.LexGroup
	found, err := st.GetMetaJSON(ctx, lexiconKey, &groups)
	if err != nil || found {
		return groups, err
	}
	var legacy [][]string
	found, err = st.GetMetaJSON(ctx, legacySynonymsKey, &legacy)
	if err != nil || !found {
		return index.DefaultLexicon(), err
	}
	for _, g := range legacy {
		groups = append(groups, knowledge.LexGroup{From: g, Weight: 1})
	}
	return append(groups, index.DefaultLexicon()...), nil
}

func (s synonymSettings) Groups() []knowledge.LexGroup { return s.syn.Groups() }

func (s synonymSettings) Save(ctx context.Context, groups []knowledge.LexGroup) error {
	if err := s.st.SetMetaJSON(ctx, lexiconKey, groups); err != nil {
		return err
	}
	s.syn.Set(groups)
	s.notify.Notify(ctx, conversation.Event{Kind: conversation.EventSetting, Setting: conversation.SettingLexicon})
	return nil
}
