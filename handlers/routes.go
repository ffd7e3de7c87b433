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
	e.GET("/metrics", s.metrics, s.metricsGuard)

	api := e.Group("/api/v1", body, s.sameOrigin)
	api.POST("/ask", s.ask, s.rateLimit())
	api.GET("/articles/:slug", s.getArticle)
	if s.d.Statutes != nil {
		api.GET("/statutes/lookup", s.lookupStatute, s.rateLimit())
	}
	if s.d.Visits != nil {
		// A booking carries the company's contact details, like an escalation's intake.
		api.GET("/visits/options", s.visitOptions)
		api.GET("/visits", s.listMyVisits, noStore)
		api.POST("/visits", s.submitVisit, noStore, s.rateLimit())
		api.POST("/visits/:id/:action", s.requesterVisitAction, noStore, s.rateLimit())
	}
	if s.d.Hub != nil {
		api.GET("/courts", s.listCourts)
		e.GET("/ws/chat", s.chatSocket)
	}

	if s.d.Accounts != nil {
		judge := s.requireRole(knowledge.RoleJudge, knowledge.RoleAdmin)
		api.POST("/auth/login", s.login, noStore, s.rateLimit())
		api.POST("/auth/logout", s.logout, noStore)
		api.GET("/auth/me", s.me, noStore, judge)
		api.POST("/auth/password", s.changePassword, noStore, judge)

		if s.d.Queue != nil {
			desk := api.Group("/judge", noStore, judge)
			desk.GET("/tickets", s.listTickets)
			desk.GET("/tickets/:id", s.getTicket)
			desk.POST("/tickets/:id/suggest", s.suggestArticle)
			desk.POST("/tickets/:id/:action", s.ticketDo)
			desk.GET("/stats", s.judgeStats)
			desk.GET("/judges", s.judgeDirectory)
			desk.GET("/canned", s.cannedReplies)
			desk.GET("/articles", s.articlePicker)
			e.GET("/ws/judge", s.judgeSocket, judge)
		}
		if s.d.Visits != nil {
			// Judges and admins alike; the visit service checks the court and the permission.
			desk := api.Group("/judge/visits", noStore, judge)
			desk.GET("", s.deskListVisits)
			desk.GET("/:id", s.deskGetVisit)
			if s.d.Desk != nil {
				desk.POST("/:id/suggest", s.suggestFromVisit)
			}
			desk.POST("/:id/:action", s.deskVisitAction)
		}

		admin := api.Group("/admin", noStore, s.requireRole(knowledge.RoleAdmin))
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
		admin.GET("/candidates", s.adminCandidates)
		admin.POST("/candidates/:id/:decision", s.adminDecideCandidate)
		admin.GET("/synonyms", s.adminGetSynonyms)
		admin.PUT("/synonyms", s.adminPutSynonyms)
		admin.GET("/users", s.adminListUsers)
		admin.POST("/users", s.adminCreateUser)
		admin.PATCH("/users/:id", s.adminUpdateUser)
		admin.POST("/users/:id/password", s.adminResetPassword)
		admin.GET("/audit", s.adminAudit)
		if s.d.Reports != nil {
			admin.GET("/reports/:name", s.adminReport)
		}
		if s.d.Sources != nil {
			admin.GET("/escalations", s.adminEscalations)
			admin.POST("/escalations/close", s.adminCloseEscalations)
		}
		if s.d.Retention != nil {
			admin.GET("/retention", s.adminRetention)
		}
		if s.d.Desk != nil {
			admin.POST("/canned", s.adminSaveCanned)
			admin.PUT("/canned/:id", s.adminSaveCanned)
			admin.DELETE("/canned/:id", s.adminDeleteCanned)
			admin.GET("/suggestions", s.adminSuggestions)
			admin.GET("/calendar", s.adminGetCalendar)
			admin.PUT("/calendar", s.adminPutCalendar)
			admin.PUT("/courts", s.adminPutCourts)
			admin.POST("/suggestions/:id/:decision", s.adminDecideSuggestion)
		}
		if s.d.Statutes != nil {
			admin.GET("/statutes", s.adminListStatutes)
			admin.POST("/statutes/import", s.adminImportStatutes)
			admin.GET("/citations", s.adminCitations)
			admin.GET("/legal-flags", s.adminListFlags)
			admin.POST("/legal-flags", s.adminAddFlag)
			admin.DELETE("/legal-flags/:id", s.adminClearFlag)
		}
	}

	if s.d.Notices != nil && s.d.VisitorTokens != nil {
		api.GET("/notices", s.getNotices, noStore)
		api.POST("/notices/consent", s.postConsent, noStore, s.rateLimit())
		api.POST("/notices/verify", s.verifyNotices, noStore, s.rateLimit())
		api.DELETE("/notices/consent", s.withdrawNotices, noStore)
		e.GET("/n/:token", s.openNoticeLink, s.rateLimit())
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
