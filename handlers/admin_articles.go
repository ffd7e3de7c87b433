package handlers

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/courtdesk/courtdesk/kbfile"
	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// Library is the knowledge-base service (knowledge/library implements it).
type Library interface {
	List(ctx context.Context, f store.ArticleFilter) ([]knowledge.Article, error)
	Get(ctx context.Context, slug string) (knowledge.Article, error)
	Create(ctx context.Context, a knowledge.Article, by, note string) (knowledge.Article, error)
	Save(ctx context.Context, a knowledge.Article, by, note string, baseVersion int) (knowledge.Article, error)
	SetStatus(ctx context.Context, slug string, status knowledge.Status, by string, baseVersion int) (knowledge.Article, error)
	Rollback(ctx context.Context, slug string, version int, by string, baseVersion int, status knowledge.Status) (knowledge.Article, error)
	Versions(ctx context.Context, slug string) ([]store.ArticleVersion, error)
	ImportAudited(ctx context.Context, batch []knowledge.Article, by string) ([]store.SaveResult, error)
	Candidates(ctx context.Context, status knowledge.CandidateStatus, limit, offset int) ([]knowledge.Candidate, error)
	ApproveCandidate(ctx context.Context, id int64, by string) (knowledge.Article, error)
	RejectCandidate(ctx context.Context, id int64, by string) error
}

// adminArticle is an article as the console edits it: raw Markdown plus its sanitised preview.
type adminArticle struct {
	knowledge.Article
	HTML string `json:"html"`
}

func (s *adminAPI) adminView(a knowledge.Article) adminArticle {
	return adminArticle{Article: a, HTML: s.d.Render.HTML(a.Body)}
}

// adminListArticles is GET /api/v1/admin/articles?status=&category=&kind=&tag=&q=.
func (s *adminAPI) adminListArticles(c echo.Context) error {
	f := store.ArticleFilter{
		Status: knowledge.Status(c.QueryParam("status")), Category: knowledge.Category(c.QueryParam("category")),
		Kind: knowledge.Kind(c.QueryParam("kind")), Tag: c.QueryParam("tag"), Text: c.QueryParam("q"),
	}
	if len([]rune(f.Text)) > 100 || len([]rune(f.Tag)) > 30 {
		return apiErr(http.StatusBadRequest, "invalid", "筛选条件过长")
	}
	as, err := s.d.Library.List(c.Request().Context(), f)
	if err != nil {
		return err
	}
	type row struct {
		Slug      string             `json:"slug"`
		Title     string             `json:"title"`
		Category  knowledge.Category `json:"category"`
		Kind      knowledge.Kind     `json:"kind"`
		Status    knowledge.Status   `json:"status"`
		Version   int                `json:"version"`
		Tags      []string           `json:"tags"`
		UpdatedAt string             `json:"updated_at"`
		UpdatedBy string             `json:"updated_by"`
		Flagged   bool               `json:"flagged"` // cites a law or article flagged amended or repealed
	}
	flagged := map[string]bool{}
	if s.d.Statutes != nil {
		if flagged, err = s.d.Statutes.Flagged(c.Request().Context(), as); err != nil {
			return err
		}
	}
	out := make([]row, 0, len(as))
	for _, a := range as {
		out = append(out, row{a.Slug, a.Title, a.Category, a.Kind, a.Status, a.Version, a.Tags,
			a.UpdatedAt.Format("2006-01-02 15:04"), a.UpdatedBy, flagged[a.Slug]})
	}
	return c.JSON(http.StatusOK, map[string]any{"articles": out})
}

// adminGetArticle is GET /api/v1/admin/articles/:slug (drafts and archived included).
func (s *adminAPI) adminGetArticle(c echo.Context) error {
	a, err := s.d.Library.Get(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.adminView(a))
}

type saveRequest struct {
	Article     knowledge.Article `json:"article"`
	BaseVersion int               `json:"base_version"`
	Note        string            `json:"note"`
}

func (s *adminAPI) decodeSave(c echo.Context) (saveRequest, error) {
	var req saveRequest
	if err := decodeJSON(c, 256<<10, &req); err != nil {
		return req, err
	}
	if len([]rune(req.Note)) > 200 {
		return req, apiErr(http.StatusBadRequest, "invalid", "修改说明不能超过 200 个字")
	}
	return req, nil
}

// adminCreateArticle is POST /api/v1/admin/articles. New articles start as drafts unless the
// request says otherwise.
func (s *adminAPI) adminCreateArticle(c echo.Context) error {
	req, err := s.decodeSave(c)
	if err != nil {
		return err
	}
	if req.Article.Status == "" {
		req.Article.Status = knowledge.StatusDraft
	}
	a, err := s.d.Library.Create(c.Request().Context(), req.Article, currentUser(c).Username, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, s.adminView(a))
}

// adminSaveArticle is PUT /api/v1/admin/articles/:slug with the version the edit started from.
func (s *adminAPI) adminSaveArticle(c echo.Context) error {
	req, err := s.decodeSave(c)
	if err != nil {
		return err
	}
	req.Article.Slug = c.Param("slug")
	a, err := s.d.Library.Save(c.Request().Context(), req.Article, currentUser(c).Username, req.Note, req.BaseVersion)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.adminView(a))
}

type statusRequest struct {
	Status      knowledge.Status `json:"status"`
	BaseVersion int              `json:"base_version"`
}

// adminSetStatus is POST /api/v1/admin/articles/:slug/status: publish, archive or back to draft.
func (s *adminAPI) adminSetStatus(c echo.Context) error {
	var req statusRequest
	if err := decodeJSON(c, 4<<10, &req); err != nil {
		return err
	}
	a, err := s.d.Library.SetStatus(c.Request().Context(), c.Param("slug"), req.Status, currentUser(c).Username, req.BaseVersion)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.adminView(a))
}

// adminVersions is GET /api/v1/admin/articles/:slug/versions.
func (s *adminAPI) adminVersions(c echo.Context) error {
	vs, err := s.d.Library.Versions(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"versions": vs})
}

type rollbackRequest struct {
	Version     int `json:"version"`
	BaseVersion int `json:"base_version"`
	// Status, when given, is the status the article gets; without it the current status stays.
	Status knowledge.Status `json:"status"`
}

// adminRollback is POST /api/v1/admin/articles/:slug/rollback: the old version's content, the
// current status unless the request names one.
func (s *adminAPI) adminRollback(c echo.Context) error {
	var req rollbackRequest
	if err := decodeJSON(c, 4<<10, &req); err != nil {
		return err
	}
	a, err := s.d.Library.Rollback(c.Request().Context(), c.Param("slug"), req.Version, currentUser(c).Username, req.BaseVersion, req.Status)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.adminView(a))
}

// adminPreview is POST /api/v1/admin/preview: the sanitised HTML enterprises would see.
func (s *adminAPI) adminPreview(c echo.Context) error {
	var req struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, 256<<10, &req); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"html": s.d.Render.HTML(req.Body)})
}

// adminImport is POST /api/v1/admin/import with a JSON array of articles: all or nothing, every
// problem listed by slug and field.
func (s *adminAPI) adminImport(c echo.Context) error {
	body, err := readBody(c, 16<<20)
	if err != nil {
		return err
	}
	batch, err := kbfile.ReadJSON(bytes.NewReader(body), s.Limits.MaxImportArticles)
	var tooMany *kbfile.TooManyError
	if errors.As(err, &tooMany) {
		return apiErr(http.StatusRequestEntityTooLarge, "too_many_articles",
			fmt.Sprintf("一次最多导入 %d 篇文章，请分批导入", tooMany.Max))
	}
	if err != nil {
		return err
	}
	if err := knowledge.CheckAndClean(&batch); err != nil {
		return err
	}
	res, err := s.d.Library.ImportAudited(c.Request().Context(), batch, currentUser(c).Username)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"results": res})
}

// adminExport is GET /api/v1/admin/export?format=json|zip.
func (s *adminAPI) adminExport(c echo.Context) error {
	as, err := s.d.Library.List(c.Request().Context(), store.ArticleFilter{})
	if err != nil {
		return err
	}
	switch c.QueryParam("format") {
	case "", "json":
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="courtdesk-articles.json"`)
		c.Response().Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		c.Response().WriteHeader(http.StatusOK)
		return kbfile.WriteJSON(c.Response(), as)
	case "zip":
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, a := range as {
			b, err := kbfile.FormatMarkdown(a)
			if err != nil {
				return err
			}
			w, err := zw.Create(fmt.Sprintf("%s/%s.md", a.Category, a.Slug))
			if err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		if err := zw.Close(); err != nil {
			return err
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="courtdesk-articles.zip"`)
		return c.Blob(http.StatusOK, "application/zip", buf.Bytes())
	}
	return apiErr(http.StatusBadRequest, "invalid", "format 须为 json 或 zip")
}

func intParam(c echo.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, c.Param(name), knowledge.ErrNotFound)
	}
	return n, nil
}
