package index

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The learned matcher reads text as character n-grams rather than words: Chinese has no spaces,
// real questions are full of typos and dialect, and n-grams degrade gracefully where a word
// segmenter would fail. Unigrams say little on their own and count less.
const (
	uniWeight = 0.35
	biWeight  = 1.0
	triWeight = 0.8
)

// vocab interns feature strings to small integers. It is built once per training and read-only
// afterwards.
type vocab struct {
	ids map[string]int32
	idf []float32
}

// sparse is a feature vector, sorted by id with no duplicates once finished.
type sparse struct {
	ids []int32
	ws  []float32
}

// grams calls fn for every n-gram of the normalised text with its type weight. Framing words
// (怎么, 可以) and digits are left out.
func grams(norm string, scale float64, fn func(g string, w float64)) {
	// Every gram is a substring of norm (a run of Han characters, or of ASCII letters and digits,
	// is contiguous in it), so it is sliced from norm rather than built from runes: no gram
	// allocates. offs holds the byte offsets of the current run's runes.
	var buf [64]int
	offs := buf[:0]
	flush := func(end int) {
		n := len(offs)
		offs = append(offs, end)
		for i := 0; i < n; i++ {
			if g := norm[offs[i]:offs[i+1]]; !stopTokens[g] {
				fn(g, uniWeight*scale)
			}
			if i+1 < n {
				if g := norm[offs[i]:offs[i+2]]; !stopTokens[g] {
					fn(g, biWeight*scale)
				}
			}
			if i+2 < n {
				fn(norm[offs[i]:offs[i+3]], triWeight*scale)
			}
		}
		offs = offs[:0]
	}
	wordStart, wordEnd, digits := -1, 0, true
	flushWord := func() {
		if wordStart >= 0 && wordEnd-wordStart >= 2 && !digits {
			fn(norm[wordStart:wordEnd], biWeight*scale)
		}
		wordStart, digits = -1, true
	}
	for i, r := range norm {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			offs = append(offs, i)
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '+'):
			flush(i)
			if wordStart < 0 {
				wordStart = i
			}
			wordEnd = i + 1
			digits = digits && r >= '0' && r <= '9'
		default:
			flush(i)
			flushWord()
		}
	}
	flush(len(norm))
	flushWord()
}

// counts gathers the raw n-gram counts of a text and of its lexicon expansions: an expansion's
// grams count at the group's weight, so 贴条子 also carries 查封 but not as strongly as a question
// that says 查封 itself.
func counts(norm string, exps []expansion) map[string]float64 {
	c := make(map[string]float64, 3*utf8.RuneCountInString(norm))
	add := func(g string, w float64) { c[g] += w }
	grams(norm, 1, add)
	if f := focus(norm); f != "" {
		grams(f, focusWeight, add)
	}
	for _, e := range exps {
		for _, alt := range e.alts {
			grams(alt, 0.8*e.weight, add)
		}
	}
	return c
}

// vector weights counts by tf-idf (sublinear tf) and L2-normalises over the known features. It
// also returns the share of the text's information that the vocabulary knows: a long story made
// mostly of words no article uses is a weaker match than a short question, at equal cosine.
func (v *vocab) vector(c map[string]float64, maxIDF float32) (sparse, float64) {
	var s sparse
	var known, all float64
	for g, n := range c {
		tw := 1 + math.Log(1+n) - math.Log(2)
		if id, ok := v.ids[g]; ok {
			w := float32(tw) * v.idf[id]
			s.ids = append(s.ids, id)
			s.ws = append(s.ws, w)
			known += float64(w) * float64(w)
			all += float64(w) * float64(w)
		} else {
			w := tw * float64(maxIDF)
			if utf8.RuneCountInString(g) == 1 {
				w *= uniWeight
			}
			all += w * w
		}
	}
	s.sortByID()
	s.normalize()
	if all == 0 {
		return s, 0
	}
	return s, math.Sqrt(known / all)
}

func (s *sparse) normalize() {
	var n float64
	for _, w := range s.ws {
		n += float64(w) * float64(w)
	}
	if n == 0 {
		return
	}
	inv := float32(1 / math.Sqrt(n))
	for i := range s.ws {
		s.ws[i] *= inv
	}
}

// sortByID orders the features by id; a long story has several hundred, too many for an
// insertion sort.
func (s *sparse) sortByID() { sort.Sort(byID{s}) }

type byID struct{ s *sparse }

func (b byID) Len() int           { return len(b.s.ids) }
func (b byID) Less(i, j int) bool { return b.s.ids[i] < b.s.ids[j] }
func (b byID) Swap(i, j int) {
	b.s.ids[i], b.s.ids[j] = b.s.ids[j], b.s.ids[i]
	b.s.ws[i], b.s.ws[j] = b.s.ws[j], b.s.ws[i]
}

// A long story says what it asks in one sentence, usually the last with a question in it; the rest
// is background that shares words with many articles (a debt, a contract, a court). The asking
// sentence's grams count focusWeight more, so the background does not pull the question to a
// neighbour. Short questions are all focus and stay as they are.
const (
	focusMinRunes = 60
	focusWeight   = 0.4
)

// questionCues mark a sentence that asks something.
var questionCues = []string{"?", "吗", "么", "怎么", "如何", "能否", "是否", "可以", "能不能", "怎样", "什么", "哪", "该"}

// focus returns the asking sentence of a long text, or "" when there is none or the text is short.
func focus(norm string) string {
	n := utf8.RuneCountInString(norm)
	if n < focusMinRunes {
		return ""
	}
	var best string
	consider := func(s string, asked bool) {
		if utf8.RuneCountInString(s) >= 4 && (asked || containsAny(s, questionCues)) {
			best = s
		}
	}
	start := 0
	for i, r := range norm {
		if r == '。' || r == '?' || r == '!' || r == ';' || r == '；' || r == '\n' {
			consider(norm[start:i], r == '?')
			start = i + utf8.RuneLen(r)
		}
	}
	consider(norm[start:], false)
	if best == "" || utf8.RuneCountInString(best)*2 > n {
		return ""
	}
	return best
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
