package index

import (
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/seed"
)

// Synonyms is the live colloquial lexicon (贴条子 => 查封, 欠薪 = 拖欠工资). The query is expanded
// in our own code: Bleve's synonym sources drop multi-token synonyms and are ignored by in-memory
// indexes. A new list takes effect on the next search, with no reindex.
type Synonyms struct {
	state   atomic.Pointer[lexState]
	version atomic.Uint64 // counts Set calls, after the new state is in place
}

type lexState struct {
	groups []knowledge.LexGroup
	// rules are the groups compiled for matching: per group, each term a question may hold and
	// what it expands to.
	rules []lexRule
	// byFirst indexes the source terms by their first rune, so that matching looks only at the
	// terms that can start at each position of the question instead of at every term.
	byFirst map[rune][]termRef
}

type termRef struct {
	term string
	rule int32
	rank int32 // position in the rule's sources: lower is longer
}

type lexRule struct {
	sources []string // longest first
	targets []string
	weight  float64
}

// DefaultLexicon is the lexicon a fresh install starts with (knowledge/seed/lexicon.txt).
func DefaultLexicon() []knowledge.LexGroup { return seed.Lexicon() }

// NewSynonyms returns a lexicon holding groups.
func NewSynonyms(groups []knowledge.LexGroup) *Synonyms {
	s := &Synonyms{}
	s.Set(groups)
	return s
}

// Set replaces every group. Terms are expected in normalised (simplified, lower-case) form.
func (s *Synonyms) Set(groups []knowledge.LexGroup) {
	st := &lexState{groups: append([]knowledge.LexGroup(nil), groups...)}
	for _, g := range groups {
		terms := append(append([]string{}, g.From...), g.To...)
		for i := range terms {
			terms[i] = strings.ToLower(strings.TrimSpace(terms[i]))
		}
		w := g.Weight
		if w <= 0 || w > 1 {
			w = 1
		}
		if g.Directional() {
			st.rules = append(st.rules, lexRule{sources: byLength(terms[:len(g.From)]), targets: terms[len(g.From):], weight: w})
		} else if len(terms) > 1 {
			st.rules = append(st.rules, lexRule{sources: byLength(terms), targets: terms, weight: w})
		}
	}
	st.byFirst = map[rune][]termRef{}
	for ri, r := range st.rules {
		for k, t := range r.sources {
			if t == "" {
				continue
			}
			first, _ := utf8.DecodeRuneInString(t)
			st.byFirst[first] = append(st.byFirst[first], termRef{term: t, rule: int32(ri), rank: int32(k)})
		}
	}
	s.state.Store(st)
	s.version.Add(1)
}

// Version changes after every Set; a nil lexicon never changes.
func (s *Synonyms) Version() uint64 {
	if s == nil {
		return 0
	}
	return s.version.Load()
}

func byLength(ts []string) []string {
	out := append([]string(nil), ts...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Groups returns the current groups.
func (s *Synonyms) Groups() []knowledge.LexGroup { return s.state.Load().groups }

// expansion is one group matched in a question: the term the user typed, its alternatives and
// how much an alternative counts compared with a word the user typed.
type expansion struct {
	typed  string
	alts   []string
	weight float64
}

// match finds the groups whose source terms occur in text (normalised), longest term first per
// group, in the order of the groups.
func (s *Synonyms) match(text string) []expansion { return s.state.Load().match(text) }

// current is the lexicon in force now. A training holds on to it, so that all its texts are
// expanded by one list and the saved matcher's key names that list (persist.go).
func (s *Synonyms) current() *lexState { return s.state.Load() }

func (st *lexState) match(text string) []expansion {
	if len(st.rules) == 0 {
		return nil
	}
	best := map[int32]int32{} // rule → rank of the longest source found
	for i, r := range text {
		for _, ref := range st.byFirst[r] {
			if strings.HasPrefix(text[i:], ref.term) {
				if b, ok := best[ref.rule]; !ok || ref.rank < b {
					best[ref.rule] = ref.rank
				}
			}
		}
	}
	if len(best) == 0 {
		return nil
	}
	rules := make([]int32, 0, len(best))
	for ri := range best {
		rules = append(rules, ri)
	}
	slices.Sort(rules)
	out := make([]expansion, 0, len(rules))
	for _, ri := range rules {
		r := st.rules[ri]
		typed := r.sources[best[ri]]
		var alts []string
		for _, t := range r.targets {
			if t != typed && !strings.Contains(typed, t) && !strings.Contains(text, t) {
				alts = append(alts, t)
			}
		}
		if len(alts) > 0 {
			out = append(out, expansion{typed: typed, alts: alts, weight: r.weight})
		}
	}
	return out
}
