// Package statute is the statute library (法条原文): it parses official statute texts into numbered
// articles, finds the citations in knowledge-base text (《劳动合同法》第四十七条) and resolves them
// against the imported documents, so that a citation can be checked and its text shown. The texts
// themselves are data: those the seed cites ship in knowledge/laws and are imported on start, and
// admins import newer versions and other documents.
package statute

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
)

// PRCPrefix is the prefix of national laws' full titles. Citations use the full and the short form
// interchangeably, so titles are compared without it.
const PRCPrefix = "中华人民共和国"

// Document is one version of one statute, law, regulation or judicial interpretation.
type Document struct {
	Title      string `json:"title"`       // 中华人民共和国劳动合同法
	ShortTitle string `json:"short_title"` // 劳动合同法
	Version    string `json:"version"`     // date of the version, YYYY-MM-DD, "" when unknown
	// InForce is when this version takes effect, YYYY-MM-DD: the date its last article names
	// (本法自2026年3月1日起施行) when that is later than Version, else Version. An amendment whose
	// own date of effect is not in the text counts from its adoption.
	InForce  string    `json:"in_force,omitempty"`
	Source   string    `json:"source"`   // the file name(s) it was read from
	Info     []string  `json:"info"`     // adoption and amendment lines
	Preamble []string  `json:"preamble"` // text before the first article
	Articles []Article `json:"articles"` // in document order
	Notes    []Note    `json:"notes"`    // headed text outside any article (刑法's 附件)
}

// Article is one numbered article. Number and Suffix identify it: 第二百六十条之一 is 260 and "之一".
type Article struct {
	Number     int      `json:"number"`
	Suffix     string   `json:"suffix,omitempty"`
	Label      string   `json:"label"`             // 第二百六十条之一
	Part       string   `json:"part,omitempty"`    // 编 and 分编 headings, or the book of a split code
	Chapter    string   `json:"chapter,omitempty"` // 章 heading, or an interpretation's 一、… heading
	Section    string   `json:"section,omitempty"` // 节 heading
	Paragraphs []string `json:"paragraphs"`        // 款 and 项 lines; the first without its label
}

// Note is text under a heading that belongs to no article.
type Note struct {
	Heading    string   `json:"heading"`
	Paragraphs []string `json:"paragraphs"`
}

// Key identifies an article within a document.
type Key struct {
	Number int    `json:"number"`
	Suffix string `json:"suffix,omitempty"`
}

// Key returns the article's key.
func (a Article) Key() Key { return Key{a.Number, a.Suffix} }

// Label writes the key as statutes do: 第四十七条, 第十七条之一.
func (k Key) Label() string { return "第" + FormatNumeral(k.Number) + "条" + k.Suffix }

// Less orders keys as the articles follow each other: 第十七条, 第十七条之一, 第十七条之二, 第十八条.
func (k Key) Less(o Key) bool {
	if k.Number != o.Number {
		return k.Number < o.Number
	}
	return suffixRank(k.Suffix) < suffixRank(o.Suffix)
}

// suffixRank is 0 for no suffix and n for 之n.
func suffixRank(s string) int {
	if s == "" {
		return 0
	}
	n, err := ParseNumeral(strings.TrimPrefix(s, "之"))
	if err != nil {
		return MaxNumber + 1
	}
	return n
}

// Text is the article as it reads in the statute, label included.
func (a Article) Text() string {
	if len(a.Paragraphs) == 0 {
		return a.Label
	}
	return a.Label + "　" + strings.Join(a.Paragraphs, "\n")
}

// ShortTitle drops every 中华人民共和国, including one inside an interpretation's title
// (最高人民法院关于适用《中华人民共和国民事诉讼法》的解释 → …《民事诉讼法》…).
func ShortTitle(title string) string { return strings.ReplaceAll(title, PRCPrefix, "") }

// TitleKey is the form in which titles are compared: without 中华人民共和国, with 〈〉 and <> read
// as 《》, full-width parentheses and no spaces. Two titles with the same key name the same document.
func TitleKey(title string) string {
	r := strings.NewReplacer("〈", "《", "〉", "》", "<", "《", ">", "》", "＜", "《", "＞", "》",
		"(", "（", ")", "）", " ", "", "　", "", "\u200b", "")
	return ShortTitle(r.Replace(strings.TrimSpace(title)))
}

// Validate checks what the store relies on: a title, at least one article, and keys that are
// valid and unique.
func (d *Document) Validate() error {
	v := &knowledge.ValidationError{}
	item := d.Source
	if item == "" {
		item = d.Title
	}
	if strings.TrimSpace(d.Title) == "" {
		v.Add(item, "title", "缺少文件名称")
	}
	if d.Version != "" {
		if _, err := time.Parse(time.DateOnly, d.Version); err != nil {
			v.Add(item, "version", "版本日期“%s”应为 YYYY-MM-DD 格式", d.Version)
		}
	}
	if len(d.Articles) == 0 {
		v.Add(item, "articles", "没有找到带条号（第X条）的条文")
	}
	seen := map[Key]bool{}
	for _, a := range d.Articles {
		k := a.Key()
		switch {
		case a.Number < 1 || a.Number > MaxNumber:
			v.Add(item, "articles", "条号 %d 超出范围", a.Number)
		case a.Suffix != "" && suffixRank(a.Suffix) > MaxNumber:
			v.Add(item, "articles", "%s：条号后缀“%s”无效", a.Label, a.Suffix)
		case seen[k]:
			v.Add(item, "articles", "%s 出现了两次", k.Label())
		}
		seen[k] = true
	}
	return v.Err()
}

// Digest fingerprints the document's content, so that re-importing the same text changes nothing.
// The file name is left out (a renamed file is the same text), and so is the difference between
// a nil and an empty list, which a round trip through storage does not keep.
func (d *Document) Digest() string {
	h := sha256.New()
	field := func(s string) { h.Write([]byte(s)); h.Write([]byte{0x1f}) }
	list := func(xs []string) {
		for _, x := range xs {
			field(x)
		}
		h.Write([]byte{0x1e})
	}
	field(d.Title)
	field(d.Version)
	list(d.Info)
	list(d.Preamble)
	for _, a := range d.Articles {
		field(strconv.Itoa(a.Number))
		field(a.Suffix)
		field(a.Part)
		field(a.Chapter)
		field(a.Section)
		list(a.Paragraphs)
	}
	h.Write([]byte{0x1d})
	for _, n := range d.Notes {
		field(n.Heading)
		list(n.Paragraphs)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Keys lists the document's article keys in order.
func (d *Document) Keys() []Key {
	out := make([]Key, len(d.Articles))
	for i, a := range d.Articles {
		out[i] = a.Key()
	}
	return out
}
