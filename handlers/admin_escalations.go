package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// EscalationSources is the admins' view of where escalations come from (escalation.Queue).
type EscalationSources interface {
	Sources(ctx context.Context, j escalation.Judge, since time.Time) ([]escalation.SourceCount, error)
	BySource(ctx context.Context, j escalation.Judge, f escalation.SourceFilter) ([]escalation.Ticket, error)
	CloseFromSource(ctx context.Context, j escalation.Judge, f escalation.SourceFilter, reason string) (int, error)
}

// sourceTicket is a ticket as admins see it: with its source, which judges never see.
type sourceTicket struct {
	escalation.Ticket
	SourceAddr    string `json:"source_addr"`
	SourceNet     string `json:"source_net"`
	PriorityName  string `json:"priority_name"`
	PriorityBasis string `json:"priority_basis,omitempty"`
	StateName     string `json:"state_name"`
}

// adminEscalations is GET /api/v1/admin/escalations[?addr=|conversation=]: without a source, the
// addresses with the most escalations in the last 24 hours; with one, that source's tickets.
func (s *adminAPI) adminEscalations(c echo.Context) error {
	ctx, j := c.Request().Context(), judgeOf(currentUser(c))
	f := escalation.SourceFilter{Addr: c.QueryParam("addr"), Conversation: c.QueryParam("conversation")}
	if f.Addr == "" && f.Conversation == "" {
		srcs, err := s.d.Sources.Sources(ctx, j, time.Now().Add(-24*time.Hour))
		if err != nil {
			return err
		}
		if srcs == nil {
			srcs = []escalation.SourceCount{}
		}
		return c.JSON(http.StatusOK, map[string]any{"sources": srcs})
	}
	ts, err := s.d.Sources.BySource(ctx, j, f)
	if err != nil {
		return err
	}
	out := make([]sourceTicket, 0, len(ts))
	for _, t := range ts {
		st := sourceTicket{Ticket: t, SourceAddr: t.SourceAddr, SourceNet: t.SourceNet, PriorityName: t.Priority.Name(),
			StateName: t.State.Name()}
		if t.Priority > escalation.PriorityNormal {
			st.PriorityBasis = escalation.ClaimedPriority
		}
		out = append(out, st)
	}
	return c.JSON(http.StatusOK, map[string]any{"tickets": out})
}

// adminCloseEscalations is POST /api/v1/admin/escalations/close {addr|conversation, reason}:
// resolves every open ticket of the source.
func (s *adminAPI) adminCloseEscalations(c echo.Context) error {
	var req struct {
		Addr         string `json:"addr"`
		Conversation string `json:"conversation"`
		Reason       string `json:"reason"`
	}
	if err := decodeJSON(c, 4<<10, &req); err != nil {
		return err
	}
	ctx, u := c.Request().Context(), currentUser(c)
	f := escalation.SourceFilter{Addr: req.Addr, Conversation: req.Conversation}
	n, err := s.d.Sources.CloseFromSource(ctx, judgeOf(u), f, req.Reason)
	if err != nil {
		return err
	}
	target := "addr:" + req.Addr
	if req.Conversation != "" {
		target = "conversation:" + req.Conversation
	}
	if err := s.d.Users.Audit(ctx, u.Username, "escalations.close", target, itoa(int64(n))+" 件："+req.Reason); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"closed": n})
}
