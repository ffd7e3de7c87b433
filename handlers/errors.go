package handlers

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/account"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/visit"
)

// APIError is the body of every error response.
type APIError struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Fields  []FieldProblem `json:"fields,omitempty"`
	// TotalFields is the number of problems found when Fields lists only the first MaxFields.
	TotalFields int `json:"total_fields,omitempty"`
}

// MaxFields bounds the problems one error response lists: an import of thousands of bad
// articles gets the first hundred and a count, not megabytes of messages.
const MaxFields = 100

type errorBody struct {
	Error APIError `json:"error"`
}

// errCode is an error with its own code and Chinese message, for failures found in the HTTP layer
// itself (bad JSON, oversized body) rather than in the domain.
type errCode struct {
	status  int
	code    string
	message string
}

func (e *errCode) Error() string { return e.code + ": " + e.message }

func apiErr(status int, code, message string) error {
	return &errCode{status: status, code: code, message: message}
}

// ErrorHandler is the single place where errors become HTTP responses. Server errors are logged
// here, once; client errors are not, since they are the client's business. A browser asking for a
// page that does not exist gets web's 404.html, a page with a way home; API clients get JSON.
func ErrorHandler(log *slog.Logger, web fs.FS) echo.HTTPErrorHandler {
	var notFoundPage []byte
	if web != nil {
		notFoundPage, _ = fs.ReadFile(web, "404.html")
	}
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status, body := classify(err)
		if status >= 500 {
			log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		if status == http.StatusNotFound && notFoundPage != nil && wantsPage(c.Request()) {
			_ = c.HTMLBlob(status, notFoundPage)
			return
		}
		_ = c.JSON(status, errorBody{Error: body})
	}
}

// wantsPage reports a browser navigating to a page: a GET that accepts HTML, outside the API.
func wantsPage(r *http.Request) bool {
	return r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/api/") &&
		strings.Contains(r.Header.Get(echo.HeaderAccept), echo.MIMETextHTML)
}

func classify(err error) (int, APIError) {
	var ec *errCode
	var ve *knowledge.ValidationError
	var he *echo.HTTPError
	var te *visit.TransitionError
	var le *escalation.LimitError
	var re *escalation.RuleError
	switch {
	case errors.As(err, &re):
		// The queue table's rule that refused the judge's action.
		if errors.Is(err, knowledge.ErrForbidden) {
			return http.StatusForbidden, APIError{Code: "forbidden", Message: re.Rule}
		}
		return http.StatusConflict, APIError{Code: "transition_refused", Message: re.Rule}
	case errors.As(err, &te):
		// The rule that refused the step, so the judge or requester knows why.
		return http.StatusConflict, APIError{Code: "transition_refused", Message: te.Rule}
	case errors.As(err, &ec):
		return ec.status, APIError{Code: ec.code, Message: ec.message}
	case errors.As(err, &le):
		return http.StatusTooManyRequests, APIError{Code: "escalation_limit", Message: le.Message()}
	case errors.As(err, &ve):
		fields := ve.Fields
		body := APIError{Code: "invalid", Message: validationMessage(fields)}
		if len(fields) > MaxFields {
			fields, body.TotalFields = fields[:MaxFields], len(ve.Fields)
		}
		body.Fields = fieldProblems(fields)
		return http.StatusBadRequest, body
	case errors.Is(err, knowledge.ErrInvalid):
		// A bare ErrInvalid carries an English explanation meant for the log, not the user.
		return http.StatusBadRequest, APIError{Code: "invalid", Message: "输入有误，请检查后重试"}
	case errors.Is(err, knowledge.ErrNotFound):
		return http.StatusNotFound, APIError{Code: "not_found", Message: "未找到"}
	case errors.Is(err, knowledge.ErrLastAdmin):
		return http.StatusConflict, APIError{Code: "last_admin", Message: "至少需要保留一名启用的管理员：不能降级、停用或删除最后一名管理员"}
	case errors.Is(err, knowledge.ErrConflict):
		return http.StatusConflict, APIError{Code: "conflict", Message: "内容已被他人修改或已存在，请刷新后重试"}
	case errors.Is(err, knowledge.ErrUnauthorized):
		return http.StatusUnauthorized, APIError{Code: "unauthorized", Message: "请先登录"}
	case errors.Is(err, knowledge.ErrForbidden):
		return http.StatusForbidden, APIError{Code: "forbidden", Message: "没有权限"}
	case errors.Is(err, account.ErrThrottled):
		return http.StatusTooManyRequests, APIError{Code: "login_throttled", Message: "登录失败次数过多，请 15 分钟后再试"}
	case errors.Is(err, knowledge.ErrRateLimited):
		return http.StatusTooManyRequests, APIError{Code: "rate_limited", Message: "请求过于频繁，请稍后再试"}
	case errors.Is(err, knowledge.ErrUnavailable):
		return http.StatusServiceUnavailable, APIError{Code: "unavailable", Message: "服务暂不可用，请稍后再试"}
	case errors.As(err, &he):
		return he.Code, httpErrorBody(he)
	}
	return http.StatusInternalServerError, APIError{Code: "internal", Message: "服务器内部错误"}
}

func httpErrorBody(he *echo.HTTPError) APIError {
	switch he.Code {
	case http.StatusNotFound:
		return APIError{Code: "not_found", Message: "未找到"}
	case http.StatusMethodNotAllowed:
		return APIError{Code: "method_not_allowed", Message: "不支持的请求方法"}
	case http.StatusRequestEntityTooLarge:
		return APIError{Code: "too_large", Message: "请求内容过大"}
	case http.StatusTooManyRequests:
		return APIError{Code: "rate_limited", Message: "请求过于频繁，请稍后再试"}
	case http.StatusUnauthorized:
		return APIError{Code: "unauthorized", Message: "请先登录"}
	case http.StatusForbidden:
		return APIError{Code: "forbidden", Message: "没有权限"}
	case http.StatusUnsupportedMediaType:
		return APIError{Code: "unsupported_media_type", Message: "请以 application/json 提交"}
	}
	if he.Code >= 500 {
		return APIError{Code: "internal", Message: "服务器内部错误"}
	}
	return APIError{Code: "bad_request", Message: "请求有误"}
}
