package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge/retention"
)

// RetentionStatus reports the retention period and the last purge (retention.Service).
type RetentionStatus interface {
	Status(ctx context.Context) (retention.Status, error)
}

// adminRetention is GET /api/v1/admin/retention: read-only, the period is set by the operator
// (COURTDESK_RETENTION_DAYS), not in the console.
func (s *adminAPI) adminRetention(c echo.Context) error {
	st, err := s.d.Retention.Status(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}
