package statute_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/statute"
)

// writeFiles writes statute files into a fresh directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const sampleLaw = `# 中华人民共和国示例法

2001年1月1日 第九届全国人民代表大会常务委员会第一次会议通过

2012年12月28日 第十一届全国人民代表大会常务委员会第三十次会议《关于修改<中华人民共和国示例法>的决定》修正

<!-- INFO END -->

## 第一章 总则

第一条 为了示例，制定本法。

第二条 本法适用于示例。

前款所称示例，包括：

（一）第一种；

（二）第二种。

## 第二章　分则

### 第一节  一般规定

第三条 第一款规定的示例，依照本法执行。

第三条之一 新增的条文。

第四条规定的内容不是新条文，而是第三条之一的第二款。

第四 条 官方文本里的笔误：条号中间有空格。

第九 条 不是下一条，所以只是一段文字。

### 第二节 特别规定

第六条　全角空格分隔的条文。

## 附件一

附件正文。
`

func TestParseStructure(t *testing.T) {
	dir := writeFiles(t, map[string]string{"示例法(2012-12-28).md": sampleLaw, "README.md": "# 说明\n"})
	docs, err := statute.ParseFS(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("got %d documents", len(docs))
	}
	d := docs[0]
	if d.Title != "中华人民共和国示例法" || d.ShortTitle != "示例法" || d.Version != "2012-12-28" ||
		d.Source != "示例法(2012-12-28).md" || len(d.Info) != 2 {
		t.Fatalf("document = %+v", d)
	}
	var labels []string
	for _, a := range d.Articles {
		labels = append(labels, a.Label)
	}
	if strings.Join(labels, " ") != "第一条 第二条 第三条 第三条之一 第四条 第六条" {
		t.Fatalf("labels = %v", labels)
	}
	a2, a3x, a4, a6 := d.Articles[1], d.Articles[3], d.Articles[4], d.Articles[5]
	if len(a2.Paragraphs) != 4 || a2.Paragraphs[0] != "本法适用于示例。" || a2.Paragraphs[3] != "（二）第二种。" ||
		a2.Chapter != "第一章 总则" || a2.Section != "" {
		t.Errorf("article 2 = %+v", a2)
	}
	if a3x.Number != 3 || a3x.Suffix != "之一" || len(a3x.Paragraphs) != 2 || a3x.Chapter != "第二章 分则" ||
		a3x.Section != "第一节 一般规定" {
		t.Errorf("article 3-1 = %+v", a3x)
	}
	if a4.Number != 4 || a4.Paragraphs[0] != "官方文本里的笔误：条号中间有空格。" || len(a4.Paragraphs) != 2 {
		t.Errorf("article 4 = %+v", a4)
	}
	if a6.Section != "第二节 特别规定" || a6.Paragraphs[0] != "全角空格分隔的条文。" {
		t.Errorf("article 6 = %+v", a6)
	}
	if len(d.Notes) != 1 || d.Notes[0].Heading != "附件一" || d.Notes[0].Paragraphs[0] != "附件正文。" {
		t.Errorf("notes = %+v", d.Notes)
	}
	if got := a2.Text(); !strings.HasPrefix(got, "第二条　本法适用于示例。\n前款所称示例") {
		t.Errorf("text = %q", got)
	}
}

// An interpretation has text between the info marker and its first article, and headings of the
// form 一、…; an undated file takes its version from the info lines, leaving out the entry into force.
func TestParsePreambleAndInfoVersion(t *testing.T) {
	text := "# 最高人民法院关于适用《中华人民共和国示例法》的解释\n\n2020年12月23日 最高人民法院审判委员会第1823次会议通过\n\n" +
		"2021年1月1日 施行\n\n<!-- INFO END -->\n\n\u200b\n\n为正确审理案件，制定本解释。\n\n## 一、一般规定\n\n第一条 解释条文。\n"
	d, err := statute.Parse("最高人民法院关于适用《示例法》的解释.md", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != "2020-12-23" || d.ShortTitle != "最高人民法院关于适用《示例法》的解释" ||
		len(d.Preamble) != 1 || d.Articles[0].Chapter != "一、一般规定" {
		t.Fatalf("document = %+v", d)
	}
}

// The books of a split code merge into one document, in article order, whatever the file order.
func TestParseMergesBooks(t *testing.T) {
	head := "# 中华人民共和国示例法典\n\n# %s\n\n2020年5月28日 第十三届全国人民代表大会第三次会议通过\n\n2021年1月1日 施行\n\n<!-- INFO END -->\n\n"
	dir := writeFiles(t, map[string]string{
		"示例法典-总则.md": strings.Replace(head, "%s", "总则", 1) + "## 第一章 基本规定\n\n第一条 总则第一条。\n\n第二条 总则第二条。\n",
		"示例法典-合同编.md": strings.Replace(head, "%s", "合同编", 1) +
			"## 第一分编 通则\n\n### 第一章 一般规定\n\n第三条 合同编第一条。\n\n前款之外的第二款。\n",
		"示例法典-附则.md":         strings.Replace(head, "%s", "附则", 1) + "##\n\n第九条 本法自2021年1月1日起施行。\n",
		"其他法(2019-01-01).md": "# 其他法\n\n<!-- INFO END -->\n\n第一条 其他。\n",
	})
	docs, err := statute.ParseFS(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("got %d documents", len(docs))
	}
	d := docs[1]
	if docs[0].Title != "其他法" || d.Title != "中华人民共和国示例法典" || d.Version != "2020-05-28" || len(d.Articles) != 4 {
		t.Fatalf("documents = %+v", docs)
	}
	if d.Source != "示例法典-总则.md, 示例法典-合同编.md, 示例法典-附则.md" || len(d.Info) != 2 {
		t.Errorf("source %q, info %v", d.Source, d.Info)
	}
	a3 := d.Articles[2]
	if a3.Number != 3 || a3.Part != "合同编 第一分编 通则" || a3.Chapter != "第一章 一般规定" || len(a3.Paragraphs) != 2 {
		t.Errorf("article 3 = %+v", a3)
	}
	if a9 := d.Articles[3]; a9.Number != 9 || a9.Part != "附则" || a9.Chapter != "" {
		t.Errorf("article 9 = %+v", a9)
	}
	if d.Articles[0].Part != "总则" {
		t.Errorf("article 1 part = %q", d.Articles[0].Part)
	}
}

// Every bad file is reported by name at once; nothing is returned.
func TestParseFSErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"无标题.md":             "第一条 没有标题。\n",
		"无条文(2020-01-01).md": "# 无条文\n\n<!-- INFO END -->\n\n只有一段话。\n",
		"乱序.md":              "# 乱序\n\n<!-- INFO END -->\n\n第二条 二。\n\n第一条 一。\n",
		"编码.md":              "# 编码\n\n第一条 \xff\xfe\n",
		"重复甲(2020-01-01).md": "# 中华人民共和国重复法\n\n<!-- INFO END -->\n\n第一条 一。\n",
		"重复乙(2020-01-01).md": "# 重复法\n\n<!-- INFO END -->\n\n第一条 一。\n",
		"好(2020-01-01).md":   "# 好\n\n<!-- INFO END -->\n\n第一条 一。\n",
	})
	_, err := statute.ParseFS(os.DirFS(dir))
	var ve *knowledge.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, knowledge.ErrInvalid) {
		t.Fatalf("want a ValidationError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"无标题.md: line 1", "无条文(2020-01-01).md", "乱序.md: line 7", "编码.md", "重复乙(2020-01-01).md"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not name %q: %v", want, msg)
		}
	}
	if strings.Contains(msg, "好(2020-01-01).md") {
		t.Errorf("a good file is reported: %v", msg)
	}
	for _, files := range []map[string]string{{}, {"README.md": "# 说明\n", "notes.txt": "x"}} {
		if _, err := statute.ParseFS(os.DirFS(writeFiles(t, files))); !errors.Is(err, knowledge.ErrNotFound) {
			t.Errorf("no statute files %v: want ErrNotFound, got %v", files, err)
		}
	}
}

func TestFileName(t *testing.T) {
	for name, want := range map[string][3]string{
		"公司法(2023-12-29).md": {"公司法", "2023-12-29", ""},
		"最高人民法院关于审理劳动争议案件适用法律问题的解释（一）(2020-12-29).md": {"最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", "2020-12-29", ""},
		"民法典-合同编.md":         {"民法典", "", "合同编"},
		"刑法.md":              {"刑法", "", ""},
		"公司法（2018-10-26）.MD": {"公司法", "2018-10-26", ""},
	} {
		b, v, k := statute.FileName(name)
		if [3]string{b, v, k} != want {
			t.Errorf("FileName(%q) = %q %q %q, want %v", name, b, v, k, want)
		}
	}
}

func TestFileTitle(t *testing.T) {
	for in, want := range map[string]string{
		"# 中华人民共和国公司法\n\n1993年通过\n":        "中华人民共和国公司法",
		"\ufeff\n\n#  中华人民共和国民法典 \n# 总则\n": "中华人民共和国民法典",
		"没有标题\n# 标题\n":                     "",
		"":                                 "",
	} {
		if got := statute.FileTitle([]byte(in)); got != want {
			t.Errorf("FileTitle(%q) = %q, want %q", in, got, want)
		}
	}
}
