// The built web app, served from memory: every file of a directory (Vite's output) is read once at
// start. Hashed assets (under /assets/) are cached for a year as immutable; everything else
// (index.html, the manifest, icons) is revalidated on each use (no-cache + ETag). A file's
// precompressed siblings (X.br, X.gz, written at build time) are chosen by Accept-Encoding. Every
// answer carries the Content-Security-Policy given (no inline script) and nosniff.
//
// A folder with an index.html (docs/: the API explorer) answers at "/docs/"; "/docs" redirects
// there. Client-side routes fall back to index.html: a GET of a path that is no file, whose last
// segment has no dot, outside /assets/ and outside the server's own prefixes (reserved_path) gets
// the app.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "infra/http/http.h"

namespace lucas::http {

// Paths the web app never answers: /api/, /metrics, /healthz, /readyz, /telegram/.
bool reserved_path(std::string_view path);

// "gzip, br;q=0.5, *;q=0" -> whether `coding` is acceptable (q > 0, by name or by *).
bool accepts_encoding(std::string_view accept_encoding, std::string_view coding);

// The Content-Type for a file name, by its extension.
std::string content_type_for(std::string_view name);

class StaticSite {
 public:
  // Reads every file under `dir`. Without dir/index.html the site is empty (loaded() false) and
  // serve() explains how to build the app.
  StaticSite(const std::string& dir, std::string csp);

  bool loaded() const { return !files_.empty() && files_.count("/index.html") != 0; }
  size_t files() const { return files_.size(); }
  const std::string& dir() const { return dir_; }

  // Answers a GET (see above); NOT_FOUND for reserved paths, missing assets and other methods.
  Response serve(const Request& req) const;

 private:
  struct File {
    std::string body;
    std::string gzip;    // empty: no precompressed variant
    std::string brotli;  // empty: none
    std::string content_type;
    std::string etag;
  };
  Response answer(const Request& req, const std::string& path, const File& f) const;
  std::string dir_;
  std::string csp_;
  std::map<std::string, File> files_;  // "/assets/index-abc.js" -> file
};

}  // namespace lucas::http
