package ws

import (
	"testing"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
)

// FuzzDecodeFrame feeds arbitrary bytes to the chat frame decoder. It must never panic; a frame it
// accepts has a type, and every string it hands on is valid UTF-8 and already clean of invisible
// characters; a frame it refuses gets a code and a Chinese message.
func FuzzDecodeFrame(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, code, msg := decodeFrame(data)
		if code != "" {
			if msg == "" || !utf8.ValidString(msg) {
				t.Fatalf("refusal %q without a usable message %q", code, msg)
			}
			return
		}
		if fr.Type == "" {
			t.Fatal("accepted a frame without a type")
		}
		strs := []string{fr.Type, fr.ID}
		if fr.Text != nil {
			strs = append(strs, *fr.Text)
		}
		if fr.Slug != nil {
			strs = append(strs, *fr.Slug)
		}
		if fr.Form != nil {
			strs = append(strs, fr.Form.Company, fr.Form.Contact, fr.Form.Question, fr.Form.CaseNumber, fr.Form.CreditCode)
			if fr.Form.Impact != nil {
				strs = append(strs, fr.Form.Impact.Seized)
			}
		}
		for _, s := range strs {
			if !utf8.ValidString(s) || knowledge.CleanText(s) != s {
				t.Fatalf("decoded string %q is not clean", s)
			}
		}
	})
}
