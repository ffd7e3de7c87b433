package answer

import (
	"strings"

	"github.com/courtdesk/courtdesk/knowledge"
)

// Disclaimer ends every answer drawn from the knowledge base.
const Disclaimer = "温馨提示：以上内容为一般性法律信息，仅供参考，不代表法院对任何具体案件的意见。"

const outOfScopeReply = "抱歉，这个问题不在涉企法律服务的范围内，我暂时无法回答。" +
	"您可以咨询劳动用工、合同履行、涉企执行、公司治理、知识产权、融资担保、破产重整、诉讼服务等方面的法律问题。"

// ArticlePath is where the full text of an article is shown.
func ArticlePath(slug string) string { return "/kb/" + slug }

var escalationIntro = map[Reason]string{
	ReasonExplicit: "好的，您可以转交法官答复。请点击“转交法官”并填写简要信息，法官会在工作时间内尽快回复。",
	ReasonSpecific: "您的问题涉及具体案件，智能助手不能对个案的结果作出判断。建议转交法官，" +
		"由法官结合案件情况答复；如已有承办法官，也可直接与承办法官联系。",
	ReasonUrgent: "您反映的情况较为紧急，建议立即点击“转交法官”，填写被冻结、查封的财产和对生产经营、工资发放的影响，" +
		"我们会优先安排法官处理。",
	ReasonComplaint: "您反映的是对具体案件中工作人员的意见，建议转交法官处理，并留下联系方式和案号，" +
		"相关部门将核实后答复。",
	ReasonUncovered: "这个问题目前知识库中还没有相应的解答。建议转交法官，由法官为您答复。",
}

func (e *Engine) compose(res *Result, top *knowledge.Article, reason Reason) {
	var b strings.Builder
	if reason != ReasonNone {
		b.WriteString(escalationIntro[reason])
		if top != nil {
			b.WriteString("\n\n在等待期间，您可以先参考以下一般性信息：\n")
		}
	}
	if top != nil {
		res.Summary = top.Summary
		res.LegalBasis = append([]string(nil), top.LegalBasis...)
		res.ArticleURL = ArticlePath(top.Slug)
		if res.Passage != nil {
			// The part of the article that answers this question comes first; the summary
			// follows as the overview.
			if res.Passage.Heading != "" {
				b.WriteString("【" + res.Passage.Heading + "】")
			}
			b.WriteString(res.Passage.Text)
			b.WriteString("\n\n要点：")
		}
		b.WriteString(top.Summary)
		if len(top.LegalBasis) > 0 {
			b.WriteString("\n\n法律依据：")
			for _, lb := range top.LegalBasis {
				b.WriteString("\n· ")
				b.WriteString(lb)
			}
		}
		b.WriteString("\n\n查看全文：《")
		b.WriteString(top.Title)
		b.WriteString("》 ")
		b.WriteString(res.ArticleURL)
		b.WriteString("\n\n")
		b.WriteString(Disclaimer)
		res.RelatedQuestions = e.relatedQuestions(top)
	}
	res.Answer = b.String()
}

// relatedQuestions offers the first phrasing of up to three related articles.
func (e *Engine) relatedQuestions(a *knowledge.Article) []string {
	if e.articles == nil {
		return nil
	}
	var out []string
	for _, slug := range a.Related {
		if r, ok := e.articles.Article(slug); ok && len(r.Questions) > 0 {
			out = append(out, r.Questions[0])
		}
		if len(out) == 3 {
			break
		}
	}
	return out
}

func smalltalkReply(norm string) string {
	switch {
	case botFeedbackRE.MatchString(norm):
		return "抱歉，刚才的回答可能没有说到点子上。您可以换个说法，说说具体发生了什么、想解决什么问题；" +
			"也可以点击“转交法官”，由法官答复。"
	case strings.Contains(norm, "谢") || strings.Contains(norm, "辛苦"):
		if strings.Contains(norm, "再见") || strings.Contains(norm, "拜拜") {
			return "不客气，再见！祝您的企业经营顺利。如有新的法律问题，欢迎随时来问。"
		}
		return "不客气！如果还有其他法律问题，欢迎继续提问。"
	case strings.Contains(norm, "再见") || strings.Contains(norm, "拜拜"):
		return "再见！祝您的企业经营顺利。如有新的法律问题，欢迎随时来问。"
	case strings.Contains(norm, "机器人") || strings.Contains(norm, "真人") || strings.Contains(norm, "你是谁") ||
		strings.Contains(norm, "你叫什么") || strings.Contains(norm, "你是什么"):
		return "我是“法官进企业”涉企法律服务的智能问答助手，不是法官本人。我根据法院整理的以案释法、合规建议和诉讼服务指南" +
			"解答常见问题；复杂问题或涉及具体案件的问题，可以点击“转交法官”，由法官答复。"
	case strings.Contains(norm, "能做什么") || strings.Contains(norm, "会什么") || strings.Contains(norm, "功能") ||
		strings.Contains(norm, "怎么用"):
		return "我可以解答企业经营中常见的法律问题，例如劳动用工、合同履行、涉企执行、公司治理、知识产权、融资担保和诉讼服务。" +
			"直接输入您的问题即可；需要法官答复时，可以点击“转交法官”。"
	}
	return "您好！我是涉企法律服务智能助手，可以解答劳动用工、合同、执行、公司治理、知识产权等企业经营中的法律问题，" +
		"复杂问题可以转交法官。请问有什么可以帮您？"
}
