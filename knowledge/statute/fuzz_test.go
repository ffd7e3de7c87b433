package statute

import (
	"testing"
	"unicode/utf8"
)

// FuzzParse: the statute parser never panics on any file, and what it reads from valid UTF-8 is
// valid UTF-8 with articles numbered from 1 up.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, err := Parse(name, data)
		if err != nil || !utf8.Valid(data) || !utf8.ValidString(name) {
			return
		}
		strs := append([]string{doc.Title, doc.ShortTitle, doc.Version}, doc.Preamble...)
		for _, a := range doc.Articles {
			if a.Number < 1 {
				t.Fatalf("article %+v numbered below 1", a)
			}
			strs = append(strs, a.Label)
			strs = append(strs, a.Paragraphs...)
		}
		for _, s := range strs {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
	})
}
