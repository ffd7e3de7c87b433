// Package web embeds the browser pages: the enterprise chat, the judge console and the admin
// console. They are plain HTML, CSS and JavaScript modules with no build step.
package web

import (
	"embed"
	"io/fs"
)

//go:embed static
var files embed.FS

// FS returns the pages and assets, rooted at the static folder.
func FS() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}
