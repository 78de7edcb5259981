#include "features/notifications/notifications_bot.h"

#include <algorithm>

#include "base/i18n.h"
#include "infra/telegram/mini_app.h"

namespace lucas::notifications {

std::function<telegram::Reply(const users::User&, const std::string&, bool)> web_command(
    NotificationService& service, std::string public_url) {
  return [&service, url = websocket_url(public_url), app = telegram::mini_app_url(public_url)](
             const users::User& u, const std::string&, bool private_chat) -> telegram::Reply {
    if (!private_chat) return i18n::text(u.language, "web_private_only");
    const auto t = service.issue_token(u.telegram_id, "bot", "");
    const int64_t minutes = std::max<int64_t>(1, service.token_ttl() / 60'000'000);
    telegram::Reply reply = i18n::text(u.language, "web_token",
                                       {{"token", t.token},
                                        {"url", url},
                                        {"expires", format_rfc3339(t.expires_at)},
                                        {"minutes", std::to_string(minutes)}});
    if (app) {
      reply.text = i18n::text(u.language, "web_open_app") + "\n\n" + reply.text;
      reply.keyboard = {
          {telegram::Button::web_app(i18n::text(u.language, "web_app_button"), *app)}};
    }
    return reply;
  };
}

}  // namespace lucas::notifications
