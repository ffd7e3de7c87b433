package index

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// TopicTerms returns the terms a question is about, in the knowledge base's own vocabulary, for
// grouping the questions the bot could not answer well (the knowledge-gap report). A term is
//   - a legal term of the lexicon, named by its group's first term (卡被冻了 and 账户被冻 are both
//     冻结), or
//   - a tag of a published article that the question contains,
//
// longest first. Unlike KeyTerms it never returns fragments
// of the analysis such as 了还 or 同对, which mean nothing to the admin reading the report. A
// question naming none of them gets no term: the nearest article was tried as its topic, but for
// the questions the report is about it is too often an unrelated one (反倾销 near 产品缺陷), so
// such questions are left for the admin to read under （其他）.
func (ix *Index) TopicTerms(question string) []string {
	text := ix.norm.Normalize(question)
	found := map[string]bool{}
	// The lexicon: every group a term of which the question holds.
	st := ix.syn.state.Load()
	for i, r := range text {
		for _, ref := range st.byFirst[r] {
			if strings.HasPrefix(text[i:], ref.term) {
				if rule := st.rules[ref.rule]; len(rule.targets) > 0 {
					found[rule.targets[0]] = true
				}
			}
		}
	}
	// The articles' tags.
	ix.mu.RLock()
	for _, d := range ix.docs {
		for _, tag := range d.art.Tags {
			if tag = ix.norm.Normalize(tag); utf8.RuneCountInString(tag) >= 2 && strings.Contains(text, tag) {
				found[tag] = true
			}
		}
	}
	ix.mu.RUnlock()
	var out []string
	for t := range found {
		if utf8.RuneCountInString(t) >= 2 {
			out = append(out, t)
		}
	}
	// Longest first. A term inside a longer one stays: 海关 in 海关稽查 is what the question
	// shares with the other questions on 海关, and the report groups by the most shared term.
	sort.Slice(out, func(i, j int) bool {
		if li, lj := utf8.RuneCountInString(out[i]), utf8.RuneCountInString(out[j]); li != lj {
			return li > lj
		}
		return out[i] < out[j]
	})
	return out
}
