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
	fKnown
	fTopKnn
	fTopCen
	fLong
	fCenLong
	fBias
	nFeatures
)

var featureNames = [nFeatures]string{"knn1", "knn2", "centroid", "bleve", "knn1_margin", "centroid_margin",
	"known", "top_knn", "top_centroid", "long", "centroid_margin_long", "bias"}

// fusion holds the fitted weights: w scores each candidate from its signals; top turns those
// scores into the probability that the candidate is the right answer, from its own score and its
// margin over the best other candidate, fitted on the same held-out questions. The second step is
// what makes the top candidate's figure a confidence: a candidate far ahead of the rest is right
// more often than its score alone says.
type fusion struct {
	w   [nFeatures]float64
	top [3]float64 // weights of logit(score), its margin over the best other, and a bias
}

// defaultFusion is the fit on the seed knowledge base (go test ./index -run TestPrintFusion -v).
// It serves when the articles carry too few bank phrasings to fit on, as in a fresh test fixture.
var defaultFusion = fusion{w: [nFeatures]float64{0.875, 0.761, 0.708, 2.253, 1.016, 0.831, 0.505, 1.558, 2.591, 0.739, 0.303, -5.476},
	top: [3]float64{1.404, -0.098, 0.903}}

func (f *fusion) prob(x *[nFeatures]float64) float64 {
	var z float64
	for i, w := range f.w {
		z += w * x[i]
	}
	return sigmoid(z)
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
func candidates(ms []matchScores, bl map[int32]float64, known, long float64) []candidate {
	pick := map[int32]bool{}
	// topBy picks the k best articles by one score in one pass, keeping a small sorted list:
	// sorting every article would cost more than the rest of the search at 10,000 articles.
	topBy := func(k int, cen bool) int32 {
		key := func(i int32) float64 {
			if cen {
				return ms[i].cen
			}
			return ms[i].knn1
		}
		best := make([]int32, 0, k+1)
		better := func(a, b int32) bool {
			ka, kb := key(a), key(b)
			return ka > kb || ka == kb && a < b
		}
		for i := range ms {
			// The key is read here directly, not through key: this loop runs over every article.
			v := ms[i].knn1
			if cen {
				v = ms[i].cen
			}
			if v <= 0 {
				continue
			}
			if len(best) == k {
				last := best[k-1]
				kl := ms[last].knn1
				if cen {
					kl = ms[last].cen
				}
				if !(v > kl || v == kl && int32(i) < last) {
					continue
				}
			}
			j := len(best)
			if j == k {
				j--
			} else {
				best = append(best, 0)
			}
			for j > 0 && better(int32(i), best[j-1]) {
				best[j] = best[j-1]
				j--
			}
			best[j] = int32(i)
		}
		for _, i := range best {
			pick[i] = true
		}
		if len(best) == 0 {
			return -1
		}
		return best[0]
	}
	topKnn := topBy(knnCandidates, false)
	topCen := topBy(cenCandidates, true)
	for i := range bl {
		pick[i] = true
	}
	out := make([]candidate, 0, len(pick))
	for i := range pick {
		out = append(out, candidate{article: i})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].article < out[b].article })
	// The best and second-best value of each signal among the candidates, for the margins.
	var first, second [2]float64
	val := func(c candidate, k int) float64 {
		if k == 0 {
			return ms[c.article].knn1
		}
		return ms[c.article].cen
	}
	for _, c := range out {
		for k := 0; k < 2; k++ {
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
		c.x[fKnown] = known
		c.x[fTopKnn] = indicator(c.article == topKnn)
		c.x[fTopCen] = indicator(c.article == topCen)
		// A long story is matched by its vocabulary as a whole more than by any one phrasing or
		// by Bleve's handful of terms: these let the fit weigh the signals differently for it.
		c.x[fLong] = long
		c.x[fCenLong] = c.x[fCenMargin] * long
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
	z := make([]float64, len(cs))
	for i := range cs {
		z[i] = logit(f.prob(&cs[i].x))
	}
	for i := range cs {
		x := topFeatures(z, i)
		cs[i].p = sigmoid(f.top[0]*x[0] + f.top[1]*x[1] + f.top[2])
	}
	sort.SliceStable(cs, func(a, b int) bool { return cs[a].p > cs[b].p })
}

// topFeatures are candidate i's score (as a logit) and its margin over the best other candidate.
func topFeatures(z []float64, i int) [2]float64 {
	other := math.Inf(-1)
	for j, v := range z {
		if j != i && v > other {
			other = v
		}
	}
	if math.IsInf(other, -1) {
		other = logit(1e-3)
	}
	return [2]float64{z[i], z[i] - other}
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func logit(p float64) float64 {
	p = min(max(p, 1e-6), 1-1e-6)
	return math.Log(p / (1 - p))
}

// example is one candidate of a held-out question, labelled right or wrong.
type example struct {
	x     [nFeatures]float64
	right bool
}

// fitFusion fits both steps on the candidates of held-out questions, one group per question.
func fitFusion(groups [][]example) fusion {
	f := defaultFusion
	var xs [][nFeatures]float64
	var ys []bool
	for _, g := range groups {
		for _, e := range g {
			xs, ys = append(xs, e.x), append(ys, e.right)
		}
	}
	if len(xs) == 0 {
		return f
	}
	f.w = newton(xs, ys, f.w, fBias)
	// The second step sees each candidate's first-step score against its rivals'.
	var txs [][nFeatures]float64
	var tys []bool
	for _, g := range groups {
		z := make([]float64, len(g))
		for i := range g {
			z[i] = logit(f.prob(&g[i].x))
		}
		for i := range g {
			x := topFeatures(z, i)
			var row [nFeatures]float64
			row[0], row[1], row[2] = x[0], x[1], 1
			txs, tys = append(txs, row), append(tys, g[i].right)
		}
	}
	var start [nFeatures]float64
	start[0], start[1], start[2] = f.top[0], f.top[1], f.top[2]
	w := newton(txs, tys, start, 2)
	f.top = [3]float64{w[0], w[1], w[2]}
	return f
}

// newton fits a logistic regression by Newton's method (iteratively reweighted least squares)
// with a little L2 regularisation on every weight but the bias. With a dozen features and tens of
// thousands of rows it converges in a few iterations, deterministically. Unused columns (all
// zero) stay at zero.
func newton(xs [][nFeatures]float64, ys []bool, start [nFeatures]float64, bias int) [nFeatures]float64 {
	const (
		iters = 25
		l2    = 1e-3
	)
	w := start
	n := float64(len(xs))
	prob := func(x *[nFeatures]float64) float64 {
		var z float64
		for i := range w {
			z += w[i] * x[i]
		}
		return sigmoid(z)
	}
	for it := 0; it < iters; it++ {
		var g [nFeatures]float64
		var h [nFeatures][nFeatures]float64
		for i := range xs {
			x := &xs[i]
			p := prob(x)
			y := 0.0
			if ys[i] {
				y = 1
			}
			d, v := p-y, p*(1-p)
			for a := 0; a < nFeatures; a++ {
				g[a] += d * x[a]
				va := v * x[a]
				for b := a; b < nFeatures; b++ {
					h[a][b] += va * x[b]
				}
			}
		}
		for a := 0; a < nFeatures; a++ {
			g[a] /= n
			for b := a; b < nFeatures; b++ {
				h[a][b] /= n
				h[b][a] = h[a][b]
			}
			if a != bias {
				g[a] += l2 * w[a]
				h[a][a] += l2
			}
			h[a][a] += 1e-9
		}
		step, ok := solve(h, g)
		if !ok {
			break
		}
		var moved float64
		for a := range w {
			w[a] -= step[a]
			moved = max(moved, math.Abs(step[a]))
		}
		if moved < 1e-6 {
			break
		}
	}
	return w
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
