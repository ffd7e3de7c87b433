package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// VisitDesk is the courts' side of the 法官进企业 requests (visit.Service implements it).
type VisitDesk interface {
	List(ctx context.Context, u visit.Staff, status visit.Status) ([]visit.Visit, error)
	Get(ctx context.Context, u visit.Staff, id int64) (visit.Visit, error)
	CourtAct(ctx context.Context, u visit.Staff, id int64, st visit.Step) (visit.Visit, error)
}

func staffOf(u knowledge.User) visit.Staff {
	return visit.Staff{ID: u.ID, Name: u.DisplayName, Court: u.Court, Admin: u.Role == knowledge.RoleAdmin, CanVisits: u.CanVisits}
}

// deskListVisits is GET /api/v1/judge/visits?status=: the visits the signed-in judge or admin
// handles.
func (s *judgeAPI) deskListVisits(c echo.Context) error {
	vs, err := s.d.Visits.List(c.Request().Context(), staffOf(currentUser(c)), visit.Status(c.QueryParam("status")))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"visits": viewsOf(vs)})
}

// deskGetVisit is GET /api/v1/judge/visits/:id.
func (s *judgeAPI) deskGetVisit(c echo.Context) error {
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
func (s *judgeAPI) deskVisitAction(c echo.Context) error {
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
	if err := s.d.Directory.Audit(ctx, u.Username, "visit."+string(a), "visit #"+itoa(id), string(v.Status)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewOf(v))
}

// suggestFromVisit is POST /api/v1/judge/visits/:id/suggest: a done visit's summary offered to
// the admins as a draft article, in the same review as ticket suggestions.
func (s *judgeAPI) suggestFromVisit(c echo.Context) error {
	id, a, err := decodeSuggestion(c)
	if err != nil {
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
	if a, err = draftOf(a, "visit", id); err != nil {
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
