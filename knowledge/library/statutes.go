package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"testing/fstest"

	"github.com/courtdesk/courtdesk/knowledge"
	"github.com/courtdesk/courtdesk/knowledge/statute"
	"github.com/courtdesk/courtdesk/knowledge/store"
)

// MaxStatuteFiles bounds one console import; the shared laws are about sixty files.
const MaxStatuteFiles = 500

// StatuteFile is one uploaded statute text: its file name carries the version date.
type StatuteFile struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

// ImportStatutes is the console's `courtdesk statutes import`: the same parser over the uploaded
// files, every problem listed by file, and one transaction for all documents or none.
func (c *Citations) ImportStatutes(ctx context.Context, files []StatuteFile, by string) ([]store.StatuteImport, error) {
	v := &knowledge.ValidationError{}
	if len(files) == 0 || len(files) > MaxStatuteFiles {
		v.Add("", "files", "请选择 1–%d 个法条文件", MaxStatuteFiles)
		return nil, v
	}
	fsys := fstest.MapFS{}
	for i, f := range files {
		// Browsers send a bare name; anything path-like is cut to its base so that no name can
		// climb out of the in-memory tree or hide in a dot directory.
		name := path.Base(strings.ReplaceAll(strings.TrimSpace(f.Name), `\`, "/"))
		switch {
		case name == "." || name == "/" || name == "":
			v.Add(fmt.Sprintf("#%d", i+1), "name", "缺少文件名")
		case !statute.IsStatuteFile(name) && !strings.EqualFold(name, "README.md"):
			v.Add(name, "name", "不是法条文件（应为“名称(YYYY-MM-DD).md”）")
		case fsys[name] != nil:
			v.Add(name, "name", "文件重复")
		case len(f.Content) > statute.MaxFileSize:
			v.Add(name, "content", "文件超过 %d 字节", statute.MaxFileSize)
		default:
			fsys[name] = &fstest.MapFile{Data: []byte(f.Content), Mode: 0o444}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	docs, err := statute.ParseFS(fsys)
	if errors.Is(err, knowledge.ErrNotFound) {
		v.Add("", "files", "没有可导入的法条文件（README.md 不算）")
		return nil, v
	}
	if err != nil {
		return nil, err
	}
	res, err := c.st.ImportStatutes(ctx, docs, by)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, r := range res {
		counts[r.Change]++
	}
	b, _ := json.Marshal(counts)
	return res, c.st.Audit(ctx, by, "statutes.import", fmt.Sprintf("%d documents", len(res)), string(b))
}

// Documents lists every imported statute version, the replaced ones too.
func (c *Citations) Documents(ctx context.Context) ([]store.StatuteDocument, error) {
	ds, err := c.st.StatuteDocuments(ctx)
	if ds == nil {
		ds = []store.StatuteDocument{}
	}
	return ds, err
}
