package statute

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
)

// MaxFileSize caps one statute file. The largest code (刑法) is about 220 KB.
const MaxFileSize = 4 << 20

// InfoEnd ends the adoption and amendment lines of a statute file.
const InfoEnd = "<!-- INFO END -->"

var (
	fileDateRE = regexp.MustCompile(`[(（]\s*(\d{4}-\d{2}-\d{2})\s*[)）]\s*$`)
	infoDateRE = regexp.MustCompile(`(\d{4})年(\d{1,2})月(\d{1,2})日`)
)

// FileName splits a statute file's name into the name proper, the version date and, for a code
// split by book (民法典-合同编.md), the book: 公司法(2023-12-29).md → 公司法, 2023-12-29, "".
func FileName(name string) (base, version, book string) {
	base = name
	if strings.EqualFold(path.Ext(name), ".md") {
		base = name[:len(name)-len(".md")]
	}
	if m := fileDateRE.FindStringSubmatchIndex(base); m != nil {
		version = base[m[2]:m[3]]
		base = strings.TrimSpace(base[:m[0]])
	}
	if i := strings.LastIndex(base, "-"); i > 0 {
		base, book = base[:i], base[i+1:]
	}
	return base, version, book
}

// parsed is one file's document before the books of a split code are merged.
type parsed struct {
	doc  Document
	book string // "" for a whole document
}

// Parse reads one statute file. name, the file's base name, supplies the version date; without
// one the latest adoption or amendment date of the info lines is used.
func Parse(name string, data []byte) (Document, error) {
	p, err := parseFile(name, data)
	return p.doc, err
}

// lineError reports a problem at a line of a file, or with the whole file when line is 0. It is a
// knowledge.ValidationError, so that a directory's problems are listed together by file name.
func lineError(file string, line int, format string, args ...any) error {
	v := &knowledge.ValidationError{}
	where := "file"
	if line > 0 {
		where = fmt.Sprintf("line %d", line)
	}
	v.Add(file, where, format, args...)
	return v
}

func parseFile(name string, data []byte) (parsed, error) {
	var p parsed
	if len(data) > MaxFileSize {
		return p, lineError(name, 0, "文件超过 %d 字节", MaxFileSize)
	}
	if !utf8.Valid(data) {
		return p, lineError(name, 0, "不是 UTF-8 编码的文本")
	}
	_, fileVersion, fileBook := FileName(name)
	b := &builder{doc: Document{Source: name}}
	inHeader := true
	for i, raw := range strings.Split(string(data), "\n") {
		line := cleanLine(raw)
		if line == "" {
			continue
		}
		n := i + 1
		if inHeader {
			switch {
			case b.doc.Title == "":
				if !strings.HasPrefix(line, "# ") {
					return p, lineError(name, n, "第一行应为“# 文件名称”，而不是“%s”", clip(line))
				}
				b.doc.Title = strings.TrimSpace(strings.TrimPrefix(line, "# "))
				continue
			case line == InfoEnd:
				inHeader = false
				continue
			case strings.HasPrefix(line, "# "):
				p.book = strings.TrimSpace(strings.TrimPrefix(line, "# "))
				continue
			case !strings.HasPrefix(line, "##") && !b.isArticle(line):
				b.doc.Info = append(b.doc.Info, line)
				continue
			}
			// A file without the marker: its first heading or article ends the info lines.
			inHeader = false
		}
		if err := b.line(line); err != nil {
			return p, lineError(name, n, "%v", err)
		}
	}
	if b.doc.Title == "" {
		return p, lineError(name, 1, "文件为空")
	}
	if p.book == "" {
		p.book = fileBook
	}
	b.doc.ShortTitle = ShortTitle(b.doc.Title)
	b.doc.Version = fileVersion
	if b.doc.Version == "" {
		b.doc.Version = infoVersion(b.doc.Info)
	}
	b.doc.InForce = inForceDate(&b.doc)
	if p.book != "" {
		for i := range b.doc.Articles {
			b.doc.Articles[i].Part = strings.TrimSpace(p.book + " " + b.doc.Articles[i].Part)
		}
	}
	p.doc = b.doc
	return p, p.doc.Validate()
}

// cleanLine trims a line and drops the zero-width characters that copied official texts carry.
func cleanLine(s string) string {
	s = strings.NewReplacer("\ufeff", "", "\u200b", "", "\u200c", "", "\u200d", "", "\r", "").Replace(s)
	return strings.TrimSpace(s)
}

// infoVersion is the latest adoption, amendment or promulgation date among the info lines. Dates
// of entry into force (施行) are left out: the version is the text's, not the day it applies.
func infoVersion(info []string) string {
	best := ""
	for _, l := range info {
		if strings.Contains(l, "施行") && !strings.ContainsAny(l, "通过修正订布") {
			continue
		}
		for _, m := range infoDateRE.FindAllStringSubmatch(l, -1) {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			day, _ := strconv.Atoi(m[3])
			d := fmt.Sprintf("%04d-%02d-%02d", y, mo, day)
			if _, err := time.Parse(time.DateOnly, d); err == nil && d > best {
				best = d
			}
		}
	}
	return best
}

var inForceRE = regexp.MustCompile(`自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起\s*施行`)

// inForceDate is the version's date of effect: the date in the last articles' 起施行 clause when it
// is later than the version date, otherwise the version date.
func inForceDate(d *Document) string {
	best := d.Version
	from := max(0, len(d.Articles)-3)
	for _, a := range d.Articles[from:] {
		for _, p := range a.Paragraphs {
			for _, m := range inForceRE.FindAllStringSubmatch(p, -1) {
				y, _ := strconv.Atoi(m[1])
				mo, _ := strconv.Atoi(m[2])
				day, _ := strconv.Atoi(m[3])
				if v := fmt.Sprintf("%04d-%02d-%02d", y, mo, day); v > best {
					best = v
				}
			}
		}
	}
	return best
}

func clip(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}

// sortArticles orders a merged code's articles and reports a key that two books share.
func sortArticles(as []Article) error {
	sort.SliceStable(as, func(i, j int) bool { return as[i].Key().Less(as[j].Key()) })
	for i := 1; i < len(as); i++ {
		if as[i].Key() == as[i-1].Key() {
			return fmt.Errorf("%s 同时出现在两个分编中", as[i].Label)
		}
	}
	return nil
}
