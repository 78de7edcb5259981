#include "features/sessions/sessions_http.h"

#include "base/ids.h"
#include "features/users/users_http.h"

namespace lucas::sessions {
namespace {

// Browsers keep a cookie at most 400 days; the server ends an idle session long before.
constexpr int64_t kCookieMaxAgeS = 400LL * 86400;

bool state_changing(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool sign_in_path(const std::string& path) {
  return path == "/api/v1/auth/telegram/webapp" || path == "/api/v1/auth/telegram/widget" ||
         path == "/api/v1/auth/login-link" || path == "/api/v1/auth/config";
}

Client client_of(const http::Request& req) {
  return Client{req.remote_addr, req.header("user-agent")};
}

std::string string_field(const nlohmann::json& body, const char* key, const char* example) {
  if (!body.contains(key) || !body[key].is_string() || body[key].get<std::string>().empty()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(key) + " is required: " + example,
                {{"field", key}});
  }
  return body[key].get<std::string>();
}

http::Response signed_in(const SessionService& service, const Started& s) {
  auto r = http::Response::json(200, {{"user", users::to_json(s.user)},
                                      {"csrf_token", s.csrf_token},
                                      {"session", to_json(s.session)}});
  r.headers.emplace_back("Set-Cookie", set_cookie(service, s.cookie));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

// The bot's numeric id: the digits before its token's colon (public — Telegram's sign-in page
// takes it as bot_id); 0 when the token has no such prefix.
int64_t bot_id_of(const std::string& token) {
  const auto colon = token.find(':');
  if (colon == std::string::npos || colon == 0 || colon > 18) return 0;
  int64_t id = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (token[i] < '0' || token[i] > '9') return 0;
    id = id * 10 + (token[i] - '0');
  }
  return id;
}

std::string cookie_name(bool secure) {
  return secure ? "__Host-lucas_session" : "lucas_session";
}

std::optional<std::string> session_cookie(const http::Request& req) {
  const std::string header = req.header("cookie");
  std::optional<std::string> plain;
  std::string_view rest = header;
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    while (!pair.empty() && pair.back() == ' ') pair.remove_suffix(1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = pair.substr(0, eq);
    const std::string value(pair.substr(eq + 1));
    if (name == cookie_name(true)) return value;  // the prefixed one wins
    if (name == cookie_name(false) && !plain) plain = value;
  }
  return plain;
}

std::string set_cookie(const SessionService& service, const std::string& value) {
  const bool secure = service.secure_cookies();
  return cookie_name(secure) + "=" + value + "; Path=/; Max-Age=" + std::to_string(kCookieMaxAgeS) +
         "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
}

std::string clear_cookie(const SessionService& service) {
  const bool secure = service.secure_cookies();
  return cookie_name(secure) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" +
         (secure ? "; Secure" : "");
}

void authenticate_request(SessionService& service, http::Request& req) {
  if (req.authenticated() || req.path.rfind("/api/", 0) != 0 || sign_in_path(req.path)) return;
  const auto cookie = session_cookie(req);
  if (!cookie) return;
  const auto resolved = service.resolve(*cookie, req.remote_addr);
  if (!resolved) return;
  if (state_changing(req.method) &&
      !equal_constant_time(req.header("x-csrf-token"), resolved->csrf_token)) {
    throw Error(ErrorCode::kForbidden,
                "a request made with the session cookie needs the session's X-CSRF-Token header "
                "(GET /api/v1/auth/session gives it)",
                {{"error", "csrf"}});
  }
  req.auth_user_id = resolved->user.telegram_id;
  req.auth_role = std::string(users::role_name(resolved->user.role));
  req.auth_client_id = std::string(kWebClientId);
}

void register_http(http::Router& router, SessionService& service, PublicConfig config) {
  router.add("GET", "/api/v1/auth/config", [&service, config](const http::Request&) {
    const bool widget = service.options().widget_enabled;
    return http::Response::json(
        200, {{"bot_username", config.bot_username},
              {"telegram", !service.options().bot_token.empty()},
              {"widget", widget ? nlohmann::json{{"domain", config.login_domain},
                                                 {"bot_id", bot_id_of(service.options().bot_token)}}
                                : nullptr},
              {"login_link_command", "/login"}});
  });

  router.add("POST", "/api/v1/auth/telegram/webapp", [&service](const http::Request& req) {
    const char* example = "{\"init_data\": \"<Telegram.WebApp.initData>\"}";
    const auto body = req.json_body(example);
    return signed_in(
        service, service.sign_in_webapp(string_field(body, "init_data", example), client_of(req)));
  });

  router.add("POST", "/api/v1/auth/telegram/widget", [&service](const http::Request& req) {
    const auto body = req.json_body("the Login Widget's user object");
    std::map<std::string, std::string> fields;
    for (const auto& [k, v] : body.items()) {
      if (v.is_string()) {
        fields[k] = v.get<std::string>();
      } else if (v.is_number_integer()) {
        fields[k] = std::to_string(v.get<int64_t>());
      } else {
        throw Error(ErrorCode::kInvalidArgument, "widget fields are strings or integers",
                    {{"field", k}});
      }
    }
    return signed_in(service, service.sign_in_widget(fields, client_of(req)));
  });

  router.add("POST", "/api/v1/auth/login-link", [&service](const http::Request& req) {
    const char* example = "{\"token\": \"<the token after #token= in the link>\"}";
    const auto body = req.json_body(example);
    return signed_in(service,
                     service.sign_in_link(string_field(body, "token", example), client_of(req)));
  });

  router.add("GET", "/api/v1/auth/session", [&service](const http::Request& req) {
    const auto cookie = session_cookie(req);
    const auto resolved = cookie ? service.resolve(*cookie, req.remote_addr) : std::nullopt;
    if (!resolved) {
      throw Error(ErrorCode::kUnauthorized, "not signed in", {{"error", "no_session"}});
    }
    auto r = http::Response::json(200, {{"user", users::to_json(resolved->user)},
                                        {"csrf_token", resolved->csrf_token},
                                        {"session", to_json(resolved->session)}});
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });

  router.add("POST", "/api/v1/auth/logout", [&service](const http::Request& req) {
    const auto cookie = session_cookie(req);
    const bool ended = cookie && service.logout(*cookie, req.remote_addr);
    auto r = http::Response::json(200, {{"signed_out", ended}});
    r.headers.emplace_back("Set-Cookie", clear_cookie(service));
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });

  router.add("GET", "/api/v1/me/sessions", [&service](const http::Request& req) {
    const int64_t user = req.require_user();
    const auto cookie = session_cookie(req);
    const auto current = cookie ? service.resolve(*cookie, req.remote_addr) : std::nullopt;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : service.list(users::actor_of(req), user)) {
      auto j = to_json(s);
      j["current"] = current && current->session.id == s.id;
      items.push_back(std::move(j));
    }
    auto r = http::Response::json(200, {{"items", items}});
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });

  router.add("DELETE", "/api/v1/me/sessions/{id}", [&service](const http::Request& req) {
    req.require_user();
    const std::string id = req.params.at("id");
    const auto cookie = session_cookie(req);
    const auto current = cookie ? service.resolve(*cookie, req.remote_addr) : std::nullopt;
    service.revoke(users::actor_of(req), id, req.remote_addr);
    auto r = http::Response::json(200, {{"revoked", id}});
    if (current && current->session.id == id) {
      r.headers.emplace_back("Set-Cookie", clear_cookie(service));
    }
    return r;
  });
}

}  // namespace lucas::sessions
