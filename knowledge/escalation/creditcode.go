package escalation

import (
	"strings"
	"unicode"
)

// creditCodeChars is the GB 32100-2015 alphabet: digits and capitals without I, O, S, V and Z,
// which could be mistaken for 1, 0, 5, U and 2. A character's value is its position.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the weights 3^i mod 31 of the first 17 positions.
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheck returns the check character for the first 17 characters of a 统一社会信用代码,
// or 0 when they are not in the alphabet.
func CreditCodeCheck(first17 string) byte {
	if len(first17) != 17 {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeChars[(31-sum%31)%31]
}

// CreditCodeProblem explains in Chinese what is wrong with a 统一社会信用代码, or returns "" for a
// valid one. The code is checked as given: callers upper-case and trim it first.
func CreditCodeProblem(code string) string {
	if len(code) != 18 {
		return "统一社会信用代码应为 18 位"
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditCodeChars, code[i]) < 0 {
			return "统一社会信用代码含有不允许的字符（只能是数字和除 I、O、S、V、Z 以外的大写字母）"
		}
	}
	// Positions 3–8 are the registering authority's administrative division code.
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return "统一社会信用代码第 3–8 位应为行政区划代码（数字）"
		}
	}
	if CreditCodeCheck(code[:17]) != code[17] {
		return "统一社会信用代码校验位不正确，请核对是否输错"
	}
	return ""
}

// NormalizeCreditCode trims spaces and folds full-width characters and lower case, the usual
// ways a correct code gets mistyped on a phone.
func NormalizeCreditCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			r -= 0xFEE0
		case unicode.IsSpace(r), r == '-', r == '－', r == '—':
			// Any whitespace, not only the ends: a code pasted from a letterhead breaks
			// across lines, and dropping a dash must not leave a trailing newline behind.
			continue
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}
