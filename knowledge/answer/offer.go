package answer

// Offer is an action the chat page offers beside an answer.
type Offer string

// Offers.
const (
	// OfferVisit: the question is about booking judges to come to the enterprise (a talk, a
	// compliance check-up, a forum); the page offers the 法官进企业 request form.
	OfferVisit Offer = "visit"
)

// visitRE finds a wish to book a visit or talk by judges, on normalised text. It is a service
// request, not a legal question, so it only adds the offer: the answer itself is unchanged (the
// knowledge base explains the programme).
var visitRE = re(`法官进(企业|园区|商会|工厂|公司)|` +
	`(预约|邀请|申请|安排|请|约)(几位|一位|位)?(法官|法院).{0,8}(来|到|进|去|上门|走访|讲|授课|培训|宣讲|座谈|调研|普法|体检)|` +
	`(合规|法治|法律)体检|以案释法.{0,6}(讲座|活动|宣讲|进)|送法(进|上门|入)|` +
	`(法官|法院).{0,6}(讲座|讲课|授课|普法宣讲|座谈会)`)

// WantsVisit reports whether a normalised question asks to book judges for a visit or talk.
func WantsVisit(norm string) bool { return visitRE.MatchString(norm) }
