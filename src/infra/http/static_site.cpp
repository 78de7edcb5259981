#include "infra/http/static_site.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/ascii.h"
#include "base/ids.h"

namespace lucas::http {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void not_found(const Request& req) {
  throw Error(ErrorCode::kNotFound, "no such endpoint", {{"path", req.path.substr(0, 200)}});
}

}  // namespace

bool reserved_path(std::string_view path) {
  for (std::string_view exact : {"/api", "/metrics", "/healthz", "/readyz", "/telegram"}) {
    if (path == exact) return true;
  }
  for (std::string_view prefix : {"/api/", "/metrics/", "/healthz/", "/readyz/", "/telegram/"}) {
    if (path.substr(0, prefix.size()) == prefix) return true;
  }
  return false;
}

bool accepts_encoding(std::string_view header, std::string_view coding) {
  bool star = false;
  bool named = false;
  bool named_seen = false;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const size_t semi = item.find(';');
    const std::string name = ascii_lower(trim(item.substr(0, semi)));
    bool positive = true;
    if (semi != std::string_view::npos) {
      std::string_view params = trim(item.substr(semi + 1));
      if (params.size() >= 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=') {
        const std::string_view q = trim(params.substr(2));
        positive = !q.empty() && q.find_first_not_of("0.") != std::string_view::npos;
      }
    }
    if (name == coding) {
      named_seen = true;
      named = positive;
    } else if (name == "*") {
      star = positive;
    }
  }
  return named_seen ? named : star;
}

std::string content_type_for(std::string_view name) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const auto it = types.find(ascii_lower(name.substr(dot)));
  return it == types.end() ? "application/octet-stream" : it->second;
}

StaticSite::StaticSite(const std::string& dir, std::string csp) : dir_(dir), csp_(std::move(csp)) {
  std::error_code ec;
  if (dir.empty() || !fs::is_regular_file(fs::path(dir) / "index.html", ec)) return;
  const fs::path root = fs::canonical(dir, ec);
  if (ec) return;
  for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = "/" + fs::relative(entry.path(), root).generic_string();
    if (ends_with(rel, ".gz") || ends_with(rel, ".br")) continue;  // variants, read below
    File f;
    f.body = read_file(entry.path());
    f.content_type = content_type_for(rel);
    f.etag = "\"" + sha256_hex(f.body).substr(0, 20) + "\"";
    const fs::path gz = entry.path().string() + ".gz";
    const fs::path br = entry.path().string() + ".br";
    if (fs::is_regular_file(gz, ec)) f.gzip = read_file(gz);
    if (fs::is_regular_file(br, ec)) f.brotli = read_file(br);
    files_.emplace(rel, std::move(f));
  }
}

Response StaticSite::answer(const Request& req, const std::string& path, const File& f) const {
  Response r;
  r.status = 200;
  r.content_type = f.content_type;
  const bool immutable = path.rfind("/assets/", 0) == 0;
  r.headers.emplace_back("Cache-Control",
                         immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("ETag", f.etag);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  if (!csp_.empty()) r.headers.emplace_back("Content-Security-Policy", csp_);
  if (!f.gzip.empty() || !f.brotli.empty()) r.headers.emplace_back("Vary", "Accept-Encoding");
  if (req.header("if-none-match") == f.etag) {
    r.status = 304;
    return r;
  }
  const std::string accept = req.header("accept-encoding");
  if (!f.brotli.empty() && accepts_encoding(accept, "br")) {
    r.body = f.brotli;
    r.headers.emplace_back("Content-Encoding", "br");
  } else if (!f.gzip.empty() && accepts_encoding(accept, "gzip")) {
    r.body = f.gzip;
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = f.body;
  }
  return r;
}

Response StaticSite::serve(const Request& req) const {
  if (req.method != "GET" || reserved_path(req.path)) not_found(req);
  if (!loaded()) {
    throw Error(ErrorCode::kNotFound,
                "the web app is not built: run scripts/build-web.sh (or set web.dir)",
                {{"web_dir", dir_}});
  }
  std::string path = req.path;
  if (path.back() == '/' && files_.count(path + "index.html") != 0) {
    path += "index.html";  // a folder's own page (/docs/: the explorer)
  }
  if (const auto it = files_.find(path); it != files_.end()) return answer(req, path, it->second);
  if (files_.count(path + "/index.html") != 0) {
    // /docs -> /docs/, so that the page's relative links resolve inside its folder.
    Response r = Response::text(301, "", "text/plain; charset=utf-8");
    r.headers.emplace_back("Location", path + "/");
    return r;
  }
  // A client-side route (/sessions, /login) gets the app; a missing file does not.
  const std::string_view last = std::string_view(path).substr(path.rfind('/') + 1);
  if (path.rfind("/assets/", 0) == 0 || last.find('.') != std::string_view::npos) {
    not_found(req);
  }
  return answer(req, "/index.html", files_.at("/index.html"));
}

}  // namespace lucas::http
