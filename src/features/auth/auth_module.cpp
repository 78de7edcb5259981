#include "features/auth/auth_module.h"

#include "features/auth/auth_bot.h"
#include "features/auth/auth_cli.h"
#include "features/auth/auth_http.h"
#include "features/users/users_module.h"
#include "infra/http/api_documents.h"

namespace lucas::auth {

void register_module(module::Module& m) {
  m.api(http::api_document("auth"));  // auth_api.json: its routes in the OpenAPI document
  register_cli(m);
  m.migrations(migrations)
      .routes([](http::Router& router, module::Services& s) {
        register_http(router, s.get<AuthService>(), s.get<users::UserService>());
      })
      .command({"confirm_client", "help_cmd_confirm_client", module::Who::kEveryone,
                module::Where::kAnywhere, users::user_command([](module::Services& s) {
                  return confirm_client_command(s.get<AuthService>());
                })})
      .job({"auth.prune_tokens", jobs::Schedule::daily(4, 10),
            [](module::Services& s, const jobs::Run&) { s.get<AuthService>().prune_expired(); }});
}

}  // namespace lucas::auth
