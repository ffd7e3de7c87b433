package answer

import (
	"slices"
	"testing"
)

func TestRequiredWords(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    []string // nil: none
	}{
		{`转(接|给|交)?(给)?.{0,4}(人工|法官|真人)`, []string{"人工", "法官", "真人"}},
		{`法官(亲自|本人)`, []string{"法官亲自", "法官本人"}},
		{`(法官|法管|法关)(的)?(电话|微信)`, []string{"法官的电话", "法官的微信", "法官电话", "法官微信", "法管的电话", "法管的微信", "法管电话", "法管微信", "法关的电话", "法关的微信", "法关电话", "法关微信"}},
		{`急|再不.{0,6}就`, []string{"急", "再不"}},
		{`^(人工[\s,，。!！]*){1,4}$`, []string{"人工"}},
		{`^[\p{So}\p{Sk}\p{P}\s哈嘿]+$`, nil},
		{`a|b*`, nil},
		{`辛苦了?`, []string{"辛苦了", "辛苦"}},
		{`会判|.{0,4}`, nil},
	} {
		got := requiredWords(c.pattern)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", c.pattern, got, want)
		}
	}
}

// Every cue answers what its regular expression answers, on texts that hold its words, that hold
// them cut short, and that hold none.
func TestCuesMatchLikeTheirRegexps(t *testing.T) {
	cues := append(append([]*cue{}, explicitRE...), complaintRE...)
	cues = append(cues, explicitNotRE, urgentRE, caseRefRE, opinionRE, smalltalkRE, smalltalkAnyRE, smalltalkOnlyRE,
		botFeedbackRE, nonLegalRE, visitRE, caseNumberRE, bareCaseNumberRE, arbitrationNumberRE)
	texts := []string{"", "你好", "哈哈哈", "请问怎么办？", "转人工", "人工 人工", "我要投诉执行法官态度恶劣", "公司账户刚被冻结，工资发不出！！",
		"我们的案子下周开庭，能赢吗", "想请法官来企业讲课", "excel怎么做数据透视", "再不发工资就要停产了", "法官的电话是多少",
		"（2025）辽0102民初1234号", "2024辽02执678", "沈仲字〔2024〕第123号", "2023年度报告第5号"}
	for _, c := range cues {
		cases := slices.Clone(texts)
		for _, w := range requiredWords(c.re.String()) {
			r := []rune(w)
			cases = append(cases, w, "我们"+w+"的问题", string(r[:len(r)-1]), "问"+string(r[1:])+"吗")
		}
		for _, s := range cases {
			if got, want := c.MatchString(s), c.re.MatchString(s); got != want {
				t.Errorf("%s: %q: cue %v, regexp %v", c.re, s, got, want)
			}
			if got, want := c.ReplaceAllString(s, ""), c.re.ReplaceAllString(s, ""); got != want {
				t.Errorf("%s: %q: cue replaces to %q, regexp to %q", c.re, s, got, want)
			}
			if got, want := c.FindAllString(s, -1), c.re.FindAllString(s, -1); !slices.Equal(got, want) {
				t.Errorf("%s: %q: cue finds %q, regexp %q", c.re, s, got, want)
			}
			if got, want := c.FindString(s), c.re.FindString(s); got != want {
				t.Errorf("%s: %q: cue finds %q, regexp %q", c.re, s, got, want)
			}
			if got, want := c.FindStringSubmatch(s), c.re.FindStringSubmatch(s); !slices.Equal(got, want) {
				t.Errorf("%s: %q: cue finds %q, regexp %q", c.re, s, got, want)
			}
			if got, want := len(c.FindAllStringSubmatch(s, -1)), len(c.re.FindAllStringSubmatch(s, -1)); got != want {
				t.Errorf("%s: %q: cue finds %d, regexp %d", c.re, s, got, want)
			}
		}
	}
}
