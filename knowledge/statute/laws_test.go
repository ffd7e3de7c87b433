package statute_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/internal/testenv"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

// labelLine counts article labels independently of the parser: well-formed ones, and the one
// official file's typo with a space before 条.
var labelLine = regexp.MustCompile(`(?m)^第[零〇一二三四五六七八九十百千]+(条(之[一二三四五六七八九十]+)?[ \t　]| 条)`)

// The real statute texts parse completely: every label becomes an article, split books merge.
func TestParseSharedLaws(t *testing.T) {
	dir := filepath.Join(testenv.SharedDir(t), "laws")
	docs, err := statute.ParseFS(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files, books, labels := 0, 0, 0
	for _, e := range entries {
		if !statute.IsStatuteFile(e.Name()) {
			continue
		}
		files++
		if _, _, book := statute.FileName(e.Name()); book != "" {
			books++
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		labels += len(labelLine.FindAll(b, -1))
	}
	articles := 0
	byTitle := map[string]statute.Document{}
	for _, d := range docs {
		articles += len(d.Articles)
		byTitle[d.ShortTitle] = d
		if d.Version == "" {
			t.Errorf("%s: no version", d.Source)
		}
	}
	if len(docs) != files-books+1 || articles != labels {
		t.Fatalf("%d files (%d books) → %d documents, %d articles; want %d documents, %d articles",
			files, books, len(docs), articles, files-books+1, labels)
	}
	t.Logf("%d files → %d documents, %d articles", files, len(docs), articles)

	code := byTitle["民法典"]
	if code.Title != "中华人民共和国民法典" || code.Version != "2020-05-28" || strings.Count(code.Source, ".md") != books ||
		code.Articles[0].Label != "第一条" || code.Articles[len(code.Articles)-1].Label != "第一千二百六十条" {
		t.Errorf("民法典: %s %s %s, %d articles", code.Title, code.Version, code.Source, len(code.Articles))
	}
	for i := 1; i < len(code.Articles); i++ {
		if !code.Articles[i-1].Key().Less(code.Articles[i].Key()) {
			t.Fatalf("民法典 out of order at %s", code.Articles[i].Label)
		}
	}
	criminal := byTitle["刑法"]
	if criminal.Version != "2023-12-29" || !hasArticle(criminal, statute.Key{Number: 260, Suffix: "之一"}) {
		t.Errorf("刑法: version %s", criminal.Version)
	}
	for _, a := range byTitle["刑事诉讼法"].Articles {
		if a.Number == 128 && !strings.HasPrefix(a.Paragraphs[0], "侦查人员") {
			t.Errorf("刑事诉讼法 第一百二十八条 = %q", a.Paragraphs[0])
		}
	}
}

func hasArticle(d statute.Document, k statute.Key) bool {
	for _, a := range d.Articles {
		if a.Key() == k {
			return true
		}
	}
	return false
}
