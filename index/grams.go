package index

import "unicode/utf8"

// gramLookup finds which of a question's tokens occur in a text, in one pass over the text.
// Almost every token is one or two runes (CJK unigrams and bigrams), and such a token occurs in a
// text exactly when one of the text's runes or pairs of adjacent runes equals it: the pass looks
// each one up instead of searching the text once per token, which for Chinese text meant a false
// start at nearly every character. Longer tokens (ASCII words) are left to strings.Contains.
type gramLookup struct {
	filter [16]uint64        // a one-probe Bloom filter over codes, to skip most positions
	codes  map[uint64]uint64 // a gram's code → the bit of the token it is
	long   []bool            // by token: not one or two runes, so not looked up here
}

// noRune marks the second half of a unigram's code; it is above every rune.
const noRune = 0x1FFFFF

func gramCode(r1, r2 rune) uint64 { return uint64(r1)<<32 | uint64(r2) }

func filterBit(c uint64) (int, uint64) {
	h := (c * 0x9E3779B97F4A7C15) >> 54 // 10 bits
	return int(h >> 6), 1 << (h & 63)
}

// newGramLookup prepares the lookup of toks (at most 64: bit i of a result is toks[i]).
func newGramLookup(toks []string) *gramLookup {
	g := &gramLookup{codes: make(map[uint64]uint64, len(toks)), long: make([]bool, len(toks))}
	for i, t := range toks {
		c, ok := tokenCode(t)
		if !ok || i >= 64 {
			g.long[i] = true
			continue
		}
		g.codes[c] |= 1 << i
		w, bit := filterBit(c)
		g.filter[w] |= bit
	}
	return g
}

// tokenCode is the code of a token of one or two runes. A token holding U+FFFD is left out:
// the pass reads an invalid byte of the text as U+FFFD, which strings.Contains would not match.
func tokenCode(t string) (uint64, bool) {
	r1, n1 := utf8.DecodeRuneInString(t)
	if r1 == utf8.RuneError || n1 == len(t) {
		return gramCode(r1, noRune), r1 != utf8.RuneError && n1 == len(t)
	}
	r2, n2 := utf8.DecodeRuneInString(t[n1:])
	if r2 == utf8.RuneError || n1+n2 != len(t) {
		return 0, false
	}
	return gramCode(r1, r2), true
}

// scan returns the bits of the tokens of one or two runes that occur in s.
func (g *gramLookup) scan(s string) uint64 {
	var found uint64
	check := func(c uint64) {
		if w, bit := filterBit(c); g.filter[w]&bit != 0 {
			found |= g.codes[c]
		}
	}
	prev := rune(-1)
	for _, r := range s {
		check(gramCode(r, noRune))
		if prev >= 0 {
			check(gramCode(prev, r))
		}
		prev = r
	}
	return found
}
