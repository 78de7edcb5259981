#include "features/bank/bank_bot.h"

#include <sstream>

#include "base/i18n.h"
#include "base/money.h"

namespace lucas::bank {
namespace {

std::string coins(int64_t minor) {
  return format_amount(minor, 2);
}

}  // namespace

BankBot::BankBot(BankService& bank, users::UserService& users) : bank_(bank), users_(users) {}

std::string BankBot::stats_reply(const users::User& u) {
  const auto s = bank_.stats(u.telegram_id);
  return i18n::text(u.language, "stats",
                    {{"users", std::to_string(users_.count())},
                     {"parsed", std::to_string(s.parsed_messages)},
                     {"credited", coins(s.credited_minor)},
                     {"unclaimed", coins(s.unclaimed_minor)},
                     {"claims", std::to_string(s.pending_claims)}});
}

std::string BankBot::rate_reply(const users::User& u, const std::string& args) {
  const std::string& lang = u.language;
  std::istringstream in(args);
  std::string game, currency, k;
  if (!(in >> game >> currency >> k)) return i18n::text(lang, "usage_rate");
  if (currency == "win") {
    bank_.set_win_reward(u.telegram_id, game, k);
    return i18n::text(lang, "win_reward_ok", {{"game", game}, {"amount", k}});
  }
  const Rate r = bank_.set_rate(u.telegram_id, game, currency, k);
  return i18n::text(lang, "rate_ok",
                    {{"game", r.game}, {"currency", r.currency}, {"k", r.k.to_string()}});
}

}  // namespace lucas::bank
