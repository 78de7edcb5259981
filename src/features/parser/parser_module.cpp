#include "features/parser/parser_module.h"

#include "features/parser/parser_bot.h"
#include "features/parser/parser_http.h"
#include "features/parser/review.h"
#include "features/users/users_module.h"

namespace lucas::parser {

namespace {

// One of the review queue's commands (parser_bot.cpp), for admins.
module::BotCommand review(const std::string& name) {
  return {name, "help_cmd_" + name, module::Who::kAdmin, module::Where::kAnywhere,
          users::with_user([cmd = "/" + name](module::Services& s, const users::User& u,
                                              const module::CommandCall& c) {
            return *review_command(s.get<ReviewService>(), u, cmd, c.args);
          })};
}

}  // namespace

void register_module(module::Module& m) {
  m.command(review("review")).command(review("accept")).command(review("correct"));
  m.migrations(migrations).routes([](http::Router& router, module::Services& s) {
    register_http(router, s.get<ParserService>(), s.get<ReviewService>(), s.get<DriftMonitor>());
  });
}

}  // namespace lucas::parser
