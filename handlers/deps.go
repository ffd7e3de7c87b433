package handlers

import (
	"context"
	"io/fs"
	"log/slog"
	"net/netip"

	"github.com/courtdesk/courtdesk/markup"
)

// Deps is everything the HTTP layer needs, wired by hand in server/: a small common part and one
// struct per surface. Each surface's handlers are methods on a type that holds only the common
// part and its own struct, so a handler cannot reach a dependency of another surface and a
// surface's needs are read off its struct.
type Deps struct {
	Common
	Public PublicDeps
	Chat   ChatDeps
	// Auth signs judges and admins in; without Auth.Accounts neither console's routes are mounted.
	Auth  AuthDeps
	Judge JudgeDeps
	Admin AdminDeps
}

// Common is what every surface and the service-wide routes (health, metrics, pages) share.
type Common struct {
	Log     *slog.Logger
	Metrics *Metrics
	// MetricsAccess says who besides loopback may read /metrics.
	MetricsAccess MetricsAccess
	Ready         map[string]func(context.Context) error
	Web           fs.FS
	Limits        Limits
	// Origins are allowed besides the service's own for state-changing requests.
	Origins []string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For header names the client.
	TrustedProxies []netip.Prefix
	// HSTS tells browsers to reach the service over https only; set when the public URL is https.
	HSTS bool
}

// PublicDeps serve the answering API and the article pages: no sign-in, no visitor token.
type PublicDeps struct {
	Engine   Asker
	Articles PublishedArticles
	Render   *markup.Renderer
	// AskLog records the questions asked over HTTP for the activity report; nil records nothing.
	AskLog AskLog
	// Statutes shows a cited article's text for the chat; without it the route is not mounted.
	Statutes StatuteLookup
}

type publicAPI struct {
	*common
	d PublicDeps
}

// ChatDeps serve the enterprise's side: the chat socket and the routes that take its visitor token.
type ChatDeps struct {
	// Hub and Courts serve the chat; without a hub the chat routes are not mounted.
	Hub    ChatHub
	Courts CourtLister
	// Visits and VisitorTokens serve the chat page's 法官进企业 form and status cards; without
	// Visits those routes are not mounted.
	Visits        VisitRequests
	VisitorTokens VisitorTokens
	// Notices and NoticeLinks serve the SMS and e-mail notices: consent on the chat page and the
	// signed links; without Notices or VisitorTokens those routes are not mounted.
	Notices     Notices
	NoticeLinks NoticeLinks
}

type chatAPI struct {
	*common
	d ChatDeps
}

// AuthDeps sign judges and admins in and guard both consoles.
type AuthDeps struct {
	Accounts Accounts
	// Sessions closes a signed-out session's judge sockets; nil when there are none.
	Sessions Sessions
}

type authAPI struct {
	*common
	d AuthDeps
}

// JudgeDeps serve the judge console (admins use it too).
type JudgeDeps struct {
	// Queue, Desk and Hub serve the tickets; without Queue those routes are not mounted.
	Queue Queue
	Desk  Desk
	Hub   JudgeHub
	// Directory lists the judges to transfer to and records the visit actions in the audit log.
	Directory Directory
	// Articles are the published articles a reply may link to.
	Articles ArticleList
	// Notices adds each ticket's notice status to the queue; nil leaves it out.
	Notices NoticeStatuses
	// Visits serves the consoles' 走访 tab; without it those routes are not mounted.
	Visits VisitDesk
}

type judgeAPI struct {
	*common
	d JudgeDeps
	// verify re-checks a judge socket's session; the auth surface's accounts answer it.
	verify func(ctx context.Context, sessionID string) error
}

// AdminDeps serve the admin console.
type AdminDeps struct {
	Library   Library
	Users     Users
	Passwords Passwords
	Synonyms  SynonymList
	// Engine and Articles serve the test console and the candidates' matching articles; Render
	// the previews.
	Engine   Asker
	Articles PublishedArticles
	Render   *markup.Renderer
	// Sessions closes the sockets of a deactivated account.
	Sessions Sessions
	// Reports serves the admin reports; without it the route is not mounted.
	Reports Reports
	// Sources lets admins see and close escalations by their source; without it those routes are
	// not mounted.
	Sources EscalationSources
	// Review, Calendar and CourtList serve the quick replies, the judges' suggestions, the
	// working-hours calendar and the court list; without Review those routes are not mounted.
	Review    Review
	Calendar  CalendarStore
	CourtList CourtStore
	// Statutes serves the statute library, the citation report and the legal-basis flags;
	// without it those routes are not mounted.
	Statutes Statutes
	// Retention shows the retention period and the last purge; without it the route is not
	// mounted.
	Retention RetentionStatus
}

type adminAPI struct {
	*common
	d AdminDeps
}
