#include "features/economy/auction_bot.h"

#include "base/i18n.h"
#include "base/money.h"
#include "features/economy/bot_args.h"
#include "features/economy/trade_bot.h"

namespace lucas::economy {
namespace {

using bot_args::number;
using bot_args::words;

users::Actor actor(const users::User& u) {
  return users::Actor::user(u.telegram_id, u.role);
}

std::string coins(int64_t minor) {
  return format_amount(minor, 2);
}

// Auctions' refusals in the sender's language; anything else is the bot's generic error reply.
telegram::Reply refusal(const users::User& u, const Error& e) {
  const std::string& lang = u.language;
  const auto& d = e.details();
  const std::string reason = d.is_object() ? d.value("reason", std::string()) : std::string();
  if (reason == "bid_too_low") {
    return i18n::text(lang, "auction_bid_too_low", {{"min", coins(d.value("min", int64_t{0}))}});
  }
  if (reason == "ended" || reason == "not_open") return i18n::text(lang, "auction_ended");
  if (reason == "not_tradeable") return i18n::text(lang, "trade_not_tradeable");
  if (reason == "too_many_open") {
    return i18n::text(lang, "auction_too_many", {{"limit", std::to_string(d.value("limit", 0))}});
  }
  if (e.code() == ErrorCode::kForbidden) return i18n::text(lang, "auction_own");
  if (e.code() == ErrorCode::kInsufficientFunds) return i18n::text(lang, "auction_no_funds");
  if (e.code() == ErrorCode::kNotFound) return i18n::text(lang, "auction_not_found");
  if (e.code() == ErrorCode::kInvalidArgument || e.code() == ErrorCode::kInvalidAmount) {
    return i18n::text(lang, "trade_invalid", {{"reason", e.what()}});
  }
  throw e;
}

std::string left(Micros ends_at, Micros now, const std::string& lang) {
  const int64_t minutes = std::max<int64_t>(0, (ends_at - now) / 60'000'000);
  if (minutes >= 120) {
    return i18n::text(lang, "auction_left_hours", {{"n", std::to_string(minutes / 60)}});
  }
  return i18n::text(lang, "auction_left_minutes", {{"n", std::to_string(minutes)}});
}

}  // namespace

telegram::Reply auctions_reply(AuctionService& service, const users::User& u,
                               const std::string& args) {
  const std::string& lang = u.language;
  if (!words(args).empty()) return i18n::text(lang, "auctions_usage");
  AuctionQuery q;
  q.limit = 10;
  const auto open = service.list(actor(u), q);
  if (open.empty()) return i18n::text(lang, "auctions_empty");
  const Micros now = service.clock().now();
  telegram::Reply reply = i18n::text(lang, "auctions_title");
  for (const auto& a : open) {
    const std::string id = std::to_string(a.id);
    reply.text += "\n" + i18n::text(lang, a.bids > 0 ? "auctions_line" : "auctions_line_new",
                                    {{"id", id},
                                     {"item", std::to_string(a.quantity) + " × " +
                                                  (lang == "en" ? a.name_en : a.name_ru)},
                                     {"top", coins(a.top_amount)},
                                     {"bids", std::to_string(a.bids)},
                                     {"start", coins(a.start_price)},
                                     {"left", left(a.ends_at, now, lang)}});
    if (a.seller == u.telegram_id) continue;
    reply.keyboard.push_back({telegram::Button(
        i18n::text(lang, "auction_bid_button") + " №" + id + ": " + coins(a.next_min),
        "/bid " + id + " " + coins(a.next_min))});
  }
  return reply;
}

telegram::Reply auction_create_reply(AuctionService& service, const users::User& u,
                                     const std::string& args, const std::string& use_key) {
  const std::string& lang = u.language;
  const auto w = words(args);
  if (w.size() < 3 || w.size() > 4) return i18n::text(lang, "auction_usage");
  const auto item = parse_trade_side(w[0]);
  const auto days = number(w[2]);
  if (!item || item->items.size() != 1 || item->coins != 0 || !days) {
    return i18n::text(lang, "auction_usage");
  }
  AuctionDraft d;
  d.item_id = item->items[0].item_id;
  d.quantity = item->items[0].quantity;
  d.days = static_cast<int>(std::clamp<int64_t>(*days, 0, 100));
  try {
    d.start_price = parse_amount(w[1], 2);
    if (w.size() == 4) d.buyout = parse_amount(w[3], 2);
    const Auction a = service.create(actor(u), d, "bot:" + use_key);
    return i18n::text(
        lang, "auction_made",
        {{"id", std::to_string(a.id)},
         {"item", std::to_string(a.quantity) + " × " + (lang == "en" ? a.name_en : a.name_ru)},
         {"start", coins(a.start_price)},
         {"step", coins(a.increment)},
         {"days", std::to_string(a.days)}});
  } catch (const Error& e) {
    return refusal(u, e);
  }
}

telegram::Reply bid_reply(AuctionService& service, const users::User& u, const std::string& args,
                          const std::string& use_key) {
  const std::string& lang = u.language;
  const auto w = words(args);
  const auto id = w.size() == 2 ? number(w[0]) : std::nullopt;
  if (!id) return i18n::text(lang, "bid_usage");
  try {
    const Bid b = service.bid(actor(u), *id, parse_amount(w[1], 2), "bot:" + use_key);
    const Auction a = service.get(*id);
    if (b.state == "won") {
      return i18n::text(lang, "auction_bought",
                        {{"id", std::to_string(a.id)}, {"amount", coins(b.amount)}});
    }
    return i18n::text(
        lang, "auction_bid_placed",
        {{"id", std::to_string(a.id)}, {"amount", coins(b.amount)}, {"next", coins(a.next_min)}});
  } catch (const Error& e) {
    return refusal(u, e);
  }
}

}  // namespace lucas::economy
