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
