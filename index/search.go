package index

import (
	"context"
	"math"
	"math/bits"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// stopTokens are the question-framing words (怎么办, 我们, 可以吗) that say nothing about the topic.
// They are dropped from the query; as unigrams and bigrams after analysis.
var stopTokens = func() map[string]bool {
	words := []string{
		"怎么", "么办", "怎样", "什么", "如何", "可以", "能否", "是否", "应该", "需要", "请问", "一下", "我们",
		"们公", "你们", "他们", "这种", "种情", "情况", "这个", "那个", "有没", "没有", "还是", "的话", "是不",
		"不是", "现在", "已经", "自己", "吗", "呢", "吧", "啊", "的", "了", "是", "我", "你", "他", "她", "它",
		"在", "有", "和", "与", "或", "及", "就", "都", "也", "还", "被", "把", "对", "给", "让", "要", "会",
		"能", "该", "这", "那", "个", "些", "么", "呀", "嘛", "哪", "谁", "为", "之", "其", "以", "于", "而",
		"想", "请", "问", "帮", "下", "们", "一", "里", "到", "说", "去", "又", "很", "再", "多", "少",
	}
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}()

// tokens analyses normalised text into unique tokens, in order of first appearance.
func (ix *Index) tokens(text string) []string {
	seen := map[string]bool{}
	var out []string
	for _, tok := range ix.an.Analyze([]byte(text)) {
		t := string(tok.Term)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// KeyTerms returns a question's informative tokens: normalised, analysed, without framing words
// and numbers. Reports group unanswered questions by them.
func (ix *Index) KeyTerms(question string) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.queryTokens(ix.norm.Normalize(question))
}

// Analyze returns the analysed tokens of a question, as the search sees them.
func (ix *Index) Analyze(question string) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.tokens(ix.norm.Normalize(question))
}

// weight is a token's information: rarer tokens say more, unigrams say less than bigrams, and a
// token no article uses weighs the most (it is what the knowledge base does not cover).
func (ix *Index) weight(t string) float64 {
	if id, ok := ix.ids[t]; ok {
		return ix.w[id]
	}
	return tokenWeight(t, 0, len(ix.docs))
}

func tokenWeight(t string, df, n int) float64 {
	w := math.Log(1 + float64(n+1)/(float64(df)+0.5))
	if utf8.RuneCountInString(t) == 1 {
		w *= 0.3
	}
	return w
}

// Search implements answer.Searcher. Each hit's Score is the calibrated probability that the
// article answers the question (fusion.go).
func (ix *Index) Search(ctx context.Context, question string, limit int) (answer.SearchResult, error) {
	if utf8.RuneCountInString(question) > maxQueryRunes {
		question = string([]rune(question)[:maxQueryRunes])
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	norm := ix.norm.Normalize(question)
	res := answer.SearchResult{Normalized: norm}
	mdl := ix.model
	if len(ix.docs) == 0 || mdl == nil {
		return res, nil
	}
	exps := ix.syn.match(norm)
	matched := map[string]bool{}
	qtoks := ix.queryTokens(norm)
	// The matcher and Bleve read the same snapshot (the read lock is held until both are done).
	// At scale each costs about half of a search, so the matcher runs beside Bleve and a question
	// waits for the slower of the two, not for both; a small base is not worth a goroutine.
	var (
		mq mquery
		ms []matchScores
		wg sync.WaitGroup
	)
	// The scores of every article are a pooled buffer: at 10,000 articles a fresh one per question
	// was 240 KB of new memory to fault in and clear. Nothing below keeps ms past this search.
	buf := scoresPool.Get().(*[]matchScores)
	defer scoresPool.Put(buf)
	scoreMatcher := func() {
		mq = mdl.m.prepare(norm, exps)
		ms = mdl.m.score(mq, (*buf)[:0])
		*buf = ms
	}
	if len(mdl.m.pOwner) >= parallelTexts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scoreMatcher()
		}()
	} else {
		scoreMatcher()
	}
	bl, err := ix.bleveRerank(ctx, norm, qtoks, exps, matched)
	wg.Wait()
	if err != nil {
		return res, err
	}
	cands := mdl.rankScores(ms, mdl.blByIndex(bl), mq)
	if limit <= 0 || limit > len(cands) {
		limit = len(cands)
	}
	for _, c := range cands[:limit] {
		d := ix.docs[mdl.m.slugs[c.article]]
		if d == nil {
			continue
		}
		h := answer.Hit{Article: d.art, Score: math.Round(c.p*1000) / 1000}
		if len(res.Hits) == 0 {
			h.Passage = ix.passage(norm, qtoks, exps, d) // only the best hit can answer
		}
		res.Hits = append(res.Hits, h)
	}
	for _, t := range qtoks {
		if matched[t] {
			res.Terms = append(res.Terms, t)
		}
	}
	return res, nil
}

// bleveRerank finds candidates with Bleve over the article fields and reranks them by how much
// of the question their wording covers (qtoks: ix.queryTokens(norm)). It returns each
// candidate's score in 0..1, keyed by slug.
// The caller holds ix.mu.
func (ix *Index) bleveRerank(ctx context.Context, norm string, qtoks []string, exps []expansion, matched map[string]bool) (map[string]float64, error) {
	if len(qtoks) == 0 {
		return nil, nil
	}
	bq := ix.bleveQuery(qtoks, exps)
	if bq == nil {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(bq, candidateLimit, 0, false)
	sr, err := ix.bi.SearchInContext(ctx, req)
	if err != nil || len(sr.Hits) == 0 {
		return nil, err
	}
	maxScore := sr.Hits[0].Score
	out := make(map[string]float64, len(sr.Hits))
	q := ix.resolve(qtoks)
	// A candidate written with a synonym's alternative sees the question rewritten to it; the
	// candidates that share a rewriting share its tokens.
	var rewritten map[string]qterms
	for _, h := range sr.Hits {
		d := ix.docs[h.ID]
		if d == nil {
			continue
		}
		dq := q
		if text := rewriteFor(norm, exps, d.text); text != norm {
			var ok bool
			if dq, ok = rewritten[text]; !ok {
				dq = ix.resolve(ix.queryTokens(text))
				if rewritten == nil {
					rewritten = map[string]qterms{}
				}
				rewritten[text] = dq
			}
		}
		cov, sim := ix.similarity(dq, d, matched)
		bn := 0.0
		if maxScore > 0 {
			bn = h.Score / maxScore
		}
		out[h.ID] = 0.45*sim + 0.35*cov + 0.2*bn
	}
	return out, nil
}

// queryTokens analyses normalised text and drops framing words.
func (ix *Index) queryTokens(norm string) []string {
	var out []string
	for _, t := range ix.tokens(norm) {
		// Amounts and dates (30万, 2021) vary from case to case and say nothing about the topic.
		if !stopTokens[t] && !allDigits(t) {
			out = append(out, t)
		}
		if len(out) == maxQueryTokens {
			break
		}
	}
	return out
}

// bleveQuery builds a disjunction of per-field term queries. It is built from analysed tokens in
// code, so nothing the user types (+, -, field:, /re/) is ever interpreted as query syntax.
//
// Candidate generation must stay cheap at 10,000 articles, where it is most of the cost: only the
// most informative tokens are sent, unigrams only when the question has too few bigrams, and the
// long body field only for the rarest tokens. The rerank then looks at every candidate in full.
func (ix *Index) bleveQuery(qtoks []string, exps []expansion) query.Query {
	type term struct {
		t     string
		boost float64
		w     float64
	}
	seen := map[string]bool{}
	var terms []term
	add := func(t string, boost float64) {
		if seen[t] || stopTokens[t] {
			return
		}
		seen[t] = true
		w := ix.weight(t)
		if _, known := ix.ids[t]; !known {
			// Not in any title, question, tag or summary: at best a body word. Such tokens are
			// mostly the user's own filler (钢材, 离谱) and must not crowd out the tokens that match.
			w = -1 / w
		}
		terms = append(terms, term{t: t, boost: boost, w: w})
	}
	for _, t := range qtoks {
		add(t, 1)
	}
	for _, e := range exps {
		for _, alt := range e.alts {
			for _, t := range ix.tokens(alt) {
				add(t, 0.7*e.weight)
			}
		}
	}
	bigrams := 0
	for _, t := range terms {
		if utf8.RuneCountInString(t.t) > 1 {
			bigrams++
		}
	}
	sort.SliceStable(terms, func(i, j int) bool { return terms[i].w > terms[j].w })
	n := len(ix.docs)
	var qs []query.Query
	sent := 0
	for _, t := range terms {
		if sent == maxBleveTerms {
			break
		}
		single := utf8.RuneCountInString(t.t) == 1
		if single && bigrams >= 2 {
			continue
		}
		// A token found in most articles ranks nothing and costs the most to score.
		if id, ok := ix.ids[t.t]; ok && n >= 50 && float64(ix.df[id]) > highDFThreshold*float64(n) {
			continue
		}
		boost := t.boost
		if single {
			boost *= 0.3
		}
		fields := []string{fieldHead}
		if sent < bodyTerms {
			fields = append(fields, fieldBody)
		}
		for _, f := range fields {
			tq := bleve.NewTermQuery(t.t)
			tq.SetField(f)
			tq.SetBoost(boost * fieldBoosts[f])
			qs = append(qs, tq)
		}
		sent++
	}
	if len(qs) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// rewriteFor replaces a synonym the user typed with the alternative the article itself uses, so
// that 辞退 in a question fully matches an article written with 解除劳动合同.
func rewriteFor(norm string, exps []expansion, docText string) string {
	for _, e := range exps {
		if strings.Contains(docText, e.typed) {
			continue
		}
		for _, alt := range e.alts {
			if strings.Contains(docText, alt) {
				norm = strings.ReplaceAll(norm, e.typed, alt)
				break
			}
		}
	}
	return norm
}

// qterm is a query token resolved against the token table: once per question, not once per
// candidate.
type qterm struct {
	id    uint32
	known bool
	w     float64
}

// qterms are the resolved query tokens with their total weight.
type qterms struct {
	toks  []string
	terms []qterm
	total float64
	pos   idTable // known token id → index in terms; empty if there are more than 64 terms
}

func (ix *Index) resolve(toks []string) qterms {
	q := qterms{toks: toks, terms: make([]qterm, len(toks))}
	for i, t := range toks {
		id, known := ix.ids[t]
		w := 0.0
		if known {
			w = ix.w[id]
		} else {
			w = tokenWeight(t, 0, len(ix.docs))
		}
		q.terms[i] = qterm{id: id, known: known, w: w}
		q.total += w
	}
	if len(toks) <= 64 {
		q.pos = newIDTable(q.terms)
	}
	return q
}

// similarity returns how much of the question's information the article's wording covers
// (coverage), and the best weighted Dice overlap between the question and one of the article's
// own phrasings (its title or one of its questions). Both are in 0..1.
func (ix *Index) similarity(q qterms, d *doc, matched map[string]bool) (coverage, best float64) {
	var hit float64
	for i, x := range q.terms {
		if x.known && d.tokens.has(x.id) {
			hit += x.w
			matched[q.toks[i]] = true
		}
	}
	if q.total == 0 {
		return 0, 0
	}
	coverage = hit / q.total
	for _, p := range d.phrasings {
		var common float64
		if q.pos.keys != nil {
			// A phrasing has fewer tokens than a long question: look its tokens up in the
			// question, then add the weights in the question's order, as below.
			var in uint64
			for _, id := range p.tokens {
				if j, ok := q.pos.get(id); ok {
					in |= 1 << j
				}
			}
			for ; in != 0; in &= in - 1 {
				common += q.terms[bits.TrailingZeros64(in)].w
			}
		} else {
			for _, x := range q.terms {
				if x.known && p.tokens.has(x.id) {
					common += x.w
				}
			}
		}
		if s := 2 * common / (q.total + p.weight); s > best {
			best = s
		}
	}
	return coverage, best
}

func allDigits(t string) bool {
	for _, r := range t {
		if r < '0' || r > '9' {
			return false
		}
	}
	return t != ""
}
