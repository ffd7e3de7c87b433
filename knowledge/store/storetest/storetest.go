// Package storetest is the conformance suite every store driver must pass. Each engine's test calls
// Run with a function that opens a fresh, empty store on that engine.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// Opener returns a new empty store; it registers its own cleanup.
type Opener func(t *testing.T) *store.Store

// Run runs every conformance test against the engine behind open.
func Run(t *testing.T, open Opener) {
	tests := map[string]func(*testing.T, *store.Store){
		"ArticlesUpsertAndVersions": testArticles,
		"ArticleEditConflict":       testArticleConflict,
		"ArticleFilters":            testArticleFilters,
		"ConcurrentSaves":           testConcurrentSaves,
		"Users":                     testUsers,
		"Meta":                      testMeta,
		"Sessions":                  testSessions,
		"LoginFailures":             testLoginFailures,
		"LoginReservationRace":      testLoginReservationRace,
		"LastAdmin":                 testLastAdmin,
		"Audit":                     testAudit,
		"ClaimRace":                 testClaimRace,
		"QueueLifecycle":            testQueueCapacityAndLifecycle,
		"QueueRouting":              testQueueRouting,
		"QueueAutoReturn":           testQueueAutoReturnAndOverdue,
		"Messages":                  testMessages,
		"ResendIdempotent":          testResendIdempotent,
		"Exchange":                  testExchange,
		"ConcurrentExchanges":       testConcurrentExchanges,
		"ConcurrentSeq":             testConcurrentSeq,
		"Tickets":                   testTickets,
		"ConcurrentEscalations":     testConcurrentEscalations,
		"EscalationQuota":           testEscalationQuota,
		"Statutes":                  testStatutes,
		"LegalFlags":                testLegalFlags,
		"CandidatePhrasings":        testCandidates,
		"Visits":                    testVisits,
		"HTTPAsksGrouped":           testHTTPAsksGrouped,
		"Purge":                     testPurge,
		"ClaimDay":                  testClaimDay,
		"Outbox":                    testOutbox,
		"QueueTable":                testQueueTable,
		"CapacityRace":              testCapacityRace,
		"NoticeConsent":             testNoticeConsent,
		"NoticeCodeLimits":          testNoticeCodeLimits,
		"NoticeOutbox":              testNoticeOutbox,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) { fn(t, open(t)) })
	}
	t.Run("MigrationsIdempotent", func(t *testing.T) {
		s := open(t)
		v, err := s.SchemaVersion(context.Background())
		if err != nil || v < 1 {
			t.Fatalf("schema version = %d, %v", v, err)
		}
	})
}

// Article returns a valid article for tests.
func Article(slug string) knowledge.Article {
	return knowledge.Article{
		Slug: slug, Title: "标题 " + slug, Category: "labor", Kind: knowledge.KindCompliance,
		Questions: []string{"员工加班怎么算", "加班费"}, Summary: "摘要", Body: "## 常见风险\n正文",
		LegalBasis: []string{"《中华人民共和国劳动法》第四十四条"}, Tags: []string{"加班"},
		Status: knowledge.StatusPublished,
	}
}

func testArticles(t *testing.T, s *store.Store) {
	ctx := context.Background()
	a, b := Article("a-one"), Article("b-two")
	b.Related = []string{"a-one"}
	res, err := s.SaveArticles(ctx, []knowledge.Article{a, b}, "seed", "import")
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Change != "created" || res[0].Version != 1 {
		t.Fatalf("first save = %+v", res[0])
	}
	// Saving identical content again changes nothing.
	res, err = s.SaveArticles(ctx, []knowledge.Article{a}, "seed", "again")
	if err != nil || res[0].Change != "unchanged" || res[0].Version != 1 {
		t.Fatalf("resave = %+v, %v", res, err)
	}
	a.Summary = "新的摘要"
	res, err = s.SaveArticles(ctx, []knowledge.Article{a}, "admin", "edit")
	if err != nil || res[0].Change != "updated" || res[0].Version != 2 {
		t.Fatalf("update = %+v, %v", res, err)
	}
	got, err := s.GetArticle(ctx, "a-one")
	if err != nil {
		t.Fatal(err)
	}
	if got.Summary != "新的摘要" || got.Version != 2 || got.UpdatedBy != "admin" || got.UpdatedAt.IsZero() {
		t.Fatalf("got %+v", got)
	}
	if got.Questions[0] != "员工加班怎么算" || got.LegalBasis[0] != a.LegalBasis[0] {
		t.Fatalf("lists not round-tripped: %+v", got)
	}
	vs, err := s.ArticleVersions(ctx, "a-one")
	if err != nil || len(vs) != 2 || vs[0].Article.Version != 2 || vs[1].Article.Summary != "摘要" || vs[0].Note != "edit" {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	if _, err := s.GetArticle(ctx, "missing"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("missing article: %v", err)
	}
	slugs, err := s.ArticleSlugs(ctx)
	if err != nil || !slugs["a-one"] || !slugs["b-two"] || len(slugs) != 2 {
		t.Fatalf("slugs = %v, %v", slugs, err)
	}
}

func testArticleConflict(t *testing.T, s *store.Store) {
	ctx := context.Background()
	a, err := s.SaveArticle(ctx, Article("c-one"), "admin1", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	first, second := a, a
	first.Title, second.Title = "第一位管理员的修改", "第二位管理员的修改"
	if _, err := s.SaveArticle(ctx, first, "admin1", "", a.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveArticle(ctx, second, "admin2", "", a.Version); !errors.Is(err, knowledge.ErrConflict) {
		t.Fatalf("second stale save: want ErrConflict, got %v", err)
	}
	got, _ := s.GetArticle(ctx, "c-one")
	if got.Title != first.Title {
		t.Fatalf("stale save overwrote: %q", got.Title)
	}
}

func testArticleFilters(t *testing.T, s *store.Store) {
	ctx := context.Background()
	a, b, c := Article("f-one"), Article("f-two"), Article("f-three")
	b.Status, b.Category = knowledge.StatusDraft, "contract"
	c.Tags, c.Title = []string{"100%_tag"}, "特别的标题"
	if _, err := s.SaveArticles(ctx, []knowledge.Article{a, b, c}, "t", ""); err != nil {
		t.Fatal(err)
	}
	check := func(f store.ArticleFilter, want ...string) {
		t.Helper()
		got, err := s.ListArticles(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var slugs []string
		for _, a := range got {
			slugs = append(slugs, a.Slug)
		}
		if fmt.Sprint(slugs) != fmt.Sprint(want) {
			t.Fatalf("filter %+v = %v, want %v", f, slugs, want)
		}
	}
	check(store.ArticleFilter{Status: knowledge.StatusPublished}, "f-one", "f-three")
	check(store.ArticleFilter{Category: "contract"}, "f-two")
	check(store.ArticleFilter{Tag: "100%_tag"}, "f-three")
	check(store.ArticleFilter{Tag: "100"})
	check(store.ArticleFilter{Text: "特别"}, "f-three")
	check(store.ArticleFilter{Text: "%"})
	check(store.ArticleFilter{Limit: 1, Offset: 1}, "f-one") // contract sorts before labor
}

func testConcurrentSaves(t *testing.T, s *store.Store) {
	ctx := context.Background()
	base, err := s.SaveArticle(ctx, Article("race"), "t", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := base
			a.Summary = fmt.Sprintf("editor %d", i)
			_, err := s.SaveArticle(ctx, a, "t", "", base.Version)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, knowledge.ErrConflict):
				conflicts++
			default:
				t.Errorf("save: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != n-1 {
		t.Fatalf("wins=%d conflicts=%d, want 1 and %d", wins, conflicts, n-1)
	}
}

func testUsers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := knowledge.User{Username: "judge.li", DisplayName: "李法官", Role: knowledge.RoleJudge, Court: "沈阳市中级人民法院",
		Specialties: []knowledge.Category{"labor", "enforcement"}, Capacity: 3, Active: true, PasswordHash: "x"}
	got, err := s.CreateUser(ctx, u)
	if err != nil || got.ID == 0 {
		t.Fatalf("create = %+v, %v", got, err)
	}
	if _, err := s.CreateUser(ctx, u); !errors.Is(err, knowledge.ErrConflict) {
		t.Fatalf("duplicate username: %v", err)
	}
	byName, err := s.GetUserByName(ctx, "judge.li")
	if err != nil || byName.ID != got.ID || len(byName.Specialties) != 2 || !byName.Active || byName.Capacity != 3 {
		t.Fatalf("by name = %+v, %v", byName, err)
	}
	byName.Active = false
	byName.Capacity = 7
	upd, err := s.UpdateUser(ctx, byName)
	if err != nil || upd.Active || upd.Capacity != 7 {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	if _, err := s.GetUser(ctx, 9999); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("missing user: %v", err)
	}
	list, err := s.ListUsers(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %v, %v", list, err)
	}
}

func testMeta(t *testing.T, s *store.Store) {
	ctx := context.Background()
	if _, err := s.GetMeta(ctx, "k"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("unset meta: %v", err)
	}
	for _, v := range []string{"v1", "v2"} {
		if err := s.SetMeta(ctx, "k", v); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := s.GetMeta(ctx, "k"); err != nil || v != "v2" {
		t.Fatalf("meta = %q, %v", v, err)
	}
	// A claim succeeds once, whoever asks; a set key cannot be claimed; a deleted one can.
	if ok, err := s.ClaimMeta(ctx, "k", "v3"); ok || err != nil {
		t.Fatalf("claim of a set key: %v %v", ok, err)
	}
	var wg sync.WaitGroup
	var claimed atomic.Int32
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, err := s.ClaimMeta(ctx, "once", "1"); err != nil {
				t.Errorf("claim: %v", err)
			} else if ok {
				claimed.Add(1)
			}
		}()
	}
	wg.Wait()
	if claimed.Load() != 1 {
		t.Fatalf("%d of 4 concurrent claims succeeded", claimed.Load())
	}
	if err := s.DeleteMeta(ctx, "once"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ClaimMeta(ctx, "once", "2"); !ok || err != nil {
		t.Fatalf("claim after delete: %v %v", ok, err)
	}
}

// FixedClock returns a clock that tests advance by hand.
func FixedClock(start time.Time) (now func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	cur := start
	return func() time.Time { mu.Lock(); defer mu.Unlock(); return cur },
		func(d time.Duration) { mu.Lock(); defer mu.Unlock(); cur = cur.Add(d) }
}
