package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// VisitRequests is the enterprise's side of the 法官进企业 requests (visit.Service implements it).
type VisitRequests interface {
	Submit(ctx context.Context, conversationID string, r visit.Request) (visit.Visit, error)
	Mine(ctx context.Context, conversationID string) ([]visit.Visit, error)
	RequesterAct(ctx context.Context, conversationID string, id int64, st visit.Step) (visit.Visit, error)
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
func (s *chatAPI) visitor(c echo.Context) (string, error) {
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
func (s *chatAPI) visitOptions(c echo.Context) error {
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
func (s *chatAPI) listMyVisits(c echo.Context) error {
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
func (s *chatAPI) submitVisit(c echo.Context) error {
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
func (s *chatAPI) requesterVisitAction(c echo.Context) error {
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
