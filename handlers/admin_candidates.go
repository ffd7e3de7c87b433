package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
)

// adminCandidates is GET /api/v1/admin/candidates?status=pending|approved|rejected: phrasings
// learned from use (a chosen clarification, 有帮助, a judge's reply linking an article), with the
// title of the article each would join.
func (s *adminAPI) adminCandidates(c echo.Context) error {
	ctx := c.Request().Context()
	offset, _ := strconv.Atoi(c.QueryParam("offset"))
	cs, err := s.d.Library.Candidates(ctx, knowledge.CandidateStatus(c.QueryParam("status")), 200, offset)
	if err != nil {
		return err
	}
	type row struct {
		knowledge.Candidate
		Title string `json:"title"`
	}
	out := make([]row, 0, len(cs))
	for _, cand := range cs {
		r := row{Candidate: cand}
		if a, ok := s.d.Articles.Article(cand.Slug); ok {
			r.Title = a.Title
		}
		out = append(out, r)
	}
	return c.JSON(http.StatusOK, map[string]any{"candidates": out})
}

// adminDecideCandidate is POST /api/v1/admin/candidates/:id/approve|reject. Approving adds the
// phrasing to the article's question bank as a new version; the search learns it at once.
func (s *adminAPI) adminDecideCandidate(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	ctx, by := c.Request().Context(), currentUser(c).Username
	switch c.Param("decision") {
	case "approve":
		a, err := s.d.Library.ApproveCandidate(ctx, id, by)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"status": knowledge.CandidateApproved, "slug": a.Slug, "version": a.Version})
	case "reject":
		if err := s.d.Library.RejectCandidate(ctx, id, by); err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]any{"status": knowledge.CandidateRejected})
	}
	return echo.NewHTTPError(http.StatusNotFound)
}
