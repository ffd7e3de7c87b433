package answer

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// Each word list finds exactly what its regular expression found: every word inside a sentence,
// every word cut short, and sentences with none of them.
func TestWordSetsMatchLikeTheirRegexps(t *testing.T) {
	texts := []string{"", "你好", "请问怎么办？", "员工周末加班，加班费怎么算？", "公司账户被冻结了，工资发不出", "abc excel 123"}
	for name, pattern := range map[string]string{"coercive": coerciveWords, "stakes": stakesWords, "legal": legalWords,
		"law": lawWords, "uncovered": uncoveredWords} {
		re := regexp.MustCompile(pattern)
		ws := words(pattern)
		cases := append([]string{}, texts...)
		for _, w := range strings.Split(pattern, "|") {
			_, last := utf8.DecodeLastRuneInString(w)
			cases = append(cases, "我们"+w+"的问题", w, w[:len(w)-last], "问"+w[:len(w)-last]+"吗")
		}
		for _, s := range cases {
			if got, want := ws.MatchString(s), re.MatchString(s); got != want {
				t.Errorf("%s: %q: words %v, regexp %v", name, s, got, want)
			}
		}
	}
}

func TestWordsRefusesRegexpSyntax(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a pattern with a group was accepted")
		}
	}()
	words(`甲|(乙|丙)`)
}
