package seed

import (
	_ "embed"
	"fmt"

	"github.com/courtdesk/courtdesk/knowledge"
)

//go:embed lexicon.txt
var lexicon string

// Lexicon returns the default colloquial lexicon (lexicon.txt). The file is part of the binary and
// checked by the tests, so a parse error here is a programming error.
func Lexicon() []knowledge.LexGroup {
	groups, err := knowledge.ParseLexicon(lexicon)
	if err != nil {
		panic(fmt.Sprintf("seed lexicon: %v", err))
	}
	return groups
}

// LexiconText is the default lexicon in its text form, comments included.
func LexiconText() string { return lexicon }
