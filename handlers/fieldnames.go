package handlers

import (
	"strconv"
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
)

// fieldLabels names the fields of every validated input in Chinese, so that a message reads
// “摘要：不能为空” rather than “summary 不能为空”. The code stays in the response for pages that put
// the message beside the field.
var fieldLabels = map[string]string{
	// articles
	"slug": "网址标识（slug）", "title": "标题", "category": "类别", "kind": "类型", "status": "状态",
	"questions": "常见问法", "phrasings": "问法库", "summary": "摘要", "body": "正文", "legal_basis": "法律依据",
	"tags": "标签", "related": "相关文章", "base_version": "版本号", "version": "版本",
	// accounts
	"username": "用户名", "display_name": "姓名", "role": "角色", "court": "所属法院", "specialties": "专长类别",
	"capacity": "同时处理上限", "password": "密码", "old_password": "原密码", "new_password": "新密码",
	// statutes, citations and legal-basis flags
	"cite": "法条引用", "article": "条号", "note": "说明", "files": "法条文件", "name": "文件名",
	"content": "文件内容", "file": "文件", "books": "分编", "articles": "条文",
	// synonyms, calendar and courts
	"lexicon": "口语词库", "groups": "口语词库", "open": "上班时间", "close": "下班时间", "holidays": "节假日",
	"makeup_days": "调休上班日", "courts": "法院列表",
	// conversations and the intake form
	"id": "消息编号", "seq": "序号", "text": "内容", "question": "问题", "company": "企业名称",
	"credit_code": "统一社会信用代码", "contact": "联系人", "mobile": "手机号码", "city": "所在城市",
	"case_number": "案号", "reason": "转交原因", "impact.seized": "被冻结、查封的财产",
	"impact.employees": "受影响职工人数", "impact.deadline": "紧迫期限",
	// visit requests
	"topics": "主题", "dates": "希望的日期", "org_type": "申请单位类型", "org": "单位名称", "address": "活动地址",
	"attendees": "参加人数", "summary.problems": "发现的问题", "summary.advice": "提出的建议",
}

// fieldLabel returns the Chinese name of a field code: "questions[2]" is 常见问法第 3 项 and a
// statute file's "line 12" is 第 12 行. An unknown code is returned as it is.
func fieldLabel(field string) string {
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	if n, ok := strings.CutPrefix(field, "line "); ok {
		if _, err := strconv.Atoi(n); err == nil {
			return "第 " + n + " 行"
		}
	}
	if i := strings.IndexByte(field, '['); i > 0 && strings.HasSuffix(field, "]") {
		if n, err := strconv.Atoi(field[i+1 : len(field)-1]); err == nil {
			if l, ok := fieldLabels[field[:i]]; ok {
				return l + "第 " + strconv.Itoa(n+1) + " 项"
			}
		}
	}
	return field
}

// FieldProblem is one bad field in an error response: the code of the field, its Chinese label and
// the message.
type FieldProblem struct {
	Item    string `json:"item,omitempty"`
	Field   string `json:"field"`
	Label   string `json:"label"`
	Message string `json:"message"`
}

func fieldProblems(fs []knowledge.FieldError) []FieldProblem {
	out := make([]FieldProblem, len(fs))
	for i, f := range fs {
		out[i] = FieldProblem{Item: f.Item, Field: f.Field, Label: fieldLabel(f.Field), Message: f.Message}
	}
	return out
}

// validationMessage is the one-line summary of a validation error: its first problem, named.
func validationMessage(fs []knowledge.FieldError) string {
	if len(fs) == 0 {
		return "输入有误"
	}
	f := fs[0]
	msg := fieldLabel(f.Field) + "：" + f.Message
	if f.Item != "" {
		msg = f.Item + " " + msg
	}
	if len(fs) > 1 {
		msg += "（共 " + strconv.Itoa(len(fs)) + " 处问题）"
	}
	return msg
}
