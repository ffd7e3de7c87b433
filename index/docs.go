package index

import (
	"strings"
	"sync"

	"github.com/courtdesk/courtdesk/knowledge"
)

// doc is the in-memory view of one published article used to rerank and to compose answers
// without a database round trip.
type doc struct {
	art       knowledge.Article
	text      string     // normalised title, questions, tags, summary and legal basis
	tokens    tokenSet   // analysed tokens of text
	phrasings []phrasing // the title and each question
	// The matcher's training texts, normalised once rather than on every training.
	learnBase []string // title, listed questions, tags
	// The question bank and the body's paragraphs are normalised on first use (bank, paragraphs):
	// a start that loads the saved matcher trains nothing, and most articles are never the best
	// hit whose passage is shown, so normalising them all at start would be most of its cost.
	bankOnce   sync.Once
	learnBank  []string
	blocksOnce sync.Once
	blocks     []block
}

// phrasing is one of the article's own wordings of the need it answers.
type phrasing struct {
	tokens tokenSet
	weight float64 // sum of the weights of its informative tokens
}

// loadDocs replaces the in-memory docs by the published ones of articles, then trains the matcher
// or loads it (trainOrLoad).
func (ix *Index) loadDocs(articles []knowledge.Article) {
	ix.docs = make(map[string]*doc, len(articles))
	ix.ids = make(map[string]uint32)
	ix.df, ix.w = nil, nil
	ix.fp = 0
	var published []knowledge.Article
	for _, a := range articles {
		if a.Status == knowledge.StatusPublished {
			published = append(published, a)
		}
	}
	// Normalising and analysing are most of adding an article and touch nothing shared: they run
	// on every core, and the token ids are then given out in the articles' order, as one by one.
	prepared := make([]preparedDoc, len(published))
	parallelFor(len(published), func(i int) { prepared[i] = ix.prepareDoc(published[i]) })
	for i, a := range published {
		ix.addPrepared(a, prepared[i])
	}
	ix.reweight()
	ix.trainOrLoad()
}

// preparedDoc is the part of adding an article that reads no shared state.
type preparedDoc struct {
	text      string
	tokens    []string   // of text
	learnBase []string   // see doc
	phrasings [][]string // tokens of the title and of each listed question
}

func (ix *Index) prepareDoc(a knowledge.Article) preparedDoc {
	parts := append([]string{a.Title}, a.Questions...)
	parts = append(parts, strings.Join(a.Tags, " "), a.Summary, strings.Join(a.LegalBasis, " "))
	p := preparedDoc{text: ix.norm.Normalize(strings.Join(parts, "\n"))}
	p.tokens = ix.tokens(p.text)
	// learnBase starts with the title and the questions, normalised once for both uses.
	for _, s := range phrasingsOf(knowledge.Article{Title: a.Title, Questions: a.Questions, Tags: a.Tags}) {
		p.learnBase = append(p.learnBase, ix.norm.Normalize(s))
	}
	for _, n := range p.learnBase[:1+len(a.Questions)] {
		p.phrasings = append(p.phrasings, ix.tokens(n))
	}
	return p
}

func (ix *Index) addDoc(a knowledge.Article) { ix.addPrepared(a, ix.prepareDoc(a)) }

func (ix *Index) addPrepared(a knowledge.Article, p preparedDoc) {
	d := &doc{art: a, text: p.text, learnBase: p.learnBase}
	d.tokens = ix.intern(p.tokens)
	for _, ts := range p.phrasings {
		d.phrasings = append(d.phrasings, phrasing{tokens: ix.intern(ts)})
	}
	for _, id := range d.tokens {
		ix.df[id]++
	}
	ix.docs[a.Slug] = d
	ix.fp ^= docHash(a)
}

func (ix *Index) removeDoc(slug string) {
	d, ok := ix.docs[slug]
	if !ok {
		return
	}
	for _, id := range d.tokens {
		ix.df[id]--
	}
	ix.fp ^= docHash(d.art)
	delete(ix.docs, slug)
}
