package handlers

import (
	"crypto/subtle"
	"fmt"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
)

// MetricsAccess says who may read /metrics: loopback always, the addresses of Allow, and anyone
// presenting Token as a bearer token. The figures (connections, goroutines, memory, question mix)
// help an attacker time a flood, so the world does not get them.
type MetricsAccess struct {
	Token string
	Allow []netip.Prefix
}

// ParseNetworks reads addresses (203.0.113.5) and networks (10.0.0.0/8), as the metrics allow
// list and the trusted proxies are written; setting names the variable in the error.
func ParseNetworks(setting string, items []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, it := range items {
		it = strings.TrimSpace(it)
		if it == "" {
			continue
		}
		if strings.Contains(it, "/") {
			p, err := netip.ParsePrefix(it)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not an address or a network such as 10.0.0.0/8: %w", setting, it, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(it)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an address or a network such as 10.0.0.0/8: %w", setting, it, err)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// permits reports whether a client at ip (the socket's address) with this Authorization header
// may read the metrics.
func (a MetricsAccess) permits(ip, authorization string) bool {
	if a.Token != "" {
		if tok, ok := strings.CutPrefix(authorization, "Bearer "); ok &&
			subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(a.Token)) == 1 {
			return true
		}
	}
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	if addr.IsLoopback() {
		return true
	}
	for _, p := range a.Allow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// metricsGuard refuses /metrics to everyone MetricsAccess does not name, with 403.
func (s *common) metricsGuard(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.MetricsAccess.permits(c.RealIP(), c.Request().Header.Get(echo.HeaderAuthorization)) {
			return fmt.Errorf("metrics from %s: %w", c.RealIP(), knowledge.ErrForbidden)
		}
		return next(c)
	}
}
