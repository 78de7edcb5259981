#include "features/auth/auth_bot.h"

#include "base/i18n.h"

namespace lucas::auth {

std::function<std::string(const users::User&, const std::string&, bool)> confirm_client_command(
    AuthService& service) {
  return [&service](const users::User& u, const std::string& args, bool private_chat) {
    const std::string& lang = u.language;
    if (private_chat && args.find_first_not_of(' ') == std::string::npos) {
      return i18n::text(lang, "client_confirm_usage");
    }
    try {
      const Client c = service.confirm_client(u.telegram_id, args, private_chat);
      return i18n::text(
          lang, "client_confirmed",
          {{"name", c.name}, {"client_id", c.client_id}, {"scopes", users::join_scopes(c.scopes)}});
    } catch (const Error& e) {
      const std::string reason =
          e.details().is_object() ? e.details().value("reason", std::string()) : std::string();
      if (reason == "group") return i18n::text(lang, "client_confirm_private_only");
      if (reason == "expired") return i18n::text(lang, "client_confirm_expired");
      if (reason == "used") return i18n::text(lang, "client_confirm_used");
      if (reason.empty()) throw;
      return i18n::text(lang, "client_confirm_unknown");  // unknown, another user's, revoked
    }
  };
}

}  // namespace lucas::auth
