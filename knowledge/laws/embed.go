// Package laws embeds the official statute texts that the seed knowledge base cites, so that a
// fresh install resolves 《…》第X条 to 法条原文 without an import. Official texts of laws and
// judicial interpretations are not protected by copyright (著作权法第五条); README.md records
// where each text comes from.
package laws

import (
	"embed"
	"io/fs"
	"strings"
	"testing/fstest"
)

//go:embed *.md
var files embed.FS

// officialName restores a file's official name. The go:embed directive refuses names with
// punctuation other than some ASCII, so the files here spell （）《》、 as {}[], (which no statute's
// name uses): 最高人民法院关于适用[公司法]若干问题的规定{二}(2020-12-29).md.
func officialName(name string) string {
	return strings.NewReplacer("{", "（", "}", "）", "[", "《", "]", "》", ",", "、").Replace(name)
}

// FS returns the texts under their official file names (公司法(2023-12-29).md,
// 最高人民法院关于适用《公司法》若干问题的规定（二）(2020-12-29).md …), one file per document
// version in the format `courtdesk statutes import` reads. README.md is left out.
func FS() fs.FS {
	out := fstest.MapFS{}
	entries, _ := files.ReadDir(".") // the root of an embed.FS always reads
	for _, e := range entries {
		if e.Name() == "README.md" {
			continue
		}
		data, _ := files.ReadFile(e.Name()) // listed just above, so it exists
		out[officialName(e.Name())] = &fstest.MapFile{Data: data, Mode: 0o444}
	}
	return out
}
