package escalation

import (
	"time"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
)

// CannedReply is a reply template kept by admins and inserted by judges.
type CannedReply struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks a canned reply.
func (c *CannedReply) Validate() error {
	v := &knowledge.ValidationError{}
	if n := utf8.RuneCountInString(c.Title); n < 1 || n > 40 {
		v.Add("", "title", "标题须为 1–40 个字")
	}
	if n := utf8.RuneCountInString(c.Body); n < 1 || n > 4000 {
		v.Add("", "body", "内容须为 1–4000 个字")
	}
	return v.Err()
}

// SuggestionStatus is where a judge's article suggestion stands in the admins' review.
type SuggestionStatus string

// Suggestion statuses.
const (
	SuggestionPending   SuggestionStatus = "pending"
	SuggestionPublished SuggestionStatus = "published"
	SuggestionMerged    SuggestionStatus = "merged"
	SuggestionDismissed SuggestionStatus = "dismissed"
)

// Suggestion is a judge's answer offered as a knowledge-base article. It keeps its source: a
// ticket, or a 法官进企业 visit whose summary it grew from.
type Suggestion struct {
	ID        int64             `json:"id"`
	TicketID  int64             `json:"ticket_id"`
	VisitID   int64             `json:"visit_id,omitempty"`
	JudgeID   int64             `json:"judge_id"`
	Judge     string            `json:"judge"`
	Article   knowledge.Article `json:"article"`
	Status    SuggestionStatus  `json:"status"`
	Reason    string            `json:"reason"`
	DecidedBy string            `json:"decided_by"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}
