package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
		s = n.toSimplified(s)
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

// preOffset is how many runes OpenCC's Convert looks ahead for a phrase.
const preOffset = 10

// toSimplified gives what OpenCC's Convert gives, faster. Convert asks every dictionary for
// the keys that prefix the text at each rune, allocating a map each time, and so was most of the
// cost of normalising an article. Here a rune that starts no key of any dictionary (most runes of
// simplified text: no key can match there) is copied at the cost of a trie step per dictionary;
// at the others, Convert's own step runs: the longest key of the first dictionary that has one.
func (n *Normalizer) toSimplified(s string) string {
	if !utf8.ValidString(s) {
		// Convert reads the text as runes, replacing invalid bytes; leave that case to it.
		if out, err := n.t2s.Convert(s); err == nil {
			return out
		}
		return s
	}
	for _, group := range n.t2s.DictChains {
		r := []rune(s)
		var b strings.Builder
		b.Grow(len(s))
		var buf [utf8.UTFMax]byte
		for i := 0; i < len(r); {
			starts := false
			k := utf8.EncodeRune(buf[:], r[i])
			for _, d := range group.Dicts {
				if _, err := d.Trie.Jump(buf[:k], 0); err == nil {
					starts = true
					break
				}
			}
			if !starts {
				b.WriteRune(r[i])
				i++
				continue
			}
			window := string(r[i:min(len(r), i+preOffset)])
			matched := false
			for _, d := range group.Dicts {
				ret, err := d.PrefixMatch(window)
				if err != nil || len(ret) == 0 {
					continue
				}
				key, token := "", ""
				for k, v := range ret {
					if len(k) > len(key) {
						key, token = k, v[0]
					}
				}
				b.WriteString(token)
				i += utf8.RuneCountInString(key)
				matched = true
				break
			}
			if !matched {
				b.WriteRune(r[i])
				i++
			}
		}
		s = b.String()
	}
	return s
}
