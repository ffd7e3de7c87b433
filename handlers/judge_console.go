package handlers

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/handlers/ws"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// suggestArticle is POST /api/v1/judge/tickets/:id/suggest: a good answer offered to the admins as
// a draft article, linked to its ticket.
func (s *judgeAPI) suggestArticle(c echo.Context) error {
	id, a, err := decodeSuggestion(c)
	if err != nil {
		return err
	}
	ctx, u := c.Request().Context(), currentUser(c)
	if _, _, _, err := s.d.Queue.Get(ctx, judgeOf(u), id); err != nil {
		return err
	}
	if a, err = draftOf(a, "judge", id); err != nil {
		return err
	}
	g, err := s.d.Desk.CreateSuggestion(ctx, escalation.Suggestion{TicketID: id, JudgeID: u.ID, Judge: u.DisplayName, Article: a})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, g)
}

// decodeSuggestion reads a suggestion's path id and its article, for tickets and visits alike.
func decodeSuggestion(c echo.Context) (int64, knowledge.Article, error) {
	id, err := intParam(c, "id")
	if err != nil {
		return 0, knowledge.Article{}, err
	}
	var req struct {
		Article knowledge.Article `json:"article"`
	}
	if err := decodeJSON(c, 128<<10, &req); err != nil {
		return 0, knowledge.Article{}, err
	}
	return id, req.Article, nil
}

// draftOf makes a suggested article a valid draft; without a slug it gets one from its category,
// where it came from (judge, visit) and that source's id.
func draftOf(a knowledge.Article, from string, id int64) (knowledge.Article, error) {
	a.Status = knowledge.StatusDraft
	if a.Slug == "" {
		a.Slug = strings.ReplaceAll(string(a.Category)+"-"+from+"-"+itoa(id), "_", "-")
	}
	a.Normalize()
	return a, a.Validate()
}

// judgeStats is GET /api/v1/judge/stats: my open tickets and today's counts.
func (s *judgeAPI) judgeStats(c echo.Context) error {
	cst := time.FixedZone("CST", 8*3600)
	y, m, d := time.Now().In(cst).Date()
	counts, err := s.d.Desk.JudgeCounts(c.Request().Context(), currentUser(c).ID, time.Date(y, m, d, 0, 0, 0, 0, cst))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, counts)
}

// judgeDirectory is GET /api/v1/judge/judges: active judges, for transfers.
func (s *judgeAPI) judgeDirectory(c echo.Context) error {
	us, err := s.d.Directory.ListUsers(c.Request().Context())
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
func (s *judgeAPI) cannedReplies(c echo.Context) error {
	cs, err := s.d.Desk.CannedReplies(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"replies": cs})
}

// articlePicker is GET /api/v1/judge/articles?q=: published articles to link in a reply.
func (s *judgeAPI) articlePicker(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len([]rune(q)) > 50 {
		return apiErr(http.StatusBadRequest, "invalid", "关键词过长")
	}
	as, err := s.d.Articles.List(c.Request().Context(), store.ArticleFilter{Status: knowledge.StatusPublished, Text: q, Limit: 20})
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
func (s *judgeAPI) judgeSocket(c echo.Context) error {
	r := c.Request()
	if err := socketRequest(r, s.d.Hub.OriginAllowed); err != nil {
		return err
	}
	u, sessID := currentUser(c), currentSession(c).ID
	s.d.Hub.ServeJudge(c.Response(), r, ws.JudgeSession{UserID: u.ID, SessionID: sessID,
		Scope: s.d.Queue.ScopeOf(judgeOf(u)),
		Check: func(ctx context.Context) error { return s.verify(ctx, sessID) }})
	return nil
}
