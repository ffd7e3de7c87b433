package handlers

import (
	"io/fs"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// static serves the embedded pages: the chat at /, the judge console at /judge, the admin console
// at /admin, and their assets under /static/. signedIn guards the consoles' pages.
func (s *common) static(e *echo.Echo, signedIn echo.MiddlewareFunc) {
	if s.Web == nil {
		return
	}
	assets := http.FileServer(http.FS(s.Web))
	page := func(name string) echo.HandlerFunc {
		return func(c echo.Context) error {
			b, err := fs.ReadFile(s.Web, name)
			if err != nil {
				return echo.NewHTTPError(http.StatusNotFound)
			}
			c.Response().Header().Set("Cache-Control", "no-cache")
			return c.HTMLBlob(http.StatusOK, b)
		}
	}
	e.GET("/", page("index.html"))
	e.GET("/judge", signedIn(page("judge.html")))
	e.GET("/admin", signedIn(page("admin.html")))
	e.GET("/login", page("login.html"))
	e.GET("/favicon.ico", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/static/favicon.svg") })
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", assets)))
}

// signedInPage sends a visitor without a valid session to the login page, which returns them here
// afterwards, instead of loading a console whose first API call can only fail. Whether the account
// may use the page is the console's business: it shows a clear refusal.
func (s *authAPI) signedInPage(serve echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if ck, err := c.Cookie(SessionCookie); err == nil {
			if _, _, err := s.d.Accounts.Authenticate(c.Request().Context(), ck.Value); err == nil {
				return serve(c)
			}
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.Path))
	}
}
