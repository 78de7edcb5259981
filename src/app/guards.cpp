// Who may still come in, and who must go: a banned user is refused by the REST API (the router's
// authenticator), the WebSocket (admission) and the bot (the Telegram front door); open WebSocket
// connections are closed on every node when their user is banned or demoted, or when the API client
// that obtained their token is revoked; a banned user's web sessions end.
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "features/sessions/sessions_http.h"

namespace lucas::app {

void App::wire_access_guards() {
  notifications->set_admission_check([this](int64_t user_id, const std::string& client_id) {
    users->require_not_banned(user_id);
    if (client_id.empty() || client_id == sessions::kWebClientId) return;
    if (auth->client_active(client_id, user_id)) return;
    throw Error(ErrorCode::kUnauthorized,
                "the API client that obtained this WebSocket token was revoked",
                {{"reason", "client_revoked"}});
  });
  // Everywhere-subscriptions: each node closes its own connections (a CLI command's events arrive
  // by the outbox's catch-up).
  outbox->subscribe_everywhere("users.banned", [h = hub.get()](const events::Event& ev) {
    const int64_t id = ev.payload.value("telegram_id", int64_t{0});
    const auto& until = ev.payload.contains("until") ? ev.payload["until"] : nlohmann::json();
    const size_t n = h->close_user(
        id, realtime::kCloseBanned,
        until.is_string() ? "banned until " + until.get<std::string>() : std::string("banned"));
    if (n > 0) spdlog::info("websocket: user {} banned: {} connection(s) closed", id, n);
  });
  // Once for the platform: a banned user's web sessions end (the router would refuse them anyway;
  // ending them signs the user out everywhere, as the sessions list shows).
  outbox->subscribe("users.banned", [this](const events::Event& ev) {
    const int64_t id = ev.payload.value("telegram_id", int64_t{0});
    const int64_t n = web_sessions->revoke_all(id, "banned");
    if (n > 0) spdlog::info("web: user {} banned: {} session(s) ended", id, n);
  });
  outbox->subscribe_everywhere("users.changed", [h = hub.get()](const events::Event& ev) {
    const auto from = users::parse_role(ev.payload.value("previous_role", std::string()));
    const auto to = users::parse_role(ev.payload.value("role", std::string()));
    if (!from || !to || *to >= *from) return;
    const int64_t id = ev.payload.value("telegram_id", int64_t{0});
    const size_t n =
        h->close_user(id, realtime::kCloseRoleChanged,
                      "role changed to " + std::string(users::role_name(*to)) + ": reconnect");
    if (n > 0) spdlog::info("websocket: user {} demoted: {} connection(s) closed", id, n);
  });
  outbox->subscribe_everywhere("auth.client_revoked", [h = hub.get()](const events::Event& ev) {
    const std::string client = ev.payload.value("client_id", std::string());
    const size_t n = h->close_client(client, realtime::kCloseRevoked, "the API client was revoked");
    if (n > 0) spdlog::info("websocket: client {} revoked: {} connection(s) closed", client, n);
  });
}

}  // namespace lucas::app
