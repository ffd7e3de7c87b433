package knowledge

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// LexGroup is one entry of the colloquial lexicon: the words people type (贴条子, 老赖) and the
// legal terms the articles use (查封, 失信被执行人).
//
// A group with To is directional: a question holding a From term also searches for the To terms,
// but not the other way round, because 查封 does not mean 贴条子 and 扣押 said of a bank account
// means 冻结 while 冻结 never means 扣押. A group without To is an equivalence: every term stands
// for every other.
type LexGroup struct {
	From   []string `json:"from"`
	To     []string `json:"to,omitempty"`
	Weight float64  `json:"weight"`
}

// Directional reports whether the group maps one way only.
func (g LexGroup) Directional() bool { return len(g.To) > 0 }

// Lexicon limits keep one admin edit from slowing every search.
const (
	MaxLexGroups    = 2000
	MaxLexTerms     = 20
	MaxLexTermRunes = 20
)

// ParseLexicon reads the lexicon's text form, one group per line:
//
//	贴条子, 贴封条 => 查封 | 0.9     (directional, weight 0.9)
//	欠薪, 拖欠工资, 不发工资          (equivalence, weight 1)
//
// Blank lines and lines starting with # are skipped. Terms may also be separated by the Chinese
// comma or 、 and an equivalence by =, so that an admin typing in the console need not switch
// input methods. Every problem is reported with its line number.
func ParseLexicon(text string) ([]LexGroup, error) {
	v := &ValidationError{}
	var out []LexGroup
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		g, err := parseLexLine(line)
		if err != "" {
			v.Add("", "lexicon", "第 %d 行：%s", i+1, err)
			continue
		}
		out = append(out, g)
	}
	if len(out) > MaxLexGroups {
		v.Add("", "lexicon", "最多 %d 组（现为 %d）", MaxLexGroups, len(out))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func parseLexLine(line string) (LexGroup, string) {
	g := LexGroup{Weight: 1}
	if body, w, ok := strings.Cut(line, "|"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(w), 64)
		if err != nil || f <= 0 || f > 1 {
			return g, "权重须为 0 到 1 之间的数"
		}
		g.Weight, line = f, body
	}
	if from, to, ok := strings.Cut(line, "=>"); ok {
		g.From, g.To = splitTerms(from), splitTerms(to)
		if len(g.To) == 0 {
			return g, "“=>”右侧须有词"
		}
	} else {
		g.From = splitTerms(strings.ReplaceAll(line, "=", ","))
	}
	return g, g.check()
}

func splitTerms(s string) []string {
	s = strings.NewReplacer("，", ",", "、", ",", "；", ",", ";", ",").Replace(s)
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// check returns what is wrong with a group, or "".
func (g LexGroup) check() string {
	switch {
	case len(g.From) == 0:
		return "没有词"
	case !g.Directional() && len(g.From) < 2:
		return "同义词组至少需要 2 个词（或用“=>”写成单向）"
	case len(g.From)+len(g.To) > MaxLexTerms:
		return fmt.Sprintf("一组最多 %d 个词", MaxLexTerms)
	case g.Weight <= 0 || g.Weight > 1:
		return "权重须为 0 到 1 之间的数"
	}
	for _, t := range append(append([]string{}, g.From...), g.To...) {
		if n := utf8.RuneCountInString(t); n > MaxLexTermRunes || !utf8.ValidString(t) {
			return fmt.Sprintf("词 %q 须为 1–%d 个字", t, MaxLexTermRunes)
		}
		if strings.ContainsAny(t, "|=>#\n") {
			return fmt.Sprintf("词 %q 含有不允许的符号", t)
		}
	}
	return ""
}

// ValidateLexicon checks groups that arrive as JSON rather than text.
func ValidateLexicon(groups []LexGroup) error {
	v := &ValidationError{}
	if len(groups) > MaxLexGroups {
		v.Add("", "groups", "最多 %d 组（现为 %d）", MaxLexGroups, len(groups))
	}
	for i, g := range groups {
		if msg := g.check(); msg != "" {
			v.Add("", "groups", "第 %d 组：%s", i+1, msg)
		}
	}
	return v.Err()
}

// FormatLexicon writes groups in the text form ParseLexicon reads.
func FormatLexicon(groups []LexGroup) string {
	var b strings.Builder
	for _, g := range groups {
		b.WriteString(strings.Join(g.From, ", "))
		if g.Directional() {
			b.WriteString(" => ")
			b.WriteString(strings.Join(g.To, ", "))
		}
		if g.Weight != 1 && g.Weight > 0 {
			b.WriteString(" | ")
			b.WriteString(strconv.FormatFloat(g.Weight, 'f', -1, 64))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
