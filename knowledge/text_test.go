package knowledge_test

import (
	"testing"

	"github.com/courtdesk/courtdesk/knowledge"
)

func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"劳动合同":                    "劳动合同",
		"退款\u202e申请":              "退款申请",
		"\u2066隔离\u2069与\u200f标记": "隔离与标记",
		"零\u200b宽\u200c字\u200d符":  "零宽字符",
		"\ufeff开头\u2060连接":        "开头连接",
		"\x1b[31m红色\x1b[0m\a":     "[31m红色[0m",
		"第一行\r\n第二行\t缩进\n":        "第一行\n第二行\t缩进\n",
		"C1\u0085\u009b控制":        "C1控制",
		"bad\xffbyte":             "bad\ufffdbyte",
		"emoji 👍 与 全角　空格":         "emoji 👍 与 全角　空格",
	} {
		if got := knowledge.CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanStrings(t *testing.T) {
	type inner struct{ Note string }
	type req struct {
		Name     string
		Password string `text:"raw"`
		Tags     []string
		Ptr      *string
		In       *inner
		Extra    map[string]string
		Any      map[string]any
		n        string
	}
	p := "指\u202e针"
	r := req{Name: "李\u200b法官", Password: "pw\u200b", Tags: []string{"a\x1b"}, Ptr: &p, In: &inner{Note: "备\u2066注"},
		Extra: map[string]string{"k": "v\u200d"}, Any: map[string]any{"k": "w\u202e", "n": 1.0}, n: "\u200b"}
	knowledge.CleanStrings(&r)
	if r.Name != "李法官" || r.Password != "pw\u200b" || r.Tags[0] != "a" || *r.Ptr != "指针" || r.In.Note != "备注" ||
		r.Extra["k"] != "v" || r.Any["k"] != "w" || r.Any["n"] != 1.0 || r.n != "\u200b" {
		t.Fatalf("cleaned: %+v %q %+v", r, *r.Ptr, *r.In)
	}
}
