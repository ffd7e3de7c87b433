package knowledge

import "time"

// Candidate is a phrasing learned from use that waits for an admin's decision before it joins an
// article's question bank. Nothing is learned without approval; a rejection is remembered, so the
// same wording is not proposed again.
type Candidate struct {
	ID        int64           `json:"id"`
	Slug      string          `json:"slug"`
	Text      string          `json:"text"`
	Source    CandidateSource `json:"source"`
	Ref       string          `json:"ref"` // the conversation or ticket it came from
	Status    CandidateStatus `json:"status"`
	Seen      int             `json:"seen"` // how often the same wording was proposed
	CreatedAt time.Time       `json:"created_at"`
	DecidedAt time.Time       `json:"decided_at,omitzero"`
	DecidedBy string          `json:"decided_by,omitempty"`
}

// CandidateSource says how a candidate was learned.
type CandidateSource string

// Candidate sources.
const (
	// SourceClarify: the user chose this article among a clarification's options.
	SourceClarify CandidateSource = "clarify"
	// SourceHelpful: the user marked the answer from this article 有帮助.
	SourceHelpful CandidateSource = "helpful"
	// SourceJudge: a judge's reply to the escalated question linked this article.
	SourceJudge CandidateSource = "judge"
)

// Valid reports whether s is a known source.
func (s CandidateSource) Valid() bool {
	return s == SourceClarify || s == SourceHelpful || s == SourceJudge
}

// CandidateStatus is where a candidate stands.
type CandidateStatus string

// Candidate statuses.
const (
	CandidatePending  CandidateStatus = "pending"
	CandidateApproved CandidateStatus = "approved"
	CandidateRejected CandidateStatus = "rejected"
)

// Valid reports whether s is a known status.
func (s CandidateStatus) Valid() bool {
	return s == CandidatePending || s == CandidateApproved || s == CandidateRejected
}
