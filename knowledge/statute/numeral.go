package statute

import (
	"fmt"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
)

// MaxNumber is the largest article number the numerals cover. The longest code in force, the
// 民法典, stops at 1,260; four digits leave ample room without the 万 unit.
const MaxNumber = 9999

const numeralDigits = "零一二三四五六七八九"

// FormatNumeral writes n (1…9999) the way statutes number their articles: 十五, 一百一十, 一百零八,
// 一千零一十, 一千二百六十. It returns "" outside that range.
func FormatNumeral(n int) string {
	if n < 1 || n > MaxNumber {
		return ""
	}
	digits := []rune(numeralDigits)
	units := []rune{'千', '百', '十', 0}
	var b strings.Builder
	pendingZero := false
	for i, div := range []int{1000, 100, 10, 1} {
		d := n / div % 10
		if d == 0 {
			// A zero is spoken once for a gap between written digits: 一百零八, 一千零一十.
			pendingZero = b.Len() > 0
			continue
		}
		if pendingZero {
			b.WriteRune('零')
			pendingZero = false
		}
		// 十五 at the head, but 一百一十 in the middle: the leading 一 of the tens is dropped only
		// when nothing precedes it.
		if !(div == 10 && d == 1 && b.Len() == 0) {
			b.WriteRune(digits[d])
		}
		if units[i] != 0 {
			b.WriteRune(units[i])
		}
		if n%div == 0 {
			break
		}
	}
	return b.String()
}

// ParseNumeral reads a Chinese numeral of 1…9999. Besides the canonical form it accepts 〇 for 零,
// 两 for 二 and a written-out leading 一十 (一十五), which turn up in older texts; anything else that
// does not read back to the same number (一二, 百十, 一百零十) is rejected, so that ordinary words
// beginning with 第 are not mistaken for article numbers.
func ParseNumeral(s string) (int, error) {
	bad := func() (int, error) {
		return 0, fmt.Errorf("chinese numeral %q: %w", s, knowledge.ErrInvalid)
	}
	if s == "" {
		return bad()
	}
	canon := strings.NewReplacer("〇", "零", "两", "二").Replace(s)
	if strings.HasPrefix(canon, "一十") {
		canon = strings.TrimPrefix(canon, "一")
	}
	total, digit, seen := 0, -1, false
	for _, r := range canon {
		if d := digitOf(r); d >= 0 {
			digit = d
			seen = true
			continue
		}
		var unit int
		switch r {
		case '十':
			unit = 10
		case '百':
			unit = 100
		case '千':
			unit = 1000
		default:
			return bad()
		}
		if digit < 0 {
			digit = 1 // 十五
		}
		total += digit * unit
		digit = -1
		seen = true
	}
	if !seen {
		return bad()
	}
	if digit > 0 {
		total += digit
	}
	if total < 1 || total > MaxNumber || FormatNumeral(total) != canon {
		return bad()
	}
	return total, nil
}

// digitOf is the value of a Chinese digit, or -1.
func digitOf(r rune) int {
	for i, d := range []rune(numeralDigits) {
		if d == r {
			return i
		}
	}
	return -1
}

// isNumeralRune reports whether r can be part of a Chinese numeral.
func isNumeralRune(r rune) bool {
	return strings.ContainsRune(numeralDigits+"〇两十百千", r)
}

// ParseNumber reads an article, paragraph or item number written in Chinese numerals or in
// ASCII or full-width digits (第47条 appears in informal text).
func ParseNumber(s string) (int, error) {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !isDigit(r) }) < 0 {
		n := 0
		for _, r := range s {
			n = n*10 + digitValue(r)
			if n > MaxNumber {
				break
			}
		}
		if n < 1 || n > MaxNumber {
			return 0, fmt.Errorf("number %q: %w", s, knowledge.ErrInvalid)
		}
		return n, nil
	}
	return ParseNumeral(s)
}

func isDigit(r rune) bool { return (r >= '0' && r <= '9') || (r >= '０' && r <= '９') }

func digitValue(r rune) int {
	if r >= '０' && r <= '９' {
		return int(r - '０')
	}
	return int(r - '0')
}

func isNumberRune(r rune) bool { return isNumeralRune(r) || isDigit(r) }
