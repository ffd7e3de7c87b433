// Package report turns stored conversations and tickets into what admins need to see: volume by
// day and intent, escalation rates, knowledge gaps grouped by shared key terms, article usefulness,
// judges' response times in working hours, and the court's activity summary.
package report

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// Answered is one bot reply with its question.
type Answered struct {
	At         time.Time
	Question   string
	Intent     answer.Intent
	Reason     answer.Reason
	Confidence float64
	Slug       string // top source
	Title      string
	Category   knowledge.Category
	Feedback   int
	// Court is the court the conversation was escalated or sent a visit request to, if any.
	Court string
}

// TicketRow is one escalation as the reports need it.
type TicketRow struct {
	ID        int64
	Court     string
	JudgeID   int64
	Judge     string
	Reason    answer.Reason
	Specialty knowledge.Category
	// Enterprise is EnterpriseKey of the intake's credit code: enough to count distinct
	// enterprises, and what a ticket archived by the retention purge still has.
	Enterprise      string
	State           escalation.State
	CreatedAt       time.Time
	FirstResponseAt time.Time
}

// VisitRow is one 法官进企业 visit that took place.
type VisitRow struct {
	Court string
	Date  string // YYYY-MM-DD, China time
	// Enterprise is EnterpriseKey of the visited enterprise's credit code, comparable with a
	// ticket's.
	Enterprise string
}

// EnterpriseKey is a stable pseudonym of an enterprise: a digest of its normalised credit code,
// or "" for none. Reports count enterprises by it; archived tickets keep only it.
func EnterpriseKey(creditCode string) string {
	if creditCode == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(creditCode))
	return hex.EncodeToString(sum[:16])
}

// Source reads the rows of a period [from, to): the live rows and those the retention purge
// archived.
type Source interface {
	AnsweredBetween(ctx context.Context, from, to time.Time) ([]Answered, error)
	TicketsBetween(ctx context.Context, from, to time.Time) ([]TicketRow, error)
	// HTTPAsksBetween lists the questions answered through POST /api/v1/ask (Question empty).
	HTTPAsksBetween(ctx context.Context, from, to time.Time) ([]Answered, error)
	// VisitsDoneBetween lists the visits done whose date is in the period.
	VisitsDoneBetween(ctx context.Context, from, to time.Time) ([]VisitRow, error)
}

// Service computes the reports.
type Service struct {
	src    Source
	cal    func() *escalation.Calendar
	target time.Duration
	terms  func(string) []string
	// LowConfidence is the confidence under which an answer counts as a knowledge gap.
	LowConfidence float64
}

// New builds the service. terms analyses a question into its key terms (the search's own
// analysis, so that 帳戶 and 账户 group together); cal returns the current working calendar.
func New(src Source, cal func() *escalation.Calendar, target time.Duration, terms func(string) []string) *Service {
	return &Service{src: src, cal: cal, target: target, terms: terms, LowConfidence: 0.3}
}

// Day is one day's volume.
type Day struct {
	Date     string                `json:"date"`
	Total    int                   `json:"total"`
	ByIntent map[answer.Intent]int `json:"by_intent"`
}

// Volume is questions per day and the escalation rate by reason.
type Volume struct {
	Days        []Day                     `json:"days"`
	Total       int                       `json:"total"`
	ByIntent    map[answer.Intent]int     `json:"by_intent"`
	ByReason    map[answer.Reason]int     `json:"escalations_by_reason"`
	RateReason  map[answer.Reason]float64 `json:"escalation_rate_by_reason"`
	EscalateAll float64                   `json:"escalation_rate"`
}

var cst = time.FixedZone("CST", 8*3600)

// Volume counts the bot's replies by day (China time) and intent.
func (s *Service) Volume(ctx context.Context, from, to time.Time) (Volume, error) {
	rows, err := s.src.AnsweredBetween(ctx, from, to)
	if err != nil {
		return Volume{}, err
	}
	v := Volume{ByIntent: map[answer.Intent]int{}, ByReason: map[answer.Reason]int{}, RateReason: map[answer.Reason]float64{}}
	days := map[string]*Day{}
	for d := from.In(cst); d.Before(to); d = d.AddDate(0, 0, 1) {
		key := d.Format("2006-01-02")
		days[key] = &Day{Date: key, ByIntent: map[answer.Intent]int{}}
	}
	for _, r := range rows {
		key := r.At.In(cst).Format("2006-01-02")
		d := days[key]
		if d == nil {
			d = &Day{Date: key, ByIntent: map[answer.Intent]int{}}
			days[key] = d
		}
		d.Total++
		d.ByIntent[r.Intent]++
		v.Total++
		v.ByIntent[r.Intent]++
		if r.Intent == answer.IntentEscalate {
			v.ByReason[r.Reason]++
		}
	}
	for _, d := range days {
		v.Days = append(v.Days, *d)
	}
	sort.Slice(v.Days, func(i, j int) bool { return v.Days[i].Date < v.Days[j].Date })
	if v.Total > 0 {
		v.EscalateAll = float64(v.ByIntent[answer.IntentEscalate]) / float64(v.Total)
		for r, n := range v.ByReason {
			v.RateReason[r] = float64(n) / float64(v.Total)
		}
	}
	return v, nil
}

// ArticleUse is how often an article answered and how it was rated.
type ArticleUse struct {
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	Answers   int    `json:"answers"`
	Helpful   int    `json:"helpful"`
	Unhelpful int    `json:"unhelpful"`
}

// Articles lists articles by use, most used first.
func (s *Service) Articles(ctx context.Context, from, to time.Time) ([]ArticleUse, error) {
	rows, err := s.src.AnsweredBetween(ctx, from, to)
	if err != nil {
		return nil, err
	}
	by := map[string]*ArticleUse{}
	for _, r := range rows {
		if r.Intent != answer.IntentAnswer || r.Slug == "" {
			continue
		}
		u := by[r.Slug]
		if u == nil {
			u = &ArticleUse{Slug: r.Slug, Title: r.Title}
			by[r.Slug] = u
		}
		u.Answers++
		switch r.Feedback {
		case 1:
			u.Helpful++
		case -1:
			u.Unhelpful++
		}
	}
	out := make([]ArticleUse, 0, len(by))
	for _, u := range by {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Answers != out[j].Answers {
			return out[i].Answers > out[j].Answers
		}
		return out[i].Slug < out[j].Slug
	})
	return out, nil
}
