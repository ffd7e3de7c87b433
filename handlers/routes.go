package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/courtdesk/courtdesk/knowledge"
)

// routes is the one table of routes. Each surface's handlers are methods on its own type, which
// holds the common part and that surface's dependencies only.
func routes(e *echo.Echo, s *common, d Deps) {
	pub := &publicAPI{common: s, d: d.Public}
	chat := &chatAPI{common: s, d: d.Chat}
	auth := &authAPI{common: s, d: d.Auth}
	judge := &judgeAPI{common: s, d: d.Judge}
	admin := &adminAPI{common: s, d: d.Admin}
	signedIn := func(serve echo.HandlerFunc) echo.HandlerFunc { return serve }

	// The admin routes read bodies with limits of their own (an article, an import of many).
	body := middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   bodyLimitString(s.Limits.MaxBodyBytes),
		Skipper: func(c echo.Context) bool { return strings.HasPrefix(c.Path(), "/api/v1/admin/") },
	})

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics, s.metricsGuard)

	api := e.Group("/api/v1", body, s.sameOrigin)
	api.POST("/ask", pub.ask, s.rateLimit())
	api.GET("/articles/:slug", pub.getArticle)
	if pub.d.Statutes != nil {
		api.GET("/statutes/lookup", pub.lookupStatute, s.rateLimit())
	}
	if chat.d.Visits != nil {
		// A booking carries the company's contact details, like an escalation's intake.
		api.GET("/visits/options", chat.visitOptions)
		api.GET("/visits", chat.listMyVisits, noStore)
		api.POST("/visits", chat.submitVisit, noStore, s.rateLimit())
		api.POST("/visits/:id/:action", chat.requesterVisitAction, noStore, s.rateLimit())
	}
	if chat.d.Hub != nil {
		api.GET("/courts", chat.listCourts)
		e.GET("/ws/chat", chat.chatSocket)
	}

	if auth.d.Accounts != nil {
		signedIn = auth.signedInPage
		judge.verify = auth.d.Accounts.Verify
		staff := auth.requireRole(knowledge.RoleJudge, knowledge.RoleAdmin)
		api.POST("/auth/login", auth.login, noStore, s.rateLimit())
		api.POST("/auth/logout", auth.logout, noStore)
		api.GET("/auth/me", auth.me, noStore, staff)
		api.POST("/auth/password", auth.changePassword, noStore, staff)

		if judge.d.Queue != nil {
			desk := api.Group("/judge", noStore, staff)
			desk.GET("/tickets", judge.listTickets)
			desk.GET("/tickets/:id", judge.getTicket)
			desk.POST("/tickets/:id/suggest", judge.suggestArticle)
			desk.POST("/tickets/:id/:action", judge.ticketDo)
			desk.GET("/stats", judge.judgeStats)
			desk.GET("/judges", judge.judgeDirectory)
			desk.GET("/canned", judge.cannedReplies)
			desk.GET("/articles", judge.articlePicker)
			e.GET("/ws/judge", judge.judgeSocket, staff)
		}
		if judge.d.Visits != nil {
			// Judges and admins alike; the visit service checks the court and the permission.
			desk := api.Group("/judge/visits", noStore, staff)
			desk.GET("", judge.deskListVisits)
			desk.GET("/:id", judge.deskGetVisit)
			if judge.d.Desk != nil {
				desk.POST("/:id/suggest", judge.suggestFromVisit)
			}
			desk.POST("/:id/:action", judge.deskVisitAction)
		}

		adm := api.Group("/admin", noStore, auth.requireRole(knowledge.RoleAdmin))
		adm.GET("/articles", admin.adminListArticles)
		adm.POST("/articles", admin.adminCreateArticle)
		adm.GET("/articles/:slug", admin.adminGetArticle)
		adm.PUT("/articles/:slug", admin.adminSaveArticle)
		adm.POST("/articles/:slug/status", admin.adminSetStatus)
		adm.GET("/articles/:slug/versions", admin.adminVersions)
		adm.POST("/articles/:slug/rollback", admin.adminRollback)
		adm.POST("/preview", admin.adminPreview)
		adm.POST("/import", admin.adminImport, middleware.BodyLimit("16M"))
		adm.GET("/export", admin.adminExport)
		adm.POST("/test-ask", admin.adminTestAsk)
		adm.GET("/candidates", admin.adminCandidates)
		adm.POST("/candidates/:id/:decision", admin.adminDecideCandidate)
		adm.GET("/synonyms", admin.adminGetSynonyms)
		adm.PUT("/synonyms", admin.adminPutSynonyms)
		adm.GET("/users", admin.adminListUsers)
		adm.POST("/users", admin.adminCreateUser)
		adm.PATCH("/users/:id", admin.adminUpdateUser)
		adm.POST("/users/:id/password", admin.adminResetPassword)
		adm.GET("/audit", admin.adminAudit)
		if admin.d.Reports != nil {
			adm.GET("/reports/:name", admin.adminReport)
		}
		if admin.d.Sources != nil {
			adm.GET("/escalations", admin.adminEscalations)
			adm.POST("/escalations/close", admin.adminCloseEscalations)
		}
		if admin.d.Retention != nil {
			adm.GET("/retention", admin.adminRetention)
		}
		if admin.d.Review != nil {
			adm.POST("/canned", admin.adminSaveCanned)
			adm.PUT("/canned/:id", admin.adminSaveCanned)
			adm.DELETE("/canned/:id", admin.adminDeleteCanned)
			adm.GET("/suggestions", admin.adminSuggestions)
			adm.GET("/calendar", admin.adminGetCalendar)
			adm.PUT("/calendar", admin.adminPutCalendar)
			adm.PUT("/courts", admin.adminPutCourts)
			adm.POST("/suggestions/:id/:decision", admin.adminDecideSuggestion)
		}
		if admin.d.Statutes != nil {
			adm.GET("/statutes", admin.adminListStatutes)
			adm.POST("/statutes/import", admin.adminImportStatutes)
			adm.GET("/citations", admin.adminCitations)
			adm.GET("/legal-flags", admin.adminListFlags)
			adm.POST("/legal-flags", admin.adminAddFlag)
			adm.DELETE("/legal-flags/:id", admin.adminClearFlag)
		}
	}

	if chat.d.Notices != nil && chat.d.VisitorTokens != nil {
		api.GET("/notices", chat.getNotices, noStore)
		api.POST("/notices/consent", chat.postConsent, noStore, s.rateLimit())
		api.POST("/notices/verify", chat.verifyNotices, noStore, s.rateLimit())
		api.DELETE("/notices/consent", chat.withdrawNotices, noStore)
		e.GET("/n/:token", chat.openNoticeLink, s.rateLimit())
	}
	e.GET("/kb/:slug", pub.articlePage)
	s.static(e, signedIn)
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
