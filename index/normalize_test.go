package index

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/longbridgeapp/opencc"

	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge/seed"
)

// The fast conversion gives exactly what OpenCC's Convert gives: on every seed text, on the same
// texts turned traditional (so that phrases and characters do convert), and on random mixtures of
// the characters and phrases its dictionaries know.
func TestToSimplifiedMatchesOpenCC(t *testing.T) {
	n, err := NewNormalizer()
	if err != nil {
		t.Fatal(err)
	}
	s2t, err := opencc.New("s2t")
	if err != nil {
		t.Fatal(err)
	}
	as, err := kbfile.ReadFS(seed.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, a := range as {
		texts = append(texts, a.Title, a.Summary, a.Body)
		texts = append(texts, a.Questions...)
		texts = append(texts, a.Phrasings...)
	}
	for _, s := range texts[:len(texts):len(texts)] {
		trad, err := s2t.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, trad)
	}
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"乾隆", "一目瞭然", "不瞭解", "瞭", "乾", "發", "髮", "著", "麵", "干", "了", "后", "後", "裡", "於",
		"帳戶", "a", "1", "，", "\n", " ", "𠮷", "臺灣", "台", "鬱", "郁", "只", "隻"}
	for range 2000 {
		var b strings.Builder
		for range 1 + r.IntN(20) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	converted := 0
	for _, s := range texts {
		want, err := n.t2s.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.toSimplified(s); got != want {
			t.Fatalf("toSimplified(%q) = %q, OpenCC gives %q", s, got, want)
		}
		if want != s {
			converted++
		}
	}
	if converted < len(texts)/4 {
		t.Fatalf("premise: only %d of %d texts change when converted", converted, len(texts))
	}
}
