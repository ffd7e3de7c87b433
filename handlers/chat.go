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
	forgetConn(c)
	return nil
}

// forgetConn drops the echo context's reference to the hijacked connection's ResponseWriter. echo
// pools its contexts and keeps the last request's writer until the context is reused, and that
// writer holds the HTTP server's per-connection state: its 4 KB reader and writer and the 2 KB
// response buffer, never returned to their pools once hijacked. After a burst of handshakes the pool
// holds one context per handshake that was in flight, so this is about 10 KB per idle socket until
// two garbage collections have passed. The status stays for the request log.
func forgetConn(c echo.Context) {
	c.Response().Writer = hijacked{}
}

// hijacked stands for the writer of a connection taken over by a WebSocket: nothing can be written.
type hijacked struct{}

func (hijacked) Header() http.Header       { return http.Header{} }
func (hijacked) Write([]byte) (int, error) { return 0, http.ErrHijacked }
func (hijacked) WriteHeader(int)           {}

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
