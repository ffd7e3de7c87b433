package index

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/courtdesk/courtdesk/knowledge"
)

// matcher is the learned half of the search. It is trained from every published article's title,
// listed questions and question bank (how people really ask), and scores articles for a question
// in two complementary ways:
//
//   - nearest neighbours: the cosine between the question and each single phrasing, so one
//     close phrasing of an article is enough, however unusual;
//   - centroids: the cosine with the sum of an article's phrasings, which rewards questions that
//     share the article's typical vocabulary even if no single phrasing is close.
//
// Bleve's search over the article fields is the third signal; fusion.go combines the three.
// A matcher is immutable once built; retraining builds a new one and swaps it in.
type matcher struct {
	voc    vocab
	maxIDF float32
	// Posting lists by feature id: the phrasings and the article centroids holding the feature.
	pPost  [][]posting
	cPost  [][]posting
	pOwner []int32 // phrasing → article index
	slugs  []string
	bySlug map[string]int32
	// removed lists the articles dropped since the last full training (learn): their postings
	// stay until then, and score leaves them out.
	removed []int32
	deleted []bool // by article index
}

type posting struct {
	i int32
	w float32
}

// trainingText is one phrasing of one article.
type trainingText struct {
	article int32
	text    string             // normalised
	counts  map[string]float64 // its n-grams with lexicon expansions; filled once, shared by folds
}

// phrasingsOf lists the texts an article is learned from: its title, listed questions, question
// bank and tags. The summary and body are Bleve's part.
func phrasingsOf(a knowledge.Article) []string {
	out := make([]string, 0, 2+len(a.Questions)+len(a.Phrasings))
	out = append(out, a.Title)
	out = append(out, a.Questions...)
	out = append(out, a.Phrasings...)
	if len(a.Tags) > 0 {
		out = append(out, strings.Join(a.Tags, " "))
	}
	return out
}

// scratch holds per-query accumulators, pooled so that a search allocates little.
type scratch struct {
	p       []float32 // by phrasing; zero between uses
	touched []int32   // the phrasings p holds a value for
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

// scoresPool holds the buffers a search receives every article's scores in (Index.Search).
var scoresPool = sync.Pool{New: func() any { return new([]matchScores) }}

// buildMatcher trains a matcher from texts whose counts are filled.
func buildMatcher(slugs []string, texts []trainingText) *matcher {
	m := &matcher{slugs: slugs, bySlug: make(map[string]int32, len(slugs)), deleted: make([]bool, len(slugs))}
	for i, s := range slugs {
		m.bySlug[s] = int32(i)
	}
	df := map[string]int{}
	for _, t := range texts {
		for g := range t.counts {
			df[g]++
		}
	}
	m.voc = vocab{ids: make(map[string]int32, len(df)), idf: make([]float32, 0, len(df))}
	keys := make([]string, 0, len(df))
	for g := range df {
		keys = append(keys, g)
	}
	sort.Strings(keys) // ids must not depend on map order, so that training is reproducible
	n := float64(len(texts))
	for _, g := range keys {
		m.voc.ids[g] = int32(len(m.voc.idf))
		idf := float32(math.Log(1 + n/float64(df[g])))
		m.voc.idf = append(m.voc.idf, idf)
		m.maxIDF = max(m.maxIDF, idf)
	}
	m.pPost = make([][]posting, len(m.voc.idf))
	m.cPost = make([][]posting, len(m.voc.idf))
	m.pOwner = make([]int32, len(texts))
	centroids := make([]map[int32]float64, len(slugs))
	// The texts' vectors are computed on every core, a chunk at a time so that they are not all
	// held at once; the postings are then appended in text order, as one by one.
	const chunk = 8192
	vecs := make([]sparse, min(chunk, len(texts)))
	for i, t := range texts {
		if i%chunk == 0 {
			lo := i
			parallelFor(min(chunk, len(texts)-lo), func(k int) { vecs[k], _ = m.voc.vector(texts[lo+k].counts, m.maxIDF) })
		}
		vec := vecs[i%chunk]
		m.pOwner[i] = t.article
		c := centroids[t.article]
		if c == nil {
			c = map[int32]float64{}
			centroids[t.article] = c
		}
		for j, id := range vec.ids {
			m.pPost[id] = append(m.pPost[id], posting{int32(i), vec.ws[j]})
			c[id] += float64(vec.ws[j])
		}
	}
	for a, c := range centroids {
		m.appendCentroid(int32(a), c)
	}
	return m
}

// matchScores are one article's learned scores for a question.
type matchScores struct {
	knn1, knn2, cen float64
}

// mquery is a question prepared for the matcher.
type mquery struct {
	vec   sparse
	known float64
	long  float64 // 0..1: how far the question is a long story (lengthFeature)
	order []int   // indexes into vec, heaviest first, as many as carry most of its weight
}

// maxQueryFeatures bounds the features looked up for one question.
const maxQueryFeatures = 48

func (m *matcher) prepare(norm string, exps []expansion) mquery {
	vec, known := m.voc.vector(counts(norm, exps), m.maxIDF)
	order := make([]int, len(vec.ids))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return vec.ws[order[a]] > vec.ws[order[b]] })
	// The vector is normalised: stop once 98% of its squared weight is covered.
	var sum float32
	for n, j := range order {
		sum += vec.ws[j] * vec.ws[j]
		if sum >= 0.98 || n+1 == maxQueryFeatures {
			order = order[:n+1]
			break
		}
	}
	return mquery{vec: vec, known: known, order: order, long: lengthFeature(norm)}
}

// score returns every article's scores, indexed like m.slugs, in out (reused when large enough).
//
// Only the most informative query features are looked up: the ones carrying most of the
// question's weight, and none found in a large share of the phrasings. Their postings are long
// and add almost nothing to the ranking, and at 10,000 articles they would be most of the cost.
func (m *matcher) score(q mquery, out []matchScores) []matchScores {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	if cap(sc.p) < len(m.pOwner) {
		sc.p = make([]float32, len(m.pOwner))
	}
	p := sc.p[:len(m.pOwner)]
	touched := sc.touched[:0]
	if cap(out) < len(m.slugs) {
		out = make([]matchScores, len(m.slugs))
	}
	out = out[:len(m.slugs)]
	clear(out)
	maxDF := maxPostings(len(m.pOwner))
	for _, j := range q.order {
		id, w := q.vec.ids[j], q.vec.ws[j]
		post := m.pPost[id]
		if len(post) > maxDF {
			continue
		}
		for _, e := range post {
			if p[e.i] == 0 {
				touched = append(touched, e.i)
			}
			p[e.i] += w * e.w
		}
		for _, e := range m.cPost[id] {
			out[e.i].cen += float64(w * e.w)
		}
	}
	removed := len(m.removed) > 0
	for _, i := range touched {
		v := float64(p[i])
		p[i] = 0
		a := m.pOwner[i]
		if removed && m.deleted[a] {
			continue
		}
		o := &out[a]
		switch {
		case v > o.knn1:
			o.knn2, o.knn1 = o.knn1, v
		case v > o.knn2:
			o.knn2 = v
		}
	}
	sc.touched = touched
	for _, a := range m.removed {
		out[a] = matchScores{}
	}
	return out
}

// maxPostings is the longest posting list a question looks up among n training texts. A feature
// found in more texts than that is as common as a stop word there and barely moves the ranking;
// the seed (about 6,000 texts) keeps every feature in at most 500 of them, and at 10,000
// articles the bound is what keeps a question's posting walk short.
func maxPostings(n int) int { return max(500, n/200) }

// removeArticle drops an article from the results until the next full training.
func (m *matcher) removeArticle(slug string) {
	i, ok := m.bySlug[slug]
	if !ok {
		return
	}
	delete(m.bySlug, slug)
	m.deleted[i] = true
	m.removed = append(m.removed, i)
}

// addArticle appends an article and its texts (counts filled) to the matcher. Grams the
// vocabulary has not seen get the weight of a gram found once.
func (m *matcher) addArticle(slug string, texts []trainingText) {
	a := int32(len(m.slugs))
	m.slugs = append(m.slugs, slug)
	m.deleted = append(m.deleted, false)
	m.bySlug[slug] = a
	n := float64(len(m.pOwner) + len(texts))
	centroid := map[int32]float64{}
	for _, t := range texts {
		for g := range t.counts {
			if _, ok := m.voc.ids[g]; !ok {
				m.voc.ids[g] = int32(len(m.voc.idf))
				idf := float32(math.Log(1 + n))
				m.voc.idf = append(m.voc.idf, idf)
				m.maxIDF = max(m.maxIDF, idf)
				m.pPost = append(m.pPost, nil)
				m.cPost = append(m.cPost, nil)
			}
		}
		vec, _ := m.voc.vector(t.counts, m.maxIDF)
		ph := int32(len(m.pOwner))
		m.pOwner = append(m.pOwner, a)
		for j, id := range vec.ids {
			m.pPost[id] = append(m.pPost[id], posting{ph, vec.ws[j]})
			centroid[id] += float64(vec.ws[j])
		}
	}
	m.appendCentroid(a, centroid)
}

// appendCentroid normalises article a's summed phrasing vector and adds it to the centroid
// postings, in feature order so that training is reproducible.
func (m *matcher) appendCentroid(a int32, c map[int32]float64) {
	var norm float64
	for _, w := range c {
		norm += w * w
	}
	if norm == 0 {
		return
	}
	inv := 1 / math.Sqrt(norm)
	ids := make([]int32, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		m.cPost[id] = append(m.cPost[id], posting{a, float32(c[id] * inv)})
	}
}
