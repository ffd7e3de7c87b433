package knowledge

import (
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"
)

// Category is a knowledge-base category id.
type Category string

// Categories in display order, with their Chinese names.
var categoryNames = []struct {
	ID   Category
	Name string
}{
	{"protection", "保护企业家人身财产安全"},
	{"enforcement", "规范涉企执行"},
	{"dispute", "纠纷化解与诉讼程序"},
	{"contract", "合同订立与履行"},
	{"labor", "劳动用工"},
	{"corporate", "公司治理与股权"},
	{"finance", "融资、借贷与担保"},
	{"ip", "知识产权与不正当竞争"},
	{"data", "个人信息与数据安全"},
	{"bankruptcy", "破产重整与清算"},
	{"court_service", "诉讼服务"},
}

// Categories returns every category id in display order.
func Categories() []Category {
	out := make([]Category, len(categoryNames))
	for i, c := range categoryNames {
		out[i] = c.ID
	}
	return out
}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return c.Name() != "" }

// Name is the Chinese display name, or "" for an unknown category.
func (c Category) Name() string {
	for _, n := range categoryNames {
		if n.ID == c {
			return n.Name
		}
	}
	return ""
}

// Kind is the article genre.
type Kind string

// Article kinds.
const (
	KindCase       Kind = "case_explanation"
	KindCompliance Kind = "compliance_advice"
	KindService    Kind = "service_guide"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return len(k.Headings()) > 0 }

// Name is the Chinese display name.
func (k Kind) Name() string {
	switch k {
	case KindCase:
		return "以案释法"
	case KindCompliance:
		return "合规建议"
	case KindService:
		// Not 诉讼服务: that is the name of a category, and an article's page shows both.
		return "办事指南"
	}
	return ""
}

// Headings lists the level-2 headings a body of this kind must have, in order.
func (k Kind) Headings() []string {
	switch k {
	case KindCase:
		return []string{"基本案情", "争议焦点", "法院观点", "法官提示"}
	case KindCompliance:
		return []string{"常见风险", "合规建议", "法律依据", "相关专题"}
	case KindService:
		return []string{"适用情形", "办理流程", "所需材料", "时限与费用", "常见问题"}
	}
	return nil
}

// Status is an article's lifecycle state. Only published articles are searchable.
type Status string

// Article statuses.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusArchived  Status = "archived"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusDraft || s == StatusPublished || s == StatusArchived
}

// Article is one knowledge-base entry. The JSON form is the import/export format.
type Article struct {
	Slug      string   `json:"slug"`
	Title     string   `json:"title"`
	Category  Category `json:"category"`
	Kind      Kind     `json:"kind"`
	Questions []string `json:"questions"`
	// Phrasings is the question bank: how people really ask for this article (colloquial, story,
	// keywords, typos, traditional characters, dialect). The matcher learns from it; unlike
	// Questions it is never shown to users.
	Phrasings  []string  `json:"phrasings"`
	Summary    string    `json:"summary"`
	Body       string    `json:"body"`
	LegalBasis []string  `json:"legal_basis"`
	Tags       []string  `json:"tags"`
	Related    []string  `json:"related"`
	Status     Status    `json:"status"`
	Version    int       `json:"version,omitempty"`
	UpdatedAt  time.Time `json:"updated_at,omitzero"`
	UpdatedBy  string    `json:"updated_by,omitempty"`
}

// Limits on article fields. They are generous enough for real content and small enough that one
// article can never bloat the index or a chat frame.
const (
	MaxSlugLen       = 80
	MaxTitleLen      = 80
	MaxQuestions     = 12
	MaxQuestionLen   = 100
	MaxPhrasings     = 300
	MaxPhrasingLen   = 300
	MaxSummaryLen    = 400
	MaxBodyLen       = 20000
	MaxLegalBasis    = 20
	MaxLegalBasisLen = 200
	MaxTags          = 20
	MaxTagLen        = 30
	MaxRelated       = 8
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a well-formed slug.
func ValidSlug(s string) bool { return len(s) <= MaxSlugLen && slugRE.MatchString(s) }

// Normalize fills defaults that a hand-written article may leave out.
func (a *Article) Normalize() {
	if a.Status == "" {
		a.Status = StatusPublished
	}
	for _, p := range []*[]string{&a.Questions, &a.Phrasings, &a.LegalBasis, &a.Tags, &a.Related} {
		if *p == nil {
			*p = []string{}
		}
	}
}

// Validate checks one article on its own. Cross-article rules (duplicate slugs, dangling related
// slugs) are checked by ValidateSet.
func (a *Article) Validate() error {
	v := &ValidationError{}
	a.validateInto(v, a.Slug)
	return v.Err()
}

func (a *Article) validateInto(v *ValidationError, item string) {
	if item == "" {
		item = "(no slug)"
	}
	switch {
	case a.Slug == "":
		v.Add(item, "slug", "不能为空")
	case !ValidSlug(a.Slug):
		v.Add(item, "slug", "须为小写字母、数字和连字符（kebab-case），不超过 %d 个字符", MaxSlugLen)
	}
	text(v, item, "title", a.Title, 1, MaxTitleLen)
	if !a.Category.Valid() {
		v.Add(item, "category", "未知类别 %q", a.Category)
	}
	if !a.Kind.Valid() {
		v.Add(item, "kind", "未知类型 %q", a.Kind)
	}
	if a.Status != "" && !a.Status.Valid() {
		v.Add(item, "status", "未知状态 %q", a.Status)
	}
	list(v, item, "questions", a.Questions, 1, MaxQuestions, 2, MaxQuestionLen)
	list(v, item, "phrasings", a.Phrasings, 0, MaxPhrasings, 2, MaxPhrasingLen)
	text(v, item, "summary", a.Summary, 1, MaxSummaryLen)
	text(v, item, "body", a.Body, 1, MaxBodyLen)
	list(v, item, "legal_basis", a.LegalBasis, 0, MaxLegalBasis, 1, MaxLegalBasisLen)
	list(v, item, "tags", a.Tags, 0, MaxTags, 1, MaxTagLen)
	if len(a.Related) > MaxRelated {
		v.Add(item, "related", "最多 %d 项", MaxRelated)
	}
	for _, r := range a.Related {
		if r == a.Slug {
			v.Add(item, "related", "不能关联自身")
		} else if !ValidSlug(r) {
			v.Add(item, "related", "%q 不是合法的 slug", r)
		}
	}
}

func text(v *ValidationError, item, field, s string, minLen, maxLen int) {
	if !utf8.ValidString(s) {
		v.Add(item, field, "不是有效的 UTF-8 文本")
		return
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n < minLen && minLen == 1:
		v.Add(item, field, "不能为空")
	case n < minLen:
		v.Add(item, field, "至少 %d 个字符", minLen)
	case n > maxLen:
		v.Add(item, field, "超过 %d 个字符（现为 %d）", maxLen, n)
	}
}

func list(v *ValidationError, item, field string, xs []string, minN, maxN, minLen, maxLen int) {
	if len(xs) < minN {
		v.Add(item, field, "至少需要 %d 项", minN)
	}
	if len(xs) > maxN {
		v.Add(item, field, "最多 %d 项（现为 %d）", maxN, len(xs))
	}
	for i, x := range xs {
		text(v, item, fmt.Sprintf("%s[%d]", field, i), x, minLen, maxLen)
	}
}

// ValidateSet checks a batch of articles as one unit: each on its own, no duplicate slugs, and
// every related slug present either in the batch or in existing (the slugs already stored).
func ValidateSet(batch []Article, existing map[string]bool) error {
	v := &ValidationError{}
	seen := make(map[string]int, len(batch))
	for i := range batch {
		a := &batch[i]
		item := a.Slug
		if item == "" {
			item = fmt.Sprintf("#%d", i+1)
		}
		a.validateInto(v, item)
		if a.Slug != "" {
			if j, dup := seen[a.Slug]; dup {
				v.Add(item, "slug", "与第 %d 篇重复", j+1)
			} else {
				seen[a.Slug] = i
			}
		}
	}
	for i := range batch {
		for _, r := range batch[i].Related {
			if _, ok := seen[r]; !ok && !existing[r] && ValidSlug(r) {
				v.Add(batch[i].Slug, "related", "关联的文章 %q 不存在", r)
			}
		}
	}
	return v.Err()
}
