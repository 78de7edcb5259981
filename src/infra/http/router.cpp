#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <limits>

#include "base/blocking.h"
#include "infra/http/http.h"

namespace lucas::http {
namespace {

template <class Segment = std::string>
std::vector<Segment> split_path(std::string_view path) {
  std::vector<Segment> out;
  size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    const size_t end = path.find('/', start);
    const size_t stop = end == std::string_view::npos ? path.size() : end;
    out.emplace_back(path.substr(start, stop - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string Request::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

int64_t Request::int_param(std::string_view name) const {
  auto it = params.find(std::string(name));
  const std::string v = it == params.end() ? std::string() : it->second;
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                "path parameter '" + std::string(name) + "' must be a 64-bit integer",
                {{"parameter", std::string(name)}, {"value", v.substr(0, 64)}});
  }
  return out;
}

int64_t Request::int_query(std::string_view name, int64_t fallback, int64_t min,
                           int64_t max) const {
  auto v = query_param(name);
  if (!v) return fallback;
  int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out < min || out > max) {
    const bool any =
        min == std::numeric_limits<int64_t>::min() && max == std::numeric_limits<int64_t>::max();
    throw Error(ErrorCode::kInvalidArgument,
                std::string(name) + " must be an integer" +
                    (any ? "" : " between " + std::to_string(min) + " and " + std::to_string(max)),
                {{std::string(name), v->substr(0, 64)}});
  }
  return out;
}

nlohmann::json Request::json_body(std::string_view expected, nlohmann::json details) const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "the body must be a JSON object" +
                    (expected.empty() ? std::string() : ": " + std::string(expected)),
                std::move(details));
  }
  return j;
}

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::error(const lucas::Error& e, Micros now) {
  nlohmann::json body{{"error_code", error_code_name(e.code())},
                      {"message", e.what()},
                      {"details", e.details()},
                      {"retry_after", e.retry_after() ? nlohmann::json(*e.retry_after()) : nullptr},
                      {"timestamp", format_rfc3339(now)}};
  Response r = json(http_status(e.code()), body);
  if (e.retry_after()) r.headers.emplace_back("Retry-After", std::to_string(*e.retry_after()));
  if (e.code() == ErrorCode::kUnauthorized) {
    // RFC 6750: say which scheme, and why a presented token was refused.
    std::string challenge = "Bearer realm=\"lucas\"";
    if (e.details().is_object() && e.details().contains("error") &&
        e.details()["error"].is_string()) {
      challenge += ", error=\"" + e.details()["error"].get<std::string>() + "\"";
    }
    r.headers.emplace_back("WWW-Authenticate", challenge);
  } else if (e.code() == ErrorCode::kInsufficientScope && e.details().is_object() &&
             e.details().value("scope", nlohmann::json()).is_string()) {
    // RFC 6750 3.1: the scope the request needs (scope names are [a-z:], nothing to escape).
    r.headers.emplace_back("WWW-Authenticate",
                           "Bearer realm=\"lucas\", error=\"insufficient_scope\", scope=\"" +
                               e.details()["scope"].get<std::string>() + "\"");
  }
  return r;
}

void Router::add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  routes_.push_back(
      Route{std::move(method), split_path(pattern), pattern, std::move(handler), options});
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.push_back(RouteInfo{r.method, r.pattern, r.options});
  return out;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match best;
  const Route* chosen = nullptr;
  int best_literals = -1;
  // Views into `path`: the parameters are copied once, for the route chosen.
  const auto segments = split_path<std::string_view>(path);
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    int literals = 0;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      if (is_param(route.segments[i])) {
        ok = !segments[i].empty();
      } else if (route.segments[i] == segments[i]) {
        ++literals;
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    if (route.method != method) {
      best.allowed_methods.push_back(route.method);
      continue;
    }
    if (literals > best_literals) {
      best_literals = literals;
      chosen = &route;
    }
  }
  if (chosen != nullptr) {
    best.handler = &chosen->handler;
    best.route = chosen->pattern;
    best.on_io_thread = chosen->options.on_io_thread;
    best.inline_first = chosen->options.inline_first;
    for (size_t i = 0; i < segments.size(); ++i) {
      const std::string& s = chosen->segments[i];
      if (is_param(s)) best.params[s.substr(1, s.size() - 2)] = std::string(segments[i]);
    }
  }
  return best;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (s[i] == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> parse_form(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    const size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) return std::nullopt;
    if (!key->empty()) out[*key] = *value;
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
  }
  return out;
}

int64_t Request::require_user() const {
  if (!authenticated()) {
    throw Error(ErrorCode::kUnauthorized, "this endpoint needs an access token",
                {{"error", "invalid_request"}, {"token_endpoint", "/api/v1/oauth/token"}});
  }
  return auth_user_id;
}

int64_t Request::require_scope(std::string_view scope) const {
  const int64_t user = require_user();
  if (auth_scopes &&
      std::find(auth_scopes->begin(), auth_scopes->end(), scope) == auth_scopes->end()) {
    throw insufficient_scope(scope);
  }
  return user;
}

Response Router::dispatch(Request& req, const Clock& clock, std::string* route) const {
  return dispatch(req, match(req.method, req.path), clock, route);
}

Response Router::dispatch(Request& req, Match m, const Clock& clock, std::string* route,
                          Progress* progress) const {
  if (m.on_io_thread) return route_request(req, std::move(m), clock, route);  // public
  Progress local;
  Progress& p = progress != nullptr ? *progress : local;
  if (p.stage == 0) {
    if (authenticator_) {
      try {
        authenticator_(req);  // WouldBlock passes: nothing was done, it runs again
      } catch (const Error& e) {
        if (route != nullptr) *route = "unauthenticated";
        return Response::error(e, clock.now());
      }
    }
    p.stage = 1;
  }
  if (p.stage == 1) {
    if (guard_) {
      p.headers.clear();  // a guard stopped by WouldBlock starts again from nothing
      std::optional<Response> refused;
      try {
        const InlineSideEffects once;  // counted now, whether the handler blocks or not
        refused = guard_(req, p.headers);
      } catch (const Error& e) {
        refused = Response::error(e, clock.now());
      }
      if (refused) {
        if (route != nullptr) *route = "refused";
        refused->headers.insert(refused->headers.end(), p.headers.begin(), p.headers.end());
        return *refused;
      }
    }
    p.stage = 2;
  }
  Response r = route_request(req, std::move(m), clock, route);
  r.headers.insert(r.headers.end(), p.headers.begin(), p.headers.end());
  return r;
}

Response Router::route_request(Request& req, Match m, const Clock& clock,
                               std::string* route) const {
  if (route != nullptr) *route = m.handler ? m.route : "unmatched";
  try {
    if (m.handler == nullptr) {
      if (!m.allowed_methods.empty()) {
        std::string allow;
        for (const auto& a : m.allowed_methods) allow += (allow.empty() ? "" : ", ") + a;
        Response r = Response::error(
            Error(ErrorCode::kMethodNotAllowed, "method " + req.method + " is not allowed here",
                  {{"allowed", m.allowed_methods}}),
            clock.now());
        r.headers.emplace_back("Allow", allow);
        return r;
      }
      if (fallback_) {
        if (route != nullptr) *route = "fallback";  // one metrics label for every file
        return fallback_(req);
      }
      throw Error(ErrorCode::kNotFound, "no such endpoint", {{"path", req.path.substr(0, 200)}});
    }
    req.params = std::move(m.params);
    return (*m.handler)(req);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kStorage || e.code() == ErrorCode::kInternal) {
      // Never show SQL or internals to clients; the log has them.
      spdlog::error("request {} {} {}: {}: {}", req.request_id, req.method, req.path,
                    error_code_name(e.code()), e.what());
      return Response::error(Error(e.code(), "internal error; quote request id " + req.request_id),
                             clock.now());
    }
    return Response::error(e, clock.now());
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", req.request_id, req.method, req.path, e.what());
    return Response::error(
        Error(ErrorCode::kInternal, "internal error; quote request id " + req.request_id),
        clock.now());
  }
}

}  // namespace lucas::http
