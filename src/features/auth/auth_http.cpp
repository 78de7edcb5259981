#include "features/auth/auth_http.h"

#include "base/ids.h"
#include "features/users/users_http.h"

namespace lucas::auth {
namespace {

// Client credentials from HTTP Basic (RFC 6749 2.3.1: form-urlencoded id and secret) or from
// the body (form or JSON).
std::pair<std::string, std::string> client_credentials(
    const http::Request& req, const std::map<std::string, std::string>& body) {
  const std::string authz = req.header("authorization");
  if (authz.size() > 6 &&
      (authz.compare(0, 6, "Basic ") == 0 || authz.compare(0, 6, "basic ") == 0)) {
    // Basic is base64 (standard alphabet); base64url_decode takes '+' '/' after mapping.
    std::string b64 = authz.substr(6);
    for (auto& c : b64) {
      if (c == '+') c = '-';
      if (c == '/') c = '_';
    }
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    const auto decoded = base64url_decode(b64);
    const size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (!decoded || colon == std::string::npos) {
      throw Error(ErrorCode::kUnauthorized, "malformed Basic credentials",
                  {{"error", "invalid_client"}});
    }
    const auto id = http::percent_decode(decoded->substr(0, colon), true);
    const auto secret = http::percent_decode(decoded->substr(colon + 1), true);
    if (!id || !secret) {
      throw Error(ErrorCode::kUnauthorized, "malformed Basic credentials",
                  {{"error", "invalid_client"}});
    }
    return {*id, *secret};
  }
  const auto id = body.find("client_id");
  const auto secret = body.find("client_secret");
  if (id == body.end() || secret == body.end()) {
    throw Error(ErrorCode::kUnauthorized,
                "client authentication is required (HTTP Basic, or client_id and client_secret)",
                {{"error", "invalid_client"}});
  }
  return {id->second, secret->second};
}

std::map<std::string, std::string> token_request_body(const http::Request& req) {
  const std::string type = req.header("content-type");
  if (type.rfind("application/json", 0) == 0) {
    const auto j = req.json_body({}, {{"error", "invalid_request"}});
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : j.items()) {
      if (v.is_string()) out[k] = v.get<std::string>();
    }
    return out;
  }
  auto form = http::parse_form(req.body);
  if (!form) {
    throw Error(ErrorCode::kInvalidArgument, "malformed form body", {{"error", "invalid_request"}});
  }
  return *form;
}

// {"name": "...", "scopes": [...]}
nlohmann::json client_body(const http::Request& req) {
  constexpr std::string_view kExpected =
      "send {\"name\": \"...\", \"scopes\": [\"balance:read\", ...]}";
  auto body = req.json_body(kExpected);
  if (!body.contains("name") || !body["name"].is_string()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(kExpected));
  }
  return body;
}

// {"scopes": ["a", "b"]}: absent means the default set.
std::optional<std::vector<std::string>> scopes_of(const nlohmann::json& body) {
  if (!body.contains("scopes")) return std::nullopt;
  const auto& v = body["scopes"];
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& s : v) {
      if (!s.is_string()) break;
      out.push_back(s.get<std::string>());
    }
  }
  if (!v.is_array() || out.size() != v.size()) {
    throw Error(ErrorCode::kInvalidArgument, "scopes is an array of scope names",
                {{"error", "invalid_scope"}});
  }
  return out;
}

}  // namespace

void authenticate_request(AuthService& service, http::Request& req) {
  const auto token = bearer_token(req.header("authorization"));
  if (!token) return;
  const Principal p = service.authenticate(*token, req.remote_addr);
  req.auth_user_id = p.user_id;
  req.auth_role = std::string(users::role_name(p.role));
  req.auth_client_id = p.client_id;
  req.auth_scopes = p.scopes;
}

void register_http(http::Router& router, AuthService& service, users::UserService& users) {
  // RFC 6749 4.4: grant_type=client_credentials. The answer is never cached.
  router.add("POST", "/api/v1/oauth/token", [&service](const http::Request& req) {
    const auto body = token_request_body(req);
    const auto grant = body.find("grant_type");
    if (grant == body.end()) {
      throw Error(ErrorCode::kInvalidArgument, "grant_type is required",
                  {{"error", "invalid_request"}});
    }
    if (grant->second != "client_credentials") {
      throw Error(ErrorCode::kInvalidArgument, "only grant_type=client_credentials is supported",
                  {{"error", "unsupported_grant_type"}});
    }
    const auto [id, secret] = client_credentials(req, body);
    const auto scope = body.find("scope");
    const AccessToken t =
        service.issue_token(id, secret, req.remote_addr,
                            scope == body.end() ? std::nullopt : std::optional(scope->second));
    nlohmann::json answer{
        {"access_token", t.token}, {"token_type", "Bearer"}, {"expires_in", t.expires_in_s}};
    if (t.scopes) answer["scope"] = users::join_scopes(*t.scopes);  // RFC 6749 5.1
    auto r = http::Response::json(200, answer);
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("Pragma", "no-cache");
    return r;
  });

  router.add(
      "GET", "/api/v1/me",
      [&users](const http::Request& req) {
        const auto actor = users::actor_of(req);
        auto j = users::to_json(users.me(actor));
        j["client_id"] = req.auth_client_id;
        j["scopes"] = actor.scopes ? nlohmann::json(*actor.scopes) : nlohmann::json(nullptr);
        return http::Response::json(200, j);
      },
      http::RouteOptions{.inline_first = true});  // the users' cache answers it

  // The scopes there are, for whoever writes a client.
  router.add("GET", "/api/v1/oauth/scopes", [](const http::Request&) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& s : users::scope_catalog()) {
      items.push_back({{"name", s.name}, {"description", s.description}});
    }
    return http::Response::json(200, {{"items", items}, {"default", users::default_scopes()}});
  });

  router.add("GET", "/api/v1/users/{id}/clients", [&service](const http::Request& req) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& c : service.clients(users::actor_of(req), req.int_param("id"))) {
      items.push_back(to_json(c));
    }
    return http::Response::json(200, {{"items", items}});
  });

  // Through the API a client is pending until its user confirms it in the bot.
  router.add("POST", "/api/v1/users/{id}/clients", [&service](const http::Request& req) {
    const auto body = client_body(req);
    const auto created = service.create_client(users::actor_of(req), req.int_param("id"),
                                               body["name"].get<std::string>(), scopes_of(body));
    auto j = to_json(created.client);
    j["client_secret"] = created.secret;  // shown once
    if (created.confirmation_code) {
      j["confirmation"] = {{"code", *created.confirmation_code},
                           {"command", "/confirm_client " + *created.confirmation_code},
                           {"user_id", created.client.user_id},
                           {"expires_at", format_rfc3339(*created.client.confirm_before)},
                           {"how", "the user sends the command to the bot in a private chat"}};
    }
    auto r = http::Response::json(201, j);
    r.headers.emplace_back("Cache-Control", "no-store");
    return r;
  });

  router.add("DELETE", "/api/v1/clients/{client_id}", [&service](const http::Request& req) {
    service.revoke_client(users::actor_of(req), req.params.at("client_id"));
    return http::Response::json(200, {{"revoked", req.params.at("client_id")}});
  });
}

}  // namespace lucas::auth
