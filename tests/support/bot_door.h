// The Telegram front door as `lucas serve` builds it, over the services a test has: the users,
// bank, parser, review and leaderboards modules' commands and the parse trigger behind one
// FrontDoor (a command whose service the test did not give answers INTERNAL, as a wiring mistake
// would).
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "features/bank/bank_bot.h"
#include "features/bank/bank_module.h"
#include "features/leaderboards/leaderboards_module.h"
#include "features/parser/parser_module.h"
#include "features/review/credit_desk.h"
#include "features/review/review_module.h"
#include "features/users/users_bot.h"
#include "features/users/users_module.h"
#include "infra/module/module.h"
#include "infra/telegram/front_door.h"

namespace lucas::testing {

struct BotDoor {
  BotDoor(bank::BankService& bank_service, users::UserService& user_service,
          review::DeskOptions options = {review::default_game_bots()},
          ratelimit::Limiter* limiter = nullptr,
          const std::function<void(module::Services&)>& more = {})
      : bank_bot(bank_service, user_service),
        desk(bank_service.database(), bank_service, std::move(options)),
        modules(module::declare({{"users", &users::register_module},
                                 {"bank", &bank::register_module},
                                 {"parser", &parser::register_module},
                                 {"review", &review::register_module},
                                 {"leaderboards", &leaderboards::register_module}})) {
    services.put(user_service);
    services.put(bank_service);
    services.put(bank_bot);
    services.put(desk);
    if (more) more(services);
    door = std::make_unique<telegram::FrontDoor>(
        telegram::FrontDoorOptions{"lucas_bank_bot", limiter, 20}, users::identify(user_service),
        module::bot_commands(modules, services), module::bot_triggers(modules, services));
  }
  std::vector<telegram::Outgoing> handle(const telegram::Update& update) {
    return door->handle(update);
  }

  module::Services services;
  bank::BankBot bank_bot;
  review::CreditDesk desk;
  std::vector<module::Module> modules;
  std::unique_ptr<telegram::FrontDoor> door;
};

}  // namespace lucas::testing
