#include "features/users/users_bot.h"

#include "base/i18n.h"

namespace lucas::users {

std::string ban_refusal(const User& user) {
  const std::string reason = user.ban ? user.ban->reason : std::string();
  if (user.ban && user.ban->until) {
    return i18n::text(user.language, "banned_until",
                      {{"until", format_rfc3339(*user.ban->until)}, {"reason", reason}});
  }
  return i18n::text(user.language, "banned", {{"reason", reason}});
}

}  // namespace lucas::users
