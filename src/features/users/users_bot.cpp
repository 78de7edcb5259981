#include "features/users/users_bot.h"

#include <sstream>

#include "base/i18n.h"
#include "base/money.h"

namespace lucas::users {
namespace {

std::string coins(int64_t minor) {
  return format_amount(minor, 2);
}

}  // namespace

std::string ban_refusal(const User& user) {
  const std::string reason = user.ban ? user.ban->reason : std::string();
  if (user.ban && user.ban->until) {
    return i18n::text(user.language, "banned_until",
                      {{"until", format_rfc3339(*user.ban->until)}, {"reason", reason}});
  }
  return i18n::text(user.language, "banned", {{"reason", reason}});
}

telegram::Identify identify(UserService& users) {
  return [&users](const telegram::User& from) -> std::optional<telegram::Asker> {
    User user;
    try {
      user =
          users.upsert(UserUpdate{from.id, from.username, from.display_name(), from.language_code});
    } catch (const Error&) {
      return std::nullopt;
    }
    telegram::Asker a{user.telegram_id, static_cast<int>(user.role), user.language, std::nullopt};
    if (user.ban) a.refusal = ban_refusal(user);
    return a;
  };
}

std::string start_reply(const User& user) {
  return i18n::text(user.language, "start", {{"name", user.display_name}});
}

std::string ping_reply(const User& user) {
  return i18n::text(user.language, "ping");
}

std::string balance_reply(UserService& users, const User& user) {
  return i18n::text(user.language, "balance",
                    {{"balance", coins(users.balance(user.telegram_id).amount)}});
}

std::string profile_reply(UserService& users, const User& user) {
  const std::string& lang = user.language;
  return i18n::text(lang, "profile",
                    {{"name", user.display_name},
                     {"balance", coins(users.balance(user.telegram_id).amount)},
                     {"role", i18n::text(lang, "role_" + std::string(role_name(user.role)))}});
}

std::string history_reply(UserService& users, const User& user, const std::string& args) {
  const std::string& lang = user.language;
  std::istringstream in(args);
  int page = 1;
  if (!args.empty() && !(in >> page)) return i18n::text(lang, "usage_history");
  if (page < 1 || page > 1000) return i18n::text(lang, "usage_history");
  constexpr int kPerPage = 10;
  std::optional<std::string> cursor;
  ledger::HistoryPage p;
  for (int i = 1; i <= page; ++i) {
    p = users.transactions(user.telegram_id, cursor, kPerPage);
    cursor = p.next_cursor;
    if (i < page && !cursor) return i18n::text(lang, "history_empty");
  }
  if (p.items.empty()) return i18n::text(lang, "history_empty");
  std::string text = i18n::text(lang, "history_header", {{"page", std::to_string(page)}});
  for (const auto& item : p.items) {
    text += "\n" + i18n::text(lang, "history_line",
                              {{"date", format_rfc3339(item.created_at).substr(0, 10)},
                               {"sign", item.amount > 0 ? "+" : "-"},
                               {"amount", coins(item.amount > 0 ? item.amount : -item.amount)},
                               {"reason", item.reason}});
  }
  if (p.next_cursor)
    text += "\n" + i18n::text(lang, "history_more", {{"next", std::to_string(page + 1)}});
  return text;
}

std::string grant_reply(UserService& users, const User& user, const telegram::CommandCall& call) {
  const std::string& lang = user.language;
  std::istringstream in(call.args);
  std::string who, amount, reason;
  if (!(in >> who >> amount)) return i18n::text(lang, "usage_grant");
  std::getline(in, reason);
  while (!reason.empty() && reason.front() == ' ') reason.erase(0, 1);
  if (reason.empty()) return i18n::text(lang, "usage_grant");
  std::optional<User> target;
  if (!who.empty() && who.front() == '@') {
    target = users.find_by_username(who.substr(1));
  } else {
    try {
      target = users.find(std::stoll(who));
    } catch (const std::exception&) {
    }
  }
  if (!target) return i18n::text(lang, "unknown_user", {{"user", who}});
  const int64_t minor = parse_amount(amount, 2);
  const std::string key = "bot:grant:" + call.use_key();
  users.adjust(user.telegram_id, key, target->telegram_id, minor, ledger::kCoin, reason);
  return i18n::text(lang, "grant_ok",
                    {{"user", target->display_name},
                     {"verb", i18n::text(lang, minor < 0 ? "grant_verb_minus" : "grant_verb_plus")},
                     {"amount", coins(minor < 0 ? -minor : minor)},
                     {"balance", coins(users.balance(target->telegram_id).amount)}});
}

}  // namespace lucas::users
