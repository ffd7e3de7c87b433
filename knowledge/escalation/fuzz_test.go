package escalation

import (
	"testing"
	"unicode/utf8"
)

// FuzzCreditCode: normalising a 统一社会信用代码 is idempotent and keeps UTF-8 valid; the check
// never panics; a code it accepts has 18 characters and a correct check character; and any 17
// characters of the alphabet with their check character appended (and a numeric division code)
// are accepted.
func FuzzCreditCode(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeCreditCode(s)
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("NormalizeCreditCode(%q) = %q", s, n)
		}
		if utf8.ValidString(s) && NormalizeCreditCode(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormalizeCreditCode(n))
		}
		if CreditCodeProblem(n) == "" && (len(n) != 18 || CreditCodeCheck(n[:17]) != n[17]) {
			t.Fatalf("accepted %q", n)
		}
		// Build a valid code from the input's bytes.
		if len(s) < 17 {
			return
		}
		b := make([]byte, 17)
		for i := range b {
			b[i] = creditCodeChars[int(s[i])%len(creditCodeChars)]
			if i >= 2 && i < 8 {
				b[i] = '0' + s[i]%10
			}
		}
		code := string(b) + string(CreditCodeCheck(string(b)))
		if p := CreditCodeProblem(code); p != "" {
			t.Fatalf("valid code %q refused: %s", code, p)
		}
	})
}
