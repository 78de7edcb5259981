#include "features/sessions/sessions_bot.h"

#include <algorithm>

#include "base/i18n.h"

namespace lucas::sessions {

std::function<std::string(const users::User&, const std::string&, bool)> login_command(
    SessionService& service) {
  return [&service](const users::User& u, const std::string&, bool private_chat) {
    if (!private_chat) return i18n::text(u.language, "login_private_only");
    const std::string url = service.create_login_link(u.telegram_id);
    const int64_t minutes = std::max<int64_t>(1, service.options().link_ttl / 60'000'000);
    return i18n::text(u.language, "login_link",
                      {{"url", url}, {"minutes", std::to_string(minutes)}});
  };
}

}  // namespace lucas::sessions
