#include "features/leaderboards/leaderboards_module.h"

#include "features/leaderboards/leaderboards_bot.h"
#include "features/leaderboards/leaderboards_http.h"
#include "features/users/users_module.h"
#include "infra/http/api_documents.h"

namespace lucas::leaderboards {

void register_module(module::Module& m) {
  m.api(http::api_document(
      "leaderboards"));  // leaderboards_api.json: its routes in the OpenAPI document
  m.migrations(migrations)
      .routes([](http::Router& router, module::Services& s) {
        register_http(router, s.get<LeaderboardService>(), s.get<Clock>());
      })
      .command({"top", "help_cmd_top", module::Who::kEveryone, module::Where::kAnywhere,
                users::user_command([](module::Services& s) -> users::UserCommand {
                  return [&service = s.get<LeaderboardService>()](const users::User& u,
                                                                  const std::string& args, bool) {
                    return top_reply(service, u, args);
                  };
                })})
      .job({"leaderboards.rollover", jobs::Schedule::every(3'600'000'000),
            [](module::Services& s, const jobs::Run&) { s.get<LeaderboardService>().rollover(); }});
}

}  // namespace lucas::leaderboards
