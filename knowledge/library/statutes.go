package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
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

// ImportMissing imports the documents of fsys whose titles the library holds in no version. The
// texts shipped with the service (knowledge/laws) thus fill an empty library on the first start,
// and a release that ships one more document adds it, while a title an admin has imported, or
// has since updated to a newer version, is never touched. Only the first line of each file is
// read unless its title is missing, so a start with a complete library parses nothing.
func (c *Citations) ImportMissing(ctx context.Context, fsys fs.FS, by string) ([]store.StatuteImport, error) {
	stored, err := c.st.StatuteDocuments(ctx)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, d := range stored {
		have[statute.TitleKey(d.Title)] = true
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	missing := fstest.MapFS{}
	for _, e := range entries {
		if e.IsDir() || !statute.IsStatuteFile(e.Name()) {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		// A file without a title goes to the parser, which names the problem.
		if t := statute.FileTitle(data); t == "" || !have[statute.TitleKey(t)] {
			missing[e.Name()] = &fstest.MapFile{Data: data, Mode: 0o444}
		}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	docs, err := statute.ParseFS(missing)
	if err != nil {
		return nil, err
	}
	res, err := c.st.ImportStatutes(ctx, docs, by)
	if err != nil {
		return nil, err
	}
	return res, c.st.Audit(ctx, by, "statutes.import", fmt.Sprintf("%d documents", len(res)), `{"shipped":true}`)
}

// Documents lists every imported statute version, the replaced ones too.
func (c *Citations) Documents(ctx context.Context) ([]store.StatuteDocument, error) {
	ds, err := c.st.StatuteDocuments(ctx)
	if ds == nil {
		ds = []store.StatuteDocument{}
	}
	return ds, err
}
