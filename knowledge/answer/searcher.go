package answer

import (
	"context"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Hit is one article found for a question.
type Hit struct {
	Article knowledge.Article
	// Score is the estimated probability, 0..1, that this article answers the question. It is
	// calibrated on questions the matcher did not learn from, so it is comparable across
	// questions, which a raw search-engine score is not.
	Score float64
	// Passage is the part of the article that best matches the question; set on the best hit
	// only, the one that may answer.
	Passage Passage
}

// Passage is one section or paragraph of an article.
type Passage struct {
	Heading string `json:"heading"`
	Text    string `json:"text"`
}

// SearchResult is what a Searcher found.
type SearchResult struct {
	Hits []Hit
	// Terms are the analysed query tokens (after normalisation and synonym expansion) that matched
	// at least one hit; the admin test console shows them.
	Terms []string
	// Normalized is the question after width folding and traditional-to-simplified conversion.
	Normalized string
}

// Searcher finds published articles for a question. The index package implements it.
type Searcher interface {
	Search(ctx context.Context, question string, limit int) (SearchResult, error)
}

// Normalizer folds width, converts traditional to simplified Chinese and lower-cases. The answer
// engine runs its rules on normalised text so that 遼, （, ０ and their plain forms behave alike.
type Normalizer interface {
	Normalize(s string) string
}

// PassageFinder finds the passage of a given article that best answers a question. The index
// implements it; the engine uses it when the user picked the article from a clarification.
type PassageFinder interface {
	Passage(question, slug string) Passage
}
