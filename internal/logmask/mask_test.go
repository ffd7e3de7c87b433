package logmask

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

func TestMaskFormats(t *testing.T) {
	cases := []struct{ in, want string }{
		{"手机13812345678", "手机138****5678"},
		{"电话：138 1234 5678。", "电话：138****5678。"},
		{"138-1234-5678", "138****5678"},
		{"１３８１２３４５６７８", "138****5678"},
		{"１３８－１２３４－５６７８", "138****5678"},
		{"138\u30001234\u30005678", "138****5678"},
		{"+86 13812345678", "+86138****5678"},
		{"+86-138-1234-5678", "+86138****5678"},
		{"008613812345678", "0086138****5678"},
		{"tel:15912345678,", "tel:159****5678,"},
		{"call15912345678now", "call159****5678now"},
		{"1 3 8 1 2 3 4 5 6 7 8", "138****5678"},
		{"订单 12345 13912345678", "订单 12345 139****5678"},
		{"身份证210102199001011234", "身份证210***********1234"},
		{"11010519491231002X号", "110***********002X号"},
		{"11010519491231002x", "110***********002X"},
		{"１１０１０５１９４９１２３１００２Ｘ", "110***********002X"},
		{"210102 19900101 1234", "210***********1234"},
		{"老身份证210102900101123", "老身份证210********1123"},
		{"代码91210100MA0Y12345X的公司", "代码912***********345X的公司"},
		{"代码 91210100ma0y12345x", "代码 912***********345X"},
		{"９１２１０１００ＭＡ０Ｙ１２３４５Ｘ", "912***********345X"},
		{"9121 0100 MA0Y 1234 5X", "912***********345X"},
		{"两个号码13812345678和13987654321", "两个号码138****5678和139****4321"},
	}
	for _, c := range cases {
		if got := Mask(c.in); got != c.want {
			t.Errorf("Mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Numbers that are not personal data stay readable: the logs must still help an operator.
func TestMaskLeavesOtherNumbers(t *testing.T) {
	for _, s := range []string{
		"ticket 12345 took 230 ms",
		"（2024）辽01民初1234号",
		"12345678901",                      // 11 digits, but no mobile prefix
		"138123456789",                     // 12 digits
		"8f3a9c0e1b2d4f6a8c0e2b4d6f8a0c1e", // a conversation id
		"2026-12-03T06:40:00Z",
		"127.0.0.1:8080",
		"MA0Y12345XABCDEFGH", // 18 characters without the division code
	} {
		if got := Mask(s); got != s {
			t.Errorf("Mask(%q) = %q, changed", s, got)
		}
	}
}

// leaks finds any of the personal numbers of these tests in the output, in any form: the digits
// with separators and full-width forms folded away.
func leaks(out string, secrets ...string) []string {
	var plain strings.Builder
	for _, r := range out {
		r = fold(r)
		if isSep(r) {
			continue
		}
		plain.WriteRune(r)
	}
	var found []string
	for _, s := range secrets {
		if strings.Contains(plain.String(), s) {
			found = append(found, s)
		}
	}
	return found
}

var secrets = []string{"13812345678", "15912345678", "210102199001011234", "11010519491231002X", "210102900101123",
	"91210100MA0Y12345X"}

// A chat message with every kind, logged every way the program logs: as the message, as an
// attribute, inside a group, in an error, in a struct and through With; text and JSON.
func TestHandlerMasksEveryLogLine(t *testing.T) {
	chat := "我是张经理，手机 138-1234-5678，备用１５９１２３４５６７８，身份证210102199001011234，" +
		"法定代表人身份证11010519491231002x，老证210102900101123，统一社会信用代码91210100MA0Y12345X"
	type form struct {
		Mobile     string
		CreditCode string
	}
	for _, format := range []string{"text", "json"} {
		var buf bytes.Buffer
		var inner slog.Handler = slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
		if format == "json" {
			inner = slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})
		}
		log := slog.New(New(inner))
		log.Info("chat message: " + chat)
		log.Debug("ws: frame", "text", chat, "conversation", "8f3a9c0e1b2d4f6a")
		log.Warn("ws: frame failed", "err", fmt.Errorf("append: %w", errors.New(chat)))
		log.Info("intake", slog.Group("form", "question", chat, slog.Group("inner", "text", chat)))
		log.Info("intake", "form", form{Mobile: "13812345678", CreditCode: "91210100MA0Y12345X"})
		log.With("visitor", chat).WithGroup("g").Info("with", "q", chat)
		log.Info("bytes", "raw", []byte(chat))
		out := buf.String()
		if found := leaks(out, secrets...); len(found) > 0 {
			t.Fatalf("%s output leaks %v:\n%s", format, found, out)
		}
		for _, want := range []string{"138****5678", "159****5678", "210***********1234", "912***********345X", "conversation"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s output lacks %q:\n%s", format, want, out)
			}
		}
	}
}

// A fuzz-ish sweep: every secret, in every separator style and width, placed between every kind of
// neighbour, never survives.
func TestMaskSweep(t *testing.T) {
	styles := []func(string) string{
		func(s string) string { return s },
		func(s string) string { return strings.ToLower(s) },
		fullWidth,
		func(s string) string { return groupEvery(s, 4, " ") },
		func(s string) string { return groupEvery(s, 3, "-") },
		func(s string) string { return groupEvery(fullWidth(s), 4, "\u3000") },
		func(s string) string { return groupEvery(s, 1, " ") },
	}
	// A digit right next to a number makes it a longer number, not a mobile or an ID; a digit one
	// space away does not.
	neighbours := []string{"", " ", "：", "号码", "a", "，", "(", ")", "\n", "\t", "。", "0.5 ", " 0.5"}
	digits := regexp.MustCompile(`[0-9]{7,}`)
	for _, s := range secrets {
		for _, style := range styles {
			for _, l := range neighbours[:len(neighbours)-1] {
				for _, r := range append(neighbours[:len(neighbours)-2:len(neighbours)-2], neighbours[len(neighbours)-1]) {
					in := l + style(s) + r
					out := Mask(in)
					if found := leaks(out, s); len(found) > 0 {
						t.Errorf("Mask(%q) = %q leaks", in, out)
					}
					if m := digits.FindString(leaksPlain(out)); len(m) >= 7 && strings.Contains(s, m) {
						t.Errorf("Mask(%q) = %q keeps %s", in, out, m)
					}
				}
			}
		}
	}
}

func leaksPlain(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r = fold(r); !isSep(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
			r += 0xFEE0
		}
		b.WriteRune(r)
	}
	return b.String()
}

func groupEvery(s string, n int, sep string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && i%n == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func BenchmarkMaskPlainLine(b *testing.B) {
	s := "http method=GET path=/api/v1/judge/tickets status=200 dur_ms=3"
	for b.Loop() {
		Mask(s)
	}
}
