package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// SynonymList is the live colloquial lexicon of the search with its persistence.
type SynonymList interface {
	Groups() []knowledge.LexGroup
	Save(ctx context.Context, groups []knowledge.LexGroup) error
}

// adminTestAsk is POST /api/v1/admin/test-ask: the same engine as the chat, with its explanation
// (intent, reason, top 5 with normalised scores, matched terms after t2s, case number).
func (s *adminAPI) adminTestAsk(c echo.Context) error {
	var req askRequest
	if err := decodeJSON(c, s.Limits.MaxBodyBytes, &req); err != nil {
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

// adminGetSynonyms is GET /api/v1/admin/synonyms: the lexicon as groups and in its text form.
func (s *adminAPI) adminGetSynonyms(c echo.Context) error {
	groups := s.d.Synonyms.Groups()
	return c.JSON(http.StatusOK, map[string]any{"groups": groups, "text": knowledge.FormatLexicon(groups)})
}

// adminPutSynonyms is PUT /api/v1/admin/synonyms: replaces the lexicon; searches use it at once.
// It takes the text form ("贴条子, 贴封条 => 查封 | 0.9" per line) or groups as JSON.
func (s *adminAPI) adminPutSynonyms(c echo.Context) error {
	var req struct {
		Text   *string              `json:"text"`
		Groups []knowledge.LexGroup `json:"groups"`
	}
	if err := decodeJSON(c, 512<<10, &req); err != nil {
		return err
	}
	groups := req.Groups
	if req.Text != nil {
		var err error
		if groups, err = knowledge.ParseLexicon(*req.Text); err != nil {
			return err
		}
	} else {
		for i := range groups {
			if groups[i].Weight == 0 {
				groups[i].Weight = 1
			}
		}
		if err := knowledge.ValidateLexicon(groups); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	if err := s.d.Synonyms.Save(ctx, groups); err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, currentUser(c).Username, "synonyms.save", "", ""); err != nil {
		return err
	}
	return s.adminGetSynonyms(c)
}
