#include "features/notifications/notifications_http.h"

#include "features/users/access.h"

namespace lucas::notifications {

void register_http(http::Router& router, NotificationService& service, std::string public_url) {
  router.add("POST", "/api/v1/ws/token",
             [&service, url = websocket_url(public_url)](const http::Request& req) {
               const int64_t user =
                   req.require_scope(users::scope::kWs);  // 401 without a bearer token
               const auto t = service.issue_token(user, "api", req.remote_addr, req.auth_client_id);
               return http::Response::json(200, {{"token", t.token},
                                                 {"expires_at", format_rfc3339(t.expires_at)},
                                                 {"url", url},
                                                 {"user_id", user}});
             });
  router.add("POST", "/api/v1/ws/broadcast", [&service](const http::Request& req) {
    const int64_t user = req.require_scope(users::scope::kAdmin);
    if (req.auth_role != "admin" && req.auth_role != "owner") {
      throw Error(ErrorCode::kForbidden, "only an admin may broadcast");
    }
    constexpr std::string_view kExpected =
        "expected {\"topic\": \"...\", \"type\": \"...\", \"data\": {...}}";
    const auto body = req.json_body(kExpected);
    if (!body.contains("topic") || !body["topic"].is_string() || !body.contains("type") ||
        !body["type"].is_string()) {
      throw Error(ErrorCode::kInvalidArgument, std::string(kExpected));
    }
    service.broadcast(user, body["topic"].get<std::string>(), body["type"].get<std::string>(),
                      body.value("data", nlohmann::json::object()), req.remote_addr);
    return http::Response::json(200, {{"ok", true}});
  });
}

}  // namespace lucas::notifications
