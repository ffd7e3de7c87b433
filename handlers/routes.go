package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/courtdesk/courtdesk/knowledge"
)

// routes is the one table of routes.
func (s *Server) routes(e *echo.Echo) {
	// The admin routes read bodies with limits of their own (an article, an import of many).
	body := middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   bodyLimitString(s.d.Limits.MaxBodyBytes),
		Skipper: func(c echo.Context) bool { return strings.HasPrefix(c.Path(), "/api/v1/admin/") },
	})

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics)

	api := e.Group("/api/v1", body, s.sameOrigin)
	api.POST("/ask", s.ask, s.rateLimit())
	api.GET("/articles/:slug", s.getArticle)
	if s.d.Hub != nil {
		api.GET("/courts", s.listCourts)
		e.GET("/ws/chat", s.chatSocket)
	}

	if s.d.Accounts != nil {
		judge := s.requireRole(knowledge.RoleJudge, knowledge.RoleAdmin)
		api.POST("/auth/login", s.login, s.rateLimit())
		api.POST("/auth/logout", s.logout)
		api.GET("/auth/me", s.me, judge)
		api.POST("/auth/password", s.changePassword, judge)

		admin := api.Group("/admin", s.requireRole(knowledge.RoleAdmin))
		admin.GET("/articles", s.adminListArticles)
		admin.POST("/articles", s.adminCreateArticle)
		admin.GET("/articles/:slug", s.adminGetArticle)
		admin.PUT("/articles/:slug", s.adminSaveArticle)
		admin.POST("/articles/:slug/status", s.adminSetStatus)
		admin.GET("/articles/:slug/versions", s.adminVersions)
		admin.POST("/articles/:slug/rollback", s.adminRollback)
		admin.POST("/preview", s.adminPreview)
		admin.POST("/import", s.adminImport, middleware.BodyLimit("16M"))
		admin.GET("/export", s.adminExport)
		admin.POST("/test-ask", s.adminTestAsk)
		admin.GET("/synonyms", s.adminGetSynonyms)
		admin.PUT("/synonyms", s.adminPutSynonyms)
		admin.GET("/users", s.adminListUsers)
		admin.POST("/users", s.adminCreateUser)
		admin.PATCH("/users/:id", s.adminUpdateUser)
		admin.POST("/users/:id/password", s.adminResetPassword)
		admin.GET("/audit", s.adminAudit)
	}

	e.GET("/kb/:slug", s.articlePage)
	s.static(e)
	e.RouteNotFound("/*", func(c echo.Context) error { return echo.NewHTTPError(http.StatusNotFound) })
}

func bodyLimitString(n int64) string {
	switch {
	case n%(1<<20) == 0:
		return itoa(n>>20) + "M"
	case n%(1<<10) == 0:
		return itoa(n>>10) + "K"
	}
	return itoa(n)
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
