#include "features/sessions/sessions_module.h"

#include "base/config.h"
#include "features/sessions/sessions_bot.h"
#include "features/sessions/sessions_http.h"
#include "features/users/users_module.h"
#include "infra/http/api_documents.h"

namespace lucas::sessions {

void register_module(module::Module& m) {
  m.api(http::api_document("sessions"));  // sessions_api.json: its routes in the OpenAPI document
  m.migrations(migrations)
      .routes([](http::Router& router, module::Services& s) {
        const auto& config = s.get<Config>();
        register_http(router, s.get<SessionService>(),
                      {config.telegram_bot_username, config.web_login_domain});
      })
      .command({"login", "help_cmd_login", module::Who::kEveryone, module::Where::kAnywhere,
                users::user_command(
                    [](module::Services& s) { return login_command(s.get<SessionService>()); })});
}

}  // namespace lucas::sessions
