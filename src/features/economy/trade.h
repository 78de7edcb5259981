// Trading between players (requirement 14, Properties 15 and 16): an offer of items and coins on
// both sides, accepted by the other player in one atomic swap.
//
//   offer    The initiator's side ("give") is reserved at once: one ledger hold per asset (coins,
//            each item type); a serialized item's numbered units are marked held by that hold.
//            The recipient is notified (WebSocket and a bot message with accept/decline buttons).
//   edit     The initiator may change a pending offer: the old holds are returned, new ones
//            taken, and the version goes up. Accepting names the version it accepts, so an offer
//            changed after the recipient saw it needs a fresh accept (scam protection 1).
//   accept   One transaction: the recipient's side ("want") moves to the initiator, the
//            initiator's holds are posted to the recipient. Any refusal (funds, a non-tradeable
//            item, a changed version) moves nothing: all or nothing (Property 15).
//   cancel   Either side (the recipient's is a decline) returns every hold; so does expiry.
//
// Fees: 5 % of the coins each side pays, rounded UP to the minor unit, is taken from what the
// other side receives (trade_fee); the payer pays exactly the coins offered, the receiver gets
// the rest, and the rounding remainder stays with the fees account ("fees:trade"). Trades carry
// at least 1 coin per side that has coins, so every receiver gets something.
//
// Scam protection, each case stored as a flag with its evidence and shown to admins:
//   low_value          one side's market value is under 10 % of the other's (Property 16); the
//                      side giving more must confirm ("I understand") — the initiator when
//                      offering, the recipient when accepting;
//   new_account        either player joined less than 7 days ago;
//   one_sided_repeat   the same player has received the lopsided side of 2 earlier trades with
//                      the same partner in the last 30 days;
//   changed_after_seen the initiator changed the offer after the recipient had opened it.
// Market value: an item's current shop price (the dynamic price with the seasonal modifier).
//
// History: finished trades are kept 30 days (a daily prune), their transfers in the ledger for
// ever.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/economy/economy.h"
#include "features/users/users.h"
#include "infra/events/outbox.h"
#include "infra/realtime/notifier.h"
#include "infra/store/db.h"
#include "ledger/ledger.h"

namespace lucas::economy {

// ------------------------------------------------------------------ the rules (pure)

inline constexpr int64_t kTradeFeeBp = 500;      // 5 %
inline constexpr int64_t kMinTradeCoins = 100;   // 1 coin: the least a side may carry
inline constexpr int64_t kLowValuePercent = 10;  // Property 16

// The fee on `coins` paid by one side: 5 % rounded up to the minor unit (0 for 0).
int64_t trade_fee(int64_t coins);
// Property 16: whether one side's value is less than 10 % of the other's (exact integers:
// 10 * low < high). Two empty sides are not lopsided.
bool lopsided(int64_t value_a, int64_t value_b);

struct TradeLine {
  int64_t item_id = 0;
  int64_t quantity = 0;
  std::vector<int64_t> serials;  // serialized items: the numbers (empty: the lowest held)
  std::string name_ru, name_en;  // filled on reading a trade (not stored)
};

struct TradeSide {
  int64_t coins = 0;  // minor units
  std::vector<TradeLine> items;
  bool empty() const { return coins == 0 && items.empty(); }
};

struct TradeDraft {
  int64_t to = 0;
  TradeSide give;  // from the initiator
  TradeSide want;  // from the recipient
  std::string note;
  bool confirm_low_value = false;  // "I understand": needed when the initiator gives far more
};

struct Trade {
  int64_t id = 0;
  int64_t from = 0, to = 0;
  TradeSide give, want;
  std::string note;
  std::string state;  // pending, accepted, declined, cancelled, expired
  int64_t version = 1;
  int64_t seen_version = 0;                // the last version the recipient opened (0: never)
  int64_t give_value = 0, want_value = 0;  // market value in coin minor units
  std::vector<std::string> flags;
  int64_t give_fee = 0, want_fee = 0;  // the fees charged on each side's coins
  Micros created_at = 0, updated_at = 0, expires_at = 0;
  std::optional<Micros> resolved_at;
  bool replayed = false;  // the offer's key had been used: this is the first result
};

// "2 × Golden dice (№ 3, 4), 50.00 coins" in `language` ("ru" or "en") from the lines' names
// (a trade as read); "—" for an empty side.
std::string describe_side(const TradeSide& side, const std::string& language);

// The player who receives the lopsided side of `t` (ten times more than they give), if any.
std::optional<int64_t> trade_beneficiary(const Trade& t);

struct TradeFlag {
  int64_t id = 0;
  int64_t trade_id = 0;
  std::string kind;
  nlohmann::json evidence;
  Micros created_at = 0;
};

struct TradeQuery {
  std::string state;   // "" (all), "pending" or "done"
  int limit = 20;      // 1..100
  int64_t before = 0;  // ids below (0: from the newest)
};

struct TradePreview {
  int64_t give_value = 0, want_value = 0;
  int64_t give_fee = 0, want_fee = 0;
  bool lopsided = false;  // Property 16: whoever gives more must confirm
};

struct TradeOptions {
  Micros ttl = 86'400'000'000;  // an offer stands a day
  int max_pending = 20;         // open offers per initiator
  size_t max_lines = 10;        // item lines per side
  int64_t max_quantity = 1000;  // units per line
  Micros new_account = 7 * 86'400'000'000LL;
  Micros history = 30 * 86'400'000'000LL;
};

class TradeService {
 public:
  TradeService(store::Database& db, ledger::Ledger& ledger, users::UserService& users,
               events::Outbox* outbox, realtime::Notifier* notifier, const Clock& clock,
               TradeOptions options = {});

  // The initiator's offer, idempotent by key (a repeat returns the first trade, replayed; the
  // key for another offer: IDEMPOTENCY_CONFLICT). Refusals: INVALID_ARGUMENT naming the field
  // (empty sides, bad quantities, coins under 1, too many lines, oneself), NOT_FOUND (the
  // recipient, an item), CONFLICT with details.reason: not_tradeable, too_many_open,
  // confirm_low_value (with both values); INSUFFICIENT_FUNDS when the initiator lacks what they
  // give (coins or units).
  Trade offer(const users::Actor& actor, const TradeDraft& draft, const std::string& key);
  // The initiator changes a pending offer (a new version; the same refusals as offer()).
  Trade edit(const users::Actor& actor, int64_t trade_id, const TradeDraft& draft);
  // The recipient accepts `version`. CONFLICT with reason: offer_changed (with the current
  // version), not_pending (with the state), expired, confirm_low_value; INSUFFICIENT_FUNDS
  // when the recipient lacks their side; NOT_FOUND for someone else's trade. A repeat of an
  // accepted trade by its recipient returns it (replayed).
  Trade accept(const users::Actor& actor, int64_t trade_id, int64_t version,
               bool confirm_low_value = false);
  // Either side ends a pending trade: "cancelled" (initiator) or "declined" (recipient); every
  // hold is returned. A repeat returns the trade as it is.
  Trade cancel(const users::Actor& actor, int64_t trade_id);
  // One of the actor's trades (the recipient opening it records the version seen); staff with
  // the admin scope may read any.
  Trade get(const users::Actor& actor, int64_t trade_id);
  std::vector<Trade> list(const users::Actor& actor, const TradeQuery& query);
  // Staff: the scam flags, newest first.
  std::vector<TradeFlag> flags(const users::Actor& actor, int64_t before = 0, int limit = 50);

  // Jobs: expire the offers past their time (returns how many), prune finished trades older
  // than the history period (returns how many).
  int expire();
  int prune();

  // What an offer would be worth and cost, before making it (the faces' preview): INVALID_ARGUMENT
  // and NOT_FOUND as offer(), CONFLICT not_tradeable.
  TradePreview preview(const users::Actor& actor, const TradeDraft& draft);

 private:
  Trade write_offer(store::Tx& tx, const users::Actor& actor, int64_t trade_id,
                    const TradeDraft& draft, const std::string& key);
  void check_draft(const users::Actor& actor, const TradeDraft& draft);
  int64_t value_in(store::Tx& tx, const TradeSide& side);
  void name_lines(store::Tx& tx, Trade& t);
  void hold_side(store::Tx& tx, Trade& t);
  void release(store::Tx& tx, Trade& t, const std::string& state, const std::string& why);
  void settle(store::Tx& tx, Trade& t);
  void notify(store::Tx& tx, const Trade& t, int64_t user, const std::string& event);
  std::vector<std::string> risk_flags(store::Tx& tx, const Trade& t, bool edited);

  store::Database& db_;
  ledger::Ledger& ledger_;
  users::UserService& users_;
  events::Outbox* outbox_;
  realtime::Notifier* notifier_;
  const Clock& clock_;
  TradeOptions options_;
};

}  // namespace lucas::economy
