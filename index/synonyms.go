package index

import (
	"strings"
	"sync/atomic"
)

// Synonyms holds groups of interchangeable legal terms (欠薪 = 拖欠工资 = 不发工资). The query is
// expanded in our own code: Bleve's synonym sources drop multi-token synonyms and are ignored by
// in-memory indexes. A new list takes effect on the next search, with no reindex.
type Synonyms struct {
	groups atomic.Pointer[[][]string]
}

// DefaultSynonyms is the list a fresh install starts with; admins edit it later.
func DefaultSynonyms() [][]string {
	return [][]string{
		{"辞退", "解雇", "开除", "炒鱿鱼", "解除劳动合同"},
		{"欠薪", "拖欠工资", "不发工资", "欠工资", "工资拖欠"},
		{"经济补偿", "补偿金", "n+1"},
		{"赔偿金", "2n"},
		{"老板", "法定代表人", "企业家", "负责人"},
		{"冻结", "冻住", "封了"},
		{"查封", "扣押", "封存"},
		{"起诉", "打官司", "告状", "诉讼"},
		{"欠钱不还", "欠款", "拖欠货款", "赖账"},
		{"老赖", "失信被执行人", "黑名单"},
		{"限高", "限制消费", "限制高消费"},
		{"股东", "合伙人"},
		{"借条", "欠条"},
		{"厂子", "工厂", "企业", "公司"},
		{"工人", "员工", "职工", "劳动者"},
		{"商业秘密", "技术秘密", "客户名单"},
		{"竞业限制", "竞业禁止", "竞业协议"},
		{"五险一金", "社保", "社会保险"},
		{"工伤", "受伤"},
		{"保全", "财产保全"},
		{"破产", "倒闭"},
		{"个人信息", "隐私"},
		{"网上立案", "在线立案", "网上起诉"},
	}
}

// NewSynonyms returns a list holding groups.
func NewSynonyms(groups [][]string) *Synonyms {
	s := &Synonyms{}
	s.Set(groups)
	return s
}

// Set replaces every group. Terms are normalised by the caller's Normalizer before use.
func (s *Synonyms) Set(groups [][]string) {
	clean := make([][]string, 0, len(groups))
	for _, g := range groups {
		var terms []string
		for _, t := range g {
			if t = strings.TrimSpace(strings.ToLower(t)); t != "" {
				terms = append(terms, t)
			}
		}
		if len(terms) > 1 {
			clean = append(clean, terms)
		}
	}
	s.groups.Store(&clean)
}

// Groups returns the current groups.
func (s *Synonyms) Groups() [][]string { return *s.groups.Load() }

// expansion is one group matched in a question: the term the user typed and its alternatives.
type expansion struct {
	typed string
	alts  []string
}

// match finds the groups whose terms occur in text (normalised), longest term first per group.
func (s *Synonyms) match(text string) []expansion {
	var out []expansion
	for _, g := range s.Groups() {
		best := ""
		for _, t := range g {
			if len(t) > len(best) && strings.Contains(text, t) {
				best = t
			}
		}
		if best == "" {
			continue
		}
		var alts []string
		for _, t := range g {
			if t != best && !strings.Contains(best, t) {
				alts = append(alts, t)
			}
		}
		out = append(out, expansion{typed: best, alts: alts})
	}
	return out
}
