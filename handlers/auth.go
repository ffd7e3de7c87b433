package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/account"
)

// Accounts is the sign-in service; account.Service implements it.
type Accounts interface {
	Login(ctx context.Context, username, password, ip, userAgent string) (string, account.Session, knowledge.User, error)
	Authenticate(ctx context.Context, token string) (knowledge.User, account.Session, error)
	Logout(ctx context.Context, token string) error
	// Verify re-checks a session by id without extending it (open judge sockets).
	Verify(ctx context.Context, sessionID string) error
	ChangePassword(ctx context.Context, u knowledge.User, sess account.Session, oldPassword, newPassword string) error
}

// SessionCookie is the judge and admin session cookie. The enterprise visitor token is a different
// credential and never opens these routes.
const SessionCookie = "cd_session"

// CSRFHeader carries the session's CSRF token on every state-changing request.
const CSRFHeader = "X-CSRF-Token"

const (
	ctxUser    = "courtdesk.user"
	ctxSession = "courtdesk.session"
)

// currentUser returns the signed-in account set by requireRole.
func currentUser(c echo.Context) knowledge.User {
	u, _ := c.Get(ctxUser).(knowledge.User)
	return u
}

func currentSession(c echo.Context) account.Session {
	s, _ := c.Get(ctxSession).(account.Session)
	return s
}

// safeMethod reports methods that change nothing and so need no CSRF token.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sameOrigin refuses a state-changing request whose Origin is neither this service nor an allowed
// origin. Browsers send Origin on cross-site POSTs, so this stops CSRF even before the token check.
func (s *common) sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if safeMethod(c.Request().Method) {
			return next(c)
		}
		origin := c.Request().Header.Get(echo.HeaderOrigin)
		if origin == "" || s.originAllowed(origin, c.Request()) {
			return next(c)
		}
		return apiErr(http.StatusForbidden, "bad_origin", "请求来源不被允许")
	}
}

func (s *common) originAllowed(origin string, r *http.Request) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return slices.ContainsFunc(s.Origins, func(o string) bool { return strings.EqualFold(strings.TrimRight(o, "/"), origin) })
}

// requireRole admits a signed-in judge or admin with one of roles; unsafe methods must also carry
// the session's CSRF token.
func (s *authAPI) requireRole(roles ...knowledge.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ck, err := c.Cookie(SessionCookie)
			if err != nil {
				return knowledge.ErrUnauthorized
			}
			u, sess, err := s.d.Accounts.Authenticate(c.Request().Context(), ck.Value)
			if err != nil {
				return err
			}
			if !slices.Contains(roles, u.Role) {
				return knowledge.ErrForbidden
			}
			if !safeMethod(c.Request().Method) {
				if err := account.CheckCSRF(sess, c.Request().Header.Get(CSRFHeader)); err != nil {
					return apiErr(http.StatusForbidden, "csrf", "页面已过期，请刷新后重试")
				}
			}
			c.Set(ctxUser, u)
			c.Set(ctxSession, sess)
			return next(c)
		}
	}
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password" text:"raw"`
}

type meResponse struct {
	User      knowledge.User `json:"user"`
	CSRFToken string         `json:"csrf_token"`
	ExpiresAt time.Time      `json:"expires_at"`
}

// login is POST /api/v1/auth/login.
func (s *authAPI) login(c echo.Context) error {
	var req loginRequest
	if err := decodeJSON(c, 4<<10, &req); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" || len(req.Username) > 64 || len(req.Password) > 200 {
		return apiErr(http.StatusBadRequest, "invalid", "请输入用户名和密码")
	}
	token, sess, u, err := s.d.Accounts.Login(c.Request().Context(), req.Username, req.Password, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: c.IsTLS() || c.Scheme() == "https", Expires: sess.ExpiresAt,
	})
	return c.JSON(http.StatusOK, meResponse{User: u, CSRFToken: sess.CSRF, ExpiresAt: sess.ExpiresAt})
}

// logout is POST /api/v1/auth/logout.
func (s *authAPI) logout(c echo.Context) error {
	if ck, err := c.Cookie(SessionCookie); err == nil {
		if err := s.d.Accounts.Logout(c.Request().Context(), ck.Value); err != nil {
			return err
		}
		if s.d.Sessions != nil {
			s.d.Sessions.EndSessions(c.Request().Context(), 0, account.SessionID(ck.Value))
		}
	}
	c.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return c.NoContent(http.StatusNoContent)
}

// me is GET /api/v1/auth/me: who is signed in, and the CSRF token the console must send.
func (s *authAPI) me(c echo.Context) error {
	sess := currentSession(c)
	return c.JSON(http.StatusOK, meResponse{User: currentUser(c), CSRFToken: sess.CSRF, ExpiresAt: sess.ExpiresAt})
}

type passwordRequest struct {
	OldPassword string `json:"old_password" text:"raw"`
	NewPassword string `json:"new_password" text:"raw"`
}

// changePassword is POST /api/v1/auth/password.
func (s *authAPI) changePassword(c echo.Context) error {
	var req passwordRequest
	if err := decodeJSON(c, 4<<10, &req); err != nil {
		return err
	}
	if err := s.d.Accounts.ChangePassword(c.Request().Context(), currentUser(c), currentSession(c), req.OldPassword, req.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
