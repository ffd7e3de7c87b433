package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// Visits runs the 法官进企业 requests (visit.Service implements it).
type Visits interface {
	Submit(ctx context.Context, conversationID string, r visit.Request) (visit.Visit, error)
	Mine(ctx context.Context, conversationID string) ([]visit.Visit, error)
	RequesterAct(ctx context.Context, conversationID string, id int64, st visit.Step) (visit.Visit, error)
	List(ctx context.Context, u visit.Staff, status visit.Status) ([]visit.Visit, error)
	Get(ctx context.Context, u visit.Staff, id int64) (visit.Visit, error)
	CourtAct(ctx context.Context, u visit.Staff, id int64, st visit.Step) (visit.Visit, error)
}

// VisitorTokens checks the chat's visitor token (conversation.Tokens implements it).
type VisitorTokens interface {
	Verify(token string) (string, error)
}

// VisitorTokenHeader carries the chat page's visitor token on the public visit API. It is the
// same capability as the WebSocket's token: it opens one conversation and nothing else.
const VisitorTokenHeader = "X-Visitor-Token"

// visitView adds the Chinese labels, so every page shows the same words.
type visitView struct {
	visit.Visit
	StatusName string `json:"status_name"`
	KindName   string `json:"kind_name"`
}

func viewOf(v visit.Visit) visitView {
	return visitView{Visit: v, StatusName: v.Status.Name(), KindName: v.Request.Kind.Name()}
}

func viewsOf(vs []visit.Visit) []visitView {
	out := make([]visitView, len(vs))
	for i, v := range vs {
		out[i] = viewOf(v)
	}
	return out
}

// visitor returns the conversation of the request's visitor token.
func (s *Server) visitor(c echo.Context) (string, error) {
	tok := c.Request().Header.Get(VisitorTokenHeader)
	if tok == "" {
		return "", apiErr(http.StatusUnauthorized, "invalid_token", "缺少会话凭证，请刷新页面后重试")
	}
	id, err := s.d.VisitorTokens.Verify(tok)
	if err != nil {
		return "", apiErr(http.StatusUnauthorized, "invalid_token", "会话凭证已失效，请刷新页面后重试")
	}
	return id, nil
}

type option struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// visitOptions is GET /api/v1/visits/options: the form's choices and limits.
func (s *Server) visitOptions(c echo.Context) error {
	var kinds, orgs, topics []option
	for _, k := range visit.Kinds() {
		kinds = append(kinds, option{string(k), k.Name()})
	}
	for _, o := range []visit.OrgType{visit.OrgEnterprise, visit.OrgPark, visit.OrgChamber} {
		orgs = append(orgs, option{string(o), o.Name()})
	}
	for _, cat := range knowledge.Categories() {
		topics = append(topics, option{string(cat), cat.Name()})
	}
	return c.JSON(http.StatusOK, map[string]any{"kinds": kinds, "org_types": orgs, "topics": topics,
		"max_topics": visit.MaxTopics, "max_dates": visit.MaxDates, "max_attendees": visit.MaxAttendees})
}

// listMyVisits is GET /api/v1/visits: the requests of the token's conversation.
func (s *Server) listMyVisits(c echo.Context) error {
	conv, err := s.visitor(c)
	if err != nil {
		return err
	}
	vs, err := s.d.Visits.Mine(c.Request().Context(), conv)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"visits": viewsOf(vs)})
}

// submitVisit is POST /api/v1/visits.
func (s *Server) submitVisit(c echo.Context) error {
	conv, err := s.visitor(c)
	if err != nil {
		return err
	}
	var r visit.Request
	if err := decodeJSON(c, 16<<10, &r); err != nil {
		return err
	}
	v, err := s.d.Visits.Submit(c.Request().Context(), conv, r)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, viewOf(v.Public()))
}

// requesterVisitAction is POST /api/v1/visits/:id/:action with accept, counter {date, note} or
// cancel {note}.
func (s *Server) requesterVisitAction(c echo.Context) error {
	conv, err := s.visitor(c)
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	a := visit.Action(c.Param("action"))
	if a != visit.ActionAccept && a != visit.ActionCounter && a != visit.ActionCancel {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	st, err := decodeStep(c, a)
	if err != nil {
		return err
	}
	v, err := s.d.Visits.RequesterAct(c.Request().Context(), conv, id, st)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewOf(v))
}

// decodeStep reads an action's details; an empty body is an action without any.
func decodeStep(c echo.Context, a visit.Action) (visit.Step, error) {
	st := visit.Step{}
	if c.Request().ContentLength != 0 {
		if err := decodeJSON(c, 16<<10, &st); err != nil {
			return st, err
		}
	}
	st.Action = a
	return st, nil
}

func staffOf(u knowledge.User) visit.Staff {
	return visit.Staff{ID: u.ID, Name: u.DisplayName, Court: u.Court, Admin: u.Role == knowledge.RoleAdmin, CanVisits: u.CanVisits}
}

// deskListVisits is GET /api/v1/judge/visits?status=: the visits the signed-in judge or admin
// handles.
func (s *Server) deskListVisits(c echo.Context) error {
	vs, err := s.d.Visits.List(c.Request().Context(), staffOf(currentUser(c)), visit.Status(c.QueryParam("status")))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"visits": viewsOf(vs)})
}

// deskGetVisit is GET /api/v1/judge/visits/:id.
func (s *Server) deskGetVisit(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.d.Visits.Get(c.Request().Context(), staffOf(currentUser(c)), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewOf(v))
}

// deskVisitAction is POST /api/v1/judge/visits/:id/:action with propose {date, judges, note},
// confirm, decline {note}, cancel {note} or complete {summary}.
func (s *Server) deskVisitAction(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	a := visit.Action(c.Param("action"))
	switch a {
	case visit.ActionPropose, visit.ActionConfirm, visit.ActionDecline, visit.ActionCancel, visit.ActionComplete:
	default:
		return echo.NewHTTPError(http.StatusNotFound)
	}
	st, err := decodeStep(c, a)
	if err != nil {
		return err
	}
	u := currentUser(c)
	ctx := c.Request().Context()
	v, err := s.d.Visits.CourtAct(ctx, staffOf(u), id, st)
	if err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, u.Username, "visit."+string(a), "visit #"+itoa(id), string(v.Status)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewOf(v))
}

// suggestFromVisit is POST /api/v1/judge/visits/:id/suggest: a done visit's summary offered to
// the admins as a draft article, in the same review as ticket suggestions.
func (s *Server) suggestFromVisit(c echo.Context) error {
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
	v, err := s.d.Visits.Get(ctx, staffOf(u), id)
	if err != nil {
		return err
	}
	if v.Status != visit.StatusDone {
		return apiErr(http.StatusConflict, "not_done", "走访完成并记录情况后才能建议为文章")
	}
	a := req.Article
	a.Status = knowledge.StatusDraft
	if a.Slug == "" {
		a.Slug = strings.ReplaceAll(string(a.Category)+"-visit-"+itoa(id), "_", "-")
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	g, err := s.d.Desk.CreateSuggestion(ctx, suggestionFromVisit(id, u, a))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, g)
}

func suggestionFromVisit(id int64, u knowledge.User, a knowledge.Article) escalation.Suggestion {
	return escalation.Suggestion{VisitID: id, JudgeID: u.ID, Judge: u.DisplayName, Article: a}
}
