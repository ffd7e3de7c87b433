package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// Review is the admins' side of the judge console's storage: the quick replies and the judges'
// suggested articles (the store implements it).
type Review interface {
	SaveCannedReply(ctx context.Context, c escalation.CannedReply) (escalation.CannedReply, error)
	DeleteCannedReply(ctx context.Context, id int64) error
	Suggestions(ctx context.Context, status escalation.SuggestionStatus) ([]escalation.Suggestion, error)
	GetSuggestion(ctx context.Context, id int64) (escalation.Suggestion, error)
	DecideSuggestion(ctx context.Context, id int64, status escalation.SuggestionStatus, reason, by string) error
}

// adminSaveCanned is POST /api/v1/admin/canned (create) and PUT /api/v1/admin/canned/:id.
func (s *adminAPI) adminSaveCanned(c echo.Context) error {
	var cr escalation.CannedReply
	if err := decodeJSON(c, 16<<10, &cr); err != nil {
		return err
	}
	cr.ID = 0
	if c.Param("id") != "" {
		id, err := intParam(c, "id")
		if err != nil {
			return err
		}
		cr.ID = id
	}
	cr.Title, cr.Body = strings.TrimSpace(cr.Title), strings.TrimSpace(cr.Body)
	if err := cr.Validate(); err != nil {
		return err
	}
	cr.UpdatedBy = currentUser(c).Username
	ctx := c.Request().Context()
	saved, err := s.d.Review.SaveCannedReply(ctx, cr)
	if err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, cr.UpdatedBy, "canned.save", saved.Title, ""); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, saved)
}

// adminDeleteCanned is DELETE /api/v1/admin/canned/:id.
func (s *adminAPI) adminDeleteCanned(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.d.Review.DeleteCannedReply(ctx, id); err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, currentUser(c).Username, "canned.delete", itoa(id), ""); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// adminSuggestions is GET /api/v1/admin/suggestions?status=pending.
func (s *adminAPI) adminSuggestions(c echo.Context) error {
	gs, err := s.d.Review.Suggestions(c.Request().Context(), escalation.SuggestionStatus(c.QueryParam("status")))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"suggestions": gs})
}

type decideRequest struct {
	Article     knowledge.Article `json:"article"`
	Slug        string            `json:"slug"`
	BaseVersion int               `json:"base_version"`
	Reason      string            `json:"reason"`
}

// adminDecideSuggestion is POST /api/v1/admin/suggestions/:id/:decision with decision publish
// (a new article, as edited), merge (into an existing article, as a new version) or dismiss.
func (s *adminAPI) adminDecideSuggestion(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var req decideRequest
	if err := decodeJSON(c, 256<<10, &req); err != nil {
		return err
	}
	ctx, by := c.Request().Context(), currentUser(c).Username
	g, err := s.d.Review.GetSuggestion(ctx, id)
	if err != nil {
		return err
	}
	if g.Status != escalation.SuggestionPending {
		return fmt.Errorf("suggestion %d is %s: %w", id, g.Status, knowledge.ErrConflict)
	}
	note := fmt.Sprintf("采纳%s的建议（工单 #%d）", g.Judge, g.TicketID)
	if g.VisitID != 0 {
		note = fmt.Sprintf("采纳%s的建议（走访 #%d）", g.Judge, g.VisitID)
	}
	var status escalation.SuggestionStatus
	var a knowledge.Article
	switch c.Param("decision") {
	case "publish":
		a = req.Article
		a.Status = knowledge.StatusPublished
		if a, err = s.d.Library.Create(ctx, a, by, note); err != nil {
			return err
		}
		status = escalation.SuggestionPublished
	case "merge":
		a = req.Article
		a.Slug = req.Slug
		if a, err = s.d.Library.Save(ctx, a, by, note, req.BaseVersion); err != nil {
			return err
		}
		status = escalation.SuggestionMerged
	case "dismiss":
		if strings.TrimSpace(req.Reason) == "" {
			v := &knowledge.ValidationError{}
			v.Add("", "reason", "请填写不采纳的理由")
			return v
		}
		status = escalation.SuggestionDismissed
	default:
		return echo.NewHTTPError(http.StatusNotFound)
	}
	reason := strings.TrimSpace(req.Reason)
	if a.Slug != "" {
		reason = strings.TrimSpace(reason + " " + a.Slug)
	}
	if err := s.d.Review.DecideSuggestion(ctx, id, status, reason, by); err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, by, "suggestion."+string(status), itoa(id), reason); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"status": status, "article": a})
}

// CalendarStore reads and replaces the working-hours calendar.
type CalendarStore interface {
	Calendar() escalation.CalendarSettings
	SaveCalendar(ctx context.Context, s escalation.CalendarSettings) error
}

// adminGetCalendar is GET /api/v1/admin/calendar.
func (s *adminAPI) adminGetCalendar(c echo.Context) error {
	return c.JSON(http.StatusOK, s.d.Calendar.Calendar())
}

// adminPutCalendar is PUT /api/v1/admin/calendar: holidays and make-up working days (调休).
func (s *adminAPI) adminPutCalendar(c echo.Context) error {
	var req escalation.CalendarSettings
	if err := decodeJSON(c, 64<<10, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.d.Calendar.SaveCalendar(ctx, req); err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, currentUser(c).Username, "calendar.save", "", ""); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.d.Calendar.Calendar())
}

// CourtStore reads and replaces the courts and regions of the intake form.
type CourtStore interface {
	Courts() []escalation.Court
	SaveCourts(ctx context.Context, list []escalation.Court) error
}

// adminPutCourts is PUT /api/v1/admin/courts with {courts: [{code, name, court}]}.
func (s *adminAPI) adminPutCourts(c echo.Context) error {
	var req struct {
		Courts []escalation.Court `json:"courts"`
	}
	if err := decodeJSON(c, 64<<10, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.d.CourtList.SaveCourts(ctx, req.Courts); err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, currentUser(c).Username, "courts.save", "", itoa(int64(len(req.Courts)))); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"courts": s.d.CourtList.Courts()})
}
