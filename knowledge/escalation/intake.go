package escalation

import (
	"regexp"
	"strings"
	"time"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// Form is the intake form an enterprise fills in to reach a judge.
type Form struct {
	Company    string `json:"company"`
	CreditCode string `json:"credit_code"`
	Contact    string `json:"contact"`
	Mobile     string `json:"mobile"`
	// City is the code of a Courts entry; it chooses the court.
	City       string `json:"city"`
	CaseNumber string `json:"case_number,omitempty"`
	Question   string `json:"question"`
	// Category is the enterprise's own choice of the question's category; empty leaves it to the
	// search of the question. It routes the ticket to judges of that specialty.
	Category knowledge.Category `json:"category,omitempty"`
	// Reason is the escalation reason the engine suggested, or empty for an explicit request.
	Reason answer.Reason `json:"reason,omitempty"`
	// Enforcement is ticked by the enterprise (or pre-ticked by the page) when assets are frozen,
	// seized or otherwise under enforcement; it makes the impact facts required.
	Enforcement bool    `json:"enforcement,omitempty"`
	Impact      *Impact `json:"impact,omitempty"`
}

// Impact is the 生产经营影响 of an enforcement or seizure matter. It sets the ticket's priority.
type Impact struct {
	Seized            string `json:"seized"`             // what is frozen, seized or detained
	ProductionStopped bool   `json:"production_stopped"` // production or business has stopped
	PayrollStopped    bool   `json:"payroll_stopped"`    // wages cannot be paid
	Employees         int    `json:"employees"`          // employees affected
	Deadline          string `json:"deadline,omitempty"` // YYYY-MM-DD of a pressing deadline, if any
}

// Priority orders the judge queue: higher first, then oldest first.
type Priority int

// Priorities.
const (
	PriorityNormal Priority = 1
	PriorityHigh   Priority = 2
	PriorityUrgent Priority = 3
)

// Name is the Chinese label.
func (p Priority) Name() string {
	switch p {
	case PriorityUrgent:
		return "紧急"
	case PriorityHigh:
		return "优先"
	}
	return "普通"
}

// Thresholds of the priority rules, in one place so the rules read as policy.
const (
	urgentEmployees = 50
	highEmployees   = 10
	urgentDays      = 3
	highDays        = 10
	maxEmployees    = 1000000
)

// EnforcementMatter reports whether the form is about enforcement or seizure: the reason says
// so, the matched article is in the enforcement category, or the enterprise ticked the box.
func (f *Form) EnforcementMatter(specialty knowledge.Category) bool {
	return f.Enforcement || f.Reason == answer.ReasonUrgent || specialty == "enforcement"
}

// Priority derives the ticket's priority from the impact facts and the reason. Stopped
// production or payroll, many affected employees or a deadline within days make a ticket urgent;
// an enforcement matter with seized assets, a complaint or an urgent-enforcement reason make it
// high; everything else is normal.
func (f *Form) Priority(specialty knowledge.Category, now time.Time) Priority {
	p := PriorityNormal
	if f.Reason == answer.ReasonUrgent || f.Reason == answer.ReasonComplaint {
		p = PriorityHigh
	}
	im := f.Impact
	if im == nil || !f.EnforcementMatter(specialty) {
		return p
	}
	if strings.TrimSpace(im.Seized) != "" {
		p = max(p, PriorityHigh)
	}
	if im.Employees >= highEmployees {
		p = max(p, PriorityHigh)
	}
	if im.ProductionStopped || im.PayrollStopped || im.Employees >= urgentEmployees {
		p = PriorityUrgent
	}
	if d, err := time.ParseInLocation("2006-01-02", im.Deadline, now.Location()); err == nil {
		today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
		switch days := int(d.Sub(today).Hours() / 24); {
		case days <= urgentDays:
			p = PriorityUrgent
		case days <= highDays:
			p = max(p, PriorityHigh)
		}
	}
	return p
}

var mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// Normalize trims the fields and folds the ways a correct value gets mistyped.
func (f *Form) Normalize() {
	f.Company = strings.TrimSpace(f.Company)
	f.CreditCode = NormalizeCreditCode(f.CreditCode)
	f.Contact = strings.TrimSpace(f.Contact)
	f.Mobile = strings.NewReplacer(" ", "", "-", "", "　", "").Replace(foldDigits(strings.TrimSpace(f.Mobile)))
	f.Mobile = strings.TrimPrefix(strings.TrimPrefix(f.Mobile, "+86"), "86")
	f.City = strings.TrimSpace(f.City)
	f.CaseNumber = strings.TrimSpace(f.CaseNumber)
	f.Question = strings.TrimSpace(f.Question)
	f.Category = knowledge.Category(strings.TrimSpace(string(f.Category)))
	if f.Impact != nil {
		f.Impact.Seized = strings.TrimSpace(f.Impact.Seized)
		f.Impact.Deadline = strings.TrimSpace(f.Impact.Deadline)
	}
}

// Validate checks a normalised form and returns every problem at once, with Chinese messages
// for the page to show beside each field. It canonicalises the case number.
func (f *Form) Validate(courts *Courts, specialty knowledge.Category) error {
	v := &knowledge.ValidationError{}
	v.Length("company", f.Company, "企业名称", 2, 100)
	if f.CreditCode == "" {
		v.Add("", "credit_code", "请填写统一社会信用代码")
	} else if msg := CreditCodeProblem(f.CreditCode); msg != "" {
		v.Add("", "credit_code", "%s", msg)
	}
	v.Length("contact", f.Contact, "联系人", 1, 40)
	if !mobileRE.MatchString(f.Mobile) {
		v.Add("", "mobile", "请填写 11 位手机号码")
	}
	if _, ok := courts.Lookup(f.City); !ok {
		v.Add("", "city", "请选择所在城市")
	}
	if f.CaseNumber != "" {
		if cn := answer.CaseNumber(foldDigits(f.CaseNumber)); cn != "" {
			f.CaseNumber = cn
		} else {
			v.Add("", "case_number", "案号格式不正确，例如（2024）辽01执123号；没有案号可不填")
		}
	}
	v.Length("question", f.Question, "问题描述", 1, answer.MaxQuestionLen)
	if !f.Reason.Valid() {
		v.Add("", "reason", "未知的转交原因")
	}
	if f.Category != "" && !f.Category.Valid() {
		v.Add("", "category", "请从列表中选择问题类别，或选“不确定”")
	}
	if f.EnforcementMatter(specialty) {
		im := f.Impact
		if im == nil {
			v.Add("", "impact.seized", "涉及执行或查封冻结的，请填写被冻结、查封的财产情况")
		} else {
			v.Length("impact.seized", im.Seized, "被冻结、查封的财产情况", 1, 500)
			if im.Employees < 0 || im.Employees > maxEmployees {
				v.Add("", "impact.employees", "受影响职工人数不正确")
			}
			if im.Deadline != "" {
				if _, err := time.Parse("2006-01-02", im.Deadline); err != nil {
					v.Add("", "impact.deadline", "期限请按 年-月-日 填写")
				}
			}
		}
	} else {
		f.Impact = nil // facts that do not apply must not raise the priority
	}
	return v.Err()
}

func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - 0xFEE0
		case r == '（':
			return '('
		case r == '）':
			return ')'
		}
		return r
	}, s)
}
