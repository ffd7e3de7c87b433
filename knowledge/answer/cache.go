package answer

import (
	"context"
	"slices"
	"sync"
)

// Versioned is implemented by a Searcher whose answers can change while the process runs (an
// article published or edited, the matcher retrained, the lexicon replaced). Version must change
// after every such change, once the new state is visible to searches.
type Versioned interface {
	Version() uint64
}

// cache keeps recent answers by the exact question text. The engine is a pure function of the
// question and of the knowledge base's state, and people ask in the same words again (the
// related questions under every answer are sent verbatim when clicked), so a repeated question
// costs a map lookup instead of a search. Each entry records the knowledge base's version it
// was computed at and is used only while that version is current.
//
// It holds two generations of at most size/2 entries each: a hit in the older one moves to the
// newer, and when the newer is full the older is dropped. That approximates least-recently-used
// eviction without a list to maintain under the lock.
type cache struct {
	mu       sync.Mutex
	half     int
	cur, old map[string]cached
}

type cached struct {
	version uint64
	res     Result
}

func newCache(size int) *cache {
	h := max(1, size/2)
	return &cache{half: h, cur: make(map[string]cached, h), old: map[string]cached{}}
}

func (c *cache) get(q string, version uint64) (Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.cur[q]
	if !ok {
		if e, ok = c.old[q]; ok {
			delete(c.old, q)
			c.putLocked(q, e)
		}
	}
	if !ok || e.version != version {
		return Result{}, false
	}
	return e.res.clone(), true
}

func (c *cache) put(q string, version uint64, res Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.putLocked(q, cached{version: version, res: res.clone()})
}

func (c *cache) putLocked(q string, e cached) {
	if len(c.cur) >= c.half {
		c.old, c.cur = c.cur, make(map[string]cached, c.half)
	}
	c.cur[q] = e
}

// clone copies the slices a caller might change in place, so that no caller sees another's
// edits. Strings and the passage are never changed after composing.
func (r Result) clone() Result {
	r.Sources = slices.Clone(r.Sources)
	r.Options = slices.Clone(r.Options)
	r.LegalBasis = slices.Clone(r.LegalBasis)
	r.RelatedQuestions = slices.Clone(r.RelatedQuestions)
	r.Terms = slices.Clone(r.Terms)
	if r.Passage != nil {
		p := *r.Passage
		r.Passage = &p
	}
	return r
}

// WithCache makes the engine remember the answers to the last size distinct questions (between
// size/2 and size of them), when its Searcher is Versioned; size 0 or a Searcher that is not
// Versioned leaves every question to the search. Call it before the engine is used.
func (e *Engine) WithCache(size int) *Engine {
	if _, ok := e.search.(Versioned); ok && size > 0 {
		e.cache = newCache(size)
	}
	return e
}

// Ask answers a question. A question about booking a visit gets the visit form offered with
// its answer.
func (e *Engine) Ask(ctx context.Context, question string) (Result, error) {
	if e.cache == nil {
		return e.askOffer(ctx, question)
	}
	// The version is read before the search: a change during the search leaves the entry
	// labelled with the older version, so it is never served as current.
	v := e.search.(Versioned).Version()
	if res, ok := e.cache.get(question, v); ok {
		return res, nil
	}
	res, err := e.askOffer(ctx, question)
	if err == nil {
		e.cache.put(question, v, res)
	}
	return res, err
}

func (e *Engine) askOffer(ctx context.Context, question string) (Result, error) {
	res, err := e.ask(ctx, question)
	if err == nil && WantsVisit(res.Normalized) {
		res.Offer = OfferVisit
	}
	return res, err
}
