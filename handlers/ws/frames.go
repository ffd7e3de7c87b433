package ws

import (
	"encoding/json"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// ProtocolVersion is the version of docs/PROTOCOL.md this hub speaks; hello carries it.
const ProtocolVersion = 1

// Client frame types.
const (
	typeAsk      = "ask"
	typeEscalate = "escalate"
	typeFeedback = "feedback"
	typeResume   = "resume"
	typeTyping   = "typing"
	typeChoose   = "choose"
)

// inFrame is every field a client frame may carry; which are required depends on the type.
// Unknown fields are refused, so a typo in a client surfaces at once instead of being ignored.
type inFrame struct {
	Type    string           `json:"type"`
	ID      string           `json:"id,omitempty"`
	Text    *string          `json:"text,omitempty"`
	Form    *escalation.Form `json:"form,omitempty"`
	Seq     int64            `json:"seq,omitempty"`
	Helpful *bool            `json:"helpful,omitempty"`
	LastSeq *int64           `json:"last_seq,omitempty"`
	Slug    *string          `json:"slug,omitempty"`
}

// helloFrame opens a connection and answers resume.
type helloFrame struct {
	Type           string            `json:"type"`
	Version        int               `json:"version"`
	ConversationID string            `json:"conversation_id"`
	Token          string            `json:"token"`
	Mode           conversation.Mode `json:"mode"`
	Position       int               `json:"position,omitempty"`
	Judge          string            `json:"judge,omitempty"`
	LastSeq        int64             `json:"last_seq"`
	Messages       []any             `json:"messages"`
}

type ackFrame struct {
	Type      string            `json:"type"`
	ReplyTo   string            `json:"reply_to"`
	Seq       int64             `json:"seq"`
	Mode      conversation.Mode `json:"mode,omitempty"`
	Duplicate bool              `json:"duplicate,omitempty"`
	Position  int               `json:"position,omitempty"`
}

// answerFrame is the /api/v1/ask response plus where it sits in the conversation.
type answerFrame struct {
	Type string `json:"type"`
	*answer.Result
	Seq       int64     `json:"seq"`
	ReplyTo   string    `json:"reply_to"`
	Feedback  int       `json:"feedback"`
	CreatedAt time.Time `json:"created_at"`
}

// messageFrame carries an enterprise message or a system notice.
type messageFrame struct {
	Type string            `json:"type"`
	Seq  int64             `json:"seq"`
	Role conversation.Kind `json:"role"`
	ID   string            `json:"id,omitempty"`
	Text string            `json:"text"`
	Mode conversation.Mode `json:"mode"`
	// VisitID marks a status notice of a 法官进企业 request; the page shows its card.
	VisitID   int64     `json:"visit_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

type judgeFrame struct {
	Type      string    `json:"type"`
	Seq       int64     `json:"seq"`
	Text      string    `json:"text"`
	Judge     string    `json:"judge"`
	CreatedAt time.Time `json:"created_at"`
}

type statusFrame struct {
	Type     string            `json:"type"`
	Mode     conversation.Mode `json:"mode"`
	Position int               `json:"position"`
	Judge    string            `json:"judge,omitempty"`
	TicketID int64             `json:"ticket_id,omitempty"`
}

type errorFrame struct {
	Type    string                 `json:"type"`
	Code    string                 `json:"code"`
	Message string                 `json:"message"`
	ReplyTo string                 `json:"reply_to,omitempty"`
	Fields  []knowledge.FieldError `json:"fields,omitempty"`
}

// messageFrameOf turns a stored message into the frame that delivers it, live or in hello.
func messageFrameOf(m conversation.Message) any {
	switch m.Kind {
	case conversation.KindBot:
		res := m.Answer
		if res == nil {
			res = &answer.Result{Answer: m.Text, Sources: []answer.Source{}}
		}
		return answerFrame{Type: "answer", Result: res, Seq: m.Seq, ReplyTo: m.ReplyTo, Feedback: m.Feedback,
			CreatedAt: m.CreatedAt}
	case conversation.KindJudge:
		return judgeFrame{Type: "judge_message", Seq: m.Seq, Text: m.Text, Judge: m.Judge, CreatedAt: m.CreatedAt}
	default:
		return messageFrame{Type: "message", Seq: m.Seq, Role: m.Kind, ID: m.ClientID, Text: m.Text, Mode: m.Mode,
			VisitID: m.VisitID, CreatedAt: m.CreatedAt}
	}
}

func statusFrameOf(st conversation.Status) statusFrame {
	return statusFrame{Type: "escalation_status", Mode: st.Mode, Position: st.Position, Judge: st.Judge, TicketID: st.TicketID}
}

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Every frame type above marshals; a failure is a programming error worth a loud signal.
		panic("ws: encode frame: " + err.Error())
	}
	return b
}
