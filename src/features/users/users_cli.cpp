#include "features/users/users_cli.h"

#include <fmt/format.h>

#include <iostream>

#include "base/money.h"
#include "features/users/users.h"
#include "infra/events/outbox.h"

namespace lucas::users {
namespace {

int add(const module::CliRun& run) {
  UserUpdate update;
  update.telegram_id = run.integer("--id", 1);
  update.username = run.option("--username");
  update.display_name = run.option("--name");
  update.language = run.option("--language");
  auto& s = run.open();
  auto& users = s.get<UserService>();
  auto u = users.upsert(update);
  if (const auto& role = run.option("--role"); !role.empty()) {
    u = users.set_role(0, u.telegram_id, *parse_role(role));
  }
  std::cout << to_json(u).dump() << "\n";
  return 0;
}

int ban(const module::CliRun& run) {
  const int64_t id = run.integer("id", 1);
  const auto until = run.time("--until");
  auto& s = run.open();
  const auto u = s.get<UserService>().ban(0, id, run.option("--reason"), until);
  s.get<events::Outbox>().drain();  // serving nodes close the user's connections on catch-up
  std::cout << to_json(u).dump() << "\n";
  return 0;
}

int unban(const module::CliRun& run) {
  const int64_t id = run.integer("id", 1);
  auto& s = run.open();
  const auto u = s.get<UserService>().unban(0, id);
  s.get<events::Outbox>().drain();
  std::cout << to_json(u).dump() << "\n";
  return 0;
}

int grant(const module::CliRun& run) {
  const int64_t user = run.integer("--user", 1);
  const std::string& currency = run.option("--currency");
  auto& s = run.open();
  auto& users = s.get<UserService>();
  const int scale = users.currency_scale(currency);
  const int64_t amount = parse_amount(run.option("--amount"), scale);
  const auto t = users.adjust(0, run.option("--key"), user, amount, currency, run.option("--note"));
  s.get<events::Outbox>().drain();  // the transfer's audit entry is written now
  std::cout << fmt::format("{} transfer {}: {} {} to user {}\n",
                           t.replayed ? "already done:" : "done:", t.id,
                           format_amount(amount, scale), currency, user);
  return 0;
}

}  // namespace

void register_cli(module::Module& m) {
  m.cli_group({{"user"}, "user administration"})
      .cli({{"user", "add"},
            "create or update a user",
            {{"--id", "Telegram user id", true},
             {"--username", "Telegram username"},
             {"--name", "display name"},
             {"--language", "Telegram language code (ru, en, ...)"},
             module::CliOption("--role", "user, moderator, admin or owner")
                 .allowed({"user", "moderator", "admin", "owner"})},
            add})
      .cli({{"user", "ban"},
            "ban a user: the bot, API and WebSocket refuse them",
            {{"id", "Telegram user id", true},
             {"--reason", "why (the user is told)", true},
             {"--until", "end: 2026-12-31 or RFC 3339 UTC (default: none)"}},
            ban})
      .cli({{"user", "unban"}, "lift a user's ban", {{"id", "Telegram user id", true}}, unban})
      .cli({{"ledger", "grant"},
            "credit (or, with a negative amount, debit) a user through the admin mint",
            {{"--user", "Telegram id of the user", true},
             {"--amount", "exact decimal amount, e.g. 12.50", true},
             {"--currency", "currency code", false, std::string(ledger::kCoin)},
             {"--key", "idempotency key (a repeat moves nothing)", true},
             {"--note", "why"}},
            grant});
}

}  // namespace lucas::users
