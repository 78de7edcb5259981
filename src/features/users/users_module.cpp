#include "features/users/users_module.h"

#include "features/users/users_bot.h"
#include "features/users/users_cli.h"
#include "features/users/users_http.h"
#include "infra/http/api_documents.h"

namespace lucas::users {

std::function<telegram::Reply(module::Services&, const module::CommandCall&)> with_user(
    UserHandler handler) {
  return [handler = std::move(handler)](module::Services& s, const module::CommandCall& call) {
    const User user = s.get<UserService>().get(call.user_id);
    return handler(s, user, call);
  };
}

std::function<telegram::Reply(module::Services&, const module::CommandCall&)> user_command(
    std::function<UserCommand(module::Services&)> make) {
  return with_user([make = std::move(make)](module::Services& s, const User& user,
                                            const module::CommandCall& call) {
    return make(s)(user, call.args, call.private_chat);
  });
}

void register_module(module::Module& m) {
  m.api(http::api_document("users"));  // users_api.json: its routes in the OpenAPI document
  register_cli(m);
  using module::Where;
  using module::Who;
  using Call = module::CommandCall;
  using S = module::Services;
  m.migrations(migrations)
      .provide([](S& s) {
        s.put(std::make_unique<HistoryService>(s.get<store::Database>(), s.get<ledger::Ledger>(),
                                               s.get<UserService>()));
      })
      .routes([](http::Router& router, S& s) {
        register_http(router, s.get<UserService>(), s.get<HistoryService>());
      })
      .command({"start", "help_cmd_start", Who::kEveryone, Where::kAnywhere,
                with_user([](S&, const User& u, const Call&) { return start_reply(u); })})
      .command({"balance", "help_cmd_balance", Who::kEveryone, Where::kAnywhere,
                with_user([](S& s, const User& u, const Call&) {
                  return balance_reply(s.get<UserService>(), u);
                })})
      .command({"history", "help_cmd_history", Who::kEveryone, Where::kAnywhere,
                with_user([](S& s, const User& u, const Call& c) {
                  return history_reply(s.get<UserService>(), u, c.args);
                })})
      .command({"profile", "help_cmd_profile", Who::kEveryone, Where::kAnywhere,
                with_user([](S& s, const User& u, const Call&) {
                  return profile_reply(s.get<UserService>(), u);
                })})
      .command({"ping", "help_cmd_ping", Who::kEveryone, Where::kAnywhere,
                with_user([](S&, const User& u, const Call&) { return ping_reply(u); })})
      .command({"grant", "help_cmd_grant", Who::kAdmin, Where::kAnywhere,
                with_user([](S& s, const User& u, const Call& c) {
                  return grant_reply(s.get<UserService>(), u, c);
                })});
}

}  // namespace lucas::users
