package handlers

import (
	"net/http"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// ChatHub serves the chat's WebSocket connections; handlers/ws.Hub implements it.
type ChatHub interface {
	OriginAllowed(r *http.Request) bool
	Serve(w http.ResponseWriter, r *http.Request, ip string)
}

// CourtLister lists the intake form's cities and their courts; escalation.Service implements it.
type CourtLister interface {
	Courts() []escalation.Court
}

// chatSocket is GET /ws/chat. The origin is checked before the upgrade so that a refused page
// gets a typed HTTP error, and cross-site pages never reach the hub.
func (s *chatAPI) chatSocket(c echo.Context) error {
	r := c.Request()
	if err := socketRequest(r, s.d.Hub.OriginAllowed); err != nil {
		return err
	}
	s.d.Hub.Serve(c.Response(), r, c.RealIP())
	return nil
}

// listCourts is GET /api/v1/courts, the intake form's city list.
func (s *chatAPI) listCourts(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"courts": s.d.Courts.Courts()})
}

// socketRequest refuses a WebSocket request from a page of another site (before the upgrade, so
// that the refusal is a typed HTTP error) or one that is not an upgrade at all.
func socketRequest(r *http.Request, originAllowed func(*http.Request) bool) error {
	if !originAllowed(r) {
		return apiErr(http.StatusForbidden, "bad_origin", "不允许从该网站发起连接")
	}
	if !websocket.IsWebSocketUpgrade(r) {
		return apiErr(http.StatusBadRequest, "websocket_required", "请使用 WebSocket 连接")
	}
	return nil
}
