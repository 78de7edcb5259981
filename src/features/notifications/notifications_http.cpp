#include "features/notifications/notifications_http.h"

#include "features/users/access.h"
#include "features/users/users_http.h"

namespace lucas::notifications {
namespace {

nlohmann::json read_state_json(const ReadState& s) {
  return {{"read_up_to", s.read_up_to}, {"unread", s.unread}};
}

void register_inbox(http::Router& router, Inbox& inbox) {
  // ?before=&limit=&type=
  router.add("GET", "/api/v1/me/notifications", [&inbox](const http::Request& req) {
    InboxQuery q;
    if (req.query_param("before")) q.before = req.int_query("before", 0, INT64_MIN, INT64_MAX);
    q.limit = req.int_query("limit", kInboxDefaultLimit, INT64_MIN, INT64_MAX);
    q.type = req.query_param("type");
    const auto page = inbox.list(users::actor_of(req), q);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& item : page.items) {
      const auto& n = item.notification;
      items.push_back({{"id", n.id},
                       {"type", n.type},
                       {"created_at", format_rfc3339(n.time)},
                       {"data", n.data},
                       {"read", item.read}});
    }
    return http::Response::json(
        200, {{"items", std::move(items)},
              {"next_before", page.next_before ? nlohmann::json(*page.next_before) : nullptr},
              {"unread", page.unread},
              {"read_up_to", page.read_up_to}});
  });
  router.add("POST", "/api/v1/me/notifications/read", [&inbox](const http::Request& req) {
    constexpr std::string_view kExpected = "expected {\"up_to_id\": <notification id>}";
    const auto body = req.json_body(kExpected);
    if (!body.contains("up_to_id") || !body["up_to_id"].is_number_integer()) {
      throw Error(ErrorCode::kInvalidArgument, std::string(kExpected), {{"field", "up_to_id"}});
    }
    return http::Response::json(200, read_state_json(inbox.mark_read(
                                         users::actor_of(req), body["up_to_id"].get<int64_t>())));
  });
}

}  // namespace

void register_http(http::Router& router, NotificationService& service, Inbox& inbox,
                   std::string public_url) {
  register_inbox(router, inbox);
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
