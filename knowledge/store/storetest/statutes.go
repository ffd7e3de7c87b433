package storetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/seed"
	"github.com/courtdesk/courtdesk/knowledge/statute"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// Statute builds a small document for tests: articles 1…n, each with two paragraphs that mention
// the version, so that two versions differ in content.
func Statute(title, version string, n int) statute.Document {
	d := statute.Document{Title: title, ShortTitle: statute.ShortTitle(title), Version: version,
		Source: title + "(" + version + ").md", Info: []string{version + " 通过"}}
	for i := 1; i <= n; i++ {
		k := statute.Key{Number: i}
		d.Articles = append(d.Articles, statute.Article{Number: i, Label: k.Label(), Chapter: "第一章 总则",
			Paragraphs: []string{fmt.Sprintf("%s版本%s的条文。", version, k.Label()), "第二款。"}})
	}
	return d
}

// testStatutes runs the statute library's tests in sequence on one store; each uses titles of
// its own.
func testStatutes(t *testing.T, s *store.Store) {
	t.Run("ImportVersions", func(t *testing.T) { testStatuteVersions(t, s) })
	t.Run("ImportAllOrNothing", func(t *testing.T) { testStatuteAtomic(t, s) })
	t.Run("ConcurrentImports", func(t *testing.T) { testStatuteConcurrent(t, s) })
	t.Run("SharedLawsResolveSeed", func(t *testing.T) { testStatuteSharedSeed(t, s) })
}

func versionsOf(t *testing.T, s *store.Store, title string) []statute.Version {
	t.Helper()
	all, err := s.StatuteVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []statute.Version
	for _, v := range all {
		if statute.TitleKey(v.Title) == statute.TitleKey(title) {
			out = append(out, v)
		}
	}
	return out
}

func changes(rs []store.StatuteImport) string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s@%s:%s", statute.ShortTitle(r.Title), r.Version, r.Change))
	}
	return strings.Join(out, " ")
}

func testStatuteVersions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	now, advance := FixedClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	s.SetClock(now)
	law, other := Statute("中华人民共和国版本法", "2018-12-29", 5), Statute("版本条例", "2019-01-01", 3)
	law.Articles[2].Suffix, law.Articles[2].Label = "之一", "第二条之一"
	law.Articles[2].Number = 2
	res, err := s.ImportStatutes(ctx, []statute.Document{law, other}, "admin")
	if err != nil || changes(res) != "版本法@2018-12-29:created 版本条例@2019-01-01:created" || res[0].Articles != 5 {
		t.Fatalf("first import = %s, %v", changes(res), err)
	}
	citedBefore := now()
	advance(time.Hour)
	// The same text again changes nothing.
	if res, err := s.ImportStatutes(ctx, []statute.Document{law}, "admin"); err != nil || changes(res) != "版本法@2018-12-29:unchanged" {
		t.Fatalf("re-import = %s, %v", changes(res), err)
	}
	vs := versionsOf(t, s, "版本法")
	if len(vs) != 1 || !vs[0].Current || vs[0].ArticleCount != 5 || len(vs[0].Articles) != 5 ||
		vs[0].Articles[2] != (statute.Key{Number: 2, Suffix: "之一"}) || !vs[0].ImportedAt.Equal(citedBefore) {
		t.Fatalf("versions = %+v", vs)
	}
	got, err := s.StatuteDocument(ctx, vs[0].ID)
	if err != nil || got.Digest() != law.Digest() || got.Articles[2].Label != "第二条之一" || got.Articles[0].Chapter != "第一章 总则" {
		t.Fatalf("document round trip: %+v, %v", got, err)
	}
	a, err := s.StatuteArticle(ctx, vs[0].ID, statute.Key{Number: 2, Suffix: "之一"})
	if err != nil || a.Label != "第二条之一" || len(a.Paragraphs) != 2 {
		t.Fatalf("article = %+v, %v", a, err)
	}
	if _, err := s.StatuteArticle(ctx, vs[0].ID, statute.Key{Number: 99}); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("missing article: %v", err)
	}
	if _, err := s.StatuteDocument(ctx, -1); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("missing document: %v", err)
	}

	// A newer version, imported under the short title, replaces the current one and keeps it.
	advance(time.Hour)
	newer := Statute("版本法", "2023-12-29", 7)
	older := Statute("中华人民共和国版本法", "2013-06-01", 4)
	res, err = s.ImportStatutes(ctx, []statute.Document{newer, older}, "admin")
	if err != nil || changes(res) != "版本法@2023-12-29:replaced 版本法@2013-06-01:historical" || res[0].Previous != "2018-12-29" {
		t.Fatalf("new version = %s, %v", changes(res), err)
	}
	vs = versionsOf(t, s, "版本法")
	current := 0
	for _, v := range vs {
		if v.Current {
			current++
			if v.Version != "2023-12-29" {
				t.Errorf("current version %s", v.Version)
			}
		} else if v.SupersededAt.IsZero() {
			t.Errorf("version %s neither current nor superseded", v.Version)
		}
	}
	if len(vs) != 3 || current != 1 {
		t.Fatalf("versions = %+v", vs)
	}

	r, err := statute.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		citedAt time.Time
		text    string
		want    statute.Status
	}{
		{citedBefore, "《中华人民共和国版本法》第三条", statute.StatusSuperseded},
		{now(), "《版本法》第三条", statute.StatusResolved},
		{now(), "《版本法》第七条", statute.StatusResolved},
		{now(), "《版本法》第八条", statute.StatusOutOfRange},
		{now(), "《版本条例》第三条", statute.StatusResolved},
		{now(), "《不存在的法》第一条", statute.StatusUnknownDocument},
	} {
		got := r.ResolveText(tc.text, tc.citedAt)
		if len(got) != 1 || got[0].Status != tc.want {
			t.Errorf("%s: %+v, want %s", tc.text, got, tc.want)
		}
	}
	// The text shown for a citation is the current version's.
	text, err := statute.Text(ctx, s, r.ResolveText("《版本法》第三条", now())[0])
	if err != nil || text.Paragraphs[0] != "2023-12-29版本第三条的条文。" {
		t.Errorf("text = %+v, %v", text, err)
	}
	if _, err := statute.Text(ctx, s, r.ResolveText("《版本法》第八条", now())[0]); !errors.Is(err, knowledge.ErrNotFound) {
		t.Errorf("text of an article out of range: %v", err)
	}
}

func testStatuteAtomic(t *testing.T, s *store.Store) {
	ctx := context.Background()
	good, empty := Statute("原子法", "2020-01-01", 3), Statute("空法", "2020-01-01", 0)
	_, err := s.ImportStatutes(ctx, []statute.Document{good, empty}, "admin")
	if !errors.Is(err, knowledge.ErrInvalid) || !strings.Contains(err.Error(), "空法") {
		t.Fatalf("document without articles: %v", err)
	}
	twice := Statute("中华人民共和国原子法", "2020-01-01", 2)
	if _, err := s.ImportStatutes(ctx, []statute.Document{good, twice}, "admin"); !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("same title and version twice: %v", err)
	}
	dup := Statute("重号法", "2020-01-01", 2)
	dup.Articles[1] = dup.Articles[0]
	if _, err := s.ImportStatutes(ctx, []statute.Document{good, dup}, "admin"); !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("duplicate article: %v", err)
	}
	for _, title := range []string{"原子法", "空法", "重号法"} {
		if vs := versionsOf(t, s, title); len(vs) != 0 {
			t.Fatalf("a refused import stored %s: %+v", title, vs)
		}
	}
}

// Concurrent imports of the same document never leave two current versions: each either wins or
// gets knowledge.ErrConflict.
func testStatuteConcurrent(t *testing.T, s *store.Store) {
	ctx := context.Background()
	if _, err := s.ImportStatutes(ctx, []statute.Document{Statute("并发法", "2000-01-01", 2)}, "admin"); err != nil {
		t.Fatal(err)
	}
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.ImportStatutes(ctx, []statute.Document{Statute("并发法", fmt.Sprintf("201%d-01-01", i), 3)}, "admin")
		}()
	}
	wg.Wait()
	ok := 1
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, knowledge.ErrConflict):
			t.Errorf("import: %v", err)
		}
	}
	vs := versionsOf(t, s, "并发法")
	current := 0
	for _, v := range vs {
		if v.Current {
			current++
		}
	}
	if current != 1 || len(vs) != ok {
		t.Fatalf("%d current of %d versions, %d successful imports", current, len(vs), ok)
	}
	t.Logf("%d of %d concurrent imports stored a version, the others conflicted", ok-1, n)
}

// The real statute texts import, and every numbered citation of the seed knowledge base to a
// document among them resolves to an existing article.
func testStatuteSharedSeed(t *testing.T, s *store.Store) {
	ctx := context.Background()
	docs, err := statute.ParseFS(os.DirFS(filepath.Join(testenv.SharedDir(t), "laws")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportStatutes(ctx, docs, "test"); err != nil {
		t.Fatal(err)
	}
	r, err := statute.Load(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	articles, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	// Documents added to the shared laws in 2025–2026: articles cite them by number now, and
	// every such citation must resolve.
	addedLaws := []string{"民营经济促进法", "劳动争议案件适用法律问题的解释（二）", "限制被执行人高消费"}
	counts := map[string]int{}
	unknown, addedCited := map[string]bool{}, map[string]bool{}
	for _, a := range articles {
		for _, text := range append([]string{a.Summary, a.Body}, a.LegalBasis...) {
			for _, res := range r.ResolveText(text, time.Time{}) {
				for _, added := range addedLaws {
					if strings.Contains(res.Citation.Title, added) && res.Citation.Numbered() {
						addedCited[added] = true
						if res.Status != statute.StatusResolved {
							t.Errorf("%s: %s does not resolve (%s)", a.Slug, res.Citation, res.Status)
						}
					}
				}
				if !res.Citation.Numbered() {
					counts["by name"]++
					continue
				}
				counts[string(res.Status)]++
				switch res.Status {
				case statute.StatusResolved:
				case statute.StatusUnknownDocument:
					unknown[res.Citation.Title] = true
				default:
					t.Errorf("%s: %s: %s (%s)", a.Slug, res.Citation, res.Status, res.Detail)
				}
			}
		}
	}
	if len(addedCited) != len(addedLaws) {
		t.Errorf("the seed cites by number only %v of the added documents %v", keysOf(addedCited), addedLaws)
	}
	if counts[string(statute.StatusResolved)] == 0 {
		t.Fatal("no citation resolved")
	}
	t.Logf("%d documents imported; seed citations: %d numbered resolved, %d numbered of documents not imported %v, %d by name",
		len(docs), counts[string(statute.StatusResolved)], counts[string(statute.StatusUnknownDocument)], keysOf(unknown),
		counts["by name"])
}

func keysOf(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
