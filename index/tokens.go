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

// idTable maps the known token ids of a question (at most 64) to their index in it: an
// open-addressing table, cheaper than a map for the rerank's many lookups. A table without keys
// (the zero value) means the question's tokens could not be tabled.
type idTable struct {
	keys []uint32 // id+1; 0 is an empty slot
	vals []uint8
	mask uint32
}

func newIDTable(terms []qterm) idTable {
	size := 16
	for size < 2*len(terms) {
		size *= 2
	}
	t := idTable{keys: make([]uint32, size), vals: make([]uint8, size), mask: uint32(size - 1)}
	for j, x := range terms {
		if !x.known {
			continue
		}
		i := t.slot(x.id)
		for t.keys[i] != 0 {
			if t.keys[i] == x.id+1 {
				return idTable{} // a repeated token: the caller takes the general path
			}
			i = (i + 1) & t.mask
		}
		t.keys[i], t.vals[i] = x.id+1, uint8(j)
	}
	return t
}

func (t *idTable) slot(id uint32) uint32 { return (id * 0x9E3779B1) >> 16 & t.mask }

func (t *idTable) get(id uint32) (int, bool) {
	for i := t.slot(id); ; i = (i + 1) & t.mask {
		switch t.keys[i] {
		case id + 1:
			return int(t.vals[i]), true
		case 0:
			return 0, false
		}
	}
}
