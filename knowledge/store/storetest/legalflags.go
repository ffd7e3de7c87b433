package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/statute"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// testLegalFlags covers the legal-basis flags and the statute library views the console needs.
func testLegalFlags(t *testing.T, s *store.Store) {
	t.Run("AddListClear", func(t *testing.T) { testFlagLifecycle(t, s) })
	t.Run("ConcurrentAdds", func(t *testing.T) { testFlagConcurrent(t, s) })
	t.Run("StatuteDocumentsAndStamp", func(t *testing.T) { testStatuteDocuments(t, s) })
}

func flagTitles(t *testing.T, s *store.Store) []string {
	t.Helper()
	fs, err := s.LegalFlags(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Citation())
	}
	return out
}

func testFlagLifecycle(t *testing.T, s *store.Store) {
	ctx := context.Background()
	now, advance := FixedClock(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	s.SetClock(now)
	art := store.LegalFlag{Title: "中华人民共和国劳动合同法", Article: statute.Key{Number: 47}, Kind: store.FlagAmended,
		Note: "第二款已修改", CreatedBy: "admin"}
	f, err := s.AddLegalFlag(ctx, art)
	if err != nil || f.ID == 0 || !f.CreatedAt.Equal(now()) || f.Citation() != "《中华人民共和国劳动合同法》第四十七条" {
		t.Fatalf("add = %+v, %v", f, err)
	}
	// The same target under its short title is the same flag.
	short := art
	short.Title = "劳动合同法"
	if _, err := s.AddLegalFlag(ctx, short); !errors.Is(err, knowledge.ErrConflict) {
		t.Fatalf("same target again: %v", err)
	}
	// The whole document and another article are targets of their own.
	doc := store.LegalFlag{Title: "劳动合同法", Kind: store.FlagRepealed, CreatedBy: "admin"}
	if _, err := s.AddLegalFlag(ctx, doc); err != nil {
		t.Fatal(err)
	}
	other := art
	other.Article = statute.Key{Number: 17, Suffix: "之一"}
	if _, err := s.AddLegalFlag(ctx, other); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []store.LegalFlag{
		{Title: "劳动法", Kind: "obsolete"},
		{Title: " ", Kind: store.FlagAmended},
		{Title: "劳动法", Kind: store.FlagAmended, Article: statute.Key{Suffix: "之一"}},
	} {
		if _, err := s.AddLegalFlag(ctx, bad); !errors.Is(err, knowledge.ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	got, err := s.LegalFlags(ctx)
	if err != nil || len(got) != 3 || got[0].ID != f.ID || got[0].Note != "第二款已修改" || got[0].Article.Number != 47 ||
		got[2].Article.Suffix != "之一" || got[1].Article.Number != 0 || got[1].Kind != store.FlagRepealed {
		t.Fatalf("flags = %+v, %v", got, err)
	}

	// Matching: full and short titles, any paragraph of the article; a document flag covers all.
	for _, tc := range []struct {
		text string
		flag store.LegalFlag
		want bool
	}{
		{"《劳动合同法》第四十七条第二款", got[0], true},
		{"《中华人民共和国劳动合同法》第四十七条", got[0], true},
		{"《劳动合同法》第四十六条", got[0], false},
		{"《劳动合同法》", got[0], false},
		{"《劳动法》第四十七条", got[0], false},
		{"《劳动合同法》", got[1], true},
		{"《劳动合同法》第三条", got[1], true},
		{"《劳动合同法》第十七条之一", got[2], true},
		{"《劳动合同法》第十七条", got[2], false},
	} {
		cs := statute.Extract(tc.text)
		if len(cs) != 1 || tc.flag.Matches(cs[0]) != tc.want {
			t.Errorf("%s under %s: want %v", tc.text, tc.flag.Citation(), tc.want)
		}
	}

	advance(time.Minute)
	cleared, err := s.ClearLegalFlag(ctx, f.ID, "admin2")
	if err != nil || cleared.ClearedBy != "admin2" || !cleared.ClearedAt.Equal(now()) || cleared.Note != "第二款已修改" {
		t.Fatalf("clear = %+v, %v", cleared, err)
	}
	if _, err := s.ClearLegalFlag(ctx, f.ID, "admin"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("clear twice: %v", err)
	}
	if _, err := s.ClearLegalFlag(ctx, 999999, "admin"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("clear missing: %v", err)
	}
	if ts := flagTitles(t, s); len(ts) != 2 {
		t.Fatalf("after clear: %v", ts)
	}
	// Once cleared, the target can be flagged again.
	if _, err := s.AddLegalFlag(ctx, art); err != nil {
		t.Fatalf("re-flag after clear: %v", err)
	}
}

// Two admins flagging the same target at once: one flag, the other gets knowledge.ErrConflict.
func testFlagConcurrent(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			title := "中华人民共和国并发标记法"
			if i%2 == 1 {
				title = "并发标记法"
			}
			_, errs[i] = s.AddLegalFlag(ctx, store.LegalFlag{Title: title, Article: statute.Key{Number: 3},
				Kind: store.FlagAmended, CreatedBy: "admin"})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, knowledge.ErrConflict):
			t.Errorf("add: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d concurrent adds of one target succeeded", ok)
	}
}

func testStatuteDocuments(t *testing.T, s *store.Store) {
	ctx := context.Background()
	before, err := s.StatuteStamp(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportStatutes(ctx, []statute.Document{Statute("中华人民共和国清单法", "2020-01-01", 3)}, "admin.a"); err != nil {
		t.Fatal(err)
	}
	mid, _ := s.StatuteStamp(ctx)
	if _, err := s.ImportStatutes(ctx, []statute.Document{Statute("清单法", "2024-01-01", 4)}, "admin.b"); err != nil {
		t.Fatal(err)
	}
	after, _ := s.StatuteStamp(ctx)
	if before == mid || mid == after {
		t.Fatalf("stamp did not move: %s %s %s", before, mid, after)
	}
	// An unchanged re-import stores nothing, so a cached resolver stays valid.
	if _, err := s.ImportStatutes(ctx, []statute.Document{Statute("清单法", "2024-01-01", 4)}, "admin.c"); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.StatuteStamp(ctx); again != after {
		t.Fatalf("unchanged import moved the stamp: %s → %s", after, again)
	}
	ds, err := s.StatuteDocuments(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mine []store.StatuteDocument
	for _, d := range ds {
		if statute.TitleKey(d.Title) == "清单法" {
			mine = append(mine, d)
		}
	}
	if len(mine) != 2 || mine[0].Current || mine[0].ImportedBy != "admin.a" || mine[0].SupersededAt.IsZero() ||
		!mine[1].Current || mine[1].ImportedBy != "admin.b" || mine[1].ArticleCount != 4 || mine[1].Version != "2024-01-01" {
		t.Fatalf("documents = %+v", mine)
	}
}
