// Package seed embeds the seed knowledge base: one Markdown article per topic, in one folder per
// category. A fresh install imports it; see README.md for the format.
package seed

import (
	"embed"
	"io/fs"
)

//go:embed */*.md
var files embed.FS

// FS returns the seed articles as a read-only file system rooted at the category folders.
func FS() fs.FS { return files }
