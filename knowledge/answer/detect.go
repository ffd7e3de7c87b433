package answer

import (
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

// The cue patterns run on normalised text (simplified, half-width, lower case). Each is a
// phrase-level signal; detection combines them so that a general question that merely mentions a
// freeze or a judge is still answered from the knowledge base.
var (
	explicitRE = []*cue{
		re(`转(接|给|交)?(给)?.{0,4}(人工|法官|真人)`),
		re(`(有没有|有无|找个|来个)(法官|真人|人工)|法官在线|跟人说话|和人说话|真人说话`),
		re(`(人工|真人)(客服|服务|回复|回答|答复|解答|咨询)`),
		re(`(找|请|要|约|联系|安排|让|派)(一位|一个|个|位)?(法官|人工|真人|工作人员)`),
		re(`法官(亲自|本人|直接|当面|面对面)`),
		re(`(和|跟|与|同)(法官|人工|真人)(面谈|沟通|通话|电话|聊|谈|见面|约谈)`),
		re(`不(想|要)(跟|和|同)?(机器人|机器|ai|智能助手)`),
		re(`(跟|和|同)(真人|活人)(说|聊|谈|唠)`),
		// Typed in a hurry: 转人攻, 找法关, 法管, 人工 人工.
		re(`转(人工|人攻|仁工|真人|法官|法管|法关)|^(人工[\s,，。!！]*){1,4}$`),
		re(`(找|要|有没有|来|整|整个|叫|换|给我接|接)(个|一个|位|一位)?(活人|真人|懂行的|人工|法官|法管|法关)`),
		re(`(法官|法管|法关)(的)?(联系方式|电话|手机号|微信)|(法官|法管|法关).{0,4}回(个)?电话|(请|让|叫).{0,4}(法官|法管|法关).{0,4}(打|回)(个)?电话|叫法官出来|跟机器.{0,2}(唠|聊|说)不(明白|清楚)`),
	}
	// 申请法官回避 is a procedure and 预约法官进企业 a service with its own guide, not a request
	// for a judge to take over this conversation.
	explicitNotRE = re(`申请(法官)?回避|申请法官|预约法官|邀请法官|法官进企业|请法官(来|到|去)?(企业|园区|公司|商会)?(讲|上课|授课|培训|宣讲|座谈|交流|调研|普法)`)

	complaintRE = []*cue{
		re(`(要|想|准备|打算|必须|一定)(去)?.{0,6}(投诉|举报|控告|信访|上访|告他|告状|反映这个|反映情况|反映问题)`),
		re(`(投诉|举报)(这个|那个|该|承办|执行|主审)?(法官|书记员|执行员|执行人员|干警|承办人|工作人员)`),
		re(`(法官|书记员|执行员|执行人员|干警|承办人|工作人员).{0,12}(态度恶劣|态度很差|态度蛮横|刁难|吃拿卡要|索要|收受|偏袒|不作为|乱作为|骂人|威胁)`),
		// Conduct of the court's own staff in the user's case, in plain words and typos.
		re(`(法官|法管|书记员|书计员|执行员|执行人员|执行的人|执行法官|干警|承办人|审判长|审判员|工作人员).{0,16}(不接电话|不回话|不给.{0,4}回话|一直拖|就是拖|拖着不|拖延|压了|超审限|消极执行|不作为|打瞌睡|训我|吓唬|收礼|受贿|违规会见|称兄道弟|(就|都|一直|总是|明显)向着|偏袒|弄丢|低价处理|态度.{0,2}(横|差|恶劣)|土匪|不说为啥|不说明理由)`),
		re(`(投诉|投述|举报|举抱|信访|上访|控告).{0,6}(法官|法管|书记员|书计员|执行干警|干警|承办人|执行人员|审判长|审判员)|(法官|法管|书记员|书计员|执行干警|干警|承办人|执行人员|审判长).{0,20}(投诉|投述|举报|举抱|告他|领导说道|往上反映)`),
		re(`消极执行.{0,6}(投诉|反映)|特此投诉|我要投(诉|述)|我要举(报|抱)`),
	}

	coerciveRE = words(coerciveWords)
	urgentRE   = re(`急|紧急|救命|求助|马上|立刻|立即|刚刚|刚才|刚被|刚扣|刚冻|刚收到|今天|今早|明早|明儿|昨晚|昨天|明天|后天|这周|现在就|现在法院|正在|正被|眼看|群龙无首|燃眉|没人签字|没人拍板|堵在门口|在门口|闹|嚷嚷|!!|！！|等着(开支|发|要|拿)|发不了|发不出|停产了|停工了|再不.{0,6}就`)
	stakesRE   = words(stakesWords)

	caseRefRE = re(`(我们|我|我方|本公司|公司|我司|俺|俺们|俺家|咱|咱们|咱家)(的|这个|那个|这起|家|这|那)*(案子|按子|案件|官司|诉讼|仲裁案|重整案)|(我们|我司|本公司|俺们|咱们)[^，。？！,.?!]{0,6}(案子|案件|官司|仲裁案|重整案)|正在.{0,8}审|在审|还在审|审理中|下周开庭|明天开庭|已经开庭|开过庭|开完庭|开了.{0,2}次庭|(下周|下礼拜|明天|明儿个?).{0,4}(开庭|开廷|过堂|宣判|表决)|快判了|一审快|卡在一审|证据交换|对方上诉|法官让|承办法官|仲裁员|正在打的|打.{0,6}的官司`)
	opinionRE = re(`会判|判我们|判谁|能赢|能羸|会赢|赢吗|输吗|输赢|肯定输|能胜诉|胜诉吗|胜算|把握|改判|维持原判|能不能改|帮我判断|帮我分析|帮我看看|给个准确意见|准确意见|直接告诉我|提前告诉我|透个底|你觉得|您觉得|你看|结果会|结果预测|怎么判|咋判|判下来|判赔多少|能判多少|最后能判|能判|是不是会判|向着谁|预测|会不会支持|会支持|会不会.{0,4}(采信|认定|批准|撤销|改判|支持)|会认定|能否裁定|会裁多少|能撤销|交哪些证据能赢`)

	smalltalkRE    = re(`^(你好|您好|你们好|泥好|hi|hello|嗨|哈喽|在吗|在么|在不在|有人吗|早上好|早安|上午好|中午好|下午好|晚上好|晚安|谢谢|谢啦|谢了|多谢|感谢|感恩|thanks|thank|3q|辛苦|再见|拜拜|回见|好的|好吧|好滴|好嘞|得嘞|妥了|行吧|行|明白|知道了|知道啦|收到|ok|嗯|哦|哈哈|整挺好|没毛病|老铁|你是谁|你是什么|你叫什么|你叫啥|你是机器人|你使机器人|你是ai|你是不是|你是真人|是真人|是机器人|你是哪个法院|你能做什么|你能帮我|你会什么|你能干什么|你都能干啥|你能干啥|你会干啥|你有什么功能|怎么用|咋用|怎磨用|这个怎么用|我不会用|不会用|测试|test|嘎哈呢|唠会嗑|随便看看|今天心情|不对|没听懂|没看懂|答非所问|说的啥|你说的不对|你回答|你这回答|你咋这么|你们这个机器人)`)
	smalltalkAnyRE = re(`你好|您好|你们好|谢谢|谢啦|感谢|多谢|辛苦了?|再见|拜拜|晚安|在吗|你是谁|真人还是机器人|机器人还是真人|你是机器人|你是真人|人工智能|你是ai|你叫什么|你叫啥|你是哪个法院的|你能做什么|你能帮我做什么|你都能干啥|你能干啥|早上好|下午好|晚上好|点赞|给你点赞|打个招呼|第一次用|咋问问题|怎么问问题|整不明白|说的啥玩意儿?|太长了|答非所问|没听懂|没看懂|好用吗|机器人`)
	// smalltalkOnlyRE: a message made only of emoji, punctuation and laughter is small talk too.
	smalltalkOnlyRE = re(`^[\p{So}\p{Sk}\p{P}\s哈嘿呵嗯哦啊]+$`)
	// botFeedbackRE: the user says the last reply missed; the reply invites a rephrasing.
	botFeedbackRE = re(`不对|没听懂|没看懂|答非所问|说的啥|整不明白|太长|笨|不是我问的`)

	// legalRE marks vocabulary of law and business disputes. A question with it that no article
	// covers goes to a judge (uncovered_legal); one without it is out of scope.
	legalRE = words(legalWords)
)

// lawRE is the narrower vocabulary of law itself. A question about running a business (营销方案,
// 团建, 选ERP) mentions 公司 and 员工 but no law: nonLegalRE finds those, and without lawRE they
// are out of scope rather than a legal question no article covers.
var (
	lawRE      = words(lawWords)
	nonLegalRE = re(`营销|推广|团建|年会|抽奖|菜单|食堂|菜谱|做菜|logo|图表|excel|ppt|erp|选型|公众号|小红书|抖音|阅读量|粉丝|敬酒|吃饭|点菜|激励|积极性|氛围|谈心|情绪|培训课程|入职培训|摆放|拣货|效率|起名|取名|祝福|服务器|云服务|蓝屏|电脑|打印|页码|数据透视|性价比|哪个好|哪家好|推荐.{0,8}(品牌|牌子)|怎么写才|总结怎么写|方案怎么写|营销方案|文案|天气|旅游|景点|股票|基金|减肥|感冒|高考|考研|装修|钉钉|企业微信|叉车|福利|过生日|礼物|目标怎么定|气场|招聘文案|面试技巧|谈判技巧`)
)

// legalQuestion reports whether a question carries legal or business-dispute vocabulary, unless
// it is plainly about running the business and names nothing of law.
func legalQuestion(norm string) bool {
	if !legalRE.MatchString(norm) {
		return false
	}
	return !nonLegalRE.MatchString(norm) || lawRE.MatchString(norm)
}

// uncoveredRE names fields of law that no article covers (the knowledge base is about the
// enterprise matters the court's programme serves). A question in one of them goes to a judge
// unless an article matches it unusually well. Customs, tax disputes and tax crimes, and
// cartels have articles of their own since the breadth issue, so their words are not listed;
// merger control, trade remedies and income-tax calculation still have none.
var uncoveredRE = words(uncoveredWords)

func anyMatch(res []*cue, s string) bool {
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
	if smalltalkOnlyRE.MatchString(s) {
		return true
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
	case complaint(norm):
		// Before the explicit request: "找法官领导说道说道" complains, it does not ask for a judge.
		return ReasonComplaint
	case explicitRequest(norm):
		return ReasonExplicit
	case urgentEnforcement(norm):
		return ReasonUrgent
	case specificCase(norm, caseNumber):
		return ReasonSpecific
	}
	return ReasonNone
}

// The cue vocabularies that are plain alternations of words (wordSet); tests compare them with
// the regular expressions they were.
const (
	coerciveWords  = `冻结|冻住|冻了|冻上|被冻|冻户|冻的账|动结|查封|扣押|扣了|扣我们|划扣|扣划|划走|拘留|羁押|带走|抓走|抓了|逮捕|封了|封条|强制执行|拍卖|拉走|搬走|搬离|限制出境|限高`
	stakesWords    = `工资|工钱|薪|发饷|开支|工人|员工|职工|几百|上百|上千|百多|多名|生产|停产|停工|停线|停电|断电|断料|开工|车间|经营|订单|交货|送货|供应商|打款|货款|社保|发不出|发不了|断了|违约|客户|设备|模具|厂房`
	legalWords     = `法|律|条例|规定|合同|协议|起诉|诉讼|仲裁|判决|裁定|法院|检察|公安|报案|赔|补偿|违约|侵权|纠纷|维权|权益|责任|权利|义务|债|欠|执行|罚|处罚|行政|复议|海关|税|专利|商标|著作权|版权|出口|进口|管制|制裁|清单|合规|监管|犯罪|刑事|辩护|律师|股东|股权|公司|企业|员工|职工|工人|劳动|工资|社保|工伤|破产|清算|注销|担保|抵押|借款|贷款|利息|许可|登记|资质|审批|招标|投标|知识产权|商业秘密|个人信息|数据|反倾销|海事|船舶|保险|票据|投诉|信访|案|货款|货物|客户|供应商|发货|交货|收货|质量|异议|对账|催款|付款|收款|转账|发票|订单|采购|销售|签约|盖章|公章|印章|证据|租赁|房东|厂房|经营|生产|融资|投资|调解|协商|诈骗|骗|冻结|查封|扣押|拍卖|失信|老赖|限高|加班|签名|再审|送达|裁决|撤销|上诉|开庭|立案|诉状|公证|鉴定|补休|休假|请假|辞退|解雇|开除|离职|入职|试用期|公积金|派遣|分红|账户|冒充|被骗|维修|退货|定金|押金|违法|合法|有效|无效|官司|遗嘱|遗产|继承|离婚|抚养|彩礼|取保|拘|醉驾|酒驾|判刑|实刑|缓刑|移民|签证|提单|房贷|烂尾|采光|邻居|物业|事故|撞|医疗|负责`
	lawWords       = `法|律|条例|规定|起诉|诉讼|仲裁|判|裁定|法院|赔|补偿|违约|侵权|纠纷|维权|责任|违法|合法|无效|罚|犯罪|合同|协议|欠|债|执行|冻结|查封|辞退|辞职|离职|解雇|开除|工伤|社保|工资|加班|试用期|竞业|商标|专利|著作权|版权|抄袭|盗版|泄露|个人信息|隐私|破产|清算|股东|股权|担保|抵押|借|贷|利息|定金|押金|骗|报案|投诉|举报|注销|登记|被告|原告|律师|证据|公证|权利|义务|告`
	uncoveredWords = `租了一套房|居室|租了个单间|自己住|租的房子|租住|医疗事故|医疗纠纷|误诊|手术|一套房子|租房住|住的房子|公寓|合租|买主让搬|坐公交|公交车|乘客|离婚|婚前|婚后|夫妻共同|抚养权|彩礼|遗嘱|遗产|继承|醉驾|酒驾|取保|实刑|缓刑|判几年|刑事拘留|移民|绿卡|房贷|烂尾|期房|采光|物业费|个税|个人所得税|海运|海事|海商|船公司|船舶|提单|反倾销|反补贴|保障措施调查|出口管制|实体清单|制裁|境外执行|国外执行|外国法院|去国外|在国外|域外|刑事辩护|辩护律师|做辩护|经营者集中|签证|外汇管制|证券虚假陈述|内幕交易|期货`
)
