package answer

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Reason is why a question should go to a judge.
type Reason string

// Escalation reasons, as defined for the dev set and the judge queue.
const (
	ReasonNone      Reason = ""
	ReasonExplicit  Reason = "explicit_request"
	ReasonSpecific  Reason = "specific_case"
	ReasonUrgent    Reason = "urgent_enforcement"
	ReasonComplaint Reason = "complaint"
	ReasonUncovered Reason = "uncovered_legal"
)

// Valid reports whether r is a known reason (ReasonNone included).
func (r Reason) Valid() bool {
	switch r {
	case ReasonNone, ReasonExplicit, ReasonSpecific, ReasonUrgent, ReasonComplaint, ReasonUncovered:
		return true
	}
	return false
}

// Name is the Chinese label shown to judges and enterprises.
func (r Reason) Name() string {
	switch r {
	case ReasonExplicit:
		return "要求法官答复"
	case ReasonSpecific:
		return "具体案件"
	case ReasonUrgent:
		return "紧急执行事项"
	case ReasonComplaint:
		return "投诉反映"
	case ReasonUncovered:
		return "知识库未覆盖"
	}
	return ""
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// The cue patterns run on normalised text (simplified, half-width, lower case). Each is a
// phrase-level signal; detection combines them so that a general question that merely mentions a
// freeze or a judge is still answered from the knowledge base.
var (
	explicitRE = []*regexp.Regexp{
		re(`转(接|给|交)?(给)?.{0,4}(人工|法官|真人)`),
		re(`(有没有|有无|找个|来个)(法官|真人|人工)|法官在线|跟人说话|和人说话|真人说话`),
		re(`(人工|真人)(客服|服务|回复|回答|答复|解答|咨询)`),
		re(`(找|请|要|约|联系|安排|让|派)(一位|一个|个|位)?(法官|人工|真人|工作人员)`),
		re(`法官(亲自|本人|直接|当面|面对面)`),
		re(`(和|跟|与|同)(法官|人工|真人)(面谈|沟通|通话|电话|聊|谈|见面|约谈)`),
		re(`不(想|要)(跟|和|同)?(机器人|ai|智能助手)`),
	}
	// 申请法官回避 is a procedure and 预约法官进企业 a service with its own guide, not a request
	// for a judge to take over this conversation.
	explicitNotRE = re(`申请(法官)?回避|申请法官|预约法官|邀请法官|法官进企业|请法官(来|到|去)?(企业|园区|公司|商会)?(讲|上课|授课|培训|宣讲|座谈|交流|调研|普法)`)

	complaintRE = []*regexp.Regexp{
		re(`(要|想|准备|打算|必须|一定)(去)?.{0,6}(投诉|举报|控告|信访|上访|告他|告状|反映这个|反映情况|反映问题)`),
		re(`(投诉|举报)(这个|那个|该|承办|执行|主审)?(法官|书记员|执行员|执行人员|干警|承办人|工作人员)`),
		re(`(法官|书记员|执行员|执行人员|干警|承办人|工作人员).{0,12}(态度恶劣|态度很差|态度蛮横|刁难|吃拿卡要|索要|收受|偏袒|不作为|乱作为|骂人|威胁)`),
	}

	coerciveRE = re(`冻结|冻住|冻了|查封|扣押|扣了|划扣|扣划|划走|拘留|羁押|带走|抓走|抓了|逮捕|封了|封条|强制执行|拍卖|拉走|限制出境|限高`)
	urgentRE   = re(`急|紧急|救命|求助|马上|立刻|立即|刚刚|刚才|刚被|刚扣|今天|今早|昨晚|昨天|明天|后天|这周|现在就|眼看|群龙无首|燃眉|没人签字`)
	stakesRE   = re(`工资|工人|员工|职工|几百|上百|上千|百多|多名|生产|停产|停工|开工|经营|订单|交货|货款|发不出|断了|违约金|客户的货`)

	caseRefRE = re(`(我们|我|我方|本公司|公司|我司)(的|这个|那个|这起)*(案子|案件|官司|诉讼)|正在.{0,8}审|在审|审理中|下周开庭|明天开庭|已经开庭|开过庭|法官让|承办法官|仲裁员|正在打的`)
	opinionRE = re(`会判|判我们|判谁|能赢|会赢|赢吗|输吗|能胜诉|胜诉吗|胜算|把握|改判|能不能改|帮我判断|帮我分析|帮我看看|给个准确意见|准确意见|直接告诉我|你觉得|您觉得|结果会|怎么判|判多少|能判|预测|会不会支持|会支持|交哪些证据能赢`)

	smalltalkRE    = re(`^(你好|您好|hi|hello|嗨|哈喽|在吗|在不在|有人吗|早上好|早安|上午好|中午好|下午好|晚上好|谢谢|多谢|感谢|谢了|辛苦|再见|拜拜|好的|好吧|明白|知道了|收到|ok|嗯|你是谁|你是什么|你叫什么|你是机器人|你是真人|是真人|是机器人|你能做什么|你会什么|你能干什么|你都能干啥|你能干啥|你会干啥|你有什么功能|怎么用)`)
	smalltalkAnyRE = re(`你好|您好|谢谢|感谢|多谢|辛苦了?|再见|拜拜|在吗|你是谁|真人还是机器人|机器人还是真人|你是机器人|你是真人|你叫什么|你能做什么|你都能干啥|你能干啥|早上好|下午好|晚上好`)

	// legalRE marks vocabulary of law and business disputes. A question with it that no article
	// covers goes to a judge (uncovered_legal); one without it is out of scope.
	legalRE = re(`法|律|条例|规定|合同|协议|起诉|诉讼|仲裁|判决|裁定|法院|检察|公安|报案|赔|补偿|违约|侵权|纠纷|维权|权益|责任|权利|义务|债|欠|执行|罚|处罚|行政|复议|海关|税|专利|商标|著作权|版权|出口|进口|管制|制裁|清单|合规|监管|犯罪|刑事|辩护|律师|股东|股权|公司|企业|员工|职工|工人|劳动|工资|社保|工伤|破产|清算|注销|担保|抵押|借款|贷款|利息|许可|登记|资质|审批|招标|投标|知识产权|商业秘密|个人信息|数据|反倾销|海事|船舶|保险|票据|投诉|信访|案|货款|货物|客户|供应商|发货|交货|收货|质量|异议|对账|催款|付款|收款|转账|发票|订单|采购|销售|签约|盖章|公章|印章|证据|租赁|房东|厂房|经营|生产|融资|投资|调解|协商|诈骗|骗|冻结|查封|扣押|拍卖|失信|老赖|限高|加班|签名|再审|送达|裁决|撤销|上诉|开庭|立案|诉状|公证|鉴定|补休|休假|请假|辞退|解雇|开除|离职|入职|试用期|公积金|派遣|分红|账户|冒充|被骗|维修|退货|定金|押金|违法|合法|有效|无效`)
)

// uncoveredRE names fields of law that no article covers (the knowledge base is about the
// enterprise matters the court's programme serves). A question in one of them goes to a judge
// unless an article matches it unusually well.
var uncoveredRE = re(`海关|报关|商品归类|海事|海商|船公司|船舶|提单|反倾销|反补贴|保障措施调查|出口管制|实体清单|制裁|境外执行|国外执行|外国法院|去国外|在国外|域外|刑事辩护|辩护律师|做辩护|税务稽查|偷税|逃税|税务行政处罚|反垄断|垄断协议|经营者集中|签证|移民|外汇管制|证券虚假陈述|内幕交易|期货`)

func anyMatch(res []*regexp.Regexp, s string) bool {
	for _, r := range res {
		if r.MatchString(s) {
			return true
		}
	}
	return false
}

// isSmalltalk: greetings, thanks, farewells and questions about the assistant itself, when the
// rest of the message carries no legal question.
func isSmalltalk(norm string) bool {
	s := strings.TrimSpace(norm)
	if s == "" {
		return false
	}
	if !smalltalkRE.MatchString(s) && !smalltalkAnyRE.MatchString(s) {
		return false
	}
	rest := smalltalkAnyRE.ReplaceAllString(s, "")
	rest = strings.Trim(rest, " ，,。.！!？?~～、…的呀啊呢吧哈嗯你我了很非常")
	if legalRE.MatchString(rest) && utf8.RuneCountInString(rest) > 4 {
		return false
	}
	return utf8.RuneCountInString(rest) <= 12
}

func explicitRequest(norm string) bool {
	if !anyMatch(explicitRE, norm) {
		return false
	}
	// Strip procedural phrases and look again, so 申请法官回避 alone is not a request for a judge.
	return anyMatch(explicitRE, explicitNotRE.ReplaceAllString(norm, ""))
}

func complaint(norm string) bool { return anyMatch(complaintRE, norm) }

// urgentEnforcement: a coercive measure happening now, with payroll or production at stake. A
// general question about how a freeze works has no urgency cue and is answered instead.
func urgentEnforcement(norm string) bool {
	if !coerciveRE.MatchString(norm) {
		return false
	}
	urgent := len(urgentRE.FindAllString(norm, -1))
	stakes := stakesRE.MatchString(norm)
	return urgent >= 2 || urgent >= 1 && stakes
}

func specificCase(norm, caseNumber string) bool {
	if caseNumber != "" {
		return true
	}
	return caseRefRE.MatchString(norm) && opinionRE.MatchString(norm)
}

// detectReason returns the strongest escalation cue in the question, before search.
func detectReason(norm, caseNumber string) Reason {
	switch {
	case explicitRequest(norm):
		return ReasonExplicit
	case complaint(norm):
		return ReasonComplaint
	case urgentEnforcement(norm):
		return ReasonUrgent
	case specificCase(norm, caseNumber):
		return ReasonSpecific
	}
	return ReasonNone
}
