package handlers

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/answer"
)

// Asker answers a question; answer.Engine implements it.
type Asker interface {
	Ask(ctx context.Context, question string) (answer.Result, error)
	Choose(ctx context.Context, question, slug string) (answer.Result, error)
}

// PublishedArticles looks up searchable articles; the index keeps them in memory.
type PublishedArticles interface {
	Article(slug string) (knowledge.Article, bool)
}

// Limits are the request limits. RateLimit 0 switches rate limiting off (load runs, evaluations).
type Limits struct {
	MaxBodyBytes int64
	RateLimit    float64 // requests per second per client IP on the answering API
	RateBurst    int
	// MaxImportArticles caps one admin import (kbfile.DefaultMaxArticles when 0).
	MaxImportArticles int
}

// common is the part every surface shares: the request log, the rate limiter, the origin check,
// and the service-wide routes (health, metrics, pages).
type common struct {
	Common
}

// New builds the Echo instance with every route and middleware.
func New(d Deps) *echo.Echo {
	if d.Limits.MaxBodyBytes <= 0 {
		d.Limits.MaxBodyBytes = 64 << 10
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// Rate limits and the per-address caps key on the client address. Without a trusted proxy in
	// front, X-Forwarded-For is whatever the client wants it to be, so take the socket's address.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(d.TrustedProxies) > 0 {
		// Only the configured proxies are believed; echo trusts private ranges by default.
		opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, p := range d.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	}
	e.HTTPErrorHandler = ErrorHandler(d.Log, d.Web)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			d.Log.Error("panic", "path", c.Path(), "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
	}))
	if d.HSTS {
		// Sent on plain http too (a proxy may terminate TLS and forward http): browsers ignore it
		// there, and it is what the public https URL promises.
		e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				c.Response().Header().Set("Strict-Transport-Security", "max-age=31536000")
				return next(c)
			}
		})
	}
	c := &common{Common: d.Common}
	e.Use(c.requestLog, validParams)
	routes(e, c, d)
	return e
}

func (s *common) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		if c.Path() == "/healthz" || c.Path() == "/readyz" || c.Path() == "/metrics" {
			return nil
		}
		s.Log.Debug("http", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status,
			"dur_ms", time.Since(start).Milliseconds(), "ip", c.RealIP())
		return nil
	}
}

// noStore keeps responses with personal data (accounts, tickets with their intake and
// conversation, audit entries) out of browser and proxy caches, errors included.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// rateLimit returns a per-IP token bucket limiter, or a pass-through when limits are off.
func (s *common) rateLimit() echo.MiddlewareFunc {
	if s.Limits.RateLimit <= 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(s.Limits.RateLimit), Burst: max(s.Limits.RateBurst, 1), ExpiresIn: 3 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: store,
		ErrorHandler: func(c echo.Context, err error) error {
			return apiErr(http.StatusForbidden, "forbidden", "无法识别请求来源")
		},
		DenyHandler: func(c echo.Context, id string, err error) error {
			return knowledge.ErrRateLimited
		},
	})
}
