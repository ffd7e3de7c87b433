package library

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
)

// minCandidateRunes keeps one-word picks (好, 谢谢) out of the review queue.
const minCandidateRunes = 4

// phrasingKey identifies a wording regardless of spacing, punctuation, width and case, so that
// 公司账户被冻结了怎么办？ and 公司账户被冻结了 怎么办 are one candidate.
func phrasingKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// ProposePhrasing records a question as a candidate phrasing of the published article slug. A
// wording the article already has, a question too short or too long to learn from, or an article
// that is not published is skipped without error: learning is a side effect of use and must never
// fail the user's action.
func (l *Library) ProposePhrasing(ctx context.Context, slug, text string, src knowledge.CandidateSource, ref string) error {
	text = strings.TrimSpace(text)
	n := utf8.RuneCountInString(text)
	if !utf8.ValidString(text) || n < minCandidateRunes || n > knowledge.MaxPhrasingLen || !src.Valid() {
		return nil
	}
	a, err := l.st.GetArticle(ctx, slug)
	if err != nil || a.Status != knowledge.StatusPublished {
		return nil
	}
	key := phrasingKey(text)
	if key == "" {
		return nil
	}
	for _, p := range append(append([]string{a.Title}, a.Questions...), a.Phrasings...) {
		if phrasingKey(p) == key {
			return nil
		}
	}
	_, err = l.st.ProposeCandidate(ctx, knowledge.Candidate{Slug: slug, Text: text, Source: src, Ref: ref}, key)
	return err
}

// Candidates lists candidate phrasings by status, newest first.
func (l *Library) Candidates(ctx context.Context, status knowledge.CandidateStatus, limit, offset int) ([]knowledge.Candidate, error) {
	if status != "" && !status.Valid() {
		v := &knowledge.ValidationError{}
		v.Add("", "status", "未知状态 %q", status)
		return nil, v
	}
	return l.st.ListCandidates(ctx, status, limit, offset)
}

// ApproveCandidate adds the candidate to its article's question bank as a new version, which the
// search learns at once, and marks it approved.
func (l *Library) ApproveCandidate(ctx context.Context, id int64, by string) (knowledge.Article, error) {
	c, err := l.st.GetCandidate(ctx, id)
	if err != nil {
		return knowledge.Article{}, err
	}
	if c.Status != knowledge.CandidatePending {
		return knowledge.Article{}, fmt.Errorf("candidate %d is %s already: %w", id, c.Status, knowledge.ErrConflict)
	}
	a, err := l.st.GetArticle(ctx, c.Slug)
	if err != nil {
		return a, err
	}
	if len(a.Phrasings) >= knowledge.MaxPhrasings {
		v := &knowledge.ValidationError{}
		v.Add(a.Slug, "phrasings", "问法库已满（最多 %d 条），请先在文章中删减", knowledge.MaxPhrasings)
		return a, v
	}
	a.Phrasings = append(a.Phrasings, c.Text)
	saved, err := l.st.SaveArticle(ctx, a, by, fmt.Sprintf("采纳候选问法 #%d", id), a.Version)
	if err != nil {
		return a, err
	}
	if err := l.st.DecideCandidate(ctx, id, knowledge.CandidateApproved, by); err != nil {
		return saved, err
	}
	return saved, l.after(ctx, saved, by, "candidate.approve", c.Text)
}

// RejectCandidate marks a candidate rejected; the same wording for the same article is not
// proposed again.
func (l *Library) RejectCandidate(ctx context.Context, id int64, by string) error {
	c, err := l.st.GetCandidate(ctx, id)
	if err != nil {
		return err
	}
	if err := l.st.DecideCandidate(ctx, id, knowledge.CandidateRejected, by); err != nil {
		return err
	}
	return l.audit(ctx, by, "candidate.reject", c.Slug, c.Text)
}
