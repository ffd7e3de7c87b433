package index

import (
	"math"
	"sort"
)

// Fusion turns the three signals (nearest phrasing, centroid, Bleve over the article fields) into
// the probability that a candidate article is the right answer. It is a logistic regression over
// each candidate's scores and their margins over the best other candidate, fitted on questions
// the matcher did not see: cross-validation folds of the question bank plus questions no article
// answers (calibration.go). So the top candidate's probability is a calibrated confidence, not a
// similarity, and the answer engine can decide on it without hand-picked score thresholds.

const (
	fKnn1 = iota
	fKnn2
	fCen
	fBl
	fKnnMargin
	fCenMargin
	fBlMargin
	fKnown
	fTopKnn
	fTopCen
	fTopBl
	fBias
	nFeatures
)

var featureNames = [nFeatures]string{"knn1", "knn2", "centroid", "bleve", "knn1_margin", "centroid_margin",
	"bleve_margin", "known", "top_knn", "top_centroid", "top_bleve", "bias"}

// fusion holds the fitted weights.
type fusion struct {
	w [nFeatures]float64
}

// defaultFusion is the fit on the seed knowledge base (go test ./index -run TestPrintFusion -v).
// It serves when the articles carry too few bank phrasings to fit on, as in a fresh test fixture.
var defaultFusion = fusion{w: [nFeatures]float64{0.814, 0.706, 0.888, 1.345, 0.671, 0.764, 1.628, 0.759, 0.732, 1.784, 1.558, -5.155}}

func (f *fusion) prob(x *[nFeatures]float64) float64 {
	var z float64
	for i, w := range f.w {
		z += w * x[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// candidate is one article considered for a question.
type candidate struct {
	article int32
	x       [nFeatures]float64
	p       float64
}

const (
	knnCandidates = 8
	cenCandidates = 8
)

// candidates assembles the articles worth scoring: the best by each signal. bl maps an article
// index to its Bleve rerank score in 0..1.
func candidates(ms []matchScores, bl map[int32]float64, known float64) []candidate {
	pick := map[int32]bool{}
	topBy := func(k int, key func(matchScores) float64) int32 {
		idx := make([]int32, 0, 4*k)
		for i := range ms {
			if key(ms[i]) > 0 {
				idx = append(idx, int32(i))
			}
		}
		sort.Slice(idx, func(a, b int) bool {
			ka, kb := key(ms[idx[a]]), key(ms[idx[b]])
			if ka != kb {
				return ka > kb
			}
			return idx[a] < idx[b]
		})
		best := int32(-1)
		for j, i := range idx {
			if j == 0 {
				best = i
			}
			if j == k {
				break
			}
			pick[i] = true
		}
		return best
	}
	topKnn := topBy(knnCandidates, func(s matchScores) float64 { return s.knn1 })
	topCen := topBy(cenCandidates, func(s matchScores) float64 { return s.cen })
	topBl, bestBl := int32(-1), -1.0
	for i, v := range bl {
		pick[i] = true
		if v > bestBl || (v == bestBl && i < topBl) {
			topBl, bestBl = i, v
		}
	}
	out := make([]candidate, 0, len(pick))
	for i := range pick {
		out = append(out, candidate{article: i})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].article < out[b].article })
	// The best and second-best value of each signal among the candidates, for the margins.
	var first, second [3]float64
	val := func(c candidate, k int) float64 {
		switch k {
		case 0:
			return ms[c.article].knn1
		case 1:
			return ms[c.article].cen
		}
		return bl[c.article]
	}
	for _, c := range out {
		for k := 0; k < 3; k++ {
			v := val(c, k)
			if v > first[k] {
				first[k], second[k] = v, first[k]
			} else if v > second[k] {
				second[k] = v
			}
		}
	}
	margin := func(v float64, k int) float64 {
		if v >= first[k] {
			return v - second[k]
		}
		return v - first[k]
	}
	for j := range out {
		c := &out[j]
		s := ms[c.article]
		c.x[fKnn1], c.x[fKnn2], c.x[fCen], c.x[fBl] = s.knn1, s.knn2, s.cen, bl[c.article]
		c.x[fKnnMargin] = margin(s.knn1, 0)
		c.x[fCenMargin] = margin(s.cen, 1)
		c.x[fBlMargin] = margin(bl[c.article], 2)
		c.x[fKnown] = known
		c.x[fTopKnn] = indicator(c.article == topKnn)
		c.x[fTopCen] = indicator(c.article == topCen)
		c.x[fTopBl] = indicator(c.article == topBl)
		c.x[fBias] = 1
	}
	return out
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// rank scores candidates with f and sorts them, most probable first.
func (f *fusion) rank(cs []candidate) {
	for i := range cs {
		cs[i].p = f.prob(&cs[i].x)
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].p > cs[b].p })
}

// example is one candidate of a held-out question, labelled right or wrong.
type example struct {
	x     [nFeatures]float64
	right bool
}

// fitFusion fits the logistic regression by Newton's method (iteratively reweighted least
// squares) with a little L2 regularisation. With a dozen features and tens of thousands of rows it
// converges in a few iterations, deterministically.
func fitFusion(data []example) fusion {
	f := defaultFusion
	if len(data) == 0 {
		return f
	}
	const (
		iters = 25
		l2    = 1e-3
	)
	n := float64(len(data))
	for it := 0; it < iters; it++ {
		var g [nFeatures]float64
		var h [nFeatures][nFeatures]float64
		for i := range data {
			e := &data[i]
			p := f.prob(&e.x)
			y := 0.0
			if e.right {
				y = 1
			}
			d, v := p-y, p*(1-p)
			for a := 0; a < nFeatures; a++ {
				g[a] += d * e.x[a]
				va := v * e.x[a]
				for b := a; b < nFeatures; b++ {
					h[a][b] += va * e.x[b]
				}
			}
		}
		for a := 0; a < nFeatures; a++ {
			g[a] /= n
			for b := a; b < nFeatures; b++ {
				h[a][b] /= n
				h[b][a] = h[a][b]
			}
			if a != fBias {
				g[a] += l2 * f.w[a]
				h[a][a] += l2
			}
			h[a][a] += 1e-9
		}
		step, ok := solve(h, g)
		if !ok {
			break
		}
		var moved float64
		for a := range f.w {
			f.w[a] -= step[a]
			moved = max(moved, math.Abs(step[a]))
		}
		if moved < 1e-6 {
			break
		}
	}
	return f
}

// solve returns x with h·x = g by Gaussian elimination with partial pivoting.
func solve(h [nFeatures][nFeatures]float64, g [nFeatures]float64) ([nFeatures]float64, bool) {
	var x [nFeatures]float64
	for c := 0; c < nFeatures; c++ {
		p := c
		for r := c + 1; r < nFeatures; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		if math.Abs(h[p][c]) < 1e-12 {
			return x, false
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		for r := c + 1; r < nFeatures; r++ {
			k := h[r][c] / h[c][c]
			for j := c; j < nFeatures; j++ {
				h[r][j] -= k * h[c][j]
			}
			g[r] -= k * g[c]
		}
	}
	for c := nFeatures - 1; c >= 0; c-- {
		s := g[c]
		for j := c + 1; j < nFeatures; j++ {
			s -= h[c][j] * x[j]
		}
		x[c] = s / h[c][c]
	}
	return x, true
}
