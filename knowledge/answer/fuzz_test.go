package answer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCaseNumber: the case-number finder never panics; what it finds is valid UTF-8, ends in 号,
// and is found again, unchanged, in its own canonical form.
func FuzzCaseNumber(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got := CaseNumber(s)
		if got == "" {
			return
		}
		if !utf8.ValidString(got) || !strings.HasSuffix(got, "号") {
			t.Fatalf("CaseNumber(%q) = %q", s, got)
		}
		if again := CaseNumber(got); again != got {
			t.Fatalf("canonical form %q of %q reads as %q", got, s, again)
		}
	})
}
