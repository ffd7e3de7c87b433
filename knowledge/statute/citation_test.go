package statute

import (
	"fmt"
	"strings"
	"testing"
)

// cite is a compact form of a citation for comparison: title|number+suffix|款|项.
func cite(cs []Citation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s|%d%s|%d|%d", c.Title, c.Article.Number, c.Article.Suffix, c.Paragraph, c.Item)
	}
	return out
}

func TestExtract(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"依据《中华人民共和国劳动合同法》第四十七条计算", []string{"中华人民共和国劳动合同法|47|0|0"}},
		{"《劳动合同法》第四十七条第二款", []string{"劳动合同法|47|2|0"}},
		{"《民法典》第五百七十七条、第五百八十五条", []string{"民法典|577|0|0", "民法典|585|0|0"}},
		{"《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第二条",
			[]string{"最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释|2|0|0"}},
		{"《最高人民法院关于适用《中华人民共和国民事诉讼法》的解释》第二条",
			[]string{"最高人民法院关于适用《中华人民共和国民事诉讼法》的解释|2|0|0"}},
		{"参照《优化营商环境条例》的规定", []string{"优化营商环境条例|0|0|0"}},
		{"《中华人民共和国行政诉讼法》第十二条第一款第十一项", []string{"中华人民共和国行政诉讼法|12|1|11"}},
		{"《诉讼费用交纳办法》第十条第（二）项", []string{"诉讼费用交纳办法|10|0|2"}},
		{"《工伤保险条例》第十四条第三款和第四款规定", []string{"工伤保险条例|14|3|0"}},
		{"《公司法》第四十八条、第八十七条和第八十九条", []string{"公司法|48|0|0", "公司法|87|0|0", "公司法|89|0|0"}},
		{"《民事诉讼法》第八十五条至第八十六条", []string{"民事诉讼法|85|0|0", "民事诉讼法|86|0|0"}},
		{"《中华人民共和国刑法》第二百六十条之一", []string{"中华人民共和国刑法|260之一|0|0"}},
		{"《劳动法》第 44 条", []string{"劳动法|44|0|0"}},
		{"《公司法》（2018年修正）第七十一条", []string{"公司法|71|0|0"}},
		{"《民事诉讼法》（以下简称民诉法）第三条", []string{"民事诉讼法|0|0|0"}},
		{"《民法典》第五百七十七条，第三人不承担", []string{"民法典|577|0|0"}},
		{"《民法典》第三人", []string{"民法典|0|0|0"}},
		{"《民法典》第十十条", []string{"民法典|0|0|0"}},
		{"《劳动法》与《劳动合同法》第十条", []string{"劳动法|0|0|0", "劳动合同法|10|0|0"}},
		{"《劳动法 第四十四条", nil},
		{"《劳动法\n》第四十四条", nil},
		{"《》第四十四条", nil},
		{"没有引用", nil},
	} {
		got := cite(Extract(tc.text))
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("Extract(%q)\n got  %v\n want %v", tc.text, got, tc.want)
		}
	}
}

func TestExtractSourceAndOffset(t *testing.T) {
	text := "前文。根据《民法典》第五百七十七条、第五百八十五条第一款，以及《劳动法》的规定。"
	cs := Extract(text)
	if len(cs) != 3 {
		t.Fatalf("got %d citations", len(cs))
	}
	for _, c := range cs {
		if !strings.HasPrefix(text[c.Offset:], c.Source) {
			t.Errorf("offset %d does not point at %q", c.Offset, c.Source)
		}
	}
	if cs[0].Source != "《民法典》第五百七十七条、第五百八十五条第一款" || cs[1].Source != cs[0].Source {
		t.Errorf("sources %q, %q", cs[0].Source, cs[1].Source)
	}
	if cs[2].Source != "《劳动法》" || cs[2].Numbered() {
		t.Errorf("name-only citation %+v", cs[2])
	}
	if got := cs[1].String(); got != "《民法典》第五百八十五条第一款" {
		t.Errorf("String() = %q", got)
	}
}

// A 《 that never closes must not hide the citations after it.
func TestExtractUnbalanced(t *testing.T) {
	got := cite(Extract("《未闭合的书名号，后面还有《劳动法》第四十四条"))
	if fmt.Sprint(got) != "[劳动法|44|0|0]" {
		t.Fatalf("got %v", got)
	}
}
