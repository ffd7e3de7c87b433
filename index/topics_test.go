package index_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/courtdesk/courtdesk/index"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
	"github.com/courtdesk/courtdesk/knowledge/report"
)

// gapRows is a period of unanswered questions for the gap report.
type gapRows []report.Answered

func (r gapRows) AnsweredBetween(context.Context, time.Time, time.Time) ([]report.Answered, error) {
	return r, nil
}
func (r gapRows) TicketsBetween(context.Context, time.Time, time.Time) ([]report.TicketRow, error) {
	return nil, nil
}
func (r gapRows) HTTPAsksBetween(context.Context, time.Time, time.Time) ([]report.Answered, error) {
	return nil, nil
}
func (r gapRows) VisitsDoneBetween(context.Context, time.Time, time.Time) ([]report.VisitRow, error) {
	return nil, nil
}

// The knowledge-gap report groups unanswered questions under the knowledge base's own terms (the
// lexicon's legal terms, the articles' tags), never under fragments of the analysis such as 了还,
// 同对 or 对方; questions with no known term stay under （其他）.
func TestGapGroupsUseTheKnowledgeBasesTerms(t *testing.T) {
	_, ix := seedEngine(t)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var rows gapRows
	for _, q := range []string{
		"对方欠了货款还不还，能不能告他",
		"对方收了货款还不发货怎么办",
		"公司同对方签了合同，对方现在反悔了",
		"合同同对方约定的违约金太高了还要付吗",
		"进口的设备被海关扣下了",
		"海关说我们报关单填错了要罚款",
		"银行卡被冻了，对方说是法院冻的",
		"我们的账户被冻了还能发工资吗",
		"美国对我们的产品发起反倾销调查了",
	} {
		rows = append(rows, report.Answered{At: at, Question: q, Intent: answer.IntentEscalate,
			Reason: answer.ReasonUncovered, Confidence: 0.1})
	}
	gaps, err := report.New(rows, escalation.DefaultCalendar, 4*time.Hour, ix.TopicTerms).Gaps(context.Background(), at, at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	vocabulary := map[string]bool{"（其他）": true}
	for _, g := range index.DefaultLexicon() {
		for _, term := range append(append([]string{}, g.From...), g.To...) {
			vocabulary[term] = true
		}
	}
	for _, a := range seedArticles(t) {
		for _, tag := range a.Tags {
			vocabulary[tag] = true
		}
	}
	byTerm, groupOf := map[string]int{}, map[string]string{}
	for _, g := range gaps {
		for _, e := range g.Examples {
			groupOf[e] = g.Term
		}
		t.Logf("%s ×%d %v %q", g.Term, g.Count, g.Related, g.Examples)
		byTerm[g.Term] = g.Count
		for _, term := range append([]string{g.Term}, g.Related...) {
			if !vocabulary[term] || strings.Contains("了还 同对 对方 方欠 还不", term) {
				t.Errorf("group %q: %q is not a term of the knowledge base", g.Term, term)
			}
		}
	}
	if byTerm["海关"] != 2 || byTerm["冻结"] != 2 || byTerm["货款"] != 2 || groupOf["美国对我们的产品发起反倾销调查了"] != "（其他）" {
		t.Errorf("groups: %v", byTerm)
	}
}
