package index_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/knowledge"
)

func topSlug(t *testing.T, ix *index.Index, q string) string {
	t.Helper()
	res, err := ix.Search(context.Background(), q, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		return ""
	}
	return res.Hits[0].Article.Slug
}

// Traditional characters, Taiwan wording and full-width digits find what their simplified,
// half-width forms find.
func TestTraditionalAndFullWidthMatchSimplified(t *testing.T) {
	ix := index.SharedSeed(t)
	pairs := [][2]string{
		{"公司帳戶被法院凍結了怎麼辦", "公司账户被法院冻结了怎么办"},
		{"員工加班費怎麼計算", "员工加班费怎么计算"},
		{"資遣費怎麼算", "经济补偿怎么算"},
		{"欠款１００萬，對方不還錢，能申請支付令嗎", "欠款100万，对方不还钱，能申请支付令吗"},
		{"ＥＲＰ軟體著作權登記", "erp软件著作权登记"},
	}
	for _, p := range pairs {
		trad, simp := topSlug(t, ix, p[0]), topSlug(t, ix, p[1])
		if trad == "" || trad != simp {
			t.Errorf("%q → %q but %q → %q", p[0], trad, p[1], simp)
		}
	}
}

// Query syntax typed by a user is plain text: no error, no field or regexp interpretation.
func TestQuerySyntaxIsPlainText(t *testing.T) {
	ix := index.SharedSeed(t)
	for _, q := range []string{`+加班 -工资`, `title:加班`, `/.*/`, `"未闭合`, `加班^100`, `(`, `*`, `AND OR NOT`, `slug:labor-overtime-pay`} {
		if _, err := ix.Search(context.Background(), q, 5); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
	if got := topSlug(t, ix, "category:labor"); got == "" {
		t.Log("field-looking text matched nothing, as plain text may")
	}
}

func TestScoresAreNormalised(t *testing.T) {
	ix := index.SharedSeed(t)
	for _, q := range []string{"加班费", "公司账户被冻结", "红烧肉怎么做", "竞业限制补偿金每月多少"} {
		res, err := ix.Search(context.Background(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range res.Hits {
			if h.Score < 0 || h.Score > 1 {
				t.Errorf("%q hit %d score %v out of 0..1", q, i, h.Score)
			}
		}
	}
}

// Publishing, editing and archiving change results at once, without reopening.
func TestLiveUpsertAndArchive(t *testing.T) {
	t.Parallel()
	as := seedArticles(t)
	ix := openIndex(t, t.TempDir(), as)
	q := "跨境电商平台店铺被封号怎么维权"
	a := knowledge.Article{Slug: "ip-platform-store-ban", Title: "跨境电商平台店铺被封号的维权途径", Category: "ip",
		Kind: knowledge.KindCompliance, Questions: []string{"电商平台把我们店铺封号了怎么办", "店铺被封 平台 维权"},
		Summary: "平台封店须有规则依据并给予申诉渠道。", Body: "## 常见风险\n封号", Status: knowledge.StatusPublished, Version: 1}
	// Every change moves Version, on which the answer engine keys its cache.
	v0 := ix.Version()
	if err := ix.Upsert(a); err != nil {
		t.Fatal(err)
	}
	v1 := ix.Version()
	if v1 == v0 {
		t.Fatal("Version unchanged by a publish")
	}
	if got := topSlug(t, ix, q); got != a.Slug {
		t.Fatalf("after publish: top = %q", got)
	}
	a.Status, a.Version = knowledge.StatusArchived, 2
	if err := ix.Upsert(a); err != nil {
		t.Fatal(err)
	}
	if ix.Version() == v1 {
		t.Fatal("Version unchanged by an archive")
	}
	if got := topSlug(t, ix, q); got == a.Slug {
		t.Fatal("archived article is still found")
	}
	if _, ok := ix.Article(a.Slug); ok {
		t.Fatal("archived article still served")
	}
}

func TestReopenReusesIndexAndRebuildsWhenStale(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	as := seedArticles(t)
	norm, _ := index.NewNormalizer()
	syn := index.NewSynonyms(index.DefaultLexicon())
	open := func(as []knowledge.Article) index.OpenStats {
		t.Helper()
		// Reuse and rebuild are about the files: the background calibration is not what is checked.
		ix, st, err := index.Open(dir, norm, syn, as, index.WithoutCalibration())
		if err != nil {
			t.Fatal(err)
		}
		if ix.DocCount() != len(as) {
			t.Fatalf("docs = %d, want %d", ix.DocCount(), len(as))
		}
		ix.Close()
		return st
	}
	if st := open(as); !st.Rebuilt || st.Reason != "missing" {
		t.Fatalf("first open: %+v", st)
	}
	if st := open(as); st.Rebuilt {
		t.Fatalf("second open rebuilt: %+v", st)
	}
	// The store moved on while the index was closed (an import by the CLI, a crash mid-update).
	as[0].Version++
	if st := open(as); !st.Rebuilt {
		t.Fatalf("stale index not rebuilt: %+v", st)
	}
	// A corrupt index is rebuilt rather than failing the start.
	files, _ := filepath.Glob(filepath.Join(dir, "bleve", "*"))
	for _, f := range files {
		os.RemoveAll(f)
	}
	if err := os.WriteFile(filepath.Join(dir, "bleve", "index_meta.json"), []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st := open(as); !st.Rebuilt {
		t.Fatalf("corrupt index not rebuilt: %+v", st)
	}
}

func TestOneProcessPerIndexDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	as := seedArticles(t)
	openIndex(t, dir, as)
	norm, _ := index.NewNormalizer()
	_, _, err := index.Open(dir, norm, index.NewSynonyms(nil), as)
	if !errors.Is(err, index.ErrLocked) {
		t.Fatalf("second open: want ErrLocked, got %v", err)
	}
}

// A synonym group added at run time changes results on the next search.
func TestSynonymsTakeEffectAtOnce(t *testing.T) {
	t.Parallel()
	ix := openIndex(t, t.TempDir(), seedArticles(t))
	q := "东家一直压着我们的血汗钱"
	before := topSlug(t, ix, q)
	if before == "labor-wage-arrears" {
		t.Fatal("premise: without the synonym the question should not find wage arrears")
	}
	groups := append(ix.Synonyms().Groups(), knowledge.LexGroup{From: []string{"血汗钱", "拖欠工资"}, Weight: 1})
	ix.Synonyms().Set(groups)
	after := topSlug(t, ix, q)
	if after != "labor-wage-arrears" {
		t.Fatalf("with synonym: top = %q (before %q)", after, before)
	}
}
