// The web app's static files: long-cached hashed assets, a revalidated index.html, precompressed
// variants chosen by Accept-Encoding, the CSP on every answer, SPA routes falling back to
// index.html but never for the server's own paths, missing assets or other methods, and the
// router's fallback hook.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/clock.h"
#include "infra/http/static_site.h"
#include "tests/support/databases.h"

namespace lucas::http {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& body) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << body;
}

// Vite's output, in a temporary directory written before the site reads it.
bool write_app(const fs::path& root) {
  write(root / "index.html", "<!doctype html><title>Lucas</title>");
  write(root / "index.html.gz", "GZ-INDEX");
  write(root / "assets/index-AbC123.js", "console.log(1)");
  write(root / "assets/index-AbC123.js.gz", "GZ-JS");
  write(root / "assets/index-AbC123.js.br", "BR-JS");
  write(root / "assets/style-x.css", "body{}");
  write(root / "manifest.webmanifest", "{}");
  write(root / "icons/icon-192.png", std::string("\x89PNG", 4));
  write(root / "docs/index.html", "<!doctype html><title>API</title>");
  return true;
}

struct Site {
  Response get(const std::string& path, std::map<std::string, std::string> headers = {},
               const std::string& method = "GET") const {
    Request req;
    req.method = method;
    req.path = req.target = path;
    req.headers = std::move(headers);
    try {
      return site.serve(req);
    } catch (const Error& e) {
      return Response::error(e, 0);
    }
  }
  lucas::testing::TempDir dir;
  bool written = write_app(dir.path());
  StaticSite site{dir.path(), "default-src 'self'; script-src 'self'"};
};

std::string header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(StaticSite, HashedAssetsAreImmutableAndIndexIsRevalidated) {
  Site s;
  ASSERT_TRUE(s.site.loaded());
  EXPECT_EQ(s.site.files(), 6u);  // variants are not files of their own
  const auto js = s.get("/assets/index-AbC123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  const auto index = s.get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(header(index, "Cache-Control"), "no-cache");
  EXPECT_EQ(header(index, "Content-Security-Policy"), "default-src 'self'; script-src 'self'");
  EXPECT_EQ(header(index, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header(s.get("/manifest.webmanifest"), "Cache-Control"), "no-cache");
  EXPECT_EQ(s.get("/manifest.webmanifest").content_type, "application/manifest+json");
  EXPECT_EQ(s.get("/icons/icon-192.png").content_type, "image/png");
  // A revalidation with the current ETag is answered 304 without a body.
  const auto again = s.get("/", {{"if-none-match", header(index, "ETag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(s.get("/", {{"if-none-match", "\"stale\""}}).status, 200);
}

TEST(StaticSite, PrecompressedVariantsFollowAcceptEncoding) {
  Site s;
  const auto br = s.get("/assets/index-AbC123.js", {{"accept-encoding", "gzip, deflate, br"}});
  EXPECT_EQ(br.body, "BR-JS");
  EXPECT_EQ(header(br, "Content-Encoding"), "br");
  EXPECT_EQ(header(br, "Vary"), "Accept-Encoding");
  const auto gz = s.get("/assets/index-AbC123.js", {{"accept-encoding", "gzip"}});
  EXPECT_EQ(gz.body, "GZ-JS");
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  const auto no_br = s.get("/assets/index-AbC123.js", {{"accept-encoding", "br;q=0, gzip;q=0.8"}});
  EXPECT_EQ(no_br.body, "GZ-JS");
  const auto plain = s.get("/assets/index-AbC123.js", {{"accept-encoding", "identity"}});
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(s.get("/assets/index-AbC123.js").body, "console.log(1)");
  // index.html has only gzip; the SPA fallback gets it too.
  EXPECT_EQ(s.get("/sessions", {{"accept-encoding", "br, gzip"}}).body, "GZ-INDEX");
  // A file without variants is never marked as varying.
  EXPECT_EQ(header(s.get("/assets/style-x.css", {{"accept-encoding", "br"}}), "Vary"), "");
}

TEST(StaticSite, ClientRoutesFallBackToIndexButServerPathsNever) {
  Site s;
  for (const char* route : {"/login", "/sessions", "/history/2026"}) {
    const auto r = s.get(route);
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_EQ(r.body, "<!doctype html><title>Lucas</title>") << route;
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache") << route;
  }
  for (const char* server :
       {"/api/v1/nothing", "/api", "/metrics", "/healthz", "/readyz", "/telegram/webhook/guess",
        "/assets/missing.js", "/favicon.ico", "/assets/index-AbC123.js/x"}) {
    const auto r = s.get(server);
    EXPECT_EQ(r.status, 404) << server;
    EXPECT_EQ(r.content_type, "application/json") << server;
  }
  EXPECT_EQ(s.get("/login", {}, "POST").status, 404);
  EXPECT_EQ(s.get("/../index.html").status, 404);
}

TEST(StaticSite, AFolderWithAnIndexAnswersAtItsSlashAndRedirectsThere) {
  Site s;
  const auto docs = s.get("/docs/");
  EXPECT_EQ(docs.status, 200);
  EXPECT_EQ(docs.body, "<!doctype html><title>API</title>");
  const auto bare = s.get("/docs");
  EXPECT_EQ(bare.status, 301);
  EXPECT_EQ(header(bare, "Location"), "/docs/");
  // A folder without one is still a client-side route of the app.
  EXPECT_EQ(s.get("/icons").body, "<!doctype html><title>Lucas</title>");
  EXPECT_EQ(s.get("/history/").body, "<!doctype html><title>Lucas</title>");
}

TEST(StaticSite, WithoutABuiltAppEveryPathExplainsHowToBuildIt) {
  lucas::testing::TempDir empty;
  StaticSite site(empty.path(), "");
  EXPECT_FALSE(site.loaded());
  Request req;
  req.method = "GET";
  req.path = "/";
  try {
    site.serve(req);
    FAIL() << "served without an app";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(e.what()).find("scripts/build-web.sh"), std::string::npos);
  }
}

TEST(AcceptEncoding, ReadsQualityValues) {
  EXPECT_TRUE(accepts_encoding("gzip, deflate, br", "br"));
  EXPECT_TRUE(accepts_encoding("GZIP", "gzip"));
  EXPECT_FALSE(accepts_encoding("gzip;q=0", "gzip"));
  EXPECT_FALSE(accepts_encoding("gzip; q=0.000", "gzip"));
  EXPECT_TRUE(accepts_encoding("gzip;q=0.001", "gzip"));
  EXPECT_TRUE(accepts_encoding("*", "br"));
  EXPECT_FALSE(accepts_encoding("*, br;q=0", "br"));
  EXPECT_FALSE(accepts_encoding("", "gzip"));
  EXPECT_FALSE(accepts_encoding("identity", "gzip"));
}

TEST(RouterFallback, AnswersUnmatchedPathsButNotOtherMethodsOfARoute) {
  Router router;
  router.add("GET", "/api/v1/thing", [](const Request&) { return Response::json(200, {}); });
  router.set_fallback([](const Request& req) { return Response::text(200, "app:" + req.path); });
  ManualClock clock(0);
  const auto call = [&](const std::string& method, const std::string& path) {
    Request req;
    req.method = method;
    req.path = path;
    std::string route;
    auto r = router.dispatch(req, clock, &route);
    return std::make_pair(r, route);
  };
  auto [app, route] = call("GET", "/sessions");
  EXPECT_EQ(app.body, "app:/sessions");
  EXPECT_EQ(route, "fallback");
  EXPECT_EQ(call("POST", "/api/v1/thing").first.status, 405);
  EXPECT_EQ(call("GET", "/api/v1/thing").first.status, 200);
}

}  // namespace
}  // namespace lucas::http
