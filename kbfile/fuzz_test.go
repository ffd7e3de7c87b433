package kbfile

import (
	"reflect"
	"testing"
	"unicode/utf8"
)

// FuzzParseMarkdown: the article file parser never panics; an article it accepts has valid UTF-8
// fields when the file was valid UTF-8, and survives FormatMarkdown → ParseMarkdown unchanged (so
// export followed by import is lossless).
func FuzzParseMarkdown(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ParseMarkdown("fuzz.md", data)
		if err != nil || !utf8.Valid(data) {
			return
		}
		for _, s := range append([]string{a.Slug, a.Title, a.Summary, a.Body}, a.Questions...) {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 field %q", s)
			}
		}
		out, err := FormatMarkdown(a)
		if err != nil {
			t.Fatalf("format: %v", err)
		}
		back, err := ParseMarkdown("again.md", out)
		if err != nil {
			t.Fatalf("formatted article does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(a, back) {
			t.Fatalf("round trip changed the article:\n%#v\n%#v", a, back)
		}
	})
}
