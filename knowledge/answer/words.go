package answer

import (
	"strings"
	"unicode/utf8"
)

// wordSet finds any of a list of literal words in a text. The cue vocabularies that are plain
// alternations of words (法|律|条例|…, a few hundred of them) used to run as regular expressions,
// whose backtracking tried every alternative at every position: 18 % of an uncached ask. Indexed
// by first rune, a text is scanned once and only the words that can start at each position are
// compared. MatchString answers exactly what the regular expression's MatchString did.
type wordSet struct {
	byFirst map[rune][]string
	// first has the bit of every word's first rune (a rune and those 1024 apart share one): most
	// runes of a text start no word, and this answers that without the map lookup.
	first [16]uint64
}

// words builds a wordSet from an alternation of literal words ("甲|乙丙|丁"). A pattern with any
// other regular-expression syntax is a programming error and panics, like regexp.MustCompile.
func words(pattern string) *wordSet {
	if strings.ContainsAny(pattern, `.()[]{}*+?^$\`) {
		panic("answer: words: not a plain alternation of words: " + pattern)
	}
	list := strings.Split(pattern, "|")
	for _, w := range list {
		if w == "" {
			panic("answer: words: empty word in " + pattern)
		}
	}
	return newWordSet(list)
}

// newWordSet builds a wordSet from non-empty words.
func newWordSet(list []string) *wordSet {
	ws := &wordSet{byFirst: map[rune][]string{}}
	for _, w := range list {
		r, _ := utf8.DecodeRuneInString(w)
		ws.byFirst[r] = append(ws.byFirst[r], w)
		ws.first[firstBit(r)] |= 1 << (uint(r) & 63)
	}
	return ws
}

// firstBit picks the word of wordSet.first that holds rune r's bit.
func firstBit(r rune) int { return int(uint(r)>>6) & 15 }

// MatchString reports whether s contains any of the words.
func (ws *wordSet) MatchString(s string) bool {
	for i, r := range s {
		if ws.first[firstBit(r)]&(1<<(uint(r)&63)) == 0 {
			continue
		}
		for _, w := range ws.byFirst[r] {
			if strings.HasPrefix(s[i:], w) {
				return true
			}
		}
	}
	return false
}
