package statute

import (
	"fmt"
	"strings"
	"unicode"
)

type headingKind int

const (
	kindChapter headingKind = iota // 第X章, or an interpretation's 一、… heading
	kindPart                       // 第X编, 第X分编, or a book of a split code
	kindSection                    // 第X节
)

type heading struct {
	level int
	text  string
	kind  headingKind
}

// builder turns the body lines of a statute file into articles, keeping track of the headings
// above each one.
type builder struct {
	doc   Document
	stack []heading
	open  bool // the last article still takes paragraphs
	last  Key
	note  bool // the last note still takes paragraphs
}

// line consumes one non-empty body line.
func (b *builder) line(line string) error {
	if h, ok := parseHeading(line); ok {
		b.heading(h)
		return nil
	}
	if l, ok := readLabel(line); ok {
		accept, err := b.accepts(l)
		if err != nil {
			return err
		}
		if accept {
			b.startArticle(l.key, l.rest)
			return nil
		}
	}
	switch {
	case b.open:
		a := &b.doc.Articles[len(b.doc.Articles)-1]
		a.Paragraphs = append(a.Paragraphs, line)
	case len(b.doc.Articles) == 0:
		b.doc.Preamble = append(b.doc.Preamble, line)
	default:
		if !b.note {
			b.doc.Notes = append(b.doc.Notes, Note{Heading: b.innermost()})
			b.note = true
		}
		x := &b.doc.Notes[len(b.doc.Notes)-1]
		x.Paragraphs = append(x.Paragraphs, line)
	}
	return nil
}

// isArticle reports whether line would start an article; files without the info marker use it to
// find where the body begins.
func (b *builder) isArticle(line string) bool {
	l, ok := readLabel(line)
	if !ok {
		return false
	}
	accept, err := b.accepts(l)
	return accept && err == nil
}

// accepts decides whether a 第X条 at the start of a line opens an article. Articles only go up, so a
// well-formed label that does not is an error in the file. A label with a space before 条
// (第一百二十八 条侦查人员…, a typo in one official file) is taken only as the very next number.
// Anything else (第五条规定的…) is ordinary text that begins with a reference.
func (b *builder) accepts(l label) (bool, error) {
	first := len(b.doc.Articles) == 0
	switch {
	case l.strict:
		if !first && !b.last.Less(l.key) {
			return false, fmt.Errorf("%s 排在 %s 之后，条文顺序不对", l.key.Label(), b.last.Label())
		}
		return true, nil
	case l.spaced && first:
		return l.key == Key{Number: 1}, nil
	case l.spaced:
		return l.key.Suffix == "" && l.key.Number == b.last.Number+1, nil
	}
	return false, nil
}

func (b *builder) startArticle(k Key, rest string) {
	a := Article{Number: k.Number, Suffix: k.Suffix, Label: k.Label()}
	var parts []string
	for _, h := range b.stack {
		switch h.kind {
		case kindPart:
			parts = append(parts, h.text)
		case kindChapter:
			a.Chapter = h.text
		case kindSection:
			a.Section = h.text
		}
	}
	a.Part = strings.Join(parts, " ")
	if rest != "" {
		a.Paragraphs = append(a.Paragraphs, rest)
	}
	b.doc.Articles = append(b.doc.Articles, a)
	b.open, b.note, b.last = true, false, k
}

func (b *builder) heading(h heading) {
	for len(b.stack) > 0 && b.stack[len(b.stack)-1].level >= h.level {
		b.stack = b.stack[:len(b.stack)-1]
	}
	if h.text != "" {
		b.stack = append(b.stack, h)
	}
	b.open, b.note = false, false
}

func (b *builder) innermost() string {
	if len(b.stack) == 0 {
		return ""
	}
	return b.stack[len(b.stack)-1].text
}

// parseHeading reads a Markdown heading and classifies it. "##" alone is an empty heading: it
// still closes the levels below it.
func parseHeading(line string) (heading, bool) {
	level := 0
	for level < len(line) && line[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(line) && line[level] != ' ' && line[level] != '\t') {
		return heading{}, false
	}
	text := strings.Join(strings.FieldsFunc(line[level:], unicode.IsSpace), " ")
	h := heading{level: level, text: text, kind: kindChapter}
	if level == 1 {
		h.kind = kindPart
	}
	if _, unit, ok := ordinal(text); ok {
		switch unit {
		case "编", "分编":
			h.kind = kindPart
		case "节":
			h.kind = kindSection
		}
	}
	return h, true
}

// ordinal reads a leading 第X编/分编/章/节 and returns the number and the unit.
func ordinal(text string) (int, string, bool) {
	rs := []rune(text)
	if len(rs) < 3 || rs[0] != '第' {
		return 0, "", false
	}
	i := 1
	for i < len(rs) && isNumeralRune(rs[i]) {
		i++
	}
	n, err := ParseNumeral(string(rs[1:i]))
	if err != nil {
		return 0, "", false
	}
	rest := string(rs[i:])
	for _, unit := range []string{"分编", "编", "章", "节"} {
		if strings.HasPrefix(rest, unit) {
			return n, unit, true
		}
	}
	return 0, "", false
}

// label is a 第X条 or 第X条之Y at the start of a line.
type label struct {
	key  Key
	rest string // the text after it
	// strict: written as statutes write it, nothing between the numeral and 条 and a space or the
	// end of the line after the label. spaced: a space before 条.
	strict, spaced bool
}

// readLabel reads a label at the start of line.
func readLabel(line string) (label, bool) {
	var l label
	rs := []rune(line)
	if len(rs) < 3 || rs[0] != '第' {
		return l, false
	}
	i := 1
	for i < len(rs) && isNumeralRune(rs[i]) {
		i++
	}
	n, err := ParseNumeral(string(rs[1:i]))
	if err != nil {
		return l, false
	}
	j := i
	for j < len(rs) && unicode.IsSpace(rs[j]) {
		j++
	}
	if j >= len(rs) || rs[j] != '条' {
		return l, false
	}
	l.spaced = j > i
	j++
	l.key = Key{Number: n}
	if j+1 < len(rs) && rs[j] == '之' {
		e := j + 1
		for e < len(rs) && isNumeralRune(rs[e]) {
			e++
		}
		if _, err := ParseNumeral(string(rs[j+1 : e])); err == nil {
			l.key.Suffix, j = string(rs[j:e]), e
		}
	}
	l.strict = !l.spaced && (j == len(rs) || unicode.IsSpace(rs[j]))
	l.rest = strings.TrimSpace(string(rs[j:]))
	return l, true
}
