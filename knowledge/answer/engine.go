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
	// IntentClarify asks the user to choose between two or three close articles.
	IntentClarify Intent = "clarify"
)

// ClarifyPrompt introduces the options of a clarification.
const ClarifyPrompt = "您想了解的是哪一项？"

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
	// Options are the articles offered when Intent is clarify, best first (2–3 items).
	Options []Option `json:"options,omitempty"`
	// Passage is the part of the answering article that best matches the question.
	Passage *Passage `json:"passage,omitempty"`

	// Structured parts of the answer, so that the chat page can lay them out.
	Summary          string   `json:"summary,omitempty"`
	LegalBasis       []string `json:"legal_basis,omitempty"`
	ArticleURL       string   `json:"article_url,omitempty"`
	RelatedQuestions []string `json:"related_questions,omitempty"`
	// Offer is an action the page offers with the answer, such as the visit request form.
	Offer Offer `json:"offer,omitempty"`

	// Explanation for the admin test console.
	Terms      []string `json:"terms,omitempty"`
	Normalized string   `json:"normalized,omitempty"`
}

// Option is one article offered in a clarification.
type Option struct {
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// Articles looks up a published article by slug, for the "you may also ask" questions.
type Articles interface {
	Article(slug string) (knowledge.Article, bool)
}

// Config holds the decision policy. The search's scores are calibrated probabilities that an
// article answers the question (docs/SEARCH.md has the reliability table), so these are choices
// about risk, not score thresholds fitted to a question set.
type Config struct {
	// AnswerProb is the probability at or above which the best article answers at once.
	AnswerProb float64
	// ClarifyMass is the least combined probability of the options for a clarification; below
	// it nothing in the knowledge base fits and a legal question goes to a judge.
	ClarifyMass float64
	// CloseRatio: when the second article's probability is at least this share of the first's,
	// the two are too close to pick one and the user is asked, unless the first is SureProb.
	CloseRatio float64
	SureProb   float64
	// OptionProb is the least probability for an article to be offered as an option.
	OptionProb float64
	// SoleProb answers with the best article below AnswerProb when no other article qualifies
	// as an option: a clarification needs two.
	SoleProb float64
	// NonLegalProb replaces AnswerProb for questions without legal or business vocabulary, and
	// UncoveredProb for questions in a field no article is about (customs, maritime …): such a
	// question must match an article's own wording closely before it is answered.
	NonLegalProb  float64
	UncoveredProb float64
	// MaxSources caps the sources returned.
	MaxSources int
}

// DefaultConfig is the policy the service ships with.
func DefaultConfig() Config {
	return Config{AnswerProb: 0.6, ClarifyMass: 0.12, CloseRatio: 0.6, SureProb: 0.85, OptionProb: 0.03, SoleProb: 0.35,
		NonLegalProb: 0.75, UncoveredProb: 0.9, MaxSources: 5}
}

// Engine answers questions. It is safe for concurrent use.
type Engine struct {
	search   Searcher
	norm     Normalizer
	articles Articles
	cfg      Config
	cache    *cache // nil: no cache (WithCache)
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

// ask answers one question; Ask adds the offers.
func (e *Engine) ask(ctx context.Context, question string) (Result, error) {
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
	legal := legalQuestion(norm)
	answerProb, strict := e.cfg.AnswerProb, false
	if !legal {
		answerProb, strict = max(answerProb, e.cfg.NonLegalProb), true
	}
	if uncoveredRE.MatchString(norm) {
		answerProb, strict = max(answerProb, e.cfg.UncoveredProb), true
	}
	decision, options := e.decide(sr.Hits, answerProb, strict)

	switch {
	case reason != ReasonNone:
		res.Intent = IntentEscalate
	case decision == IntentAnswer:
		res.Intent = IntentAnswer
	case decision == IntentClarify:
		res.Intent = IntentClarify
		res.Options = options
		res.Answer = ClarifyPrompt
		return res, nil
	case legal:
		res.Intent, reason = IntentEscalate, ReasonUncovered
	default:
		res.Intent = IntentOutOfScope
		res.Sources = []Source{}
		res.Answer = outOfScopeReply
		return res, nil
	}
	covered := decision == IntentAnswer

	if res.Intent == IntentEscalate {
		res.Escalation = Escalation{Suggested: true, Reason: reason}
	}
	var top *knowledge.Article
	if covered {
		top = &sr.Hits[0].Article
		if p := sr.Hits[0].Passage; p.Text != "" {
			res.Passage = &p
		}
	}
	e.compose(&res, top, reason)
	return res, nil
}

// decide picks answer, clarify or neither from the hits' probabilities. In strict mode (no legal
// vocabulary, or a field no article is about) only a close match is answered: a middling one is
// chance overlap there, not a question to clarify.
func (e *Engine) decide(hits []Hit, answerProb float64, strict bool) (Intent, []Option) {
	if len(hits) == 0 {
		return "", nil
	}
	p1 := hits[0].Score
	if strict {
		if p1 >= answerProb {
			return IntentAnswer, nil
		}
		return "", nil
	}
	close := len(hits) > 1 && hits[1].Score >= e.cfg.CloseRatio*p1 && p1 < e.cfg.SureProb
	if p1 >= answerProb && !close {
		return IntentAnswer, nil
	}
	var opts []Option
	var mass float64
	for i, h := range hits {
		if i == 3 || h.Score < e.cfg.OptionProb || h.Score < p1/4 {
			break
		}
		opts = append(opts, Option{Slug: h.Article.Slug, Title: h.Article.Title})
		mass += h.Score
	}
	switch {
	case len(opts) >= 2 && mass >= e.cfg.ClarifyMass:
		return IntentClarify, opts
	case p1 >= answerProb, len(opts) == 1 && p1 >= e.cfg.SoleProb:
		// One article stands out and nothing else comes near: it is the one that fits.
		return IntentAnswer, nil
	}
	return "", nil
}

// Choose answers with the article the user picked from a clarification's options.
func (e *Engine) Choose(ctx context.Context, question, slug string) (Result, error) {
	if err := ValidateQuestion(question); err != nil {
		return Result{}, err
	}
	if e.articles == nil {
		return Result{}, fmt.Errorf("article %q: %w", slug, knowledge.ErrNotFound)
	}
	a, ok := e.articles.Article(slug)
	if !ok {
		return Result{}, fmt.Errorf("article %q: %w", slug, knowledge.ErrNotFound)
	}
	norm := e.norm.Normalize(question)
	res := Result{Intent: IntentAnswer, Normalized: norm, Confidence: 1,
		Sources: []Source{{Slug: a.Slug, Title: a.Title, Category: a.Category, Kind: a.Kind, Score: 1}}}
	if pf, ok := e.search.(PassageFinder); ok {
		if p := pf.Passage(question, slug); p.Text != "" {
			res.Passage = &p
		}
	}
	e.compose(&res, &a, ReasonNone)
	return res, nil
}
