package handlers

import (
	"context"
	"encoding/csv"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/report"
)

// Reports computes the admin reports (report.Service implements it).
type Reports interface {
	Volume(ctx context.Context, from, to time.Time) (report.Volume, error)
	Gaps(ctx context.Context, from, to time.Time) ([]report.Gap, error)
	Articles(ctx context.Context, from, to time.Time) ([]report.ArticleUse, error)
	Judges(ctx context.Context, from, to time.Time) (report.Judges, error)
	Activity(ctx context.Context, from, to time.Time) (report.Activity, error)
}

var cst = time.FixedZone("CST", 8*3600)

// period reads ?from=YYYY-MM-DD&to=YYYY-MM-DD (both inclusive, China time); the default is the
// last 30 days.
func period(c echo.Context) (time.Time, time.Time, error) {
	y, m, d := time.Now().In(cst).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, cst)
	from, to := today.AddDate(0, 0, -29), today.AddDate(0, 0, 1)
	v := &knowledge.ValidationError{}
	if s := c.QueryParam("from"); s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, cst)
		if err != nil {
			v.Add("", "from", "日期格式应为 YYYY-MM-DD")
		}
		from = t
	}
	if s := c.QueryParam("to"); s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, cst)
		if err != nil {
			v.Add("", "to", "日期格式应为 YYYY-MM-DD")
		}
		to = t.AddDate(0, 0, 1)
	}
	if err := v.Err(); err != nil {
		return from, to, err
	}
	if !to.After(from) || to.Sub(from) > 366*24*time.Hour {
		v.Add("", "to", "统计期间须在 1 天到 1 年之间")
	}
	return from, to, v.Err()
}

// adminReport is GET /api/v1/admin/reports/:name?from=&to= (volume, gaps, articles, judges,
// activity; activity also as ?format=csv).
func (s *adminAPI) adminReport(c echo.Context) error {
	from, to, err := period(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var out any
	switch c.Param("name") {
	case "volume":
		out, err = s.d.Reports.Volume(ctx, from, to)
	case "gaps":
		var gs []report.Gap
		gs, err = s.d.Reports.Gaps(ctx, from, to)
		out = map[string]any{"groups": gs}
	case "articles":
		var as []report.ArticleUse
		as, err = s.d.Reports.Articles(ctx, from, to)
		out = map[string]any{"articles": as}
	case "judges":
		out, err = s.d.Reports.Judges(ctx, from, to)
	case "activity":
		var a report.Activity
		if a, err = s.d.Reports.Activity(ctx, from, to); err == nil && c.QueryParam("format") == "csv" {
			return writeCSV(c, "courtdesk-activity-"+a.From+"-"+a.To+".csv", a.CSV())
		}
		out = a
	default:
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func writeCSV(c echo.Context, name string, rows [][]string) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().WriteHeader(http.StatusOK)
	// A byte-order mark makes spreadsheet programs on Chinese Windows read UTF-8.
	if _, err := c.Response().Write([]byte("\ufeff")); err != nil {
		return err
	}
	w := csv.NewWriter(c.Response())
	if err := w.WriteAll(rows); err != nil {
		return err
	}
	return w.Error()
}
