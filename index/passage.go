package index

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// maxPassageRunes keeps the passage a chat-sized excerpt; the link leads to the rest.
const maxPassageRunes = 320

var (
	mdLinkRE   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdMarkRE   = regexp.MustCompile(`\*\*|__|` + "`")
	listMarkRE = regexp.MustCompile(`^\s*(?:[-*+]|\d+[.、)])\s+`)
)

// block is one paragraph or list item of an article body, under its section heading.
type block struct {
	heading string
	text    string // plain text
	norm    string // heading and text, normalised, for matching
	runes   int    // length of text in runes
}

// blocks splits a Markdown body into paragraphs and list items. The 法律依据 and 相关专题 sections
// only list citations and links: the chat shows those separately, so they are no passage.
func blocks(body string) []block {
	var out []block
	heading := ""
	var para []string
	flush := func() {
		if len(para) > 0 {
			t := strings.TrimSpace(strings.Join(para, ""))
			if t != "" && heading != "法律依据" && heading != "相关专题" {
				out = append(out, block{heading: heading, text: plain(t)})
			}
			para = para[:0]
		}
	}
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "#"):
			flush()
			heading = strings.TrimSpace(strings.TrimLeft(trimmed, "#"))
		case trimmed == "":
			flush()
		case listMarkRE.MatchString(line):
			flush()
			para = append(para, listMarkRE.ReplaceAllString(line, ""))
		default:
			para = append(para, trimmed)
		}
	}
	flush()
	return out
}

func plain(s string) string {
	s = mdLinkRE.ReplaceAllString(s, "$1")
	return mdMarkRE.ReplaceAllString(s, "")
}

// paragraphs returns the body's paragraphs, for the passage that answers, normalised.
func (d *doc) paragraphs(n *Normalizer) []block {
	d.blocksOnce.Do(func() {
		d.blocks = blocks(d.art.Body)
		for i := range d.blocks {
			d.blocks[i].norm = n.Normalize(d.blocks[i].heading + " " + d.blocks[i].text)
			d.blocks[i].runes = utf8.RuneCountInString(d.blocks[i].text)
		}
	})
	return d.blocks
}

// passage returns the block of d's body that covers most of the question's information, with its
// heading. The caller holds ix.mu.
// qtoks is ix.queryTokens(norm), or nil to have it computed.
func (ix *Index) passage(norm string, qtoks []string, exps []expansion, d *doc) answer.Passage {
	bs := d.paragraphs(ix.norm)
	if len(bs) == 0 {
		return answer.Passage{}
	}
	text := norm
	for _, e := range exps {
		text += " " + strings.Join(e.alts, " ")
	}
	q := qtoks
	if text != norm || q == nil {
		q = ix.queryTokens(text)
	}
	weights := make([]float64, len(q))
	for i, t := range q {
		weights[i] = ix.weight(t)
	}
	look := newGramLookup(q)
	best, bestScore := -1, 0.0
	for i, b := range bs {
		var s float64
		if b.norm != "" {
			found := look.scan(b.norm)
			for j, t := range q {
				if found&(1<<j) != 0 || look.long[j] && strings.Contains(b.norm, t) {
					s += weights[j]
				}
			}
		}
		// A long block covers more by chance; prefer the tighter one at equal coverage.
		s /= 1 + float64(b.runes)/600
		if s > bestScore {
			best, bestScore = i, s
		}
	}
	if best < 0 {
		return answer.Passage{}
	}
	t := bs[best].text
	if r := []rune(t); len(r) > maxPassageRunes {
		t = string(r[:maxPassageRunes]) + "……"
	}
	return answer.Passage{Heading: bs[best].heading, Text: t}
}

// Passage implements answer.PassageFinder.
func (ix *Index) Passage(question, slug string) answer.Passage {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	d := ix.docs[slug]
	if d == nil {
		return answer.Passage{}
	}
	norm := ix.norm.Normalize(question)
	return ix.passage(norm, nil, ix.syn.match(norm), d)
}

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
