package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// Users is account storage for the admin console (the store implements it).
type Users interface {
	ListUsers(ctx context.Context) ([]knowledge.User, error)
	GetUser(ctx context.Context, id int64) (knowledge.User, error)
	CreateUser(ctx context.Context, u knowledge.User) (knowledge.User, error)
	UpdateUser(ctx context.Context, u knowledge.User) (knowledge.User, error)
	Audit(ctx context.Context, actor, action, target, detail string) error
	AuditLog(ctx context.Context, limit, offset int) ([]store.AuditEntry, error)
}

// Passwords hashes new passwords and resets existing ones (account.Service).
type Passwords interface {
	HashNew(password string) (string, error)
	SetPassword(ctx context.Context, u knowledge.User, password, keepSession string) error
}

// adminListUsers is GET /api/v1/admin/users.
func (s *adminAPI) adminListUsers(c echo.Context) error {
	us, err := s.d.Users.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	if us == nil {
		us = []knowledge.User{}
	}
	return c.JSON(http.StatusOK, map[string]any{"users": us})
}

type userRequest struct {
	Username    string               `json:"username"`
	DisplayName string               `json:"display_name"`
	Role        knowledge.Role       `json:"role"`
	Court       string               `json:"court"`
	Specialties []knowledge.Category `json:"specialties"`
	Capacity    *int                 `json:"capacity"`
	Active      *bool                `json:"active"`
	CanVisits   *bool                `json:"can_visits"`
	AllCourts   *bool                `json:"all_courts"`
	Password    string               `json:"password" text:"raw"`
}

// adminCreateUser is POST /api/v1/admin/users.
func (s *adminAPI) adminCreateUser(c echo.Context) error {
	var req userRequest
	if err := decodeJSON(c, 8<<10, &req); err != nil {
		return err
	}
	u := knowledge.User{Username: req.Username, DisplayName: req.DisplayName, Role: req.Role, Court: req.Court,
		Specialties: req.Specialties, Capacity: knowledge.DefaultCapacity, Active: true}
	if req.Capacity != nil {
		u.Capacity = *req.Capacity
	}
	if req.CanVisits != nil {
		u.CanVisits = *req.CanVisits
	}
	if req.AllCourts != nil {
		u.AllCourts = *req.AllCourts
	}
	if err := u.Validate(); err != nil {
		return err
	}
	court, err := escalation.CheckAccountCourt(s.d.CourtList.Courts(), u.Role, u.Court)
	if err != nil {
		return err
	}
	u.Court = court
	hash, err := s.d.Passwords.HashNew(req.Password)
	if err != nil {
		return err
	}
	u.PasswordHash = hash
	ctx := c.Request().Context()
	if u, err = s.d.Users.CreateUser(ctx, u); err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, currentUser(c).Username, "user.create", u.Username, string(u.Role)); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, u)
}

// adminUpdateUser is PATCH /api/v1/admin/users/:id: only the fields present change.
func (s *adminAPI) adminUpdateUser(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var req userRequest
	if err := decodeJSON(c, 8<<10, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.d.Users.GetUser(ctx, id)
	if err != nil {
		return err
	}
	if req.DisplayName != "" {
		u.DisplayName = req.DisplayName
	}
	if req.Role != "" {
		u.Role = req.Role
	}
	if req.Court != "" {
		u.Court = req.Court
	}
	if req.Specialties != nil {
		u.Specialties = req.Specialties
	}
	if req.Capacity != nil {
		u.Capacity = *req.Capacity
	}
	if req.AllCourts != nil {
		u.AllCourts = *req.AllCourts
	}
	if req.Active != nil {
		if !*req.Active && u.ID == currentUser(c).ID {
			return apiErr(http.StatusBadRequest, "invalid", "不能停用自己的账号")
		}
		u.Active = *req.Active
	}
	if req.CanVisits != nil {
		u.CanVisits = *req.CanVisits
	}
	if err := u.Validate(); err != nil {
		return err
	}
	// An account saved before courts were checked keeps its court until the court or the role
	// is changed; a change must name a court of the list.
	if req.Court != "" || req.Role != "" {
		if u.Court, err = escalation.CheckAccountCourt(s.d.CourtList.Courts(), u.Role, u.Court); err != nil {
			return err
		}
	}
	if u, err = s.d.Users.UpdateUser(ctx, u); err != nil {
		return err
	}
	if !u.Active && s.d.Sessions != nil {
		s.d.Sessions.EndSessions(ctx, u.ID, "") // a deactivated account's open consoles close now
	}
	if err := s.d.Users.Audit(ctx, currentUser(c).Username, "user.update", u.Username, ""); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// adminResetPassword is POST /api/v1/admin/users/:id/password; it ends the user's sessions.
func (s *adminAPI) adminResetPassword(c echo.Context) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var req struct {
		Password string `json:"password" text:"raw"`
	}
	if err := decodeJSON(c, 4<<10, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	u, err := s.d.Users.GetUser(ctx, id)
	if err != nil {
		return err
	}
	keep := ""
	if u.ID == currentUser(c).ID {
		keep = currentSession(c).ID
	}
	if err := s.d.Passwords.SetPassword(ctx, u, req.Password, keep); err != nil {
		return err
	}
	if err := s.d.Users.Audit(ctx, currentUser(c).Username, "user.reset_password", u.Username, ""); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// adminAudit is GET /api/v1/admin/audit.
func (s *adminAPI) adminAudit(c echo.Context) error {
	log, err := s.d.Users.AuditLog(c.Request().Context(), 200, 0)
	if err != nil {
		return err
	}
	if log == nil {
		log = []store.AuditEntry{}
	}
	return c.JSON(http.StatusOK, map[string]any{"entries": log})
}
