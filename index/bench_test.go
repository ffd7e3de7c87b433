package index_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// synthetic builds n articles whose wording is recombined from the seed, so that term statistics
// look like real legal text rather than random characters.
func synthetic(seed []knowledge.Article, n int) []knowledge.Article {
	r := rand.New(rand.NewPCG(1, 2))
	var sentences []string
	for _, a := range seed {
		for _, s := range strings.FieldsFunc(a.Body, func(r rune) bool { return r == '。' || r == '\n' }) {
			if len([]rune(s)) > 8 {
				sentences = append(sentences, s)
			}
		}
	}
	out := make([]knowledge.Article, n)
	for i := range out {
		base := seed[i%len(seed)]
		other := seed[r.IntN(len(seed))]
		var body strings.Builder
		for range 25 {
			body.WriteString(sentences[r.IntN(len(sentences))])
			body.WriteString("。")
		}
		a := base
		a.Slug = fmt.Sprintf("%s-%d", base.Slug, i)
		a.Title = base.Title + "（" + other.Title + "）"
		a.Questions = append(slices.Clone(base.Questions[:2]), other.Questions[:2]...)
		a.Body = body.String()
		a.Related = nil
		a.Version = 1
		out[i] = a
	}
	return out
}

func devQuestions(b *testing.B) []string {
	var qs []string
	for _, it := range loadDev(b) {
		qs = append(qs, it.Q)
	}
	if len(qs) == 0 {
		b.Skip("dev questions not available")
	}
	return qs
}

// benchAsk runs the whole engine (normalise, detect, search, rerank, compose) and reports the
// latency distribution next to ns/op.
func benchAsk(b *testing.B, eng *answer.Engine, qs []string) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := eng.Ask(ctx, qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

func BenchmarkAskSeed(b *testing.B) {
	eng, _ := seedEngine(b)
	benchAsk(b, eng, devQuestions(b))
}

func BenchmarkAsk10k(b *testing.B) {
	as := synthetic(seedArticles(b), 10000)
	// The fusion's weights do not change what a search costs, so the seed fit serves: calibrating
	// 540,000 generated texts would only lengthen the set-up.
	norm, err := index.NewNormalizer()
	if err != nil {
		b.Fatal(err)
	}
	ix, _, err := index.Open(b.TempDir(), norm, index.NewSynonyms(index.DefaultLexicon()), as, index.WithoutCalibration())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	eng := answer.New(ix, ix, ix, answer.DefaultConfig())
	benchAsk(b, eng, devQuestions(b))
}

func BenchmarkBuild10k(b *testing.B) {
	as := synthetic(seedArticles(b), 10000)
	norm, err := index.NewNormalizer()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		dir := b.TempDir()
		start := time.Now()
		// The calibration starts only once Open has returned, in the background; without it
		// Close does not wait minutes for five fold matchers of 540,000 texts.
		ix, _, err := index.Open(dir, norm, index.NewSynonyms(index.DefaultLexicon()), as, index.WithoutCalibration())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(as))/time.Since(start).Seconds(), "articles/s")
		ix.Close()
	}
}

// BenchmarkReopen10k is a later start over 10,000 generated articles: the Bleve index and the
// saved matcher are both current, so Open reads them instead of building and training.
func BenchmarkReopen10k(b *testing.B) {
	as := synthetic(seedArticles(b), 10000)
	norm, err := index.NewNormalizer()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	open := func() (*index.Index, index.OpenStats) {
		ix, st, err := index.Open(dir, norm, index.NewSynonyms(index.DefaultLexicon()), as, index.WithoutCalibration())
		if err != nil {
			b.Fatal(err)
		}
		return ix, st
	}
	ix, _ := open()
	ix.Close()
	for b.Loop() {
		ix, st := open()
		if st.Rebuilt || !st.MatcherLoaded {
			b.Fatalf("reopen: %+v", st)
		}
		b.ReportMetric(st.Took.Seconds(), "open-s")
		if fi, err := os.Stat(filepath.Join(dir, "matcher.bin")); err == nil {
			b.ReportMetric(float64(fi.Size())/1e6, "matcher-MB")
		}
		ix.Close()
	}
}
