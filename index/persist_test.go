package index_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/knowledge"
)

// bankSample is every n-th question-bank phrasing of the seed, about 40, with questions no article
// answers: what a start must answer the same whether it trained or read the saved matcher.
func bankSample(as []knowledge.Article) []string {
	var all []string
	for _, a := range as {
		all = append(all, a.Phrasings...)
	}
	var out []string
	for i := 0; i < len(all); i += max(1, len(all)/40) {
		out = append(out, all[i])
	}
	return append(out, "红烧肉怎么做", "公司账户被法院冻结了怎么办", "东家一直压着我们的血汗钱")
}

// answers lists, for each question, every candidate's slug and probability in rank order.
func answers(t *testing.T, ix *index.Index, qs []string) []string {
	t.Helper()
	out := make([]string, len(qs))
	for i, q := range qs {
		res, err := ix.Search(context.Background(), q, 0)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, h := range res.Hits {
			fmt.Fprintf(&b, "%s:%.3f ", h.Article.Slug, h.Score)
		}
		out[i] = b.String()
	}
	return out
}

func sameAnswers(t *testing.T, what string, qs, want, got []string) {
	t.Helper()
	for i := range qs {
		if want[i] != got[i] {
			t.Errorf("%s: %q\n trained: %s\n    got: %s", what, qs[i], want[i], got[i])
		}
	}
}

// opener opens dir with the seed lexicon, closing every index at the end of the test.
type opener struct {
	t    *testing.T
	dir  string
	norm *index.Normalizer
	log  bytes.Buffer
}

func newOpener(t *testing.T) *opener {
	t.Helper()
	norm, err := index.NewNormalizer()
	if err != nil {
		t.Fatal(err)
	}
	return &opener{t: t, dir: t.TempDir(), norm: norm}
}

func (o *opener) open(as []knowledge.Article, syn *index.Synonyms, opts ...index.Option) (*index.Index, index.OpenStats) {
	o.t.Helper()
	if syn == nil {
		syn = index.NewSynonyms(index.DefaultLexicon())
	}
	opts = append(opts, index.WithLogger(slog.New(slog.NewTextHandler(&o.log, nil))))
	ix, st, err := index.Open(o.dir, o.norm, syn, as, opts...)
	if err != nil {
		o.t.Fatal(err)
	}
	o.t.Cleanup(func() { ix.Close() })
	return ix, st
}

// A restart over the same articles reads the saved matcher and answers exactly as the training
// did; the second start trains nothing.
func TestSavedMatcherAnswersAsTrained(t *testing.T) {
	t.Parallel()
	as := seedArticles(t)
	qs := bankSample(as)
	o := newOpener(t)
	ix, st := o.open(as, nil, index.WithoutCalibration())
	if st.MatcherLoaded {
		t.Fatalf("first open loaded a matcher: %+v", st)
	}
	want := answers(t, ix, qs)
	ix.Close()
	ix, st = o.open(as, nil, index.WithoutCalibration())
	if !st.MatcherLoaded || st.Rebuilt {
		t.Fatalf("second open: %+v", st)
	}
	sameAnswers(t, "loaded", qs, want, answers(t, ix, qs))
	if ts := ix.TrainStats(); ts.Articles != len(as) || ts.Phrasings == 0 {
		t.Errorf("train stats after load: %+v", ts)
	}
}

// A calibrated matcher is saved with its fitted fusion; a publish retrains, recalibrates and
// saves again, so that a restart over the new articles loads the new state and needs no
// calibration of its own.
func TestPublishResavesCalibratedMatcher(t *testing.T) {
	t.Parallel()
	as := seedArticles(t)
	qs := bankSample(as)
	o := newOpener(t)
	ix, _ := o.open(as, nil)
	ix.WaitCalibrated()
	if !ix.TrainStats().Calibrated {
		t.Fatal("premise: the seed bank is large enough to calibrate on")
	}
	a := knowledge.Article{Slug: "ip-platform-store-ban", Title: "跨境电商平台店铺被封号的维权途径", Category: "ip",
		Kind: knowledge.KindCompliance, Questions: []string{"电商平台把我们店铺封号了怎么办"},
		Phrasings: []string{"亚马逊把店封了 钱也冻住了", "平台突然封店不给解释"},
		Summary:   "平台封店须有规则依据并给予申诉渠道。", Body: "## 常见风险\n封号", Status: knowledge.StatusPublished, Version: 1}
	if err := ix.Upsert(a); err != nil {
		t.Fatal(err)
	}
	ix.WaitCalibrated()
	qs = append(qs, a.Phrasings...)
	want := answers(t, ix, qs)
	stats := ix.TrainStats()
	ix.Close()

	ix, st := o.open(append(slices.Clone(as), a), nil)
	if !st.MatcherLoaded {
		t.Fatalf("restart after the publish trained again: %+v", st)
	}
	got := ix.TrainStats()
	if !got.Calibrated || got.HeldOut != stats.HeldOut || got.Articles != len(as)+1 {
		t.Errorf("train stats after load: %+v, before %+v", got, stats)
	}
	sameAnswers(t, "loaded after publish", qs, want, answers(t, ix, qs))
}

// A damaged or truncated file never stops a start: it is reported at warn, trained over with the
// same answers, and replaced, so the next start loads again.
func TestDamagedSavedMatcherIsTrainedOver(t *testing.T) {
	t.Parallel()
	as := seedArticles(t)
	qs := bankSample(as)[:12]
	o := newOpener(t)
	ix, _ := o.open(as, nil, index.WithoutCalibration())
	want := answers(t, ix, qs)
	ix.Close()
	path := filepath.Join(o.dir, "matcher.bin")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	for name, data := range map[string][]byte{
		"truncated": good[:len(good)/3],
		"bit flip":  flipped,
		"empty":     nil,
	} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		o.log.Reset()
		ix, st := o.open(as, nil, index.WithoutCalibration())
		if st.MatcherLoaded {
			t.Fatalf("%s: loaded", name)
		}
		if !strings.Contains(o.log.String(), "level=WARN") {
			t.Errorf("%s: no warning logged: %s", name, o.log.String())
		}
		sameAnswers(t, name, qs, want, answers(t, ix, qs))
		ix.Close()
		if ix, st = o.open(as, nil, index.WithoutCalibration()); !st.MatcherLoaded {
			t.Fatalf("%s: the file was not replaced: %+v", name, st)
		}
		ix.Close()
	}
}

// Whatever training reads invalidates the file: a bank phrasing added while the service was down
// (no new article version, so Bleve is reused), another lexicon, an edited article. Each start
// trains on what it was given, and a missing file is no warning.
func TestChangedContentInvalidatesSavedMatcher(t *testing.T) {
	t.Parallel()
	as := seedArticles(t)
	o := newOpener(t)
	ix, _ := o.open(as, nil, index.WithoutCalibration())
	ix.Close()
	if strings.Contains(o.log.String(), "level=WARN") {
		t.Errorf("a first start warned: %s", o.log.String())
	}

	const phrasing = "老板把我的押金扣着死活不退给我"
	banked := slices.Clone(as)
	for i := range banked {
		if banked[i].Slug == "labor-wage-arrears" {
			banked[i].Phrasings = append(slices.Clone(banked[i].Phrasings), phrasing)
		}
	}
	ix, st := o.open(banked, nil, index.WithoutCalibration())
	if st.MatcherLoaded || st.Rebuilt {
		t.Fatalf("bank edit: %+v", st)
	}
	if got := topSlug(t, ix, phrasing); got != "labor-wage-arrears" {
		t.Errorf("the new phrasing finds %q", got)
	}
	ix.Close()

	lex := append(index.DefaultLexicon(), knowledge.LexGroup{From: []string{"血汗钱", "拖欠工资"}, Weight: 1})
	ix, st = o.open(banked, index.NewSynonyms(lex), index.WithoutCalibration())
	if st.MatcherLoaded {
		t.Fatalf("lexicon change: %+v", st)
	}
	ix.Close()

	edited := slices.Clone(banked)
	edited[0].Title += "（修订）"
	edited[0].Version++
	ix, st = o.open(edited, index.NewSynonyms(lex), index.WithoutCalibration())
	if st.MatcherLoaded || !st.Rebuilt {
		t.Fatalf("article edit: %+v", st)
	}
	ix.Close()
	if ix, st = o.open(edited, index.NewSynonyms(lex), index.WithoutCalibration()); !st.MatcherLoaded {
		t.Fatalf("unchanged restart: %+v", st)
	}
	ix.Close()
	if strings.Contains(o.log.String(), "level=WARN") {
		t.Errorf("a content change warned: %s", o.log.String())
	}
}
