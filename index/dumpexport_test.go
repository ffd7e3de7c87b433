package index

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// DumpInternals describes, to 1e-9, every intermediate result of the search for q: the lexicon
// expansions, the query tokens, the Bleve rerank scores and the fused candidates. The answer
// dump (dump_test.go) compares it across builds: a change meant only to be faster must leave
// it byte for byte the same.
func (ix *Index) DumpInternals(q string) string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var b strings.Builder
	norm := ix.norm.Normalize(q)
	exps := ix.syn.match(norm)
	for _, e := range exps {
		fmt.Fprintf(&b, "exp %s -> %s (%.9f)\n", e.typed, strings.Join(e.alts, ","), e.weight)
	}
	qtoks := ix.queryTokens(norm)
	fmt.Fprintf(&b, "qtoks %s\n", strings.Join(qtoks, " "))
	matched := map[string]bool{}
	bl, err := ix.bleveRerank(context.Background(), norm, qtoks, exps, matched)
	if err != nil {
		fmt.Fprintf(&b, "error %v\n", err)
	}
	slugs := make([]string, 0, len(bl))
	for s := range bl {
		slugs = append(slugs, s)
	}
	sort.Strings(slugs)
	for _, s := range slugs {
		fmt.Fprintf(&b, "bl %s %.9f\n", s, bl[s])
	}
	var ms []string
	for t := range matched {
		ms = append(ms, t)
	}
	sort.Strings(ms)
	fmt.Fprintf(&b, "matched %s\n", strings.Join(ms, " "))
	md := ix.model
	mq := md.m.prepare(norm, exps)
	fmt.Fprintf(&b, "mq known %.9f long %.9f features %d order %v\n", mq.known, mq.long, len(mq.vec.ids), mq.order)
	cs := md.rankScores(md.m.score(mq, nil), md.blByIndex(bl), mq)
	for _, c := range cs {
		fmt.Fprintf(&b, "cand %s p %.9f x", md.m.slugs[c.article], c.p)
		for _, x := range c.x {
			fmt.Fprintf(&b, " %.9f", x)
		}
		b.WriteString("\n")
	}
	return b.String()
}
