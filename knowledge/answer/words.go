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
}

// words builds a wordSet from an alternation of literal words ("甲|乙丙|丁"). A pattern with any
// other regular-expression syntax is a programming error and panics, like regexp.MustCompile.
func words(pattern string) *wordSet {
	if strings.ContainsAny(pattern, `.()[]{}*+?^$\`) {
		panic("answer: words: not a plain alternation of words: " + pattern)
	}
	ws := &wordSet{byFirst: map[rune][]string{}}
	for _, w := range strings.Split(pattern, "|") {
		if w == "" {
			panic("answer: words: empty word in " + pattern)
		}
		r, _ := utf8.DecodeRuneInString(w)
		ws.byFirst[r] = append(ws.byFirst[r], w)
	}
	return ws
}

// MatchString reports whether s contains any of the words.
func (ws *wordSet) MatchString(s string) bool {
	for i, r := range s {
		for _, w := range ws.byFirst[r] {
			if strings.HasPrefix(s[i:], w) {
				return true
			}
		}
	}
	return false
}
