package handlers

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/handlers/ws"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/notice"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// Queue is the judge queue's rules (escalation.Queue implements it).
type Queue interface {
	List(ctx context.Context, j escalation.Judge, f escalation.Filter, allCourts bool) (escalation.Page, error)
	Get(ctx context.Context, j escalation.Judge, id int64) (escalation.View, []escalation.TicketEvent, []escalation.Note, error)
	Claim(ctx context.Context, j escalation.Judge, id int64) (escalation.Ticket, error)
	Reply(ctx context.Context, j escalation.Judge, id int64, text string) (escalation.Done, error)
	Return(ctx context.Context, j escalation.Judge, id int64, reason string) (escalation.Ticket, error)
	TransferToJudge(ctx context.Context, j escalation.Judge, id, toID int64, reason string) (escalation.Ticket, error)
	TransferToCourt(ctx context.Context, j escalation.Judge, id int64, court, reason string) (escalation.Ticket, error)
	Resolve(ctx context.Context, j escalation.Judge, id int64, closing string) (escalation.Ticket, error)
	AddNote(ctx context.Context, j escalation.Judge, id int64, text string) (escalation.Note, error)
	ScopeOf(j escalation.Judge) escalation.Scope
}

// Desk is the judge console's storage beyond the queue rules (the store implements it).
type Desk interface {
	Messages(ctx context.Context, conversationID string, after int64, limit int) ([]conversation.Message, error)
	CannedReplies(ctx context.Context) ([]escalation.CannedReply, error)
	CreateSuggestion(ctx context.Context, g escalation.Suggestion) (escalation.Suggestion, error)
	JudgeCounts(ctx context.Context, judgeID int64, since time.Time) (store.JudgeDayCounts, error)
}

// JudgeHub serves judge consoles' WebSockets (handlers/ws.Hub implements it).
type JudgeHub interface {
	OriginAllowed(r *http.Request) bool
	ServeJudge(w http.ResponseWriter, r *http.Request, s ws.JudgeSession)
}

// Sessions closes judge consoles' sockets (handlers/ws.Hub implements it).
type Sessions interface {
	// EndSessions closes the sockets of a session, or of every session of userID when sessionID
	// is empty, on every replica.
	EndSessions(ctx context.Context, userID int64, sessionID string)
}

// Directory is the accounts as the judge console sees them: the judges to transfer to, and the
// audit log its visit actions go to (the store implements it).
type Directory interface {
	ListUsers(ctx context.Context) ([]knowledge.User, error)
	Audit(ctx context.Context, actor, action, target, detail string) error
}

// ArticleList lists stored articles; a judge links published ones in replies (knowledge/library).
type ArticleList interface {
	List(ctx context.Context, f store.ArticleFilter) ([]knowledge.Article, error)
}

func judgeOf(u knowledge.User) escalation.Judge {
	return escalation.Judge{ID: u.ID, Name: u.DisplayName, Court: u.Court, Specialties: u.Specialties,
		Capacity: u.Capacity, Admin: u.Role == knowledge.RoleAdmin, AllCourts: u.AllCourts}
}

// listTickets is GET /api/v1/judge/tickets?scope=court|all|mine&state=&category=&cursor=&limit=:
// one page of the queue and the cursor of the next ("" at the end).
func (s *judgeAPI) listTickets(c echo.Context) error {
	j := judgeOf(currentUser(c))
	f := escalation.Filter{Specialty: knowledge.Category(c.QueryParam("category"))}
	var err error
	if f.After, err = escalation.ParseCursor(c.QueryParam("cursor")); err != nil {
		return err
	}
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > escalation.MaxPageSize {
			return apiErr(http.StatusBadRequest, "invalid", "limit 须为 1–200")
		}
		f.Limit = n
	}
	if st := c.QueryParam("state"); st != "" {
		f.States = []escalation.State{escalation.State(st)}
	}
	all := false
	switch c.QueryParam("scope") {
	case "all":
		all = true
	case "mine":
		all, f.ClaimedBy = true, j.ID
		if len(f.States) == 0 {
			// My open tickets and the ones I closed in the last week.
			f.States = []escalation.State{escalation.StateClaimed, escalation.StateAnswered, escalation.StateResolved}
			f.Since = time.Now().AddDate(0, 0, -7)
		}
	}
	page, err := s.d.Queue.List(c.Request().Context(), j, f, all)
	if err != nil {
		return err
	}
	if page.Tickets == nil {
		page.Tickets = []escalation.View{}
	}
	notices, err := s.noticeStatuses(c.Request().Context(), &page)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct {
		escalation.Page
		Notices map[int64]notice.Status `json:"notices,omitempty"`
	}{page, notices})
}

// consoleMessage is a conversation message as a judge sees it, with the bot's sources and intent.
type consoleMessage struct {
	Seq       int64             `json:"seq"`
	Kind      conversation.Kind `json:"kind"`
	Text      string            `json:"text"`
	Judge     string            `json:"judge,omitempty"`
	Intent    answer.Intent     `json:"intent,omitempty"`
	Reason    answer.Reason     `json:"reason,omitempty"`
	Sources   []answer.Source   `json:"sources,omitempty"`
	Feedback  int               `json:"feedback,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
}

// getTicket is GET /api/v1/judge/tickets/:id: the ticket, intake, whole conversation, audit trail
// and internal notes.
func (s *judgeAPI) getTicket(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, events, notes, err := s.d.Queue.Get(ctx, judgeOf(currentUser(c)), id)
	if err != nil {
		return err
	}
	msgs, err := s.d.Desk.Messages(ctx, v.ConversationID, 0, 1000)
	if err != nil {
		return err
	}
	out := make([]consoleMessage, 0, len(msgs))
	for _, m := range msgs {
		cm := consoleMessage{Seq: m.Seq, Kind: m.Kind, Text: m.Text, Judge: m.Judge, Feedback: m.Feedback, CreatedAt: m.CreatedAt}
		if m.Answer != nil {
			cm.Intent, cm.Reason, cm.Sources = m.Answer.Intent, m.Answer.Escalation.Reason, m.Answer.Sources
		}
		out = append(out, cm)
	}
	if events == nil {
		events = []escalation.TicketEvent{}
	}
	if notes == nil {
		notes = []escalation.Note{}
	}
	return c.JSON(http.StatusOK, map[string]any{"ticket": v, "messages": out, "events": events, "notes": notes})
}

type ticketAction struct {
	Text    string `json:"text"`
	Reason  string `json:"reason"`
	Closing string `json:"closing"`
	ToJudge int64  `json:"to_judge"`
	Court   string `json:"court"`
}

// ticketDo is POST /api/v1/judge/tickets/:id/:action for claim, reply, return, transfer, resolve
// and note.
func (s *judgeAPI) ticketDo(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var req ticketAction
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, 32<<10, &req); err != nil {
			return err
		}
	}
	ctx, j := c.Request().Context(), judgeOf(currentUser(c))
	var res any
	switch c.Param("action") {
	case "claim":
		res, err = s.d.Queue.Claim(ctx, j, id)
	case "reply":
		var d escalation.Done
		d, err = s.d.Queue.Reply(ctx, j, id, req.Text)
		res = d.Ticket
	case "return":
		res, err = s.d.Queue.Return(ctx, j, id, req.Reason)
	case "transfer":
		if req.ToJudge != 0 {
			res, err = s.d.Queue.TransferToJudge(ctx, j, id, req.ToJudge, req.Reason)
		} else {
			res, err = s.d.Queue.TransferToCourt(ctx, j, id, req.Court, req.Reason)
		}
	case "resolve":
		res, err = s.d.Queue.Resolve(ctx, j, id, req.Closing)
	case "note":
		res, err = s.d.Queue.AddNote(ctx, j, id, req.Text)
	default:
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// noticeStatuses adds each ticket's notice status to a page of the queue (sent, failed,
// pending or not consented); without notices wired the page is unchanged.
func (s *judgeAPI) noticeStatuses(ctx context.Context, page *escalation.Page) (map[int64]notice.Status, error) {
	if s.d.Notices == nil || len(page.Tickets) == 0 {
		return nil, nil
	}
	convs := make([]string, len(page.Tickets))
	for i, t := range page.Tickets {
		convs[i] = t.ConversationID
	}
	st, err := s.d.Notices.Statuses(ctx, convs)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]notice.Status, len(page.Tickets))
	for _, t := range page.Tickets {
		out[t.ID] = st[t.ConversationID]
	}
	return out, nil
}
