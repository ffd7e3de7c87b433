package ws

import (
	"context"
	"errors"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// handle runs one decoded client frame. Problems with the frame are answered with a typed error
// and the connection stays open.
func (c *client) handle(data []byte) {
	f, code, msg := decodeFrame(data)
	if code != "" {
		c.sendError("", code, msg, nil)
		return
	}
	c.hub.metrics.framesIn.WithLabelValues(frameLabel(f.Type)).Inc()
	switch f.Type {
	case typeAsk:
		if f.Text == nil || f.ID == "" {
			c.sendError(f.ID, "bad_frame", "ask 消息需要 id 和 text 字段", nil)
			return
		}
		c.ask(f.ID, *f.Text)
	case typeChoose:
		if f.Text == nil || f.Slug == nil || f.ID == "" {
			c.sendError(f.ID, "bad_frame", "choose 消息需要 id、text（原问题）和 slug 字段", nil)
			return
		}
		c.choose(f.ID, *f.Text, *f.Slug)
	case typeEscalate:
		if f.Form == nil || f.ID == "" {
			c.sendError(f.ID, "bad_frame", "escalate 消息需要 id 和 form 字段", nil)
			return
		}
		c.escalate(f)
	case typeFeedback:
		if f.Helpful == nil || f.Seq <= 0 {
			c.sendError(f.ID, "bad_frame", "feedback 消息需要 seq 和 helpful 字段", nil)
			return
		}
		ctx, cancel := c.ctx()
		defer cancel()
		if err := c.hub.conv.Feedback(ctx, c.conv, f.Seq, *f.Helpful); err != nil {
			c.fail(f.ID, err)
			return
		}
		c.enqueue(ackFrame{Type: "ack", ReplyTo: f.ID, Seq: f.Seq})
	case typeResume:
		if f.LastSeq == nil || *f.LastSeq < 0 {
			c.sendError("", "bad_frame", "resume 消息需要 last_seq 字段（不小于 0）", nil)
			return
		}
		if !c.requestHello(*f.LastSeq) {
			c.sendError("", "rate_limited", "恢复请求过于频繁，请稍后再试", nil)
		}
	case typeTyping:
		// Accepted and ignored until the judge console shows typing.
	default:
		c.sendError(f.ID, "unknown_type", "未知的消息类型 "+f.Type, nil)
	}
}

func frameLabel(t string) string {
	switch t {
	case typeAsk, typeEscalate, typeFeedback, typeResume, typeTyping, typeChoose:
		return t
	}
	return "unknown"
}

func (c *client) ask(id, text string) {
	ctx, cancel := c.ctx()
	defer cancel()
	start := time.Now()
	// The question and its answer are stored in one transaction, and the answer may be read by
	// the write pump (woken by another tab's message) before the ack below is queued: while
	// asking names this question, the pump holds its answer back (held).
	c.asking.Store(&id)
	defer c.doneAsking()
	m, err := c.hub.conv.Ask(ctx, c.conv, id, text, func(p conversation.Posted) {
		c.enqueue(ackFrame{Type: "ack", ReplyTo: id, Seq: p.Message.Seq, Mode: p.Message.Mode, Duplicate: p.Duplicate})
		c.doneAsking()
	})
	if m.Answer != nil {
		c.hub.observeAnswer(m, start)
	}
	if errors.Is(err, knowledge.ErrConflict) {
		c.sendError(id, "conflict", "消息编号已被其他消息使用，请重新发送", nil)
		return
	}
	if err != nil {
		c.fail(id, err)
	}
}

// doneAsking ends the hold on the current question's answer once its ack is queued, and wakes
// the write pump for what it held back.
func (c *client) doneAsking() {
	if c.asking.Swap(nil) != nil {
		c.flag(flagPending)
	}
}

// held reports whether m is the answer to the question being asked on this connection, whose
// ack is not queued yet.
func (c *client) held(m conversation.Message) bool {
	id := c.asking.Load()
	return id != nil && m.ReplyTo != "" && m.ReplyTo == *id
}

// ackThenAnswer acknowledges a stored question and then, when the bot answers in this mode, runs
// answer. The ack goes out before the engine runs: the question is safe once it is stored.
func (c *client) ackThenAnswer(id string, p conversation.Posted, answer func() error) {
	c.enqueue(ackFrame{Type: "ack", ReplyTo: id, Seq: p.Message.Seq, Mode: p.Message.Mode, Duplicate: p.Duplicate})
	if !p.NeedsAnswer {
		return
	}
	if err := answer(); err != nil {
		c.fail(id, err)
	}
}

// choose answers a clarification with the article the user picked.
func (c *client) choose(id, question, slug string) {
	ctx, cancel := c.ctx()
	defer cancel()
	start := time.Now()
	p, res, err := c.hub.conv.Choose(ctx, c.conv, id, question, slug)
	if err != nil {
		c.fail(id, err)
		return
	}
	c.ackThenAnswer(id, p, func() error {
		m, err := c.hub.conv.AnswerChoice(ctx, p.Message, res)
		c.hub.observeAnswer(m, start)
		return err
	})
}

func (c *client) escalate(f inFrame) {
	ctx, cancel := c.ctx()
	defer cancel()
	e, err := c.hub.esc.Escalate(ctx, c.conv, f.ID, *f.Form, escalation.Source{Addr: c.ip})
	if err != nil {
		c.fail(f.ID, err)
		return
	}
	c.enqueue(ackFrame{Type: "ack", ReplyTo: f.ID, Seq: e.Notice.Seq, Mode: conversation.ModeWaiting,
		Duplicate: e.Duplicate, Position: e.Position})
}

func (c *client) sendError(replyTo, code, msg string, fields []knowledge.FieldError) {
	c.hub.metrics.errors.WithLabelValues(code).Inc()
	c.enqueue(errorFrame{Type: "error", Code: code, Message: msg, ReplyTo: replyTo, Fields: fields})
}

// fail turns a domain error into a typed error frame; unexpected errors are logged here, once.
func (c *client) fail(replyTo string, err error) {
	var ve *knowledge.ValidationError
	var le *escalation.LimitError
	switch {
	case errors.As(err, &le):
		c.sendError(replyTo, "escalation_limit", le.Message(), nil)
	case errors.Is(err, escalation.ErrQuestionFirst):
		c.sendError(replyTo, "question_first", "请先在对话框中简要描述您的问题，智能助手答复后即可转交法官。", nil)
	case errors.As(err, &ve):
		msg := "输入有误"
		if len(ve.Fields) > 0 {
			msg = ve.Fields[0].Message
		}
		c.sendError(replyTo, "invalid", msg, ve.Fields)
	case errors.Is(err, knowledge.ErrInvalid):
		c.sendError(replyTo, "invalid", "输入有误", nil)
	case errors.Is(err, knowledge.ErrConflict):
		c.sendError(replyTo, "conflict", "您的问题已在法官队列中，请等待法官接手；补充情况可以直接留言", nil)
	case errors.Is(err, knowledge.ErrNotFound):
		c.sendError(replyTo, "not_found", "未找到对应的消息", nil)
	case errors.Is(err, knowledge.ErrRateLimited):
		c.sendError(replyTo, "rate_limited", "发送过于频繁，请稍后再发", nil)
	case errors.Is(err, knowledge.ErrUnavailable):
		// The store could not take the write: nothing of the frame was kept.
		c.hub.log.Warn("ws: frame failed", "err", err)
		c.sendError(replyTo, "unavailable", "服务暂时无法保存您的消息，请稍后重新发送", nil)
	case errors.Is(err, context.DeadlineExceeded):
		c.hub.log.Warn("ws: frame failed", "conversation", c.conv, "err", err)
		c.sendError(replyTo, "unavailable", "服务暂时繁忙，请稍后重试；您的消息已保存", nil)
	default:
		c.hub.log.Error("ws: frame failed", "conversation", c.conv, "err", err)
		c.sendError(replyTo, "internal", "服务器内部错误，请稍后重试", nil)
	}
}
