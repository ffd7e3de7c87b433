package answer

import (
	"regexp"
	"regexp/syntax"
)

// cue is a cue pattern with the words one of which every match must contain. Most questions hold
// none of a cue's words, and for them the expression is not run at all: Go's backtracking
// matcher tries every alternative of an unanchored pattern at every position of the text, which
// made the cues most of an uncached ask's cost outside the search. The words are derived from the
// pattern itself (requiredWords), so a cue answers exactly what its expression answers.
type cue struct {
	re   *regexp.Regexp
	need *wordSet // nil: the pattern has no such words (it can match without any literal text)
}

// re compiles a cue pattern; like regexp.MustCompile it panics on a bad pattern.
func re(pattern string) *cue {
	c := &cue{re: regexp.MustCompile(pattern)}
	if ws := requiredWords(pattern); ws != nil {
		c.need = newWordSet(ws)
	}
	return c
}

// possible is false when s cannot match: it holds none of the required words.
func (c *cue) possible(s string) bool { return c.need == nil || c.need.MatchString(s) }

// MatchString is regexp.Regexp.MatchString.
func (c *cue) MatchString(s string) bool { return c.possible(s) && c.re.MatchString(s) }

// FindAllString is regexp.Regexp.FindAllString.
func (c *cue) FindAllString(s string, n int) []string {
	if !c.possible(s) {
		return nil
	}
	return c.re.FindAllString(s, n)
}

// FindString is regexp.Regexp.FindString.
func (c *cue) FindString(s string) string {
	if !c.possible(s) {
		return ""
	}
	return c.re.FindString(s)
}

// FindStringSubmatch is regexp.Regexp.FindStringSubmatch.
func (c *cue) FindStringSubmatch(s string) []string {
	if !c.possible(s) {
		return nil
	}
	return c.re.FindStringSubmatch(s)
}

// FindAllStringSubmatch is regexp.Regexp.FindAllStringSubmatch.
func (c *cue) FindAllStringSubmatch(s string, n int) [][]string {
	if !c.possible(s) {
		return nil
	}
	return c.re.FindAllStringSubmatch(s, n)
}

// ReplaceAllString is regexp.Regexp.ReplaceAllString.
func (c *cue) ReplaceAllString(s, repl string) string {
	if !c.possible(s) {
		return s
	}
	return c.re.ReplaceAllString(s, repl)
}

// maxLiterals bounds the strings a part of a pattern is expanded to.
const maxLiterals = 256

// requiredWords returns words such that every match of pattern contains at least one of them, or
// nil when the pattern has none (it can match the empty string, or only through character
// classes too large to list).
func requiredWords(pattern string) []string {
	rx, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	ls := literalsOf(rx.Simplify())
	if ls.exact != nil {
		return nonEmpty(ls.exact)
	}
	return ls.within
}

// literals describes what a part of a pattern matches: exactly one of exact (when exact is not
// nil), or else some text containing one of within (when within is not nil). within never holds
// the empty string.
type literals struct {
	exact  []string
	within []string
}

func literalsOf(rx *syntax.Regexp) literals {
	if rx.Flags&syntax.FoldCase != 0 {
		return literals{}
	}
	switch rx.Op {
	case syntax.OpLiteral:
		return literals{exact: []string{string(rx.Rune)}}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return literals{exact: []string{""}}
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(rx.Rune); i += 2 {
			for r := rx.Rune[i]; r <= rx.Rune[i+1]; r++ {
				if len(out) == 16 {
					return literals{}
				}
				out = append(out, string(r))
			}
		}
		return literals{exact: out}
	case syntax.OpCapture:
		return literalsOf(rx.Sub[0])
	case syntax.OpQuest:
		sub := literalsOf(rx.Sub[0])
		if sub.exact == nil || len(sub.exact) >= maxLiterals {
			return literals{}
		}
		return literals{exact: append(append([]string{}, sub.exact...), "")}
	case syntax.OpPlus:
		return literals{within: wordsWithin(literalsOf(rx.Sub[0]))}
	case syntax.OpRepeat:
		if rx.Min == 0 {
			return literals{}
		}
		return literals{within: wordsWithin(literalsOf(rx.Sub[0]))}
	case syntax.OpAlternate:
		return alternate(rx.Sub)
	case syntax.OpConcat:
		return concat(rx.Sub)
	}
	return literals{} // any character, a star: no literal is required
}

// wordsWithin is what a part's literals say about the text of any match that holds the part.
func wordsWithin(l literals) []string {
	if l.exact != nil {
		return nonEmpty(l.exact)
	}
	return l.within
}

// nonEmpty returns ws, or nil if one of them is empty (a match may then hold no text at all).
func nonEmpty(ws []string) []string {
	for _, w := range ws {
		if w == "" {
			return nil
		}
	}
	return ws
}

// alternate: exactly one of the branches' strings when every branch is exact; otherwise a match
// holds one of the words of the branch it took, so every branch must have words.
func alternate(subs []*syntax.Regexp) literals {
	ls := make([]literals, len(subs))
	n, allExact := 0, true
	for i, s := range subs {
		ls[i] = literalsOf(s)
		n += len(ls[i].exact)
		allExact = allExact && ls[i].exact != nil
	}
	var out []string
	if allExact && n <= maxLiterals {
		for _, l := range ls {
			out = append(out, l.exact...)
		}
		return literals{exact: out}
	}
	for _, l := range ls {
		w := wordsWithin(l)
		if w == nil {
			return literals{}
		}
		out = append(out, w...)
	}
	return literals{within: out}
}

// concat multiplies out runs of parts matched exactly (法 then 官|管 is 法官|法管); of those runs
// and of the other parts' words, the longest words are the ones required.
func concat(subs []*syntax.Regexp) literals {
	run := []string{""}
	var best []string
	consider := func(ws []string) {
		if ws = nonEmpty(ws); ws != nil && (best == nil || better(ws, best)) {
			best = ws
		}
	}
	whole := true
	for _, s := range subs {
		l := literalsOf(s)
		if l.exact != nil && len(run)*len(l.exact) <= maxLiterals {
			next := make([]string, 0, len(run)*len(l.exact))
			for _, a := range run {
				for _, b := range l.exact {
					next = append(next, a+b)
				}
			}
			run = next
			continue
		}
		whole = false
		consider(run)
		if l.exact != nil {
			run = l.exact
			continue
		}
		consider(l.within)
		run = []string{""}
	}
	if whole {
		return literals{exact: run}
	}
	consider(run)
	return literals{within: best}
}

// better prefers the words whose shortest is longer: they occur in fewer texts.
func better(a, b []string) bool {
	shortest := func(ws []string) int {
		n := -1
		for _, w := range ws {
			if k := len([]rune(w)); n < 0 || k < n {
				n = k
			}
		}
		return n
	}
	if sa, sb := shortest(a), shortest(b); sa != sb {
		return sa > sb
	}
	return len(a) < len(b)
}
