package answer

import (
	"context"
	"errors"
	"testing"

	"github.com/courtdesk/courtdesk/knowledge"
)

type fakeSearch struct{ hits []Hit }

func (f fakeSearch) Search(context.Context, string, int) (SearchResult, error) {
	return SearchResult{Hits: f.hits}, nil
}

type identity struct{}

func (identity) Normalize(s string) string { return s }

type articleMap map[string]knowledge.Article

func (m articleMap) Article(slug string) (knowledge.Article, bool) { a, ok := m[slug]; return a, ok }

func hit(slug string, p float64) Hit {
	return Hit{Article: knowledge.Article{Slug: slug, Title: "标题" + slug, Summary: "摘要" + slug}, Score: p}
}

// The calibrated probabilities decide between answering, asking which article is meant, and
// handing the question to a judge.
func TestDecisionOnProbabilities(t *testing.T) {
	cases := []struct {
		name    string
		hits    []Hit
		intent  Intent
		options int
	}{
		{"one clear article", []Hit{hit("a", 0.9), hit("b", 0.05)}, IntentAnswer, 0},
		{"two close articles", []Hit{hit("a", 0.45), hit("b", 0.40), hit("c", 0.02)}, IntentClarify, 2},
		{"three close articles", []Hit{hit("a", 0.3), hit("b", 0.25), hit("c", 0.2)}, IntentClarify, 3},
		{"a likely but not sure first", []Hit{hit("a", 0.7), hit("b", 0.5)}, IntentClarify, 2},
		{"a sole middling article", []Hit{hit("a", 0.5), hit("b", 0.01)}, IntentAnswer, 0},
		{"nothing fits", []Hit{hit("a", 0.04), hit("b", 0.03)}, IntentEscalate, 0},
	}
	for _, c := range cases {
		e := New(fakeSearch{c.hits}, identity{}, nil, DefaultConfig())
		res, err := e.Ask(context.Background(), "公司合同纠纷怎么处理")
		if err != nil {
			t.Fatal(err)
		}
		if res.Intent != c.intent || len(res.Options) != c.options {
			t.Errorf("%s: intent %s with %d options, want %s with %d", c.name, res.Intent, len(res.Options), c.intent, c.options)
		}
		if res.Intent == IntentClarify && (res.Answer != ClarifyPrompt || res.Options[0].Slug != "a") {
			t.Errorf("%s: clarify %q options %v, want the prompt and the best first", c.name, res.Answer, res.Options)
		}
		if res.Intent == IntentEscalate && res.Escalation.Reason != ReasonUncovered {
			t.Errorf("%s: reason %s, want uncovered_legal", c.name, res.Escalation.Reason)
		}
	}
}

// A pick from the options is answered with that article, and an unknown slug is not found.
func TestChooseAnswersTheChosenArticle(t *testing.T) {
	arts := articleMap{"b": {Slug: "b", Title: "乙", Summary: "乙的摘要"}}
	e := New(fakeSearch{}, identity{}, arts, DefaultConfig())
	res, err := e.Choose(context.Background(), "公司合同纠纷怎么处理", "b")
	if err != nil {
		t.Fatal(err)
	}
	if res.Intent != IntentAnswer || res.Sources[0].Slug != "b" || res.Summary != "乙的摘要" {
		t.Fatalf("choose: %+v", res)
	}
	if _, err := e.Choose(context.Background(), "公司合同纠纷怎么处理", "nope"); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("unknown slug: %v, want ErrNotFound", err)
	}
}
