package index

import (
	"testing"
	"unicode/utf8"
)

// FuzzNormalize: the question normaliser never panics, keeps valid UTF-8 valid, and is idempotent
// (a normalised question normalises to itself, so the index and the search side always agree), and
// its fast traditional-to-simplified step gives what OpenCC's own Convert gives.
func FuzzNormalize(f *testing.F) {
	n, err := NewNormalizer()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if want, err := n.t2s.Convert(s); err == nil && n.toSimplified(s) != want {
			t.Fatalf("toSimplified(%q) = %q, OpenCC gives %q", s, n.toSimplified(s), want)
		}
		out := n.Normalize(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, out)
		}
		if !utf8.ValidString(s) {
			return
		}
		if again := n.Normalize(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
	})
}
