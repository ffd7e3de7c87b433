package answer

import (
	"context"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Hit is one article found for a question.
type Hit struct {
	Article knowledge.Article
	// Score is normalised to 0..1: how well the article's own wording covers the question. It is
	// comparable across questions, which a raw search-engine score is not.
	Score float64
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
