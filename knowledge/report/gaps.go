package report

import (
	"context"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// Gap is a group of questions the bot could not answer well that share a key term.
type Gap struct {
	Term      string   `json:"term"`       // the shared term (the knowledge base's vocabulary)
	Related   []string `json:"related"`    // other terms common in the group
	Count     int      `json:"count"`      // questions in the group
	Examples  []string `json:"examples"`   // up to five, most recent first
	Unhelpful int      `json:"unhelpful"`  // of them, marked 没帮助
	Uncovered int      `json:"uncovered"`  // of them, sent to a judge as uncovered
	LastAsked string   `json:"last_asked"` // date
}

// isGap: an answer with low confidence, a legal question no article covers, or a reply the
// enterprise marked 没帮助.
func (s *Service) isGap(r Answered) bool {
	switch {
	case r.Intent == answer.IntentEscalate && r.Reason == answer.ReasonUncovered:
		return true
	case r.Feedback == -1:
		return true
	case r.Intent == answer.IntentAnswer && r.Confidence < s.LowConfidence:
		return true
	}
	return false
}

// Gaps groups the period's gap questions so that repeated needs stand out. Each question joins the
// group of its key term shared by the most gap questions (a term in one question only is no
// pattern); questions sharing nothing are grouped under their own best term with a count of one.
// Groups are ordered by size.
func (s *Service) Gaps(ctx context.Context, from, to time.Time) ([]Gap, error) {
	rows, err := s.src.AnsweredBetween(ctx, from, to)
	if err != nil {
		return nil, err
	}
	type q struct {
		r     Answered
		terms []string
	}
	var qs []q
	df := map[string]int{}
	for _, r := range rows {
		if !s.isGap(r) || strings.TrimSpace(r.Question) == "" {
			continue
		}
		terms := keyTerms(s.terms(r.Question))
		qs = append(qs, q{r: r, terms: terms})
		for _, t := range terms {
			df[t]++
		}
	}
	groups := map[string]*Gap{}
	co := map[string]map[string]int{}
	for _, x := range qs {
		best := ""
		for _, t := range x.terms {
			if best == "" || df[t] > df[best] || df[t] == df[best] && t < best {
				best = t
			}
		}
		if best == "" {
			best = "（其他）"
		}
		g := groups[best]
		if g == nil {
			g = &Gap{Term: best}
			groups[best] = g
			co[best] = map[string]int{}
		}
		g.Count++
		if x.r.Feedback == -1 {
			g.Unhelpful++
		}
		if x.r.Reason == answer.ReasonUncovered {
			g.Uncovered++
		}
		day := x.r.At.In(cst).Format("2006-01-02")
		if day > g.LastAsked {
			g.LastAsked = day
		}
		g.Examples = append(g.Examples, x.r.Question)
		for _, t := range x.terms {
			if t != best {
				co[best][t]++
			}
		}
	}
	out := make([]Gap, 0, len(groups))
	for term, g := range groups {
		// Most recent examples first, at most five, without repeats.
		seen := map[string]bool{}
		var ex []string
		for i := len(g.Examples) - 1; i >= 0 && len(ex) < 5; i-- {
			if e := g.Examples[i]; !seen[e] {
				seen[e] = true
				ex = append(ex, e)
			}
		}
		g.Examples = ex
		type tc struct {
			t string
			n int
		}
		var rel []tc
		for t, n := range co[term] {
			if n >= 2 || g.Count == 1 {
				rel = append(rel, tc{t, n})
			}
		}
		sort.Slice(rel, func(i, j int) bool { return rel[i].n > rel[j].n || rel[i].n == rel[j].n && rel[i].t < rel[j].t })
		for i := 0; i < len(rel) && i < 4; i++ {
			g.Related = append(g.Related, rel[i].t)
		}
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Term < out[j].Term
	})
	return out, nil
}

// keyTerms keeps two-character terms and longer (bigrams carry the meaning; single characters
// are noise for grouping), without repeats.
func keyTerms(ts []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range ts {
		if utf8.RuneCountInString(t) < 2 || seen[t] || allASCIIDigits(t) {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func allASCIIDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
