#include "features/economy/trade_bot.h"

#include <set>

#include "base/i18n.h"
#include "base/money.h"
#include "features/economy/bot_args.h"

namespace lucas::economy {
namespace {

using bot_args::number;
using bot_args::words;

constexpr size_t kMaxCallback = 64;  // Telegram's callback_data limit

users::Actor actor(const users::User& u) {
  return users::Actor::user(u.telegram_id, u.role);
}

std::string coins(int64_t minor) {
  return format_amount(minor, 2);
}

bool confirm_word(const std::string& w) {
  return w == "!" || w == "sure" || w == "точно";
}

bool separator(const std::string& w) {
  return w == "for" || w == "за" || w == "=";
}

// Trading's refusals in the sender's language; anything else is the bot's generic error reply.
telegram::Reply refusal(const users::User& u, const Error& e) {
  const std::string& lang = u.language;
  const auto& d = e.details();
  const std::string reason = d.is_object() ? d.value("reason", std::string()) : std::string();
  if (reason == "not_tradeable") return i18n::text(lang, "trade_not_tradeable");
  if (reason == "not_pending") {
    return i18n::text(lang, "trade_not_pending",
                      {{"state", i18n::text(lang, "trade_state_" + d.value("state", "pending"))}});
  }
  if (reason == "offer_changed") return i18n::text(lang, "trade_changed");
  if (reason == "expired") return i18n::text(lang, "trade_expired");
  if (reason == "too_many_open") {
    return i18n::text(lang, "trade_too_many", {{"limit", std::to_string(d.value("limit", 0))}});
  }
  if (reason == "serial_not_owned") {
    return i18n::text(lang, "trade_serial", {{"serial", std::to_string(d.value("serial", 0))}});
  }
  if (e.code() == ErrorCode::kInsufficientFunds) return i18n::text(lang, "trade_no_funds");
  if (e.code() == ErrorCode::kNotFound) return i18n::text(lang, "trade_not_found");
  if (e.code() == ErrorCode::kInvalidArgument || e.code() == ErrorCode::kInvalidAmount) {
    return i18n::text(lang, "trade_invalid", {{"reason", e.what()}});
  }
  throw e;
}

// The warning for a lopsided trade, with a button that repeats `command` confirmed (when it fits
// in a button; else the text says to add "!").
telegram::Reply confirm_low(const users::User& u, const Error& e, const std::string& command) {
  const auto& d = e.details();
  telegram::Reply reply = i18n::text(u.language, "trade_confirm_low",
                                     {{"give_value", coins(d.value("give_value", int64_t{0}))},
                                      {"want_value", coins(d.value("want_value", int64_t{0}))}});
  const std::string confirmed = command + " !";
  if (confirmed.size() <= kMaxCallback) {
    reply.keyboard = {
        {telegram::Button(i18n::text(u.language, "trade_confirm_button"), confirmed)}};
  }
  return reply;
}

bool low_value(const Error& e) {
  return e.details().is_object() && e.details().value("reason", "") == "confirm_low_value";
}

// "@name" or an id -> the user's id.
std::optional<int64_t> recipient(users::UserService& users, const std::string& word) {
  if (word.size() > 1 && word[0] == '@') {
    const auto u = users.find_by_username(word.substr(1));
    return u ? std::optional<int64_t>(u->telegram_id) : std::nullopt;
  }
  return number(word);
}

std::string who(int64_t id) {
  return "#" + std::to_string(id);
}

}  // namespace

std::optional<TradeSide> parse_trade_side(const std::string& text) {
  TradeSide side;
  std::set<int64_t> items;
  for (const auto& w : words(text)) {
    if (w == "-" || w == "—") continue;
    if (w[0] == '#') {
      // #3, #3x2, #3×2
      std::string body = w.substr(1);
      int64_t quantity = 1;
      size_t cut = body.find('x');
      size_t skip = 1;
      if (cut == std::string::npos) {
        cut = body.find("×");
        skip = std::string("×").size();
      }
      if (cut != std::string::npos) {
        const auto q = number(body.substr(cut + skip));
        if (!q) return std::nullopt;
        quantity = *q;
        body = body.substr(0, cut);
      }
      const auto id = number(body);
      if (!id || !items.insert(*id).second) return std::nullopt;
      side.items.push_back({*id, quantity, {}, "", ""});
      continue;
    }
    if (side.coins != 0) return std::nullopt;
    try {
      side.coins = parse_amount(w, 2);
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  return side;
}

telegram::Reply trade_reply(TradeService& service, users::UserService& users, const users::User& u,
                            const std::string& args, const std::string& use_key) {
  const std::string& lang = u.language;
  auto w = words(args);
  const bool confirmed = !w.empty() && confirm_word(w.back());
  if (confirmed) w.pop_back();
  size_t split = 0;
  while (split < w.size() && !separator(w[split])) ++split;
  if (w.size() < 2 || split == w.size()) return i18n::text(lang, "trade_usage");
  std::string give_text, want_text;
  for (size_t i = 1; i < w.size(); ++i) {
    if (i == split) continue;
    (i < split ? give_text : want_text) += w[i] + " ";
  }
  const auto to = recipient(users, w[0]);
  if (!to) return i18n::text(lang, "trade_no_user", {{"who", w[0]}});
  const auto give = parse_trade_side(give_text);
  const auto want = parse_trade_side(want_text);
  if (!give || !want) return i18n::text(lang, "trade_usage");
  TradeDraft d{*to, *give, *want, "", confirmed};
  try {
    const Trade t = service.offer(actor(u), d, "bot:" + use_key);
    telegram::Reply reply = i18n::text(lang, "trade_made",
                                       {{"id", std::to_string(t.id)},
                                        {"who", w[0]},
                                        {"give", describe_side(t.give, lang)},
                                        {"get", describe_side(t.want, lang)},
                                        {"fee", coins(trade_fee(t.want.coins))}});
    reply.keyboard = {{telegram::Button(i18n::text(lang, "trade_cancel_button"),
                                        "/tradeno " + std::to_string(t.id))}};
    return reply;
  } catch (const Error& e) {
    if (low_value(e)) return confirm_low(u, e, "/trade " + args);
    return refusal(u, e);
  }
}

telegram::Reply trades_reply(TradeService& service, const users::User& u, const std::string& args) {
  const std::string& lang = u.language;
  const auto w = words(args);
  if (w.size() > 1 || (w.size() == 1 && w[0] != "done")) return i18n::text(lang, "trades_usage");
  TradeQuery q;
  q.state = w.empty() ? "pending" : "done";
  q.limit = 10;
  const auto trades = service.list(actor(u), q);
  if (trades.empty()) return i18n::text(lang, "trades_empty");
  telegram::Reply reply = i18n::text(lang, w.empty() ? "trades_title" : "trades_done_title");
  for (const auto& t : trades) {
    const bool incoming = t.to == u.telegram_id;
    const std::string id = std::to_string(t.id);
    reply.text += "\n" + i18n::text(lang, incoming ? "trades_line_in" : "trades_line_out",
                                    {{"id", id},
                                     {"who", who(incoming ? t.from : t.to)},
                                     {"get", describe_side(incoming ? t.give : t.want, lang)},
                                     {"give", describe_side(incoming ? t.want : t.give, lang)},
                                     {"state", i18n::text(lang, "trade_state_" + t.state)}});
    if (t.state != "pending") continue;
    if (incoming) {
      reply.keyboard.push_back(
          {telegram::Button(i18n::text(lang, "trade_accept_button") + " №" + id,
                            "/tradeok " + id + " " + std::to_string(t.version)),
           telegram::Button(i18n::text(lang, "trade_decline_button"), "/tradeno " + id)});
    } else {
      reply.keyboard.push_back({telegram::Button(
          i18n::text(lang, "trade_cancel_button") + " №" + id, "/tradeno " + id)});
    }
  }
  return reply;
}

telegram::Reply trade_accept_reply(TradeService& service, const users::User& u,
                                   const std::string& args) {
  const std::string& lang = u.language;
  auto w = words(args);
  const bool confirmed = !w.empty() && confirm_word(w.back());
  if (confirmed) w.pop_back();
  const auto id = w.size() == 2 ? number(w[0]) : std::nullopt;
  const auto version = w.size() == 2 ? number(w[1]) : std::nullopt;
  if (!id || !version) return i18n::text(lang, "tradeok_usage");
  try {
    const Trade t = service.accept(actor(u), *id, *version, confirmed);
    return i18n::text(lang, t.replayed ? "trade_done_already" : "trade_done",
                      {{"id", std::to_string(t.id)},
                       {"get", describe_side(t.give, lang)},
                       {"give", describe_side(t.want, lang)},
                       {"fee", coins(t.give_fee)}});
  } catch (const Error& e) {
    if (low_value(e)) {
      return confirm_low(u, e, "/tradeok " + std::to_string(*id) + " " + std::to_string(*version));
    }
    return refusal(u, e);
  }
}

telegram::Reply trade_cancel_reply(TradeService& service, const users::User& u,
                                   const std::string& args) {
  const std::string& lang = u.language;
  const auto w = words(args);
  const auto id = w.size() == 1 ? number(w[0]) : std::nullopt;
  if (!id) return i18n::text(lang, "tradeno_usage");
  try {
    const Trade t = service.cancel(actor(u), *id);
    if (t.replayed) {
      return i18n::text(lang, "trade_not_pending",
                        {{"state", i18n::text(lang, "trade_state_" + t.state)}});
    }
    return i18n::text(lang, t.state == "declined" ? "trade_declined" : "trade_cancelled",
                      {{"id", std::to_string(t.id)}});
  } catch (const Error& e) {
    return refusal(u, e);
  }
}

}  // namespace lucas::economy
