#include "features/bank/bank_module.h"

#include <spdlog/spdlog.h>

#include "features/bank/bank_bot.h"
#include "features/bank/bank_http.h"
#include "features/users/users_module.h"
#include "infra/http/api_documents.h"

namespace lucas::bank {

namespace {

using module::Where;
using module::Who;
using Call = module::CommandCall;
using S = module::Services;

// One of the nickname commands of bank_links_bot.cpp.
module::BotCommand link(const std::string& name, Who who) {
  return {name, "help_cmd_" + name, who, Where::kAnywhere,
          users::with_user([cmd = "/" + name](S& s, const users::User& u, const Call& c) {
            return *link_command(s.get<BankService>(), s.get<users::UserService>(), u, cmd, c.args);
          })};
}

}  // namespace

void register_module(module::Module& m) {
  m.api(http::api_document("bank"));  // bank_api.json: its routes in the OpenAPI document
  m.command(link("link", Who::kEveryone))
      .command({"stats", "help_cmd_stats", Who::kAdmin, Where::kAnywhere,
                users::with_user([](S& s, const users::User& u, const Call&) {
                  return s.get<BankBot>().stats_reply(u);
                })})
      .command({"rate", "help_cmd_rate", Who::kAdmin, Where::kAnywhere,
                users::with_user([](S& s, const users::User& u, const Call& c) {
                  return s.get<BankBot>().rate_reply(u, c.args);
                })})
      .command(link("claims", Who::kAdmin))
      .command(link("approve", Who::kAdmin))
      .command(link("reject", Who::kAdmin))
      .command(link("unlink", Who::kAdmin))
      .command(link("unclaimed", Who::kAdmin));
  m.migrations(migrations)
      .routes([](http::Router& router, module::Services& s) {
        register_http(router, s.get<BankService>());
      })
      // Unclaimed credits past their time go back to the game's mint.
      .job({"bank.expire_unclaimed", jobs::Schedule::daily(4, 20),
            [](module::Services& s, const jobs::Run&) {
              const int64_t n = s.get<BankService>().expire_unclaimed();
              if (n > 0) spdlog::info("bank: {} unclaimed credits expired", n);
            }});
}

}  // namespace lucas::bank
