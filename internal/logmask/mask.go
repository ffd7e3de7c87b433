// Package logmask keeps personal data out of the logs: a slog.Handler wrapper masks mobile
// numbers, resident ID numbers and unified social credit codes in every message and string
// attribute before the wrapped handler writes them. Enterprises type these into the chat and the
// intake form, and any of it can surface in a log line through an error or a debug message; logs
// are copied to places (terminals, log shippers, tickets to the vendor) that the database's access
// rules do not reach.
package logmask

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// maxGroups bounds how many separated groups one number may span: an ID number typed with a space
// after every character has eighteen.
const maxGroups = 18

// creditAlphabet is GB 32100-2015's: digits and capitals without I, O, S, V and Z.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// fold maps full-width digits and Latin letters to ASCII and upper-cases letters, the way a
// phone's input method or a copied document presents them.
func fold(r rune) rune {
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
		r -= 0xFEE0
	}
	if r >= 'a' && r <= 'z' {
		r -= 'a' - 'A'
	}
	return r
}

func isDigit(r rune) bool  { return r >= '0' && r <= '9' }
func isLetter(r rune) bool { return r >= 'A' && r <= 'Z' }

// isSep is a character people put inside numbers to make them readable: spaces and dashes, also
// their full-width and typographic forms.
func isSep(r rune) bool {
	switch r {
	case ' ', '-', '\u3000', '\uff0d', '\u2010', '\u2011', '\u2013', '\u2014', '\u00a0':
		return true
	}
	return false
}

// group is a run of characters [start, end) of the folded text.
type group struct {
	start, end int
}

// span is a part of the text to replace.
type span struct {
	start, end int
	with       string
}

// Mask returns s with every mobile number (1[3-9] and nine more digits, also +86 or 0086 in front),
// resident ID number (18 digits or 17 and X; 15 digits) and unified social credit code (18
// characters) replaced by its first three and last four characters around asterisks:
// 138****5678. Full-width forms and spaces or dashes inside a number are recognised.
func Mask(s string) string {
	if !worthScanning(s) {
		return s
	}
	rs := []rune(s)
	f := make([]rune, len(rs))
	for i, r := range rs {
		f[i] = fold(r)
	}
	spans := numberSpans(f)
	spans = append(spans, creditSpans(f, spans)...)
	if len(spans) == 0 {
		return s
	}
	// Both passes find spans in text order; merged, Mask walks the text once.
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	b.Grow(len(s))
	next := 0
	for i := 0; i < len(rs); {
		if next < len(spans) && spans[next].start == i {
			b.WriteString(spans[next].with)
			i = spans[next].end
			next++
			continue
		}
		b.WriteRune(rs[i])
		i++
	}
	return b.String()
}

// worthScanning is the fast path for the usual log line: fewer than six digits cannot hold any of
// the numbers (a credit code has at least its six-digit division code).
func worthScanning(s string) bool {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= '0' && c <= '9' {
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= '０' && r <= '９' {
			n++
		}
		i += size
	}
	return n >= 6
}

// chains splits the text into groups of characters accepted by in, and the groups into chains of
// groups joined by exactly one separator.
func chains(f []rune, in func(i int) bool) [][]group {
	var out [][]group
	var cur []group
	for i := 0; i < len(f); {
		if !in(i) {
			i++
			continue
		}
		g := group{start: i}
		for i < len(f) && in(i) {
			i++
		}
		g.end = i
		if len(cur) > 0 && g.start-cur[len(cur)-1].end == 1 && isSep(f[g.start-1]) {
			cur = append(cur, g)
		} else {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = []group{g}
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// longest finds, in each chain from the left, the longest run of consecutive groups whose joined
// characters classify returns a replacement for, and returns those spans in order.
func longest(f []rune, cs [][]group, maxLen int, classify func(string) string) []span {
	var out []span
	var acc strings.Builder
	for _, c := range cs {
		for i := 0; i < len(c); {
			best, with := -1, ""
			acc.Reset()
			for j := i; j < len(c) && j < i+maxGroups; j++ {
				acc.WriteString(string(f[c[j].start:c[j].end]))
				if acc.Len() > maxLen {
					break
				}
				if w := classify(acc.String()); w != "" {
					best, with = j, w
				}
			}
			if best < 0 {
				i++
				continue
			}
			out = append(out, span{start: c[i].start, end: c[best].end, with: with})
			i = best + 1
		}
	}
	return out
}

// numberSpans finds mobile and resident ID numbers. A digit run may end in the ID's check
// character X when no digit follows it; a word after it ("…002Xa") does not hide the number.
func numberSpans(f []rune) []span {
	in := func(i int) bool {
		if isDigit(f[i]) {
			return true
		}
		// X closes an ID number: it follows a digit and ends the run.
		return f[i] == 'X' && i > 0 && isDigit(f[i-1]) && (i+1 == len(f) || !isDigit(f[i+1]))
	}
	return longest(f, chains(f, in), 18, classifyNumber)
}

func classifyNumber(d string) string {
	x := strings.IndexByte(d, 'X')
	if x >= 0 && x != len(d)-1 {
		return ""
	}
	switch {
	case x < 0 && isMobile(d):
		return keep(d)
	case x < 0 && len(d) == 13 && strings.HasPrefix(d, "86") && isMobile(d[2:]):
		return "86" + keep(d[2:])
	case x < 0 && len(d) == 15 && strings.HasPrefix(d, "0086") && isMobile(d[4:]):
		return "0086" + keep(d[4:])
	case len(d) == 18, x < 0 && len(d) == 15:
		return keep(d)
	}
	return ""
}

func isMobile(d string) bool {
	return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' && !strings.Contains(d, "X")
}

// creditSpans finds unified social credit codes that do not overlap a number already found: 18
// characters of the code's alphabet whose third to eighth are the division code's digits.
func creditSpans(f []rune, taken []span) []span {
	in := func(i int) bool { return isDigit(f[i]) || isLetter(f[i]) }
	var out []span
	for _, sp := range longest(f, chains(f, in), 40, classifyCredit) {
		overlap := false
		for _, t := range taken {
			if sp.start < t.end && t.start < sp.end {
				overlap = true
				break
			}
		}
		if !overlap {
			out = append(out, sp)
		}
	}
	return out
}

// classifyCredit accepts a code alone or with letters glued to either side ("USCC9121…"), which
// a word boundary would miss.
func classifyCredit(c string) string {
	for lead := 0; lead+18 <= len(c); lead++ {
		if letters(c[:lead]) && letters(c[lead+18:]) && isCredit(c[lead:lead+18]) {
			return c[:lead] + keep(c[lead:lead+18]) + c[lead+18:]
		}
	}
	return ""
}

func isCredit(c string) bool {
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditAlphabet, c[i]) < 0 || i >= 2 && i < 8 && !isDigit(rune(c[i])) {
			return false
		}
	}
	return true
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(rune(s[i])) {
			return false
		}
	}
	return true
}

// keep shows the first three and the last four characters.
func keep(d string) string {
	return d[:3] + strings.Repeat("*", len(d)-7) + d[len(d)-4:]
}
