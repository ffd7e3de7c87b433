package ws

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/courtdesk/courtdesk/knowledge"
)

// readPump reads client frames until the connection ends. Frames are handled one at a time, in
// order, so a client's ask is stored before its next frame is read.
func (c *client) readPump() {
	h := c.hub
	// No SetReadLimit: gorilla would answer an oversized frame with a bare 1009 close before the
	// hub could say why. The limit is enforced below while reading, without buffering more.
	_ = c.conn.SetReadDeadline(time.Now().Add(h.cfg.PongWait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(h.cfg.PongWait))
	})
	for {
		kind, r, err := c.conn.NextReader()
		if err != nil {
			return // closed by the peer, timed out, or dropped
		}
		// Any frame shows the client is alive, as a pong does.
		_ = c.conn.SetReadDeadline(time.Now().Add(h.cfg.PongWait))
		data, err := io.ReadAll(io.LimitReader(r, int64(h.cfg.MaxFrameBytes)+1))
		if err != nil {
			return
		}
		if len(data) > h.cfg.MaxFrameBytes {
			c.sendError("", "frame_too_large", "消息过长，单条消息不能超过 16 KB", nil)
			c.shutdown(websocket.CloseMessageTooBig, "frame too large")
			linger(c.conn)
			return
		}
		if kind != websocket.TextMessage {
			c.sendError("", "binary_unsupported", "只接受文本（JSON）消息", nil)
			continue
		}
		if !utf8.Valid(data) {
			c.sendError("", "invalid_utf8", "消息不是有效的 UTF-8 文本", nil)
			continue
		}
		if c.limiter != nil && !c.limiter.Allow() {
			// One error a second at most: a flood must not turn into a flood of replies that
			// would get the client dropped as slow before it reads why.
			if now := time.Now(); now.Sub(c.lastRateErr) >= time.Second {
				c.lastRateErr = now
				c.sendError("", "rate_limited", "发送过于频繁，请稍后再发", nil)
			} else {
				h.metrics.errors.WithLabelValues("rate_limited").Inc()
			}
			continue
		}
		c.handle(data)
	}
}

// decodeFrame parses one client frame strictly: one JSON object, known fields only.
func decodeFrame(data []byte) (inFrame, string, string) {
	var f inFrame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var syn *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field == "":
			return f, "bad_frame", "消息必须是一个 JSON 对象"
		case errors.As(err, &te):
			return f, "bad_frame", "字段 " + te.Field + " 的类型不正确"
		case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return f, "bad_json", "消息不是合法的 JSON"
		default:
			return f, "bad_frame", "消息格式不正确（含有未知字段或结构不符）"
		}
	}
	if dec.More() {
		return f, "bad_json", "一条消息只能包含一个 JSON 对象"
	}
	// A NUL or broken UTF-8 from a \u escape is refused, as over HTTP (knowledge.ValidText); the
	// rest is cleaned before any other check, so that a field made only of invisible characters
	// counts as empty.
	if err := knowledge.CheckAndClean(&f); err != nil {
		return f, "invalid", "消息" + knowledge.InvalidTextMessage
	}
	if f.Type == "" {
		return f, "bad_frame", "消息缺少 type 字段"
	}
	return f, "", ""
}
