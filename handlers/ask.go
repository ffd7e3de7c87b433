package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// AskLog records a question answered over HTTP (the store implements it).
type AskLog interface {
	RecordHTTPAsk(ctx context.Context, res answer.Result) error
}

type askRequest struct {
	Question string `json:"question"`
	// Choose answers a clarification: the slug of the option the user picked for Question.
	Choose string `json:"choose,omitempty"`
}

// ask is POST /api/v1/ask.
func (s *publicAPI) ask(c echo.Context) error {
	var req askRequest
	if err := decodeJSON(c, s.Limits.MaxBodyBytes, &req); err != nil {
		return err
	}
	if err := answer.ValidateQuestion(req.Question); err != nil {
		return err
	}
	start := time.Now()
	var res answer.Result
	var err error
	if req.Choose != "" {
		res, err = s.d.Engine.Choose(c.Request().Context(), req.Question, req.Choose)
	} else {
		res, err = s.d.Engine.Ask(c.Request().Context(), req.Question)
	}
	if err != nil {
		return err
	}
	s.Metrics.ObserveAsk(ChannelHTTP, res, time.Since(start))
	if s.d.AskLog != nil {
		// The activity report counts HTTP asks with the chat's; a failed record must not cost
		// the user their answer, so it is logged and the answer goes out.
		if err := s.d.AskLog.RecordHTTPAsk(c.Request().Context(), res); err != nil {
			s.Log.Warn("record http ask", "err", err)
		}
	}
	res.Terms, res.Normalized = nil, "" // explanation is for the admin test console only
	// Encoded whole, then written with its length: an answer is often larger than the server's
	// response buffer, and without a length it would go out chunked, in several writes.
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(b)))
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}
