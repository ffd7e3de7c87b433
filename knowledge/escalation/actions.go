package escalation

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
)

// The judge's actions on a ticket they may see: reply, return, transfer, resolve and notes. Each
// reads the ticket through the judge's scope first and hands the store a transition naming the
// row of the queue table (rules.go); the store's conditional update repeats the scope and that
// row's states and owner.

// MaxReplyLen bounds a judge's reply, in characters.
const MaxReplyLen = conversation.MaxJudgeMessageLen

func validText(field, text string, maxLen int) error {
	text = strings.TrimSpace(text)
	v := &knowledge.ValidationError{}
	switch n := utf8.RuneCountInString(text); {
	case !utf8.ValidString(text):
		v.Add("", field, "不是有效的 UTF-8 文本")
	case n == 0:
		v.Add("", field, "不能为空")
	case n > maxLen:
		v.Add("", field, "不能超过 %d 个字（现为 %d 个）", maxLen, n)
	}
	return v.Err()
}

// Reply stores the judge's message in the conversation and marks the ticket answered. Only the
// judge holding the ticket may reply.
func (q *Queue) Reply(ctx context.Context, j Judge, id int64, text string) (Done, error) {
	t, err := q.ticketFor(ctx, j, id)
	if err != nil {
		return Done{}, err
	}
	if err := validText("text", text, MaxReplyLen); err != nil {
		return Done{}, err
	}
	d, err := q.apply(ctx, q.scope(j), t, Transition{TicketID: id, Action: RuleReply, Actor: ActorOf(j), To: StateAnswered, ClaimedBy: j.ID,
		Mode: conversation.ModeWithJudge, FirstResp: true,
		Message: &conversation.Message{ConversationID: t.ConversationID, Kind: conversation.KindJudge,
			Text: strings.TrimSpace(text), JudgeID: j.ID, Judge: j.Name},
		Event: TicketEvent{At: q.now(), ActorID: j.ID, Actor: j.Name, Action: ActionReply, From: t.State, To: StateAnswered}})
	if err != nil {
		return d, err
	}
	// A judge who answers with a knowledge-base article says the question belongs to it.
	for _, slug := range linkedArticles(text) {
		if err := q.learn.ProposePhrasing(ctx, slug, t.Intake.Question, knowledge.SourceJudge, fmt.Sprintf("ticket:%d", id)); err != nil {
			return d, err
		}
	}
	return d, nil
}

var kbLinkRE = regexp.MustCompile(`/kb/([a-z0-9]+(?:-[a-z0-9]+)*)`)

// linkedArticles returns the slugs of the /kb/ links in a reply, each once.
func linkedArticles(text string) []string {
	var out []string
	for _, m := range kbLinkRE.FindAllStringSubmatch(text, 8) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// Return puts a claimed ticket back in the queue with a reason (kept in the audit trail; the
// enterprise is told only that another judge will take over).
func (q *Queue) Return(ctx context.Context, j Judge, id int64, reason string) (Ticket, error) {
	t, err := q.ticketFor(ctx, j, id)
	if err != nil {
		return t, err
	}
	if err := validText("reason", reason, 500); err != nil {
		return Ticket{}, err
	}
	d, err := q.apply(ctx, q.scope(j), t, Transition{TicketID: id, Action: RuleReturn, Actor: ActorOf(j), To: StateWaiting,
		Mode:    conversation.ModeWaiting,
		Message: systemMessage(t.ConversationID, "您的问题已重新进入排队，将由其他法官尽快接手。"),
		Event:   TicketEvent{At: q.now(), ActorID: j.ID, Actor: j.Name, Action: ActionReturn, From: t.State, To: StateWaiting, Reason: strings.TrimSpace(reason)}})
	return d.Ticket, err
}

// TransferToJudge hands a claimed ticket to a named judge, who must be active and under capacity.
func (q *Queue) TransferToJudge(ctx context.Context, j Judge, id, toID int64, reason string) (Ticket, error) {
	t, err := q.ticketFor(ctx, j, id)
	if err != nil {
		return t, err
	}
	to, err := q.st.GetUser(ctx, toID)
	if err != nil {
		return Ticket{}, err
	}
	if !to.Active || to.Role != knowledge.RoleJudge {
		v := &knowledge.ValidationError{}
		v.Add("", "to_judge", "只能转交给在岗的法官")
		return Ticket{}, v
	}
	if err := validText("reason", reason, 500); err != nil {
		return Ticket{}, err
	}
	d, err := q.apply(ctx, q.scope(j), t, Transition{TicketID: id, Action: RuleTransfer, Actor: ActorOf(j), To: StateClaimed,
		ClaimedBy: to.ID, Capacity: max(to.Capacity, 1), Mode: conversation.ModeWithJudge,
		Message: systemMessage(t.ConversationID, "您的问题已转交"+to.DisplayName+"继续处理。"),
		Event:   TicketEvent{At: q.now(), ActorID: j.ID, Actor: j.Name, Action: ActionTransfer, From: t.State, To: StateClaimed, Reason: "转交给 " + to.DisplayName + "：" + strings.TrimSpace(reason)}})
	return d.Ticket, err
}

// TransferToCourt moves a ticket to another court's queue.
func (q *Queue) TransferToCourt(ctx context.Context, j Judge, id int64, courtCode, reason string) (Ticket, error) {
	t, err := q.ticketFor(ctx, j, id)
	if err != nil {
		return t, err
	}
	court, ok := q.courts.Lookup(courtCode)
	if !ok {
		v := &knowledge.ValidationError{}
		v.Add("", "court", "未知法院 %q", courtCode)
		return Ticket{}, v
	}
	if err := validText("reason", reason, 500); err != nil {
		return Ticket{}, err
	}
	d, err := q.apply(ctx, q.scope(j), t, Transition{TicketID: id, Action: RuleTransferCourt, Actor: ActorOf(j), To: StateWaiting, Court: court,
		Mode:    conversation.ModeWaiting,
		Message: systemMessage(t.ConversationID, "您的问题已转至"+court.Court+"，正在排队等待法官接手。"),
		Event:   TicketEvent{At: q.now(), ActorID: j.ID, Actor: j.Name, Action: ActionTransfer, From: t.State, To: StateWaiting, Reason: "转至 " + court.Court + "：" + strings.TrimSpace(reason)}})
	return d.Ticket, err
}

// Resolve closes a ticket with a closing message to the enterprise; the conversation returns to the
// bot and a new question may escalate again.
func (q *Queue) Resolve(ctx context.Context, j Judge, id int64, closing string) (Ticket, error) {
	t, err := q.ticketFor(ctx, j, id)
	if err != nil {
		return t, err
	}
	if err := validText("closing", closing, MaxReplyLen); err != nil {
		return Ticket{}, err
	}
	d, err := q.apply(ctx, q.scope(j), t, Transition{TicketID: id, Action: RuleResolve, Actor: ActorOf(j), To: StateResolved,
		ClaimedBy: t.ClaimedBy, Mode: conversation.ModeResolved, FirstResp: true,
		Message: &conversation.Message{ConversationID: t.ConversationID, Kind: conversation.KindJudge,
			Text: strings.TrimSpace(closing) + "\n\n（本次法官咨询已结束。如有新的问题，可以继续提问。）", JudgeID: j.ID, Judge: j.Name},
		Event: TicketEvent{At: q.now(), ActorID: j.ID, Actor: j.Name, Action: ActionResolve, From: t.State, To: StateResolved}})
	return d.Ticket, err
}

// AddNote records an internal note.
func (q *Queue) AddNote(ctx context.Context, j Judge, id int64, text string) (Note, error) {
	t, err := q.ticketFor(ctx, j, id)
	if err != nil {
		return Note{}, err
	}
	if e, refused := Refusal(RuleNote, ActorOf(j), t); refused {
		return Note{}, e
	}
	if err := validText("text", text, 2000); err != nil {
		return Note{}, err
	}
	// The store repeats the rule in its insert: the ticket may have changed hands since the read.
	return q.st.AddNote(ctx, Note{TicketID: id, AuthorID: j.ID, Author: j.Name, Text: strings.TrimSpace(text), CreatedAt: q.now()},
		ActorOf(j), q.scope(j))
}
