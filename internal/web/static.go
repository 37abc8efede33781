package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves the embedded static files under a URL that contains a hash
// of their content, so that browsers may cache them for a year and still
// see a new version at once.
type assets struct {
	version string
	fs      fs.FS
}

func newAssets() (*assets, error) {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	err = fs.WalkDir(sub, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &assets{version: hex.EncodeToString(h.Sum(nil))[:12], fs: sub}, nil
}

// URL returns the versioned URL of a static file.
func (a *assets) URL(name string) string { return "/static/" + a.version + "/" + name }

func (a *assets) handler() http.Handler {
	files := http.FileServerFS(a.fs)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// /static/{version}/{path}: any version is served, the newest files.
		rest := strings.TrimPrefix(r.URL.Path, "/static/")
		_, path, ok := strings.Cut(rest, "/")
		if !ok || path == "" || strings.HasSuffix(path, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + path
		files.ServeHTTP(w, r2)
	})
}
