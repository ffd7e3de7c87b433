// Package answer is the answering engine: normalise the question, detect smalltalk, case numbers
// and escalation cues, search the knowledge base, calibrate the score and compose the reply. It
// depends only on the Searcher and Normalizer interfaces, so the same engine serves the chat, the
// HTTP API and the admin test console.
package answer

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Intent is what the engine decided to do with a question.
type Intent string

// Intents.
const (
	IntentAnswer     Intent = "answer"
	IntentEscalate   Intent = "escalate"
	IntentSmalltalk  Intent = "smalltalk"
	IntentOutOfScope Intent = "out_of_scope"
)

// MaxQuestionLen is the longest question accepted, in characters.
const MaxQuestionLen = 1000

// Source is an article cited by an answer.
type Source struct {
	Slug     string             `json:"slug"`
	Title    string             `json:"title"`
	Category knowledge.Category `json:"category"`
	Kind     knowledge.Kind     `json:"kind"`
	Score    float64            `json:"score"`
}

// Escalation says whether a judge should take over, and why.
type Escalation struct {
	Suggested bool   `json:"suggested"`
	Reason    Reason `json:"reason"`
}

// Result is the engine's reply; its JSON form is the /api/v1/ask response.
type Result struct {
	Intent     Intent     `json:"intent"`
	Answer     string     `json:"answer"`
	Sources    []Source   `json:"sources"`
	Confidence float64    `json:"confidence"`
	Escalation Escalation `json:"escalation"`
	CaseNumber string     `json:"case_number"`

	// Structured parts of the answer, so that the chat page can lay them out.
	Summary          string   `json:"summary,omitempty"`
	LegalBasis       []string `json:"legal_basis,omitempty"`
	ArticleURL       string   `json:"article_url,omitempty"`
	RelatedQuestions []string `json:"related_questions,omitempty"`

	// Explanation for the admin test console.
	Terms      []string `json:"terms,omitempty"`
	Normalized string   `json:"normalized,omitempty"`
}

// Articles looks up a published article by slug, for the "you may also ask" questions.
type Articles interface {
	Article(slug string) (knowledge.Article, bool)
}

// Config holds the calibrated thresholds.
type Config struct {
	// AnswerThreshold is the confidence at or above which the best article answers the question.
	// Below it, a question with legal vocabulary goes to a judge as uncovered_legal and one
	// without is out of scope.
	AnswerThreshold float64
	// UncoveredThreshold replaces AnswerThreshold for questions in a field no article is about
	// (customs, maritime, anti-dumping …).
	UncoveredThreshold float64
	// NonLegalThreshold replaces AnswerThreshold for questions without legal vocabulary.
	NonLegalThreshold float64
	// MaxSources caps the sources returned.
	MaxSources int
}

// DefaultConfig holds thresholds calibrated on the development question set (docs/SEARCH.md).
func DefaultConfig() Config {
	return Config{AnswerThreshold: 0.15, UncoveredThreshold: 0.4, NonLegalThreshold: 0.45, MaxSources: 5}
}

// Engine answers questions. It is safe for concurrent use.
type Engine struct {
	search   Searcher
	norm     Normalizer
	articles Articles
	cfg      Config
}

// New builds an engine.
func New(s Searcher, n Normalizer, a Articles, cfg Config) *Engine {
	if cfg.MaxSources <= 0 {
		cfg.MaxSources = 5
	}
	return &Engine{search: s, norm: n, articles: a, cfg: cfg}
}

// ValidateQuestion checks a question before any work is done.
func ValidateQuestion(q string) error {
	v := &knowledge.ValidationError{}
	switch n := utf8.RuneCountInString(q); {
	case !utf8.ValidString(q):
		v.Add("", "question", "不是有效的 UTF-8 文本")
	case strings.TrimSpace(q) == "":
		v.Add("", "question", "问题不能为空")
	case n > MaxQuestionLen:
		v.Add("", "question", "问题不能超过 %d 个字（现为 %d 个）", MaxQuestionLen, n)
	}
	return v.Err()
}

// Ask answers one question.
func (e *Engine) Ask(ctx context.Context, question string) (Result, error) {
	if err := ValidateQuestion(question); err != nil {
		return Result{}, err
	}
	norm := e.norm.Normalize(question)
	res := Result{Sources: []Source{}, Normalized: norm, CaseNumber: CaseNumber(norm)}
	reason := detectReason(norm, res.CaseNumber)

	if reason == ReasonNone && res.CaseNumber == "" && isSmalltalk(norm) {
		res.Intent = IntentSmalltalk
		res.Answer = smalltalkReply(norm)
		res.Confidence = 1
		return res, nil
	}

	sr, err := e.search.Search(ctx, question, e.cfg.MaxSources)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	res.Terms = sr.Terms
	for _, h := range sr.Hits {
		res.Sources = append(res.Sources, Source{Slug: h.Article.Slug, Title: h.Article.Title,
			Category: h.Article.Category, Kind: h.Article.Kind, Score: h.Score})
	}
	if len(sr.Hits) > 0 {
		res.Confidence = sr.Hits[0].Score
	}
	legal := legalRE.MatchString(norm)
	// Without any legal or business vocabulary a question must match an article's own wording
	// closely before it is answered: 红烧肉怎么做 shares a few characters with many articles.
	threshold := e.cfg.AnswerThreshold
	if !legal {
		threshold = max(threshold, e.cfg.NonLegalThreshold)
	}
	if uncoveredRE.MatchString(norm) {
		threshold = max(threshold, e.cfg.UncoveredThreshold)
	}
	covered := len(sr.Hits) > 0 && res.Confidence >= threshold

	switch {
	case reason != ReasonNone:
		res.Intent = IntentEscalate
	case covered:
		res.Intent = IntentAnswer
	case legal:
		res.Intent, reason = IntentEscalate, ReasonUncovered
	default:
		res.Intent = IntentOutOfScope
		res.Sources = []Source{}
		res.Answer = outOfScopeReply
		return res, nil
	}

	if res.Intent == IntentEscalate {
		res.Escalation = Escalation{Suggested: true, Reason: reason}
	}
	var top *knowledge.Article
	if covered {
		top = &sr.Hits[0].Article
	}
	e.compose(&res, top, reason)
	return res, nil
}
