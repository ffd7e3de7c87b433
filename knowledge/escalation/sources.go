package escalation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// SourceFilter selects tickets by where they came from: the hashed address or the conversation
// (the visitor token's identity). Exactly one must be set.
type SourceFilter struct {
	Addr         string
	Conversation string
	OpenOnly     bool
}

// Validate checks that the filter names one source.
func (f SourceFilter) Validate() error {
	v := &knowledge.ValidationError{}
	if (f.Addr == "") == (f.Conversation == "") {
		v.Add("", "addr", "请指定一个来源：地址（addr）或会话（conversation）")
	}
	if len(f.Addr) > 64 || len(f.Conversation) > 64 {
		v.Add("", "addr", "来源过长")
	}
	return v.Err()
}

// SourceCount is one address's escalations since a moment.
type SourceCount struct {
	Addr    string    `json:"addr"`
	Network string    `json:"network"`
	Count   int       `json:"count"`
	Open    int       `json:"open"`
	Last    time.Time `json:"last"`
}

// SourceStore is what the admins' view of sources needs (the store implements it).
type SourceStore interface {
	ListBySource(ctx context.Context, f SourceFilter) ([]Ticket, error)
	SourceCounts(ctx context.Context, since time.Time, limit int) ([]SourceCount, error)
}

// ActionAdminClose is an admin's bulk close in the audit trail.
const ActionAdminClose = "admin_close"

// Sources lists the addresses with the most escalations since since (admins only).
func (q *Queue) Sources(ctx context.Context, j Judge, since time.Time) ([]SourceCount, error) {
	if !j.Admin {
		return nil, knowledge.ErrForbidden
	}
	return q.st.SourceCounts(ctx, since, 50)
}

// BySource lists the tickets of one source, newest first (admins only).
func (q *Queue) BySource(ctx context.Context, j Judge, f SourceFilter) ([]Ticket, error) {
	if !j.Admin {
		return nil, knowledge.ErrForbidden
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return q.st.ListBySource(ctx, f)
}

// CloseFromSource resolves every open ticket of one source (admins only): the enterprise is told
// the request was closed and how to reach the court, and the audit trail keeps the reason.
// Tickets a judge moves meanwhile are skipped, not forced.
func (q *Queue) CloseFromSource(ctx context.Context, j Judge, f SourceFilter, reason string) (int, error) {
	if !j.Admin {
		return 0, knowledge.ErrForbidden
	}
	if err := f.Validate(); err != nil {
		return 0, err
	}
	if err := validText("reason", reason, 500); err != nil {
		return 0, err
	}
	f.OpenOnly = true
	ts, err := q.st.ListBySource(ctx, f)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range ts {
		_, err := q.apply(ctx, nil, t, Transition{TicketID: t.ID, Action: RuleAdminClose, Actor: ActorOf(j), To: StateResolved, ClaimedBy: t.ClaimedBy,
			Mode:    conversation.ModeResolved,
			Message: systemMessage(t.ConversationID, "您的转交法官请求已由管理员关闭。如仍需法官帮助，请拨打诉讼服务热线 12368。"),
			Event: TicketEvent{At: q.now(), ActorID: j.ID, Actor: j.Name, Action: ActionAdminClose, From: t.State, To: StateResolved,
				Reason: "批量关闭：" + strings.TrimSpace(reason)}})
		switch {
		case err == nil:
			n++
		case isConflict(err):
		default:
			return n, fmt.Errorf("close ticket %d: %w", t.ID, err)
		}
	}
	return n, nil
}
