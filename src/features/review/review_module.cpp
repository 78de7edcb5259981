#include "features/review/review_module.h"

#include "features/review/review_bot.h"
#include "features/review/review_http.h"
#include "features/users/users_module.h"
#include "infra/http/api_documents.h"

namespace lucas::review {
namespace {

// One of the review queue's commands (review_bot.cpp), for admins.
module::BotCommand queue_command(const std::string& name) {
  return {name, "help_cmd_" + name, module::Who::kAdmin, module::Where::kAnywhere,
          users::with_user([cmd = "/" + name](module::Services& s, const users::User& u,
                                              const module::CommandCall& c) {
            return *review_command(s.get<ReviewService>(), u, cmd, c.args);
          })};
}

}  // namespace

void register_module(module::Module& m) {
  m.api(http::api_document("review"));  // review_api.json: its routes in the OpenAPI document
  m.trigger({"parse", "help_parse", &is_parse,
             [](module::Services& s, const telegram::Message& msg, const module::CommandCall& c) {
               return parse_reply(s.get<CreditDesk>(), msg,
                                  s.get<users::UserService>().get(c.user_id));
             },
             telegram::RateClass::kHeavy})  // the AI parser may read it
      .command(queue_command("review"))
      .command(queue_command("accept"))
      .command(queue_command("correct"))
      .routes([](http::Router& router, module::Services& s) {
        register_http(router, s.get<ReviewService>(), s.get<parser::ParserService>());
      });
}

}  // namespace lucas::review
