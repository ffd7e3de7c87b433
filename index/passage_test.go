package index

import (
	"strings"
	"testing"
)

// The one-pass lookup finds a token in a text exactly when strings.Contains does: unigrams,
// bigrams, tokens at either end, ASCII words, and invalid UTF-8 on either side.
func TestGramLookupFindsWhatContainsFinds(t *testing.T) {
	texts := []string{"", "劳动合同 解除", "公司拖欠工资怎么办？", "excel表格ai合同", "合同\xe5\xb8同", "\xef\xbf\xbd合", "同合同"}
	toks := []string{"合同", "合", "同", "解除", "工资", "办", "ai", "excel", "表格ai", "\ufffd", "\xe5", "同合", "", "x"}
	look := newGramLookup(toks)
	for _, s := range texts {
		found := look.scan(s)
		for j, tok := range toks {
			got := found&(1<<j) != 0 || look.long[j] && strings.Contains(s, tok)
			if want := strings.Contains(s, tok); got != want {
				t.Errorf("%q in %q: lookup %v, strings.Contains %v", tok, s, got, want)
			}
		}
	}
}

// The table of a question's token ids finds each known token at its position and nothing else.
func TestIDTable(t *testing.T) {
	terms := []qterm{{id: 7, known: true}, {id: 3}, {id: 1 << 20, known: true}, {id: 0, known: true}}
	tab := newIDTable(terms)
	for j, x := range terms {
		got, ok := tab.get(x.id)
		if ok != x.known || ok && got != j {
			t.Errorf("id %d: %d %v, want %d %v", x.id, got, ok, j, x.known)
		}
	}
	for _, id := range []uint32{1, 8, 1<<20 + 1} {
		if _, ok := tab.get(id); ok {
			t.Errorf("id %d found", id)
		}
	}
	if rep := newIDTable([]qterm{{id: 5, known: true}, {id: 5, known: true}}); rep.keys != nil {
		t.Error("a repeated id was tabled")
	}
}
