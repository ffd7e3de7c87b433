package index

import (
	"strings"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

// Normalizer folds full-width forms to half-width, converts traditional Chinese to simplified and
// lower-cases, so that 帳戶被凍結 and 账户被冻结, or １００ and 100, index and search alike. It is
// safe for concurrent use.
type Normalizer struct {
	t2s   *opencc.OpenCC
	fixup *strings.Replacer
}

// NewNormalizer loads the OpenCC t2s dictionaries (a few milliseconds).
func NewNormalizer() (*Normalizer, error) {
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, err
	}
	return &Normalizer{t2s: cc, fixup: strings.NewReplacer(fixups...)}, nil
}

// fixups mend what OpenCC's t2s leaves in a form our simplified articles do not use. OpenCC maps
// 帳 to 帐 (tent) where mainland legal and business text writes 账, and keeps Taiwan and Hong Kong
// wording; the wording differences that are words rather than characters belong to the synonym
// list, not here.
var fixups = []string{
	"帐户", "账户", "帐号", "账号", "帐目", "账目", "帐款", "账款", "对帐", "对账", "查帐", "查账",
	"记帐", "记账", "假帐", "假账", "欠帐", "欠账", "赖帐", "赖账", "帐本", "账本", "帐簿", "账簿",
	"转帐", "转账", "到帐", "到账", "坏帐", "坏账", "呆帐", "呆账", "帐期", "账期", "算帐", "算账",
	"资遣费", "经济补偿", "个资", "个人信息", "薪水", "工资", "薪资", "工资",
}

// Normalize returns the search form of s.
func (n *Normalizer) Normalize(s string) string {
	s = foldWidth(s)
	if hasHan(s) {
		if out, err := n.t2s.Convert(s); err == nil {
			s = out
		}
	}
	// A replacement can complete another (薪資遣費 → 工资遣费, which holds 资遣费), so replace until
	// nothing changes: the normal form must be its own normal form, or a normalised text stored in
	// the index would not match the same text normalised again at search time. Two passes settle
	// every chain in the list; the bound only guards against a future cycle.
	for range 4 {
		out := n.fixup.Replace(s)
		if out == s {
			break
		}
		s = out
	}
	return strings.ToLower(s)
}

// foldWidth maps full-width ASCII (！ to ～) and the ideographic space to their half-width forms.
// Bleve's tokenizers drop full-width digits silently, so this must run before analysis.
func foldWidth(s string) string {
	needs := false
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E || r == 0x3000 {
			needs = true
			break
		}
	}
	if !needs {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
