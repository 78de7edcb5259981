// The economy's tests share one world: a migrated database on either engine with the ledger, the
// catalogue and shop, users, WebSocket notifications, trades and auctions, the bot messages the
// outbox carried, and the helpers to fund players and buy items.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "features/economy/auction.h"
#include "features/economy/economy.h"
#include "features/economy/trade.h"
#include "infra/audit/audit.h"
#include "infra/events/bus.h"
#include "infra/telegram/direct.h"
#include "tests/ledger/ledger_fixture.h"

namespace lucas::economy::testing {

// The error `f` throws (INTERNAL "did not throw", never what a test expects, when none).
inline Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorCode::kInternal, "did not throw");
}

inline std::string reason(const Error& e) {
  return e.details().is_object() ? e.details().value("reason", std::string()) : std::string();
}

// A valid item: names from the slug, bounds a half and four times the price.
inline ItemDraft item_draft(const std::string& slug, int64_t price = 10'000) {
  ItemDraft d;
  d.slug = slug;
  d.name_ru = "Предмет " + slug;
  d.name_en = "Item " + slug;
  d.category = "cosmetic";
  d.rarity = "rare";
  d.base_price = price;
  d.min_price = price / 2;
  d.max_price = price * 4;
  return d;
}

struct Market {
  explicit Market(store::Engine engine)
      : w(engine),
        audit(w.clock),
        economy(w.db(), w.ledger, &audit, w.clock),
        users(w.db(), w.ledger, w.clock),
        notifier(w.db(), bus, w.clock),
        trades(w.db(), w.ledger, users, &w.outbox, &notifier, w.clock),
        auctions(w.db(), w.ledger, &w.outbox, &notifier, w.clock) {
    store::migrate(w.db(),
                   {audit::migrations(), users::migrations(), realtime::migrations(), migrations()},
                   w.clock);
    w.outbox.subscribe(std::string(telegram::kDirectTopic),
                       [this](const events::Event& e) { dms.push_back(e.payload); });
  }

  Item item(const std::string& slug, int64_t price, std::optional<int64_t> supply = std::nullopt,
            bool serial = false) {
    ItemDraft d = item_draft(slug, price);
    d.total_supply = supply;
    if (serial) d.serialized = true;
    return economy.create_item(users::Actor::console_operator(), d);
  }
  static users::Actor player(int64_t id) { return users::Actor::user(id, users::Role::kUser); }
  void give(int64_t user, int64_t coins) {
    w.move("seed:" + std::to_string(user) + ":" + std::to_string(++seeds), w.mint(), w.user(user),
           coins);
  }
  // Funds exactly the price and buys `quantity` units.
  void buy(int64_t user, const Item& i, int64_t quantity) {
    give(user, i.shown() * quantity);
    const Quote q = economy.quote(player(user), i.id, quantity);
    economy.buy(player(user), q.id, "buy:" + std::to_string(++seeds));
  }
  int64_t coins(int64_t user) { return w.balance(w.user(user)); }
  int64_t units(int64_t user, const Item& i) { return w.balance(w.user(user, i.asset)); }
  // A system account's coins ("fees:trade", "fees:auction"); 0 before it exists.
  int64_t system_coins(const std::string& role) {
    return w.db().read([&](store::Tx& tx) {
      const auto a = w.ledger.find_system_account(tx, role, ledger::kCoin);
      return a ? w.ledger.account(tx, *a).balance : 0;
    });
  }
  std::vector<int64_t> serials(int64_t user, const Item& i) {
    for (const auto& h : economy.inventory(users::Actor::console_operator(), user)) {
      if (h.item.id == i.id) return h.serials;
    }
    return {};
  }
  // The catalogue keys of the bot messages sent to `user` so far.
  std::vector<std::string> dm_keys(int64_t user) {
    w.outbox.drain();
    std::vector<std::string> keys;
    for (const auto& d : dms) {
      if (d.value("user", int64_t{0}) == user) keys.push_back(d.value("key", ""));
    }
    return keys;
  }
  void expect_balanced() {
    const auto report = w.check();
    EXPECT_TRUE(report.ok()) << ledger::testing::check_text(report);
  }

  ledger::testing::LedgerWorld w;
  audit::AuditLog audit;
  EconomyService economy;
  users::UserService users;
  events::LocalBus bus;
  realtime::Notifier notifier;
  TradeService trades;
  AuctionService auctions;
  std::vector<nlohmann::json> dms;
  int seeds = 0;
};

}  // namespace lucas::economy::testing
