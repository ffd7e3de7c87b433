package handlers

import (
	"context"
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// SynonymList is the live synonym list of the search (index.Synonyms) with its persistence.
type SynonymList interface {
	Groups() [][]string
	Save(ctx context.Context, groups [][]string) error
}

// adminTestAsk is POST /api/v1/admin/test-ask: the same engine as the chat, with its explanation
// (intent, reason, top 5 with normalised scores, matched terms after t2s, case number).
func (s *Server) adminTestAsk(c echo.Context) error {
	var req askRequest
	if err := decodeJSON(c, s.d.Limits.MaxBodyBytes, &req); err != nil {
		return err
	}
	if err := answer.ValidateQuestion(req.Question); err != nil {
		return err
	}
	res, err := s.d.Engine.Ask(c.Request().Context(), req.Question)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// adminGetSynonyms is GET /api/v1/admin/synonyms.
func (s *Server) adminGetSynonyms(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"groups": s.d.Synonyms.Groups()})
}

// adminPutSynonyms is PUT /api/v1/admin/synonyms: replaces the list; searches use it at once.
func (s *Server) adminPutSynonyms(c echo.Context) error {
	var req struct {
		Groups [][]string `json:"groups"`
	}
	if err := decodeJSON(c, 256<<10, &req); err != nil {
		return err
	}
	v := &knowledge.ValidationError{}
	if len(req.Groups) > 1000 {
		v.Add("", "groups", "最多 1000 组")
	}
	for i, g := range req.Groups {
		if len(g) < 2 || len(g) > 20 {
			v.Add("", "groups", "第 %d 组须有 2–20 个词", i+1)
		}
		for _, t := range g {
			if n := utf8.RuneCountInString(t); n < 1 || n > 20 {
				v.Add("", "groups", "第 %d 组的词 %q 须为 1–20 个字", i+1, t)
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.d.Synonyms.Save(ctx, req.Groups); err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, currentUser(c).Username, "synonyms.save", "", ""); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"groups": s.d.Synonyms.Groups()})
}
