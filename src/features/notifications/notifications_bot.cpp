#include "features/notifications/notifications_bot.h"

#include <algorithm>

#include "base/i18n.h"

namespace lucas::notifications {

std::function<std::string(const users::User&, const std::string&, bool)> web_command(
    NotificationService& service, std::string public_url) {
  return [&service, url = websocket_url(public_url)](const users::User& u, const std::string&,
                                                     bool private_chat) {
    if (!private_chat) return i18n::text(u.language, "web_private_only");
    const auto t = service.issue_token(u.telegram_id, "bot", "");
    const int64_t minutes = std::max<int64_t>(1, service.token_ttl() / 60'000'000);
    return i18n::text(u.language, "web_token",
                      {{"token", t.token},
                       {"url", url},
                       {"expires", format_rfc3339(t.expires_at)},
                       {"minutes", std::to_string(minutes)}});
  };
}

}  // namespace lucas::notifications
