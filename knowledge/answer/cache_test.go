package answer

import (
	"context"
	"testing"
)

// versionedSearch answers from hits and counts its searches; version is the knowledge base's.
type versionedSearch struct {
	hits     []Hit
	version  uint64
	searches int
}

func (v *versionedSearch) Search(context.Context, string, int) (SearchResult, error) {
	v.searches++
	return SearchResult{Hits: v.hits}, nil
}

func (v *versionedSearch) Version() uint64 { return v.version }

// A repeated question is answered from the cache while the knowledge base is unchanged, and
// searched afresh once it changes: an edited article is never answered from before the edit.
func TestCacheAnswersRepeatsUntilTheKnowledgeBaseChanges(t *testing.T) {
	s := &versionedSearch{hits: []Hit{hit("a", 0.9)}}
	e := New(s, identity{}, nil, DefaultConfig()).WithCache(100)
	ctx := context.Background()
	q := "公司合同纠纷怎么处理"
	first, _ := e.Ask(ctx, q)
	first.Sources[0].Slug = "changed by a caller"
	again, _ := e.Ask(ctx, q)
	if s.searches != 1 || again.Intent != IntentAnswer || again.Sources[0].Slug != "a" {
		t.Fatalf("repeat: %d searches, sources %v", s.searches, again.Sources)
	}
	s.hits, s.version = []Hit{hit("b", 0.9)}, 1
	after, _ := e.Ask(ctx, q)
	if s.searches != 2 || after.Sources[0].Slug != "b" {
		t.Fatalf("after a change: %d searches, sources %v", s.searches, after.Sources)
	}
}

// The cache holds at most its size; the questions asked most recently stay.
func TestCacheKeepsTheRecentQuestions(t *testing.T) {
	s := &versionedSearch{hits: []Hit{hit("a", 0.9)}}
	e := New(s, identity{}, nil, DefaultConfig()).WithCache(4)
	ctx := context.Background()
	for _, q := range []string{"问题一合同", "问题二合同", "问题三合同", "问题四合同", "问题五合同", "问题六合同"} {
		if _, err := e.Ask(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.cache.cur) + len(e.cache.old); n > 4 {
		t.Fatalf("cache holds %d answers, want at most 4", n)
	}
	e.Ask(ctx, "问题六合同")
	if s.searches != 6 {
		t.Fatalf("the last question was searched again: %d searches", s.searches)
	}
	e.Ask(ctx, "问题一合同")
	if s.searches != 7 {
		t.Fatalf("the oldest question was still cached: %d searches", s.searches)
	}
}

// Without a version to key on, the engine does not cache.
func TestNoCacheWithoutVersion(t *testing.T) {
	e := New(fakeSearch{[]Hit{hit("a", 0.9)}}, identity{}, nil, DefaultConfig()).WithCache(100)
	if e.cache != nil {
		t.Fatal("cache without a Versioned searcher")
	}
}
