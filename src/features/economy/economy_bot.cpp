#include "features/economy/economy_bot.h"

#include <algorithm>

#include "base/i18n.h"
#include "base/money.h"
#include "features/economy/bot_args.h"

namespace lucas::economy {
namespace {

constexpr int kPage = 8;

std::string coins(int64_t minor) {
  return format_amount(minor, 2);
}

using bot_args::number;
using bot_args::words;

users::Actor actor(const users::User& u) {
  return users::Actor::user(u.telegram_id, u.role);
}

// The shop's refusals in the sender's language; anything else is the bot's generic error reply.
telegram::Reply refusal(const users::User& u, const Error& e) {
  const std::string& lang = u.language;
  const auto& d = e.details();
  const std::string reason = d.is_object() ? d.value("reason", std::string()) : std::string();
  if (reason == "sold_out") {
    return i18n::text(lang, "shop_sold_out", {{"left", std::to_string(d.value("left", 0))}});
  }
  if (reason == "limit") {
    return i18n::text(lang, "shop_limit",
                      {{"limit", std::to_string(d.value("limit", 0))},
                       {"may_buy", std::to_string(d.value("may_buy", 0))}});
  }
  if (reason == "not_on_sale") return i18n::text(lang, "shop_not_on_sale");
  if (reason == "quote_expired") {
    return i18n::text(lang, "shop_quote_expired",
                      {{"price", coins(d.value("current", int64_t{0}))},
                       {"id", std::to_string(d.value("item_id", int64_t{0}))}});
  }
  if (reason == "quote_used") return i18n::text(lang, "shop_quote_used");
  if (e.code() == ErrorCode::kInsufficientFunds) return i18n::text(lang, "shop_no_funds");
  if (e.code() == ErrorCode::kNotFound) return i18n::text(lang, "shop_no_item");
  throw e;
}

}  // namespace

telegram::Reply shop_reply(EconomyService& service, const users::User& u, const std::string& args) {
  const std::string& lang = u.language;
  const auto page_no = number(args).value_or(1);
  if (page_no < 1 || page_no > 1000) return i18n::text(lang, "shop_usage");
  ShopQuery q;
  q.limit = kPage;
  q.offset = (page_no - 1) * kPage;
  const auto page = service.browse(actor(u), q);
  if (page.items.empty()) return i18n::text(lang, "shop_empty");
  telegram::Reply reply = i18n::text(lang, "shop_title", {{"page", std::to_string(page_no)}});
  for (const auto& l : page.items) {
    const char* arrow = l.trend_bp > 0 ? "↑" : l.trend_bp < 0 ? "↓" : "·";
    std::string line = "\n" + std::to_string(l.item.id) + ". " + l.item.name(lang) + " — " +
                       coins(l.shown) + " " + arrow;
    if (const auto left = l.item.left()) {
      line += " " + i18n::text(lang, "shop_left", {{"left", std::to_string(*left)}});
    }
    reply.text += line;
    reply.keyboard.push_back(
        {telegram::Button(i18n::text(lang, "shop_buy_button",
                                     {{"name", l.item.name(lang)}, {"price", coins(l.shown)}}),
                          "/buy " + std::to_string(l.item.id))});
  }
  if (page.next_offset) {
    reply.keyboard.push_back(
        {telegram::Button(i18n::text(lang, "shop_next"), "/shop " + std::to_string(page_no + 1))});
  }
  return reply;
}

telegram::Reply buy_reply(EconomyService& service, const users::User& u, const std::string& args) {
  const std::string& lang = u.language;
  const auto w = words(args);
  const auto id = w.empty() ? std::nullopt : number(w[0]);
  const auto quantity = w.size() < 2 ? std::optional<int64_t>(1) : number(w[1]);
  if (!id || !quantity || w.size() > 2 || *quantity < 1 || *quantity > 100) {
    return i18n::text(lang, "shop_buy_usage");
  }
  try {
    const Quote q = service.quote(actor(u), *id, *quantity);
    const Item item = service.item(*id);
    telegram::Reply reply = i18n::text(lang, "shop_quote",
                                       {{"name", item.name(lang)},
                                        {"quantity", std::to_string(q.quantity)},
                                        {"price", coins(q.unit_price)},
                                        {"total", coins(q.total)}});
    reply.keyboard = {{telegram::Button(i18n::text(lang, "shop_confirm"), "/buyok " + q.id)}};
    return reply;
  } catch (const Error& e) {
    return refusal(u, e);
  }
}

telegram::Reply buy_confirm_reply(EconomyService& service, const users::User& u,
                                  const std::string& args) {
  const std::string& lang = u.language;
  const auto w = words(args);
  if (w.size() != 1) return i18n::text(lang, "shop_buy_usage");
  try {
    // The quote names the purchase: pressing the button twice buys once.
    const Purchase p = service.buy(actor(u), w[0], "bot:" + w[0]);
    const Item item = service.item(p.item_id);
    std::string serials;
    for (const auto s : p.serials) serials += (serials.empty() ? "№ " : ", № ") + std::to_string(s);
    return i18n::text(lang, p.replayed ? "shop_bought_already" : "shop_bought",
                      {{"name", item.name(lang)},
                       {"quantity", std::to_string(p.quantity)},
                       {"total", coins(p.total)},
                       {"serials", serials}});
  } catch (const Error& e) {
    return refusal(u, e);
  }
}

telegram::Reply inventory_reply(EconomyService& service, const users::User& u) {
  const std::string& lang = u.language;
  const auto held = service.inventory(actor(u), u.telegram_id);
  if (held.empty()) return i18n::text(lang, "inventory_empty");
  std::string text = i18n::text(lang, "inventory_title");
  for (const auto& h : held) {
    text += "\n" + h.item.name(lang) + " × " + std::to_string(h.quantity);
    if (!h.serials.empty() && h.serials.size() <= 10) {
      std::string numbers;
      for (const auto s : h.serials)
        numbers += (numbers.empty() ? "№ " : ", № ") + std::to_string(s);
      text += " (" + numbers + ")";
    }
  }
  return text;
}

telegram::Reply item_set_reply(EconomyService& service, const users::User& u,
                               const std::string& args) {
  const std::string& lang = u.language;
  const auto w = words(args);
  const auto id = w.size() == 3 ? number(w[0]) : std::nullopt;
  if (!id) return i18n::text(lang, "itemset_usage");
  const std::string& field = w[1];
  const std::string& value = w[2];
  ItemDraft d;
  try {
    if (field == "price" || field == "min" || field == "max") {
      const int64_t minor = parse_amount(value, 2);
      (field == "price" ? d.base_price : field == "min" ? d.min_price : d.max_price) = minor;
    } else if (field == "season" || field == "limit") {
      const auto n = number(value);
      if (!n) return i18n::text(lang, "itemset_usage");
      if (field == "season") {
        d.seasonal_pct = static_cast<int>(std::clamp<int64_t>(*n, 0, 1000));
      } else {
        d.per_user_limit = *n;
      }
    } else if (field == "active" && (value == "on" || value == "off")) {
      d.active = value == "on";
    } else {
      return i18n::text(lang, "itemset_usage");
    }
    const Item item = service.update_item(actor(u), *id, d);
    return i18n::text(lang, "itemset_done",
                      {{"name", item.name(lang)},
                       {"price", coins(item.shown())},
                       {"min", coins(item.min_price)},
                       {"max", coins(item.max_price)},
                       {"season", std::to_string(item.seasonal_pct)},
                       {"active", item.active ? "✅" : "⛔"}});
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kInvalidArgument || e.code() == ErrorCode::kInvalidAmount) {
      return i18n::text(lang, "itemset_invalid", {{"reason", e.what()}});
    }
    return refusal(u, e);
  }
}

}  // namespace lucas::economy
