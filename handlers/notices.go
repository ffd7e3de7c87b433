package handlers

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge/notice"
)

// Notices is the enterprise's notice consent (notice.Service implements it).
type Notices interface {
	Consent(ctx context.Context, conversationID string) (notice.Consent, error)
	RequestCode(ctx context.Context, conversationID string, ch notice.Channel, contact, addr string) error
	Verify(ctx context.Context, conversationID, code string) (notice.Consent, error)
	Withdraw(ctx context.Context, conversationID string) error
}

// NoticeStatuses tells the queue whether each conversation's notices went out (notice.Service).
type NoticeStatuses interface {
	Statuses(ctx context.Context, conversationIDs []string) (map[string]notice.Status, error)
}

// NoticeLinks opens a notice's signed link: it returns a fresh visitor token of the linked
// conversation, or an error matching notice.ErrLinkExpired or notice.ErrLinkInvalid.
type NoticeLinks interface {
	Open(link string) (visitorToken string, err error)
}

// consentView is what the chat page shows of the consent; the contact is masked.
type consentView struct {
	Channel  notice.Channel `json:"channel"`
	Contact  string         `json:"contact"`
	Verified bool           `json:"verified"`
	Purpose  string         `json:"purpose"`
}

func viewConsent(c notice.Consent) consentView {
	return consentView{Channel: c.Channel, Contact: maskContact(c.Contact), Verified: c.Verified, Purpose: notice.Purpose}
}

// maskContact keeps enough of a contact to recognise it: 139****0001, b***@firm.example.
func maskContact(s string) string {
	if at := strings.LastIndexByte(s, '@'); at > 0 {
		return s[:1] + "***" + s[at:]
	}
	if len(s) == 11 {
		return s[:3] + "****" + s[7:]
	}
	return s
}

// noticeError gives the notice refusals their Chinese message and status.
func noticeError(err error) error {
	msg := notice.ErrorMessage(err)
	if msg == "" {
		return err
	}
	var le *notice.LimitError
	switch {
	case errors.As(err, &le), errors.Is(err, notice.ErrTooManyAttempts):
		return apiErr(http.StatusTooManyRequests, "notice_limit", msg)
	case errors.Is(err, notice.ErrBadContact):
		return apiErr(http.StatusBadRequest, "invalid_contact", msg)
	}
	return apiErr(http.StatusBadRequest, "invalid_code", msg)
}

// getNotices is GET /api/v1/notices: the conversation's consent and the purpose statement.
func (s *chatAPI) getNotices(c echo.Context) error {
	conv, err := s.visitor(c)
	if err != nil {
		return err
	}
	cs, err := s.d.Notices.Consent(c.Request().Context(), conv)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewConsent(cs))
}

// postConsent is POST /api/v1/notices/consent {"channel": "sms"|"email"|"none", "contact"}: a code
// goes to the contact (202), or "none" is recorded (200).
func (s *chatAPI) postConsent(c echo.Context) error {
	conv, err := s.visitor(c)
	if err != nil {
		return err
	}
	var req struct {
		Channel notice.Channel `json:"channel"`
		Contact string         `json:"contact"`
	}
	if err := decodeJSON(c, 4<<10, &req); err != nil {
		return err
	}
	if !req.Channel.Valid() {
		return apiErr(http.StatusBadRequest, "invalid", "请选择短信、电子邮件或不接收提醒")
	}
	ctx := c.Request().Context()
	if err := s.d.Notices.RequestCode(ctx, conv, req.Channel, req.Contact, c.RealIP()); err != nil {
		return noticeError(err)
	}
	cs, err := s.d.Notices.Consent(ctx, conv)
	if err != nil {
		return err
	}
	status := http.StatusAccepted
	if req.Channel == notice.ChannelNone {
		status = http.StatusOK
	}
	return c.JSON(status, viewConsent(cs))
}

// verifyNotices is POST /api/v1/notices/verify {"code"}.
func (s *chatAPI) verifyNotices(c echo.Context) error {
	conv, err := s.visitor(c)
	if err != nil {
		return err
	}
	var req struct {
		Code string `json:"code"`
	}
	if err := decodeJSON(c, 1<<10, &req); err != nil {
		return err
	}
	cs, err := s.d.Notices.Verify(c.Request().Context(), conv, strings.TrimSpace(req.Code))
	if err != nil {
		return noticeError(err)
	}
	return c.JSON(http.StatusOK, viewConsent(cs))
}

// withdrawNotices is DELETE /api/v1/notices/consent: no more notices; queued ones are cancelled.
func (s *chatAPI) withdrawNotices(c echo.Context) error {
	conv, err := s.visitor(c)
	if err != nil {
		return err
	}
	if err := s.d.Notices.Withdraw(c.Request().Context(), conv); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewConsent(notice.Consent{Channel: notice.ChannelNone}))
}

var openPage = template.Must(template.New("open").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>{{.Title}} · 涉企法律服务</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body data-token="{{.Token}}"><main class="notice-open"><h1>{{.Title}}</h1><p>{{.Message}}</p>
<p><a href="/">前往咨询页面</a></p></main>{{if .Token}}<script src="/static/notice-open.js"></script>{{end}}</body></html>`))

// openNoticeLink is GET /n/:token: a valid link binds its conversation to this browser (a fresh
// visitor token, stored by notice-open.js) and opens the chat; an expired or forged one gets a
// page that says so.
func (s *chatAPI) openNoticeLink(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	tok, err := s.d.NoticeLinks.Open(c.Param("token"))
	data := struct{ Title, Message, Token string }{"正在打开您的咨询", "如页面未自动跳转，请点击下方链接。", tok}
	status := http.StatusOK
	if err != nil {
		status = http.StatusBadRequest
		data.Title, data.Message = "链接无效", notice.ErrorMessage(notice.ErrLinkInvalid)
		if errors.Is(err, notice.ErrLinkExpired) {
			status = http.StatusGone
			data.Title, data.Message = "链接已过期", notice.ErrorMessage(err)
		}
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return openPage.Execute(c.Response(), data)
}
