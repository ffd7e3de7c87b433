// Package visit is the 法官进企业 booking: an enterprise, an industrial park or a 商会 asks from
// the chat for judges to come (a 以案释法 talk, a 合规体检, a 座谈 on a park's recurring disputes,
// or a consultation on one case); the court of its city accepts, proposes a date, assigns judges and
// confirms; after the visit a judge records what was found and advised. The state table in flow.go
// is the one place that says who may move a request where. The package stores through Store and
// tells the requester through Notices, so it never sees SQL, HTTP or WebSockets.
package visit

import (
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/escalation"
)

// Kind is what the requester asks the judges to do.
type Kind string

// Kinds of visit.
const (
	KindLecture    Kind = "lecture"    // 以案释法讲座
	KindCompliance Kind = "compliance" // 合规体检
	KindForum      Kind = "forum"      // 座谈
	KindConsult    Kind = "consult"    // 个案法律咨询
)

// Kinds lists the kinds in the form's order.
func Kinds() []Kind { return []Kind{KindLecture, KindCompliance, KindForum, KindConsult} }

// Name is the Chinese label.
func (k Kind) Name() string {
	switch k {
	case KindLecture:
		return "讲座"
	case KindCompliance:
		return "合规体检"
	case KindForum:
		return "座谈"
	case KindConsult:
		return "个案法律咨询"
	}
	return ""
}

// OrgType is who asks.
type OrgType string

// Requester types.
const (
	OrgEnterprise OrgType = "enterprise" // 企业
	OrgPark       OrgType = "park"       // 产业园区
	OrgChamber    OrgType = "chamber"    // 商会、行业协会
)

// Name is the Chinese label.
func (o OrgType) Name() string {
	switch o {
	case OrgEnterprise:
		return "企业"
	case OrgPark:
		return "产业园区"
	case OrgChamber:
		return "商会"
	}
	return ""
}

// Limits of the form, in one place so the messages and the page agree.
const (
	MaxTopics     = 5
	MaxDates      = 3
	MaxAttendees  = 2000
	MaxAheadDays  = 180
	MaxNoteLen    = 500
	MaxSummaryLen = 2000
)

// Request is the form the requester fills in on the chat page.
type Request struct {
	Kind    Kind                 `json:"kind"`
	Topics  []knowledge.Category `json:"topics"`
	Dates   []string             `json:"dates"` // preferred dates, YYYY-MM-DD, best first
	OrgType OrgType              `json:"org_type"`
	Org     string               `json:"org"` // the enterprise, park or chamber
	// CreditCode is the organiser's 统一社会信用代码, checked as in the escalation intake.
	CreditCode string `json:"credit_code"`
	City       string `json:"city"` // a court-list code; it chooses the court
	Address    string `json:"address"`
	Attendees  int    `json:"attendees"`
	Contact    string `json:"contact"`
	Mobile     string `json:"mobile"`
	Note       string `json:"note,omitempty"` // what the audience most wants to hear about
}

// Normalize trims the fields and folds the ways a correct value gets mistyped.
func (r *Request) Normalize() {
	r.Org = strings.TrimSpace(r.Org)
	r.CreditCode = escalation.NormalizeCreditCode(r.CreditCode)
	r.City = strings.TrimSpace(r.City)
	r.Address = strings.TrimSpace(r.Address)
	r.Contact = strings.TrimSpace(r.Contact)
	r.Mobile = normalizeMobile(r.Mobile)
	r.Note = strings.TrimSpace(r.Note)
	for i, d := range r.Dates {
		r.Dates[i] = strings.TrimSpace(d)
	}
}

func normalizeMobile(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - 0xFEE0
		case r == ' ' || r == '-' || r == '　':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	return strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "86")
}

func mobileOK(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Validate checks a normalised request and returns every problem at once, with Chinese messages
// for the page to show beside each field. today is the requester's date (China time).
func (r *Request) Validate(courts *escalation.Courts, today time.Time) error {
	v := &knowledge.ValidationError{}
	if r.Kind.Name() == "" {
		v.Add("", "kind", "请选择活动类型")
	}
	switch n := len(r.Topics); {
	case n == 0:
		v.Add("", "topics", "请至少选择一个主题")
	case n > MaxTopics:
		v.Add("", "topics", "主题最多选择 %d 个", MaxTopics)
	}
	seen := map[knowledge.Category]bool{}
	for _, t := range r.Topics {
		if !t.Valid() {
			v.Add("", "topics", "未知主题 %q", t)
		} else if seen[t] {
			v.Add("", "topics", "主题“%s”重复", t.Name())
		}
		seen[t] = true
	}
	if len(r.Dates) == 0 {
		v.Add("", "dates", "请至少填写一个希望的日期")
	} else if len(r.Dates) > MaxDates {
		v.Add("", "dates", "希望的日期最多 %d 个", MaxDates)
	}
	for _, d := range r.Dates {
		if msg := DateProblem(d, today); msg != "" {
			v.Add("", "dates", "%s", msg)
			break
		}
	}
	if r.OrgType.Name() == "" {
		v.Add("", "org_type", "请选择申请单位类型")
	}
	v.Length("org", r.Org, "单位名称", 2, 100)
	if r.CreditCode == "" {
		v.Add("", "credit_code", "请填写统一社会信用代码")
	} else if msg := escalation.CreditCodeProblem(r.CreditCode); msg != "" {
		v.Add("", "credit_code", "%s", msg)
	}
	if courts == nil {
		v.Add("", "city", "请选择所在城市")
	} else if _, ok := courts.Lookup(r.City); !ok {
		v.Add("", "city", "请选择所在城市")
	}
	v.Length("address", r.Address, "活动地址", 5, 200)
	if r.Attendees < 1 || r.Attendees > MaxAttendees {
		v.Add("", "attendees", "参加人数须为 1–%d 人", MaxAttendees)
	}
	v.Length("contact", r.Contact, "联系人", 1, 40)
	if !mobileOK(r.Mobile) {
		v.Add("", "mobile", "请填写 11 位手机号码")
	}
	v.Length("note", r.Note, "需求说明", 0, MaxNoteLen)
	return v.Err()
}

// DateProblem explains what is wrong with a visit date, or returns "": a real YYYY-MM-DD from
// tomorrow up to MaxAheadDays ahead (judges need a day's notice at least).
func DateProblem(d string, today time.Time) string {
	t, err := time.ParseInLocation("2006-01-02", d, today.Location())
	if err != nil {
		return "日期请按 年-月-日 填写，例如 2026-03-18"
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, today.Location())
	switch {
	case !t.After(day):
		return "日期须晚于今天"
	case t.After(day.AddDate(0, 0, MaxAheadDays)):
		return "日期须在半年之内"
	}
	return ""
}

// Judge is a judge assigned to a visit.
type Judge struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Summary is what a judge records after the visit.
type Summary struct {
	Problems string `json:"problems"` // 发现的问题
	Advice   string `json:"advice"`   // 提出的建议
	By       string `json:"by"`
}

// Validate checks a summary.
func (s *Summary) Validate() error {
	v := &knowledge.ValidationError{}
	s.Problems, s.Advice = strings.TrimSpace(s.Problems), strings.TrimSpace(s.Advice)
	v.Length("summary.problems", s.Problems, "发现的问题", 1, MaxSummaryLen)
	v.Length("summary.advice", s.Advice, "提出的建议", 1, MaxSummaryLen)
	return v.Err()
}

// Visit is one request and where it stands.
type Visit struct {
	ID             int64   `json:"id"`
	ConversationID string  `json:"-"`
	Status         Status  `json:"status"`
	CourtCode      string  `json:"court_code"`
	Court          string  `json:"court"`
	Request        Request `json:"request"`
	// ProposedDate is the date on the table while a date is proposed or counter-proposed;
	// ProposedBy says which side proposed it.
	ProposedDate string `json:"proposed_date,omitempty"`
	ProposedBy   Side   `json:"proposed_by,omitempty"`
	// Date is the confirmed date.
	Date    string   `json:"date,omitempty"`
	Judges  []Judge  `json:"judges"`
	Note    string   `json:"note,omitempty"` // the court's message with a proposal, or a decline or cancel reason
	Summary *Summary `json:"summary,omitempty"`
	// Version counts changes; an update names the version it read, so two judges acting at once
	// cannot both win.
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	DoneAt    time.Time `json:"done_at,omitzero"`
}

// Assigned reports whether the judge is one of the visit's judges.
func (v *Visit) Assigned(judgeID int64) bool {
	for _, j := range v.Judges {
		if j.ID == judgeID {
			return true
		}
	}
	return false
}

// Public is what the requester sees: the judges' names but not their accounts, and no
// summary (it is the court's working record).
func (v Visit) Public() Visit {
	out := v
	out.Summary = nil
	out.Judges = make([]Judge, len(v.Judges))
	for i, j := range v.Judges {
		out.Judges[i] = Judge{Name: j.Name}
	}
	return out
}
