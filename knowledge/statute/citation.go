package statute

import (
	"strings"
	"unicode"
)

// maxTitleRunes bounds a cited title. The longest real ones (最高人民法院、最高人民检察院关于…的解释)
// stay under 80 characters; the bound keeps a stray 《 from swallowing a paragraph.
const maxTitleRunes = 120

// Citation is one cited article, or one document cited by name only. A citation of several
// articles (《民法典》第五百七十七条、第五百八十五条) yields one Citation per article, sharing Source.
type Citation struct {
	Title     string `json:"title"`               // as written inside the outer 《》
	Article   Key    `json:"article"`             // zero for a citation by name only
	Paragraph int    `json:"paragraph,omitempty"` // 第X款
	Item      int    `json:"item,omitempty"`      // 第X项
	Source    string `json:"source"`              // the whole citation as written
	Offset    int    `json:"offset"`              // byte offset of Source in the text
}

// Numbered reports whether the citation names an article.
func (c Citation) Numbered() bool { return c.Article.Number > 0 }

// String writes the citation of this one article: 《劳动合同法》第四十七条第二款.
func (c Citation) String() string {
	s := "《" + c.Title + "》"
	if !c.Numbered() {
		return s
	}
	s += c.Article.Label()
	if c.Paragraph > 0 {
		s += "第" + FormatNumeral(c.Paragraph) + "款"
	}
	if c.Item > 0 {
		s += "第" + FormatNumeral(c.Item) + "项"
	}
	return s
}

// Extract finds every citation in text: a title in 《》 (an inner title in 〈〉 or a nested 《》),
// then any number of articles joined by 、和及与或至, each with an optional 款 and 项. A title with
// no article after it is a citation by name only.
func Extract(text string) []Citation {
	rs := []rune(text)
	offsets := make([]int, len(rs)+1)
	for i, pos := 0, 0; i < len(rs); i++ {
		offsets[i] = pos
		pos += len(string(rs[i]))
		offsets[i+1] = pos
	}
	var out []Citation
	for i := 0; i < len(rs); i++ {
		if rs[i] != '《' {
			continue
		}
		end := closeTitle(rs, i)
		if end < 0 {
			continue
		}
		title := strings.TrimSpace(string(rs[i+1 : end]))
		if title == "" {
			continue
		}
		p := skipEdition(rs, end+1)
		refs, after := readRefs(rs, p)
		src := text[offsets[i]:offsets[after]]
		if len(refs) == 0 {
			src = text[offsets[i]:offsets[end+1]]
			refs = []Citation{{}}
		}
		for _, r := range refs {
			r.Title, r.Source, r.Offset = title, src, offsets[i]
			out = append(out, r)
		}
		i = max(end, after-1)
	}
	return out
}

// closeTitle returns the index of the 》 that closes the 《 at start, counting nested 《》, or -1.
func closeTitle(rs []rune, start int) int {
	depth := 0
	for j := start; j < len(rs) && j-start <= maxTitleRunes; j++ {
		switch rs[j] {
		case '《':
			depth++
		case '》':
			depth--
			if depth == 0 {
				return j
			}
		case '\n':
			return -1
		}
	}
	return -1
}

// skipEdition steps over an edition note between a title and its articles, such as
// 《公司法》（2018年修正）第七十一条, so that the articles are still read.
func skipEdition(rs []rune, p int) int {
	if p >= len(rs) || (rs[p] != '（' && rs[p] != '(') {
		return p
	}
	for j := p + 1; j < len(rs) && j-p <= 20; j++ {
		if rs[j] == '）' || rs[j] == ')' {
			inner := string(rs[p+1 : j])
			if strings.Contains(inner, "年") || strings.Contains(inner, "修正") || strings.Contains(inner, "修订") {
				return j + 1
			}
			return p
		}
	}
	return p
}

// readRefs reads 第X条[之Y][第X款][第X项] references joined by separators, starting at p. A
// separator followed by a bare 第X款 adds a paragraph of the same article and is consumed without
// a citation of its own. It returns the references and the index after the last one.
func readRefs(rs []rune, p int) ([]Citation, int) {
	var out []Citation
	end := p
	for {
		if c, q, ok := readArticle(rs, p); ok {
			out = append(out, c)
			end, p = q, q
		} else if _, q, ok := readUnit(rs, p, '款'); ok && len(out) > 0 {
			end, p = q, q
		} else {
			return out, end
		}
		q := skipSeparator(rs, p)
		if q == p || q >= len(rs) || rs[q] != '第' {
			return out, end
		}
		p = q
	}
}

// skipSeparator steps over what joins the articles of one citation: 、, 和, 至 …
func skipSeparator(rs []rune, p int) int {
	rest := string(rs[p:min(len(rs), p+2)])
	// Longer ones first: 或者 is not 或 followed by 者.
	for _, s := range [...]string{"以及", "或者", "、", "，", "和", "及", "与", "或", "至", "到", "-", "－", "~", "～"} {
		if strings.HasPrefix(rest, s) {
			return p + len([]rune(s))
		}
	}
	return p
}

// readArticle reads 第X条, 第X条之Y, then an optional 款 and 项.
func readArticle(rs []rune, p int) (Citation, int, bool) {
	var c Citation
	n, q, ok := readUnit(rs, p, '条')
	if !ok {
		return c, p, false
	}
	c.Article.Number = n
	if q+1 < len(rs) && rs[q] == '之' {
		e := q + 1
		for e < len(rs) && isNumeralRune(rs[e]) {
			e++
		}
		if _, err := ParseNumeral(string(rs[q+1 : e])); err == nil {
			c.Article.Suffix, q = string(rs[q:e]), e
		}
	}
	if n, e, ok := readUnit(rs, q, '款'); ok {
		c.Paragraph, q = n, e
	}
	if n, e, ok := readUnit(rs, q, '项'); ok {
		c.Item, q = n, e
	}
	return c, q, true
}

// readUnit reads 第X<unit> at p, where X is a Chinese or Arabic number, optionally in parentheses
// (第（二）项) and with spaces around it (第 47 条).
func readUnit(rs []rune, p int, unit rune) (int, int, bool) {
	if p >= len(rs) || rs[p] != '第' {
		return 0, p, false
	}
	q := skipSpace(rs, p+1)
	paren := q < len(rs) && (rs[q] == '（' || rs[q] == '(')
	if paren {
		q++
	}
	s := q
	for q < len(rs) && isNumberRune(rs[q]) {
		q++
	}
	n, err := ParseNumber(string(rs[s:q]))
	if err != nil {
		return 0, p, false
	}
	if paren {
		if q >= len(rs) || (rs[q] != '）' && rs[q] != ')') {
			return 0, p, false
		}
		q++
	}
	q = skipSpace(rs, q)
	if q >= len(rs) || rs[q] != unit {
		return 0, p, false
	}
	return n, q + 1, true
}

func skipSpace(rs []rune, p int) int {
	for p < len(rs) && unicode.IsSpace(rs[p]) && rs[p] != '\n' {
		p++
	}
	return p
}
