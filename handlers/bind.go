package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
)

// readBody reads a JSON body of at most limit bytes that must be valid UTF-8.
func readBody(c echo.Context, limit int64) ([]byte, error) {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), echo.MIMEApplicationJSON) {
		return nil, apiErr(http.StatusUnsupportedMediaType, "unsupported_media_type", "请以 application/json 提交")
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, limit+1))
	if err != nil {
		// A chunked body has no length to refuse up front: the body limit middleware (or
		// http.MaxBytesReader) stops it mid-read, and that is still "too large", not "bad".
		var he *echo.HTTPError
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) || errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
			return nil, apiErr(http.StatusRequestEntityTooLarge, "too_large", "请求内容过大")
		}
		return nil, apiErr(http.StatusBadRequest, "bad_request", "读取请求失败")
	}
	if int64(len(body)) > limit {
		return nil, apiErr(http.StatusRequestEntityTooLarge, "too_large", "请求内容过大")
	}
	if !utf8.Valid(body) {
		return nil, apiErr(http.StatusBadRequest, "invalid_utf8", "请求内容不是有效的 UTF-8 文本")
	}
	return body, nil
}

// decodeJSON reads a JSON object into v strictly: the body must be valid UTF-8 (Go's decoder would
// otherwise replace bad bytes silently), within limit, one object with no unknown fields. Every
// string decoded is then cleaned of invisible characters (knowledge.CheckAndClean), so no handler
// can forget to.
func decodeJSON(c echo.Context, limit int64, v any) error {
	body, err := readBody(c, limit)
	if err != nil {
		return err
	}
	if first := bytes.TrimLeft(body, " \t\r\n"); len(first) > 0 && first[0] != '{' {
		return apiErr(http.StatusBadRequest, "bad_json", "请求体须为 JSON 对象")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return apiErr(http.StatusBadRequest, "bad_json", "字段 "+te.Field+" 的类型不正确")
		}
		return apiErr(http.StatusBadRequest, "bad_json", "请求不是合法的 JSON 对象")
	}
	if dec.More() {
		return apiErr(http.StatusBadRequest, "bad_json", "请求只能包含一个 JSON 对象")
	}
	// NUL and broken UTF-8 (a JSON \u escape can make either) are refused, not cleaned away: no
	// person types them, and PostgreSQL would refuse them where SQLite stores them.
	// One walk does both: the refusal, then the cleaning of invisible characters.
	return knowledge.CheckAndClean(v)
}

// validParams refuses a request whose path or query parameters are not ValidText with 400
// invalid, before any handler passes them to the store: the one check for every route's filters,
// slugs and tokens on both engines.
func validParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for i, name := range c.ParamNames() {
			if vals := c.ParamValues(); i < len(vals) && !knowledge.ValidText(vals[i]) {
				return invalidParam(name)
			}
		}
		for name, vals := range c.QueryParams() {
			if !knowledge.ValidText(name) {
				return invalidParam("query")
			}
			for _, v := range vals {
				if !knowledge.ValidText(v) {
					return invalidParam(name)
				}
			}
		}
		return next(c)
	}
}

func invalidParam(name string) error {
	v := &knowledge.ValidationError{}
	v.Add("", name, "%s", knowledge.InvalidTextMessage)
	return v
}
