package knowledge

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// CleanText removes characters that change how text looks without being text: bidirectional
// controls (U+202E can make "exe.pdf" read "fdp.exe", or reorder a judge's console line), C0 and
// C1 control characters other than newline and tab (ESC starts terminal escapes in logs and
// exports; BEL and friends have no business in a form), zero-width characters (U+200B–U+200D,
// U+2060, U+FEFF) that hide text or split words so that filters and search miss them. A CR LF pair
// becomes LF. Everything else, including all of Chinese, passes unchanged. Invalid UTF-8 is
// replaced with U+FFFD.
//
// Every user field goes through it at the edge (HTTP binding, WebSocket frames, imports), so the
// domain and the consoles only ever see clean text.
func CleanText(s string) string {
	if !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				b.WriteRune(utf8.RuneError)
				continue
			}
		}
		if r == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			continue
		}
		if invisible(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func needsCleaning(s string) bool {
	for i, r := range s {
		if invisible(r) {
			return true
		}
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return true
			}
		}
	}
	return false
}

// invisible reports the characters CleanText removes.
func invisible(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f): // C0, DEL, C1
		return true
	case r >= 0x200b && r <= 0x200f: // zero-width space, non-joiner, joiner; LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2060 && r <= 0x2064: // word joiner and invisible operators
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	case r == 0x061c || r == 0xfeff: // Arabic letter mark, BOM / zero-width no-break space
		return true
	}
	return false
}

// CleanStrings applies CleanText to every string reachable from v, a pointer to a decoded request:
// struct fields, pointers, slices, arrays and map values. A struct field tagged `text:"raw"` is
// left alone (passwords: they are compared, never shown, and must stay what the user typed).
func CleanStrings(v any) {
	textWalk{clean: true}.walk(reflect.ValueOf(v), "", false, 0)
}
