// Plain request/response types and the router. Features see only this header; Beast and Asio stay
// inside server.cpp so that feature code compiles fast and never touches the network layer.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/error.h"

namespace lucas::http {

struct Request {
  std::string method;  // upper case: "GET", "POST", ...
  std::string target;  // raw request target as received ("/api/v1/users/1?x=2")
  std::string path;    // percent-decoded path without the query
  std::map<std::string, std::string> query;    // percent-decoded; the last value wins
  std::map<std::string, std::string> headers;  // names lower-cased
  std::map<std::string, std::string> params;   // path parameters, filled by the router
  std::string body;
  std::string remote_addr;
  std::string request_id;
  // Who the request acts as, set by the router's authenticator from a valid bearer token;
  // 0 for an anonymous request. Services check what the user may do (authorization).
  int64_t auth_user_id = 0;
  std::string auth_role;       // "user", "moderator", "admin", "owner"
  std::string auth_client_id;  // the API client the token was issued to
  // The OAuth scopes the token carries; nullopt: full access (a console token).
  std::optional<std::vector<std::string>> auth_scopes;
  bool authenticated() const { return auth_user_id != 0; }
  // UNAUTHORIZED (401) unless authenticated; returns auth_user_id.
  int64_t require_user() const;
  // require_user(), then INSUFFICIENT_SCOPE (403, naming it) unless the token carries `scope`.
  int64_t require_scope(std::string_view scope) const;

  // Empty string when absent. `name` must be lower case.
  std::string header(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const;
  // Path parameter as a positive/negative 64-bit integer; INVALID_ARGUMENT (400) otherwise.
  int64_t int_param(std::string_view name) const;
  // Query parameter as an integer in [min, max]; `fallback` when absent; INVALID_ARGUMENT (400)
  // naming the range otherwise (the whole int64_t range: "must be an integer").
  int64_t int_query(std::string_view name, int64_t fallback, int64_t min, int64_t max) const;
  // The body as a JSON object; INVALID_ARGUMENT (400) when it is not one, its message naming
  // what to send (`expected`, e.g. {"reason": "..."}) and carrying `details`.
  nlohmann::json json_body(std::string_view expected = {}, nlohmann::json details = nullptr) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static Response json(int status, const nlohmann::json& body);
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  // The ErrorResponse body: {error_code, message, details, retry_after, timestamp}; sets the
  // matching status and, for retry_after, the Retry-After header.
  static Response error(const lucas::Error& e, Micros now);
};

using Handler = std::function<Response(const Request&)>;

// Percent-decoding (`plus_is_space` for query strings and forms); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);
// "a=1&b=x%20y" (a query string or an application/x-www-form-urlencoded body) -> {a: 1, b: x y};
// the last value of a repeated key wins; nullopt on a malformed escape.
std::optional<std::map<std::string, std::string>> parse_form(std::string_view text);

// How a route is served, beyond its handler.
struct RouteOptions {
  // Answered on the network thread, without the hop to the worker pool, and without the
  // authenticator and the guard: only for public handlers that never block (no database, Redis
  // or network): health and metrics.
  bool on_io_thread = false;
  // Tried on the network thread first (authenticator, guard and handler, as on the pool): a
  // request whose every step is answered from memory (a cached read) is answered there; the
  // first step that would block (a database connection, a Redis command; see base/blocking.h)
  // sends the request to the worker pool, which carries on from that step. Steps before it are
  // not run again: only for handlers that change nothing before they read.
  bool inline_first = false;
  // Left out of the OpenAPI document (Telegram's webhook, whose path carries a secret).
  bool undocumented = false;
};

// Patterns are literal segments and "{name}" segments: "/api/v1/users/{id}/balance".
class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  struct RouteInfo {
    std::string method;
    std::string pattern;
    RouteOptions options;
  };
  // Every route, in the order added (what the OpenAPI document is checked against).
  std::vector<RouteInfo> routes() const;

  struct Match {
    const Handler* handler = nullptr;  // null when nothing matched
    std::string route;                 // the pattern, for metrics and logs
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed_methods;  // non-empty when the path matched another method
    bool on_io_thread = false;
    bool inline_first = false;
  };
  Match match(std::string_view method, std::string_view path) const;

  // Matches and calls the handler, filling req.params. Unknown path -> NOT_FOUND error response,
  // known path with another method -> METHOD_NOT_ALLOWED with an Allow header; an exception from
  // the handler becomes an error response (lucas::Error keeps its code; anything else is a
  // logged INTERNAL_ERROR whose message reveals nothing). `route` receives the matched pattern
  // (or "unmatched").
  Response dispatch(Request& req, const Clock& clock, std::string* route = nullptr) const;
  // Where a dispatch got to, so that a dispatch stopped by WouldBlock (an inline attempt) carries
  // on from the step that blocked: the authenticator and the guard run once per request.
  struct Progress {
    int stage = 0;  // 0: authenticate, 1: guard, 2: handler
    std::vector<std::pair<std::string, std::string>> headers;  // the guard's
  };
  // The same, for a request already matched (the server matches once to choose the thread).
  // Inside an InlineAttempt the guard runs with side effects allowed (it runs once either way).
  Response dispatch(Request& req, Match m, const Clock& clock, std::string* route = nullptr,
                    Progress* progress = nullptr) const;

  // Runs before every request (rate limits, ...): a response refuses the request; headers it
  // adds go on whatever response is sent.
  using Guard = std::function<std::optional<Response>(
      const Request&, std::vector<std::pair<std::string, std::string>>& headers)>;
  void set_guard(Guard guard) { guard_ = std::move(guard); }

  // Runs first, before the guard: fills the request's auth_* fields (or throws an Error, e.g.
  // UNAUTHORIZED for a bad token, which becomes the response). The guard can then key limits by
  // user.
  using Authenticator = std::function<void(Request&)>;
  void set_authenticator(Authenticator a) { authenticator_ = std::move(a); }

  // Answers requests that no route matches (the web app's files and client-side routes); without
  // one they get NOT_FOUND. A path some route has under another method still gets
  // METHOD_NOT_ALLOWED.
  void set_fallback(Handler fallback) { fallback_ = std::move(fallback); }

 private:
  Response route_request(Request& req, Match m, const Clock& clock, std::string* route) const;
  Authenticator authenticator_;
  Guard guard_;
  Handler fallback_;
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    std::string pattern;
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
};

}  // namespace lucas::http
