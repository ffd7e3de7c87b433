package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
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
	SaveCannedReply(ctx context.Context, c escalation.CannedReply) (escalation.CannedReply, error)
	DeleteCannedReply(ctx context.Context, id int64) error
	CreateSuggestion(ctx context.Context, g escalation.Suggestion) (escalation.Suggestion, error)
	Suggestions(ctx context.Context, status escalation.SuggestionStatus) ([]escalation.Suggestion, error)
	GetSuggestion(ctx context.Context, id int64) (escalation.Suggestion, error)
	DecideSuggestion(ctx context.Context, id int64, status escalation.SuggestionStatus, reason, by string) error
	JudgeCounts(ctx context.Context, judgeID int64, since time.Time) (store.JudgeDayCounts, error)
}

// JudgeHub serves judge consoles' WebSockets (handlers/ws.Hub implements it).
type JudgeHub interface {
	OriginAllowed(r *http.Request) bool
	ServeJudge(w http.ResponseWriter, r *http.Request, s ws.JudgeSession)
	// EndSessions closes the sockets of a session, or of every session of userID when sessionID
	// is empty, on every replica.
	EndSessions(ctx context.Context, userID int64, sessionID string)
}

func judgeOf(u knowledge.User) escalation.Judge {
	return escalation.Judge{ID: u.ID, Name: u.DisplayName, Court: u.Court, Specialties: u.Specialties,
		Capacity: u.Capacity, Admin: u.Role == knowledge.RoleAdmin, AllCourts: u.AllCourts}
}

// listTickets is GET /api/v1/judge/tickets?scope=court|all|mine&state=&category=&cursor=&limit=:
// one page of the queue and the cursor of the next ("" at the end).
func (s *Server) listTickets(c echo.Context) error {
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
func (s *Server) getTicket(c echo.Context) error {
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
func (s *Server) ticketDo(c echo.Context) error {
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

// suggestArticle is POST /api/v1/judge/tickets/:id/suggest: a good answer offered to the admins as
// a draft article, linked to its ticket.
func (s *Server) suggestArticle(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Article knowledge.Article `json:"article"`
	}
	if err := decodeJSON(c, 128<<10, &req); err != nil {
		return err
	}
	ctx, u := c.Request().Context(), currentUser(c)
	if _, _, _, err := s.d.Queue.Get(ctx, judgeOf(u), id); err != nil {
		return err
	}
	a := req.Article
	a.Status = knowledge.StatusDraft
	if a.Slug == "" {
		a.Slug = string(a.Category) + "-judge-" + itoa(id)
		a.Slug = strings.ReplaceAll(a.Slug, "_", "-")
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	g, err := s.d.Desk.CreateSuggestion(ctx, escalation.Suggestion{TicketID: id, JudgeID: u.ID, Judge: u.DisplayName, Article: a})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, g)
}

// judgeStats is GET /api/v1/judge/stats: my open tickets and today's counts.
func (s *Server) judgeStats(c echo.Context) error {
	cst := time.FixedZone("CST", 8*3600)
	y, m, d := time.Now().In(cst).Date()
	counts, err := s.d.Desk.JudgeCounts(c.Request().Context(), currentUser(c).ID, time.Date(y, m, d, 0, 0, 0, 0, cst))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, counts)
}

// judgeDirectory is GET /api/v1/judge/judges: active judges, for transfers.
func (s *Server) judgeDirectory(c echo.Context) error {
	us, err := s.d.Users.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	type row struct {
		ID          int64                `json:"id"`
		Name        string               `json:"display_name"`
		Court       string               `json:"court"`
		Specialties []knowledge.Category `json:"specialties"`
	}
	out := []row{}
	for _, u := range us {
		if u.Active && u.Role == knowledge.RoleJudge {
			out = append(out, row{u.ID, u.DisplayName, u.Court, u.Specialties})
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"judges": out})
}

// cannedReplies is GET /api/v1/judge/canned.
func (s *Server) cannedReplies(c echo.Context) error {
	cs, err := s.d.Desk.CannedReplies(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"replies": cs})
}

// articlePicker is GET /api/v1/judge/articles?q=: published articles to link in a reply.
func (s *Server) articlePicker(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len([]rune(q)) > 50 {
		return apiErr(http.StatusBadRequest, "invalid", "关键词过长")
	}
	as, err := s.d.Library.List(c.Request().Context(), store.ArticleFilter{Status: knowledge.StatusPublished, Text: q, Limit: 20})
	if err != nil {
		return err
	}
	type row struct {
		Slug  string `json:"slug"`
		Title string `json:"title"`
	}
	out := []row{}
	for _, a := range as {
		out = append(out, row{a.Slug, a.Title})
	}
	return c.JSON(http.StatusOK, map[string]any{"articles": out})
}

// judgeSocket is GET /ws/judge: live queue and conversation signals for a signed-in judge.
func (s *Server) judgeSocket(c echo.Context) error {
	r := c.Request()
	if !s.d.JudgeHub.OriginAllowed(r) {
		return apiErr(http.StatusForbidden, "bad_origin", "不允许从该网站发起连接")
	}
	if !websocket.IsWebSocketUpgrade(r) {
		return apiErr(http.StatusBadRequest, "websocket_required", "请使用 WebSocket 连接")
	}
	u, sessID := currentUser(c), currentSession(c).ID
	s.d.JudgeHub.ServeJudge(c.Response(), r, ws.JudgeSession{UserID: u.ID, SessionID: sessID,
		Scope: s.d.Queue.ScopeOf(judgeOf(u)),
		Check: func(ctx context.Context) error { return s.d.Accounts.Verify(ctx, sessID) }})
	return nil
}
