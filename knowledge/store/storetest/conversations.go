package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/conversation"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

func convID(t *testing.T) string {
	t.Helper()
	id, err := conversation.NewID()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func post(t *testing.T, s *store.Store, conv, clientID, text string) conversation.Appended {
	t.Helper()
	ap, err := s.AppendMessage(context.Background(), conversation.Message{ConversationID: conv,
		Kind: conversation.KindEnterprise, ClientID: clientID, Text: text}, true)
	if err != nil {
		t.Fatalf("append %s: %v", clientID, err)
	}
	return ap
}

func seqs(ms []conversation.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func testMessages(t *testing.T, s *store.Store) {
	ctx := context.Background()
	conv := convID(t)
	if _, err := s.GetConversation(ctx, conv); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("conversation before its first message: %v", err)
	}
	// Only an enterprise message creates a conversation; a bot answer into nowhere is refused.
	if _, err := s.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindBot,
		ReplyTo: "x", Text: "?"}, false); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("answer to unknown conversation: %v", err)
	}
	for i := 1; i <= 3; i++ {
		ap := post(t, s, conv, fmt.Sprintf("c%d", i), fmt.Sprintf("问题%d", i))
		if ap.Duplicate || ap.Message.Seq != int64(i) || ap.Message.Mode != conversation.ModeBot {
			t.Fatalf("message %d = %+v", i, ap)
		}
	}
	res := answer.Result{Intent: answer.IntentAnswer, Answer: "答复", Sources: []answer.Source{{Slug: "labor-overtime-pay",
		Title: "加班费", Category: "labor"}}, Summary: "摘要", LegalBasis: []string{"劳动法第四十四条"}}
	ap, err := s.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindBot, ReplyTo: "c3",
		Text: res.Answer, Answer: &res}, false)
	if err != nil || ap.Message.Seq != 4 {
		t.Fatalf("answer = %+v, %v", ap, err)
	}
	again, err := s.AppendMessage(ctx, conversation.Message{ConversationID: conv, Kind: conversation.KindBot, ReplyTo: "c3",
		Text: "another", Answer: &res}, false)
	if err != nil || !again.Duplicate || again.Message.Seq != 4 || again.Message.Text != "答复" {
		t.Fatalf("second answer to one question = %+v, %v", again, err)
	}
	all, err := s.Messages(ctx, conv, 0, 100)
	if err != nil || fmt.Sprint(seqs(all)) != "[1 2 3 4]" {
		t.Fatalf("messages = %v, %v", seqs(all), err)
	}
	got := all[3]
	if got.Kind != conversation.KindBot || got.Answer == nil || got.Answer.Sources[0].Slug != "labor-overtime-pay" ||
		got.Answer.LegalBasis[0] != "劳动法第四十四条" || got.CreatedAt.IsZero() {
		t.Fatalf("stored answer did not round-trip: %+v", got)
	}
	after, err := s.Messages(ctx, conv, 2, 1)
	if err != nil || fmt.Sprint(seqs(after)) != "[3]" {
		t.Fatalf("messages after 2, limit 1 = %v, %v", seqs(after), err)
	}
	if has, err := s.HasReply(ctx, conv, "c3"); err != nil || !has {
		t.Fatalf("HasReply(c3) = %v, %v", has, err)
	}
	if has, _ := s.HasReply(ctx, conv, "c1"); has {
		t.Fatal("HasReply(c1) without an answer")
	}
	if err := s.SetFeedback(ctx, conv, 4, conversation.FeedbackHelpful); err != nil {
		t.Fatal(err)
	}
	if err := s.SetFeedback(ctx, conv, 1, conversation.FeedbackHelpful); !errors.Is(err, knowledge.ErrNotFound) {
		t.Fatalf("feedback on a question: %v", err)
	}
	last, err := s.LastAnswer(ctx, conv)
	if err != nil || last.Seq != 4 || last.Feedback != conversation.FeedbackHelpful {
		t.Fatalf("last answer = %+v, %v", last, err)
	}
	c, err := s.GetConversation(ctx, conv)
	if err != nil || c.LastSeq != 4 || c.Mode != conversation.ModeBot {
		t.Fatalf("conversation = %+v, %v", c, err)
	}
}

func testResendIdempotent(t *testing.T, s *store.Store) {
	ctx := context.Background()
	conv := convID(t)
	first := post(t, s, conv, "same", "第一次")
	second := post(t, s, conv, "same", "重发")
	if !second.Duplicate || second.Message.Seq != first.Message.Seq || second.Message.Text != "第一次" {
		t.Fatalf("resend = %+v", second)
	}
	if c, _ := s.GetConversation(ctx, conv); c.LastSeq != 1 {
		t.Fatalf("a resend used a sequence number: last_seq = %d", c.LastSeq)
	}
}

// testConcurrentSeq has many writers on one conversation, each also resending its own ids, and
// checks that the numbers are exactly 1..N with every distinct id stored once.
func testConcurrentSeq(t *testing.T, s *store.Store) {
	ctx := context.Background()
	conv := convID(t)
	post(t, s, conv, "first", "开始")
	const writers, each = 6, 8
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				for range 2 { // the second is a resend racing the other writers
					_, err := s.AppendMessage(ctx, conversation.Message{ConversationID: conv,
						Kind: conversation.KindEnterprise, ClientID: id, Text: id}, true)
					if err != nil {
						t.Errorf("append %s: %v", id, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	ms, err := s.Messages(ctx, conv, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	want := 1 + writers*each
	if len(ms) != want {
		t.Fatalf("stored %d messages, want %d", len(ms), want)
	}
	ids := map[string]bool{}
	for i, m := range ms {
		if m.Seq != int64(i+1) {
			t.Fatalf("message %d has seq %d: not gap-free", i, m.Seq)
		}
		if ids[m.ClientID] {
			t.Fatalf("client id %s stored twice", m.ClientID)
		}
		ids[m.ClientID] = true
	}
}

func ticket(conv, clientID, court string, p escalation.Priority) (escalation.Ticket, conversation.Message) {
	tk := escalation.Ticket{ConversationID: conv, State: escalation.StateWaiting, Priority: p, CourtCode: court,
		Court: "沈阳市中级人民法院", Specialty: "enforcement", Reason: answer.ReasonUrgent, ClientID: clientID,
		Intake: escalation.Form{Company: "沈阳某机械有限公司", Question: "账户被冻结", City: court,
			Impact: &escalation.Impact{Seized: "基本账户", PayrollStopped: true, Employees: 80}}}
	notice := conversation.Message{ConversationID: conv, Kind: conversation.KindSystem, ClientID: clientID, Text: "已转交"}
	return tk, notice
}

func testTickets(t *testing.T, s *store.Store) {
	ctx := context.Background()
	conv := convID(t)
	post(t, s, conv, "q1", "账户被冻结了怎么办")
	tk, notice := ticket(conv, "esc1", "210100", escalation.PriorityNormal)
	c, err := s.CreateTicket(ctx, tk, notice)
	if err != nil || c.Duplicate || c.Ticket.ID == 0 || c.Notice.Seq != 2 || c.Notice.TicketID != c.Ticket.ID {
		t.Fatalf("create = %+v, %v", c, err)
	}
	got, err := s.GetTicket(ctx, c.Ticket.ID)
	if err != nil || got.Intake.Impact == nil || got.Intake.Impact.Employees != 80 || got.State != escalation.StateWaiting ||
		got.Specialty != "enforcement" || got.CreatedAt.IsZero() {
		t.Fatalf("ticket = %+v, %v", got, err)
	}
	st, err := s.ConversationStatus(ctx, conv)
	if err != nil || st.Mode != conversation.ModeWaiting || st.Position != 1 || st.TicketID != c.Ticket.ID {
		t.Fatalf("status = %+v, %v", st, err)
	}
	// The resent escalate frame gets its ticket back; a new one is refused while waiting.
	again, err := s.CreateTicket(ctx, tk, notice)
	if err != nil || !again.Duplicate || again.Ticket.ID != c.Ticket.ID || again.Notice.Seq != 2 {
		t.Fatalf("resend = %+v, %v", again, err)
	}
	tk2, notice2 := ticket(conv, "esc2", "210100", escalation.PriorityNormal)
	if _, err := s.CreateTicket(ctx, tk2, notice2); !errors.Is(err, knowledge.ErrConflict) {
		t.Fatalf("second ticket while waiting: %v", err)
	}
	if cv, _ := s.GetConversation(ctx, conv); cv.LastSeq != 2 {
		t.Fatalf("refused escalation changed last_seq to %d", cv.LastSeq)
	}
	// Messages while waiting record that they went to the judge and get no reply mode change.
	if ap := post(t, s, conv, "q2", "补充情况"); ap.Message.Mode != conversation.ModeWaiting || ap.Reopened {
		t.Fatalf("message while waiting = %+v", ap)
	}

	// Queue order: priority first, then age, per court.
	second, third, other := convID(t), convID(t), convID(t)
	for _, x := range []struct {
		conv, court string
		p           escalation.Priority
	}{{second, "210100", escalation.PriorityNormal}, {third, "210100", escalation.PriorityUrgent}, {other, "210200", escalation.PriorityNormal}} {
		tk, n := ticket(x.conv, "e", x.court, x.p)
		if _, err := s.CreateTicket(ctx, tk, n); err != nil {
			t.Fatal(err)
		}
	}
	for conv, want := range map[string]int{conv: 2, second: 3, third: 1, other: 1} {
		if st, err := s.ConversationStatus(ctx, conv); err != nil || st.Position != want {
			t.Fatalf("position of %s = %+v, %v; want %d", conv, st, err, want)
		}
	}

	// After resolution the next enterprise message reopens the conversation to the bot.
	if err := s.SetConversationMode(ctx, conv, conversation.ModeResolved); err != nil {
		t.Fatal(err)
	}
	ap := post(t, s, conv, "q3", "新的问题")
	if !ap.Reopened || ap.Message.Mode != conversation.ModeBot {
		t.Fatalf("message after resolution = %+v", ap)
	}
	if st, _ := s.ConversationStatus(ctx, conv); st.Mode != conversation.ModeBot || st.TicketID != 0 {
		t.Fatalf("status after reopening = %+v", st)
	}
	if st, _ := s.ConversationStatus(ctx, convID(t)); st.Mode != conversation.ModeBot {
		t.Fatalf("unknown conversation status = %+v", st)
	}
}

// testConcurrentEscalations races several escalate frames with different ids on one conversation:
// exactly one ticket is created and the others are refused with ErrConflict.
func testConcurrentEscalations(t *testing.T, s *store.Store) {
	ctx := context.Background()
	conv := convID(t)
	post(t, s, conv, "q", "问题")
	const n = 6
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, conflicts := 0, 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, notice := ticket(conv, fmt.Sprintf("esc%d", i), "210100", escalation.PriorityHigh)
			_, err := s.CreateTicket(ctx, tk, notice)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case errors.Is(err, knowledge.ErrConflict):
				conflicts++
			default:
				t.Errorf("escalate: %v", err)
			}
		}()
	}
	wg.Wait()
	if created != 1 || conflicts != n-1 {
		t.Fatalf("created=%d conflicts=%d, want 1 and %d", created, conflicts, n-1)
	}
	if c, _ := s.GetConversation(ctx, conv); c.LastSeq != 2 || c.Mode != conversation.ModeWaiting {
		t.Fatalf("conversation after the race = %+v", c)
	}
}

// A question and its answer are stored together with consecutive numbers; a resend stores
// nothing; while the conversation waits for a judge only the question is stored.
func testExchange(t *testing.T, s *store.Store) {
	ctx := context.Background()
	conv := convID(t)
	exchange := func(clientID, q string) conversation.Exchange {
		t.Helper()
		ex, err := s.AppendExchange(ctx,
			conversation.Message{ConversationID: conv, Kind: conversation.KindEnterprise, ClientID: clientID, Text: q},
			conversation.Message{ConversationID: conv, Kind: conversation.KindBot, ReplyTo: clientID, Text: "答复",
				Answer: &answer.Result{Intent: answer.IntentAnswer, Answer: "答复"}})
		if err != nil {
			t.Fatalf("exchange %s: %v", clientID, err)
		}
		return ex
	}
	ex := exchange("q1", "劳动合同怎么签")
	if ex.Question.Duplicate || ex.Question.Message.Seq != 1 || ex.Answer == nil || ex.Answer.Message.Seq != 2 ||
		ex.Answer.Message.ReplyTo != "q1" || ex.Answer.Message.Mode != conversation.ModeBot {
		t.Fatalf("exchange = %+v", ex)
	}
	if ms, _ := s.Messages(ctx, conv, 0, 10); len(ms) != 2 || ms[1].Answer == nil || ms[1].Answer.Intent != answer.IntentAnswer {
		t.Fatalf("stored = %+v", ms)
	}
	if again := exchange("q1", "劳动合同怎么签"); !again.Question.Duplicate || again.Answer != nil || again.Question.Message.Seq != 1 {
		t.Fatalf("resend = %+v", again)
	}
	tk, notice := ticket(conv, "esc1", "210100", escalation.PriorityNormal)
	if _, err := s.CreateTicket(ctx, tk, notice); err != nil {
		t.Fatal(err)
	}
	waiting := exchange("q2", "补充情况")
	if waiting.Answer != nil || waiting.Question.Message.Mode != conversation.ModeWaiting || waiting.Question.Court != "210100" {
		t.Fatalf("while waiting = %+v", waiting)
	}
	if c, _ := s.GetConversation(ctx, conv); c.LastSeq != 4 {
		t.Fatalf("last_seq = %d, want 4 (question, answer, notice, question)", c.LastSeq)
	}
}

// Many chat exchanges at once, as from many connections: each question is stored once with its
// answer right after it, resends and failures among them change nothing for the others.
func testConcurrentExchanges(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const convs, each = 6, 10
	ids := make([]string, convs)
	for i := range ids {
		ids[i] = convID(t)
	}
	exchange := func(ctx context.Context, conv, clientID string, kind conversation.Kind) (conversation.Exchange, error) {
		return s.AppendExchange(ctx,
			conversation.Message{ConversationID: conv, Kind: kind, ClientID: clientID, Text: "问题" + clientID},
			conversation.Message{ConversationID: conv, Kind: conversation.KindBot, ReplyTo: clientID, Text: "答复" + clientID,
				Answer: &answer.Result{Intent: answer.IntentAnswer, Answer: "答复" + clientID}})
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	var wg sync.WaitGroup
	for _, conv := range ids {
		for i := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("q%d", i)
				for try := range 2 { // the second is a resend
					ex, err := exchange(ctx, conv, id, conversation.KindEnterprise)
					if err != nil {
						t.Errorf("%s/%s: %v", conv, id, err)
						return
					}
					if try == 1 && (!ex.Question.Duplicate || ex.Answer != nil) {
						t.Errorf("%s/%s resend = %+v", conv, id, ex)
					}
				}
			}()
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			// A system message for a conversation that does not exist fails on its own.
			if _, err := exchange(ctx, conv+"-missing", "x", conversation.KindSystem); !errors.Is(err, knowledge.ErrNotFound) {
				t.Errorf("exchange in a missing conversation: %v", err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := exchange(cancelled, conv, "gone", conversation.KindEnterprise); !errors.Is(err, context.Canceled) {
				t.Errorf("exchange with a cancelled context: %v", err)
			}
		}()
	}
	wg.Wait()
	for _, conv := range ids {
		ms, err := s.Messages(ctx, conv, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2*each {
			t.Fatalf("%s: stored %d messages, want %d", conv, len(ms), 2*each)
		}
		for i := 0; i < len(ms); i += 2 {
			q, a := ms[i], ms[i+1]
			if q.Seq != int64(i+1) || a.Seq != q.Seq+1 || q.Kind != conversation.KindEnterprise || a.ReplyTo != q.ClientID ||
				a.Text != "答复"+q.ClientID || a.Answer == nil {
				t.Fatalf("%s: messages %d and %d are %+v and %+v: want a question and its answer", conv, i+1, i+2, q, a)
			}
		}
	}
}
