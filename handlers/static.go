package handlers

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
)

// static serves the embedded pages: the chat at /, the judge console at /judge, the admin console
// at /admin, and their assets under /static/.
func (s *Server) static(e *echo.Echo) {
	if s.d.Web == nil {
		return
	}
	assets := http.FileServer(http.FS(s.d.Web))
	page := func(name string) echo.HandlerFunc {
		return func(c echo.Context) error {
			b, err := fs.ReadFile(s.d.Web, name)
			if err != nil {
				return echo.NewHTTPError(http.StatusNotFound)
			}
			c.Response().Header().Set("Cache-Control", "no-cache")
			return c.HTMLBlob(http.StatusOK, b)
		}
	}
	e.GET("/", page("index.html"))
	e.GET("/judge", page("judge.html"))
	e.GET("/admin", page("admin.html"))
	e.GET("/login", page("login.html"))
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", assets)))
}
