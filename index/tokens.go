package index

import "slices"

// tokenSet is a sorted list of interned token ids.
type tokenSet []uint32

func (s tokenSet) has(id uint32) bool {
	// A binary search written out: sort.Search's callback costs more than the comparison, and
	// the rerank asks this for every query token of every phrasing of every candidate.
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(s) && s[lo] == id
}

// intern returns the ids of tokens (ix.tokens of a normalised text), adding new tokens to the
// table.
func (ix *Index) intern(tokens []string) tokenSet {
	var out tokenSet
	for _, t := range tokens {
		id, ok := ix.ids[t]
		if !ok {
			id = uint32(len(ix.df))
			ix.ids[t] = id
			ix.df = append(ix.df, 0)
		}
		out = append(out, id)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// reweight recomputes every token weight and every phrasing's total after the article set
// changed. It runs under the write lock, so searches read consistent figures without locking.
func (ix *Index) reweight() {
	terms := make([]string, len(ix.df))
	for t, id := range ix.ids {
		terms[id] = t
	}
	n := len(ix.docs)
	ix.w = slices.Grow(ix.w[:0], len(ix.df))[:len(ix.df)]
	for id, t := range terms {
		ix.w[id] = tokenWeight(t, int(ix.df[id]), n)
	}
	stop := make([]bool, len(terms))
	for id, t := range terms {
		stop[id] = stopTokens[t]
	}
	for _, d := range ix.docs {
		for i := range d.phrasings {
			var w float64
			for _, id := range d.phrasings[i].tokens {
				if !stop[id] {
					w += ix.w[id]
				}
			}
			d.phrasings[i].weight = w
		}
	}
}
