package index

import (
	"context"
	_ "embed"
	"hash/fnv"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// model is a trained matcher with its fusion. It is immutable; training builds a new one.
type model struct {
	m *matcher
	f fusion
}

// parallelTexts is the training-text count from which a search scores the matcher in a goroutine
// of its own, beside Bleve (Index.Search).
const parallelTexts = 50000

// longRunes is the length from which a question counts fully as a long story.
const longRunes = 80

func lengthFeature(norm string) float64 {
	return min(1, float64(utf8.RuneCountInString(norm))/longRunes)
}

// rankScores ranks the candidate articles for a question from the matcher's scores ms and the
// Bleve rerank scores bl (by article index), most probable first.
func (md *model) rankScores(ms []matchScores, bl map[int32]float64, q mquery) []candidate {
	cs := candidates(ms, bl, q.known, q.long)
	md.f.rank(cs)
	// A question that repeats a phrasing of exactly one article (its listed questions, its bank,
	// an approved candidate) is a lookup, not a guess: the fusion never sees such a repeat while it
	// is fitted on held-out questions, so it would under-rate it.
	if len(cs) > 0 {
		best, others := -1, 0
		for i, c := range cs {
			if ms[c.article].knn1 >= repeatCosine {
				if best < 0 {
					best = i
				}
				others++
			}
		}
		if others == 1 && cs[best].p < repeatProb {
			cs[best].p = repeatProb
			sort.SliceStable(cs, func(a, b int) bool { return cs[a].p > cs[b].p })
		}
	}
	return cs
}

const (
	// repeatCosine is the n-gram cosine from which a question repeats a known phrasing: the same
	// words, give or take punctuation, width, script and a particle.
	repeatCosine = 0.97
	// repeatProb is the probability given to such a repeat: admins approved that wording for
	// that article.
	repeatProb = 0.95
)

func (md *model) blByIndex(bl map[string]float64) map[int32]float64 {
	out := make(map[int32]float64, len(bl))
	for slug, v := range bl {
		if i, ok := md.m.bySlug[slug]; ok {
			out[i] = v
		}
	}
	return out
}

// TrainStats reports the last training.
type TrainStats struct {
	Articles   int
	Phrasings  int  // texts the matcher learned from
	HeldOut    int  // held-out bank phrasings the fusion was fitted on
	Negatives  int  // questions no article answers, in the fit
	Calibrated bool // false: too few bank phrasings, the default fusion serves
	Stale      bool // the articles changed while it ran; another calibration follows
	// MatcherTook is the last matcher training (on every change); Took the last calibration,
	// which runs in the background.
	MatcherTook time.Duration
	Took        time.Duration
}

const (
	folds = 5
	// calibrationSample caps the held-out phrasings used to fit the fusion, so that training
	// stays within its budget as the bank grows; the sample is spread over every article.
	calibrationSample = 1000
	// minCalibration is the fewest held-out phrasings worth fitting on.
	minCalibration = 200
)

//go:embed negatives.txt
var negativesText string

// negatives are questions no article answers (uncovered legal matters, non-legal and vague
// questions), so that the fit learns what a wrong best match looks like. Written for this purpose;
// see negatives.txt.
func negatives() []string {
	var out []string
	for _, line := range strings.Split(negativesText, "\n") {
		if _, q, ok := strings.Cut(line, "\t"); ok && strings.TrimSpace(q) != "" {
			out = append(out, strings.TrimSpace(q))
		}
	}
	return out
}

// corpus is the training material of one article set: the texts every matcher learns from and
// the question-bank phrasings that cross-validation holds out in turn.
type corpus struct {
	slugs  []string
	always []trainingText // titles, listed questions, tags
	bank   []bankText
}

type bankText struct {
	trainingText
	fold    int
	sampled bool // used to fit the fusion
}

// snapshot is the articles' normalised training texts, copied under the lock so that the work
// on them (n-grams, matchers, calibration) runs without it.
type snapshot struct {
	slugs []string
	base  [][]string
	bank  [][]string
	lex   *lexState // the lexicon every text is expanded by
	key   modelKey  // names this content in the saved matcher (persist.go)
}

// snapshot copies the current docs' training texts. The caller holds ix.mu.
func (ix *Index) snapshot() snapshot {
	slugs, docs := sortedDocs(ix.docs)
	lex := ix.syn.current()
	return ix.snapshotOf(slugs, docs, lex, contentKey(docs, lex))
}

// snapshotOf is snapshot for docs already sorted and keyed.
func (ix *Index) snapshotOf(slugs []string, docs []*doc, lex *lexState, key modelKey) snapshot {
	sn := snapshot{slugs: slugs, lex: lex, key: key}
	for _, d := range docs {
		sn.base = append(sn.base, d.learnBase)
		sn.bank = append(sn.bank, d.bank(ix.norm))
	}
	return sn
}

// bank returns the normalised question bank.
func (d *doc) bank(n *Normalizer) []string {
	d.bankOnce.Do(func() {
		for _, p := range d.art.Phrasings {
			d.learnBank = append(d.learnBank, n.Normalize(p))
		}
	})
	return d.learnBank
}

// corpus computes the n-grams of a snapshot, with the lexicon's expansions.
func (ix *Index) corpus(sn snapshot) corpus {
	c := corpus{slugs: sn.slugs}
	text := func(article int, n string) trainingText { return trainingText{article: int32(article), text: n} }
	for i, s := range sn.slugs {
		for _, n := range sn.base[i] {
			c.always = append(c.always, text(i, n))
		}
		for _, n := range sn.bank[i] {
			h := fnv.New32a()
			h.Write([]byte(s + "\x00" + n))
			c.bank = append(c.bank, bankText{trainingText: text(i, n), fold: int(h.Sum32() % folds)})
		}
	}
	// The n-grams of each text are independent of the others': count them on every core.
	fill := func(t *trainingText) { t.counts = counts(t.text, sn.lex.match(t.text)) }
	parallelFor(len(c.always), func(i int) { fill(&c.always[i]) })
	parallelFor(len(c.bank), func(i int) { fill(&c.bank[i].trainingText) })
	// Spread the sample evenly: every n-th bank phrasing, n chosen from the bank's size.
	n := step(len(c.bank))
	for i := range c.bank {
		c.bank[i].sampled = i%n == 0
	}
	return c
}

// texts returns the training texts without fold k's bank phrasings (k < 0: all of them).
func (c *corpus) texts(k int) []trainingText {
	out := append(make([]trainingText, 0, len(c.always)+len(c.bank)), c.always...)
	for _, b := range c.bank {
		if b.fold != k {
			out = append(out, b.trainingText)
		}
	}
	return out
}

// train builds the matcher from the current docs, keeping the current fusion. Open uses it; a
// change to one article updates the matcher in place (learn) and leaves the full retraining to
// the background. The caller holds ix.mu for writing.
func (ix *Index) train() { ix.trainFrom(time.Now(), ix.snapshot()) }

func (ix *Index) trainFrom(start time.Time, sn snapshot) {
	c := ix.corpus(sn)
	md := &model{m: buildMatcher(c.slugs, c.texts(-1)), f: defaultFusion}
	if ix.model != nil {
		md.f = ix.model.f
	}
	ix.model = md
	ix.trainStats.Articles, ix.trainStats.Phrasings = len(c.slugs), len(c.always)+len(c.bank)
	ix.trainStats.MatcherTook = time.Since(start)
	ix.generation++
	ix.version.Add(1)
}

// learn updates the matcher for one changed article at once: its old phrasings are dropped and
// its new ones added, in milliseconds, so that a publish is searchable immediately and an approved
// phrasing is found by the next ask. The vocabulary's weights catch up at the next full training,
// which the change starts in the background. The caller holds ix.mu for writing.
func (ix *Index) learn(slug string) {
	if ix.model == nil {
		ix.train()
		return
	}
	start := time.Now()
	m := ix.model.m // changed in place: the write lock keeps every search out meanwhile
	m.removeArticle(slug)
	if d := ix.docs[slug]; d != nil {
		var texts []trainingText
		for _, n := range append(append([]string{}, d.learnBase...), d.bank(ix.norm)...) {
			texts = append(texts, trainingText{text: n, counts: counts(n, ix.syn.match(n))})
		}
		m.addArticle(slug, texts)
	}
	ix.model = &model{m: m, f: ix.model.f}
	ix.trainStats.MatcherTook = time.Since(start)
	ix.generation++
	ix.version.Add(1)
}

// Calibrate retrains the matcher from scratch and refits the fusion on cross-validation folds of
// the question bank and on questions no article answers. It copies the training texts under the
// read lock and works without the lock, taking it only for each Bleve search and for the swap at
// the end, so asks and publishes go on meanwhile. Open and every change start it in the
// background (see recalibrate).
func (ix *Index) Calibrate() TrainStats {
	start := time.Now()
	ix.mu.RLock()
	if ix.bi == nil {
		ix.mu.RUnlock()
		return TrainStats{}
	}
	sn := ix.snapshot()
	gen := ix.generation
	ix.mu.RUnlock()

	c := ix.corpus(sn)
	full := &model{m: buildMatcher(c.slugs, c.texts(-1)), f: defaultFusion}
	st := TrainStats{Articles: len(c.slugs), Phrasings: len(c.always) + len(c.bank)}
	var data [][]example
	sampled := 0
	for _, b := range c.bank {
		if b.sampled {
			sampled++
		}
	}
	if sampled >= minCalibration {
		ctx := context.Background()
		for k := 0; k < folds; k++ {
			fm := &model{m: buildMatcher(c.slugs, c.texts(k))}
			for _, b := range c.bank {
				if b.fold == k && b.sampled {
					data = append(data, ix.examples(ctx, fm, b.text, b.article))
					st.HeldOut++
				}
			}
			// One fold's matcher at a time: collect it before the next is built, so that a
			// calibration's peak memory stays near one matcher's size.
			runtime.GC()
		}
		for _, q := range negatives() {
			data = append(data, ix.examples(ctx, full, ix.norm.Normalize(q), -1))
			st.Negatives++
		}
	}
	var f fusion
	if st.HeldOut > 0 {
		f = fitFusion(data)
		st.Calibrated = true
	}
	// Write the full training to a temporary file now, while it is still this goroutine's alone:
	// once swapped in, learn may change it in place.
	tmp, fileErr := "", error(nil)
	ix.mu.RLock()
	current := gen == ix.generation && ix.model != nil
	if current && !st.Calibrated {
		f = ix.model.f
	}
	ix.mu.RUnlock()
	if current {
		tmp, fileErr = writeModelTemp(ix.dir, sn.key, savedModel{md: &model{m: full.m, f: f}, calibrated: true, stats: st})
	}
	ix.mu.Lock()
	if ix.model == nil || ix.bi == nil {
		ix.mu.Unlock()
		if tmp != "" {
			os.Remove(tmp)
		}
		return st
	}
	m := ix.model.m
	if gen == ix.generation {
		m = full.m // nothing changed meanwhile: the full training replaces the incremental one
	} else {
		st.Stale = true // another calibration follows (recalibrate)
	}
	if !st.Calibrated {
		f = ix.model.f
	}
	ix.model = &model{m: m, f: f}
	ix.needCal = st.Stale
	ix.version.Add(1)
	st.MatcherTook = ix.trainStats.MatcherTook
	st.Took = time.Since(start)
	ix.trainStats = st
	ix.mu.Unlock()
	// What is saved is exactly what was just installed; a stale result is not saved, and the
	// file keeps the key of older content, which no start will match.
	switch {
	case fileErr != nil:
		ix.logSaveError(fileErr)
	case tmp != "" && st.Stale:
		os.Remove(tmp)
	case tmp != "":
		ix.logSaveError(commitModelFile(ix.dir, tmp))
	}
	// The fold matchers and n-gram tables are garbage now: hand the memory back to the system,
	// or the process keeps the peak of a calibration (about 80 MB for the seed) as its size.
	debug.FreeOSMemory()
	return st
}

// recalibrate runs Calibrate in the background, at most one at a time; changes made while one
// runs start one more afterwards.
func (ix *Index) recalibrate() {
	if ix.noCalibration {
		return
	}
	ix.calMu.Lock()
	if ix.closed {
		ix.calMu.Unlock()
		return
	}
	if ix.calRunning {
		ix.calPending = true
		ix.calMu.Unlock()
		return
	}
	ix.calRunning = true
	ix.calMu.Unlock()
	ix.calWG.Add(1)
	go func() {
		defer ix.calWG.Done()
		for {
			ix.Calibrate()
			ix.calMu.Lock()
			if !ix.calPending || ix.closed {
				ix.calRunning = false
				ix.calMu.Unlock()
				return
			}
			ix.calPending = false
			ix.calMu.Unlock()
		}
	}()
}

// WaitCalibrated blocks until no calibration is running: tests and the load tool use it to
// measure the steady state.
func (ix *Index) WaitCalibrated() { ix.calWG.Wait() }

// examples labels the candidates of one held-out question; right is the article that answers it,
// or -1 for none. It takes the read lock for the Bleve search only.
func (ix *Index) examples(ctx context.Context, md *model, norm string, right int32) []example {
	exps := ix.syn.match(norm)
	ix.mu.RLock()
	if ix.bi == nil {
		ix.mu.RUnlock()
		return nil
	}
	bl, err := ix.bleveRerank(ctx, norm, ix.queryTokens(norm), exps, map[string]bool{})
	ix.mu.RUnlock()
	if err != nil {
		return nil
	}
	q := md.m.prepare(norm, exps)
	cs := candidates(md.m.score(q, nil), md.blByIndex(bl), q.known, q.long)
	out := make([]example, len(cs))
	for i, c := range cs {
		out[i] = example{x: c.x, right: c.article == right}
	}
	return out
}

// TrainStats returns what the last training did.
func (ix *Index) TrainStats() TrainStats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.trainStats
}

// step is the stride of the calibration sample through a bank of n phrasings.
func step(n int) int { return max(1, (n+calibrationSample-1)/calibrationSample) }

// parallelFor calls fn(i) for every i below n, spread over the cores; a short loop runs here.
func parallelFor(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), 1+n/256)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
