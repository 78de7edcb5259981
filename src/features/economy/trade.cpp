// Offers, edits, acceptance, cancellation and expiry of trades.
#include "features/economy/trade.h"

#include <algorithm>
#include <set>

#include "base/money.h"
#include "features/economy/economy_parts.h"
#include "features/economy/economy_store.h"
#include "features/economy/trade_store.h"
#include "infra/telegram/direct.h"

namespace lucas::economy {
namespace {

constexpr int64_t kMaxCoins = 1'000'000'000'000'000;  // 10^13 coins, as the catalogue's prices
constexpr size_t kMaxNote = 200;

Error no_trade(int64_t id) {
  return Error(ErrorCode::kNotFound, "no trade " + std::to_string(id), {{"id", id}});
}

bool staff(const users::Actor& a) {
  if (a.console) return true;
  return a.has_scope(users::scope::kAdmin) &&
         (a.role == users::Role::kAdmin || a.role == users::Role::kOwner ||
          a.role == users::Role::kModerator);
}

void check_side(const std::string& name, const TradeSide& side, const TradeOptions& o) {
  if (side.coins != 0 && (side.coins < kMinTradeCoins || side.coins > kMaxCoins)) {
    throw field_error(name + ".coins", "must be 0 or from 1.00 to 10000000000000.00 coins");
  }
  if (side.items.size() > o.max_lines) {
    throw field_error(name + ".items", "at most " + std::to_string(o.max_lines) + " item lines");
  }
  std::set<int64_t> seen;
  for (const auto& l : side.items) {
    if (!seen.insert(l.item_id).second) {
      throw field_error(name + ".items", "item " + std::to_string(l.item_id) + " is listed twice");
    }
    if (l.quantity < 1 || l.quantity > o.max_quantity) {
      throw field_error(name + ".items",
                        "quantity must be between 1 and " + std::to_string(o.max_quantity));
    }
    if (!l.serials.empty()) {
      const std::set<int64_t> distinct(l.serials.begin(), l.serials.end());
      if (static_cast<int64_t>(l.serials.size()) != l.quantity ||
          distinct.size() != l.serials.size()) {
        throw field_error(name + ".items",
                          "serials must name each unit once, as many as the quantity");
      }
    }
  }
}

std::string trade_key(const Trade& t, const std::string& what) {
  return "trade:" + std::to_string(t.id) + ":v" + std::to_string(t.version) + ":" + what;
}

// The first `n` of the free serial numbers (the ledger just moved n units, and each unit has its
// number: the economy.instances invariant).
std::vector<int64_t> lowest(const std::vector<int64_t>& free, int64_t n, const Item& item) {
  if (static_cast<int64_t>(free.size()) < n) {
    throw Error(ErrorCode::kInternal, item.asset + ": fewer numbered units than the balance");
  }
  return {free.begin(), free.begin() + n};
}

// Whether a stored side is what `asked` asks for (serials compared when the request named them:
// the lowest held are filled in when it did not).
bool same_side(const TradeSide& stored, const TradeSide& asked) {
  if (stored.coins != asked.coins || stored.items.size() != asked.items.size()) return false;
  for (size_t i = 0; i < asked.items.size(); ++i) {
    const auto& a = asked.items[i];
    const auto& b = stored.items[i];
    if (a.item_id != b.item_id || a.quantity != b.quantity) return false;
    if (!a.serials.empty() && a.serials != b.serials) return false;
  }
  return true;
}

}  // namespace

TradeService::TradeService(store::Database& db, ledger::Ledger& ledger, users::UserService& users,
                           events::Outbox* outbox, realtime::Notifier* notifier, const Clock& clock,
                           TradeOptions options)
    : db_(db),
      ledger_(ledger),
      users_(users),
      outbox_(outbox),
      notifier_(notifier),
      clock_(clock),
      options_(options) {}

void TradeService::check_draft(const users::Actor& actor, const TradeDraft& d) {
  if (d.to == actor.user_id) throw field_error("to", "a trade is with someone else");
  if (d.to <= 0) throw field_error("to", "must be a user's id");
  if (d.give.empty() && d.want.empty()) {
    throw field_error("give", "a trade needs something on at least one side");
  }
  check_side("give", d.give, options_);
  check_side("want", d.want, options_);
  if (d.note.size() > kMaxNote) throw field_error("note", "at most 200 bytes");
  for (const unsigned char c : d.note) {
    if (c < 0x20 && c != '\n') throw field_error("note", "no control characters");
  }
}

int64_t TradeService::value_in(store::Tx& tx, const TradeSide& side) {
  int64_t value = side.coins;
  for (const auto& l : side.items) {
    const auto item = sql::find_item(tx, l.item_id);
    if (!item) {
      throw Error(ErrorCode::kNotFound, "no item " + std::to_string(l.item_id),
                  {{"id", l.item_id}});
    }
    if (!item->tradeable) {
      throw refusal_error("not_tradeable", item->name_en + " cannot be traded",
                          {{"item_id", item->id}});
    }
    if (!l.serials.empty() && !item->serialized) {
      throw field_error("items", item->name_en + " has no serial numbers");
    }
    value = checked_add(value, checked_mul(item->shown(), l.quantity));
  }
  return value;
}

TradePreview TradeService::preview(const users::Actor& actor, const TradeDraft& draft) {
  require_player(actor, users::scope::kTradeRead);
  check_draft(actor, draft);
  return db_.read([&](store::Tx& tx) {
    TradePreview p;
    p.give_value = value_in(tx, draft.give);
    p.want_value = value_in(tx, draft.want);
    p.give_fee = trade_fee(draft.give.coins);
    p.want_fee = trade_fee(draft.want.coins);
    p.lopsided = lopsided(p.give_value, p.want_value);
    return p;
  });
}

void TradeService::name_lines(store::Tx& tx, Trade& t) {
  for (auto* side : {&t.give, &t.want}) {
    for (auto& l : side->items) {
      if (const auto item = sql::find_item(tx, l.item_id)) {
        l.name_ru = item->name_ru;
        l.name_en = item->name_en;
      }
    }
  }
}

Trade TradeService::offer(const users::Actor& actor, const TradeDraft& draft,
                          const std::string& key) {
  const int64_t from = require_player(actor, users::scope::kTradeWrite);
  if (key.empty() || key.size() > 200) {
    throw field_error("idempotency_key", "the idempotency key must be 1 to 200 bytes");
  }
  check_draft(actor, draft);
  return db_.transact([&](store::Tx& tx) {
    if (const auto id = sql::trade_id_by_key(tx, from, key)) {
      auto done = sql::find_trade(tx, *id);
      // The key names this offer: a repeat must ask the same (once changed, the recipient's
      // the same), else it is someone's other request under a used key.
      if (!done || done->to != draft.to ||
          (done->version == 1 &&
           (!same_side(done->give, draft.give) || !same_side(done->want, draft.want)))) {
        throw Error(ErrorCode::kIdempotencyConflict,
                    "this idempotency key was used for another offer", {{"trade_id", *id}});
      }
      done->replayed = true;
      return *done;
    }
    if (sql::pending_from(tx, from) >= options_.max_pending) {
      throw refusal_error("too_many_open",
                          "at most " + std::to_string(options_.max_pending) + " open offers",
                          {{"limit", options_.max_pending}});
    }
    return write_offer(tx, actor, 0, draft, key);
  });
}

Trade TradeService::edit(const users::Actor& actor, int64_t trade_id, const TradeDraft& draft) {
  const int64_t from = require_player(actor, users::scope::kTradeWrite);
  return db_.transact([&](store::Tx& tx) {
    const auto t = sql::find_trade(tx, trade_id, true);
    if (!t || (t->from != from && t->to != from)) throw no_trade(trade_id);
    if (t->from != from) throw Error(ErrorCode::kForbidden, "only the initiator changes an offer");
    if (t->state != "pending") {
      throw refusal_error("not_pending", "the trade is " + t->state, {{"state", t->state}});
    }
    TradeDraft d = draft;
    d.to = t->to;
    check_draft(actor, d);
    return write_offer(tx, actor, trade_id, d, "");
  });
}

Trade TradeService::write_offer(store::Tx& tx, const users::Actor& actor, int64_t trade_id,
                                const TradeDraft& d, const std::string& key) {
  const Micros now = clock_.now();
  if (!users_.find(tx, d.to)) {
    throw Error(ErrorCode::kNotFound, "no user " + std::to_string(d.to), {{"field", "to"}});
  }
  Trade t;
  bool seen_before = false;
  if (trade_id != 0) {
    t = *sql::find_trade(tx, trade_id, true);
    if (now >= t.expires_at) throw refusal_error("expired", "the offer expired");
    seen_before = t.seen_version == t.version;
    for (const auto& [hold, asset] : sql::trade_holds(tx, t.id, t.version)) {
      ledger_.void_hold(tx, trade_key(t, "void:" + std::to_string(hold)), hold, "trade.edit",
                        {{"trade", t.id}});
      sql::free_held_instances(tx, hold);
    }
    ++t.version;
  } else {
    t.from = actor.user_id;
    t.to = d.to;
    t.state = "pending";
    t.created_at = now;
  }
  t.give = d.give;
  t.want = d.want;
  t.note = d.note;
  t.updated_at = now;
  t.expires_at = now + options_.ttl;
  t.give_value = value_in(tx, t.give);
  t.want_value = value_in(tx, t.want);
  if (lopsided(t.give_value, t.want_value) && t.give_value > t.want_value && !d.confirm_low_value) {
    throw refusal_error("confirm_low_value",
                        "you give more than ten times what you get: confirm that you understand",
                        {{"give_value", t.give_value}, {"want_value", t.want_value}});
  }
  if (trade_id == 0) {
    t.id = sql::insert_trade(tx, t, key, trade_beneficiary(t));
  }
  hold_side(tx, t);
  const auto flags = risk_flags(tx, t, seen_before);
  for (const auto& f : flags) {
    if (std::find(t.flags.begin(), t.flags.end(), f) == t.flags.end()) t.flags.push_back(f);
  }
  sql::update_trade(tx, t, trade_beneficiary(t));
  notify(tx, t, t.to, trade_id == 0 ? "offered" : "changed");
  name_lines(tx, t);
  return t;
}

void TradeService::hold_side(store::Tx& tx, Trade& t) {
  if (t.give.coins > 0) {
    const auto wallet = ledger_.user_account(tx, t.from, ledger::kCoin);
    const auto hold = ledger_.hold(tx, trade_key(t, "coins"), wallet, t.give.coins, ledger::kCoin,
                                   "trade.offer", {{"trade", t.id}});
    sql::insert_trade_hold(tx, t.id, t.version, hold.id, std::string(ledger::kCoin));
  }
  for (auto& l : t.give.items) {
    const auto item = *sql::find_item(tx, l.item_id);
    const auto account = ledger_.user_account(tx, t.from, item.asset);
    const auto hold = ledger_.hold(tx, trade_key(t, item.asset), account, l.quantity, item.asset,
                                   "trade.offer", {{"trade", t.id}});
    sql::insert_trade_hold(tx, t.id, t.version, hold.id, item.asset);
    if (!item.serialized) continue;
    const auto free = sql::free_serials(tx, item.id, t.from);
    if (l.serials.empty()) l.serials = lowest(free, l.quantity, item);
    for (const int64_t s : l.serials) {
      if (!std::binary_search(free.begin(), free.end(), s)) {
        throw refusal_error("serial_not_owned", "№ " + std::to_string(s) + " is not yours to trade",
                            {{"item_id", item.id}, {"serial", s}});
      }
      sql::hold_instance(tx, item.id, s, hold.id);
    }
  }
}

Trade TradeService::accept(const users::Actor& actor, int64_t trade_id, int64_t version,
                           bool confirm_low_value) {
  const int64_t me = require_player(actor, users::scope::kTradeWrite);
  bool expired = false;
  Trade out = db_.transact([&](store::Tx& tx) {
    auto t = sql::find_trade(tx, trade_id, true);
    if (!t || (t->from != me && t->to != me)) throw no_trade(trade_id);
    if (t->to != me) throw Error(ErrorCode::kForbidden, "only the recipient accepts an offer");
    if (t->state == "accepted") {
      t->replayed = true;
      name_lines(tx, *t);
      return *t;
    }
    if (t->state != "pending") {
      throw refusal_error("not_pending", "the trade is " + t->state, {{"state", t->state}});
    }
    if (clock_.now() >= t->expires_at) {
      release(tx, *t, "expired", "trade.expired");
      expired = true;  // committed, then refused below
      return *t;
    }
    if (version != t->version) {
      throw refusal_error("offer_changed",
                          "the offer changed: look at it again and accept the new one",
                          {{"version", t->version}});
    }
    t->give_value = value_in(tx, t->give);  // also refuses what became non-tradeable
    t->want_value = value_in(tx, t->want);
    if (lopsided(t->give_value, t->want_value) && t->want_value > t->give_value &&
        !confirm_low_value) {
      throw refusal_error("confirm_low_value",
                          "you give more than ten times what you get: confirm that you understand",
                          {{"give_value", t->give_value}, {"want_value", t->want_value}});
    }
    settle(tx, *t);
    name_lines(tx, *t);
    return *t;
  });
  if (expired) throw refusal_error("expired", "the offer expired; everything went back");
  return out;
}

void TradeService::settle(store::Tx& tx, Trade& t) {
  const Micros now = clock_.now();
  const nlohmann::json meta{{"trade", t.id}};
  const auto fees = ledger_.system_account(tx, "fees:trade", ledger::kCoin);
  // The recipient's side moves now (a refusal here rolls everything back).
  t.want_fee = trade_fee(t.want.coins);
  if (t.want.coins > 0) {
    ledger_.transfer(tx,
                     {trade_key(t, "want:coins"),
                      std::string(ledger::kCoin),
                      {{ledger_.user_account(tx, t.to, ledger::kCoin), -t.want.coins},
                       {ledger_.user_account(tx, t.from, ledger::kCoin), t.want.coins - t.want_fee},
                       {fees, t.want_fee}},
                      "trade.swap",
                      meta});
  }
  for (auto& l : t.want.items) {
    const auto item = *sql::find_item(tx, l.item_id);
    ledger_.move(tx, trade_key(t, "want:" + item.asset), ledger_.user_account(tx, t.to, item.asset),
                 ledger_.user_account(tx, t.from, item.asset), l.quantity, item.asset, "trade.swap",
                 meta);
    if (!item.serialized) continue;
    const auto free = sql::free_serials(tx, item.id, t.to);
    if (l.serials.empty()) l.serials = lowest(free, l.quantity, item);
    for (const int64_t s : l.serials) {
      if (!std::binary_search(free.begin(), free.end(), s)) {
        throw refusal_error("serial_not_owned", "№ " + std::to_string(s) + " is not yours to trade",
                            {{"item_id", item.id}, {"serial", s}});
      }
      sql::move_instance(tx, item.id, s, t.from, now);
    }
  }
  // The initiator's holds are posted to the recipient.
  t.give_fee = trade_fee(t.give.coins);
  for (const auto& [hold_id, asset] : sql::trade_holds(tx, t.id, t.version)) {
    const auto hold = ledger_.get_hold(tx, hold_id);
    if (asset == ledger::kCoin) {
      ledger_.post(tx, trade_key(t, "post:coins"), hold_id,
                   {{ledger_.user_account(tx, t.to, ledger::kCoin), hold.amount - t.give_fee},
                    {fees, t.give_fee}},
                   "trade.swap", meta);
    } else {
      ledger_.post(tx, trade_key(t, "post:" + asset), hold_id,
                   {{ledger_.user_account(tx, t.to, asset), hold.amount}}, "trade.swap", meta);
      sql::give_held_instances(tx, hold_id, t.to, now);
    }
  }
  t.state = "accepted";
  t.resolved_at = now;
  t.updated_at = now;
  for (const auto& f : risk_flags(tx, t, false)) {
    if (std::find(t.flags.begin(), t.flags.end(), f) == t.flags.end()) t.flags.push_back(f);
  }
  sql::update_trade(tx, t, trade_beneficiary(t));
  notify(tx, t, t.from, "accepted");
}

Trade TradeService::cancel(const users::Actor& actor, int64_t trade_id) {
  const int64_t me = require_player(actor, users::scope::kTradeWrite);
  return db_.transact([&](store::Tx& tx) {
    auto t = sql::find_trade(tx, trade_id, true);
    if (!t || (t->from != me && t->to != me)) throw no_trade(trade_id);
    if (t->state != "pending") {
      t->replayed = true;
      name_lines(tx, *t);
      return *t;
    }
    const bool mine = t->from == me;
    release(tx, *t, mine ? "cancelled" : "declined", mine ? "trade.cancel" : "trade.decline");
    name_lines(tx, *t);
    return *t;
  });
}

void TradeService::release(store::Tx& tx, Trade& t, const std::string& state,
                           const std::string& why) {
  for (const auto& [hold, asset] : sql::trade_holds(tx, t.id, t.version)) {
    ledger_.void_hold(tx, trade_key(t, "void:" + std::to_string(hold)), hold, why,
                      {{"trade", t.id}});
    sql::free_held_instances(tx, hold);
  }
  const Micros now = clock_.now();
  t.state = state;
  t.resolved_at = now;
  t.updated_at = now;
  sql::update_trade(tx, t, trade_beneficiary(t));
  if (state == "expired") {
    notify(tx, t, t.from, state);
    notify(tx, t, t.to, state);
  } else {
    notify(tx, t, state == "cancelled" ? t.to : t.from, state);
  }
}

Trade TradeService::get(const users::Actor& actor, int64_t trade_id) {
  actor.require_scope(users::scope::kTradeRead);
  return db_.transact([&](store::Tx& tx) {
    auto t = sql::find_trade(tx, trade_id);
    if (!t) throw no_trade(trade_id);
    const bool party = !actor.console && (t->from == actor.user_id || t->to == actor.user_id);
    if (!party && !staff(actor)) throw no_trade(trade_id);
    if (!actor.console && t->to == actor.user_id && t->state == "pending" &&
        t->seen_version < t->version) {
      t->seen_version = t->version;
      sql::update_trade(tx, *t, trade_beneficiary(*t));
    }
    name_lines(tx, *t);
    return *t;
  });
}

std::vector<Trade> TradeService::list(const users::Actor& actor, const TradeQuery& q) {
  const int64_t me = require_player(actor, users::scope::kTradeRead);
  if (q.limit < 1 || q.limit > 100) throw field_error("limit", "must be between 1 and 100");
  if (q.state != "" && q.state != "pending" && q.state != "done") {
    throw field_error("state", "must be pending or done");
  }
  return db_.read([&](store::Tx& tx) {
    auto out = sql::trades_of(tx, me, q.state, q.before, q.limit);
    for (auto& t : out) name_lines(tx, t);
    return out;
  });
}

std::vector<TradeFlag> TradeService::flags(const users::Actor& actor, int64_t before, int limit) {
  if (!actor.console) actor.require_scope(users::scope::kAdmin);
  if (!staff(actor)) throw Error(ErrorCode::kForbidden, "trade flags are for staff");
  if (limit < 1 || limit > 200) throw field_error("limit", "must be between 1 and 200");
  return db_.read([&](store::Tx& tx) { return sql::flags_before(tx, before, limit); });
}

int TradeService::expire() {
  const Micros now = clock_.now();
  const auto ids = db_.read([&](store::Tx& tx) { return sql::expired_trades(tx, now, 500); });
  int expired = 0;
  for (const int64_t id : ids) {
    expired += db_.transact([&](store::Tx& tx) {
      auto t = sql::find_trade(tx, id, true);
      if (!t || t->state != "pending" || t->expires_at > clock_.now()) return 0;
      release(tx, *t, "expired", "trade.expired");
      return 1;
    });
  }
  return expired;
}

int TradeService::prune() {
  const Micros before = clock_.now() - options_.history;
  return static_cast<int>(
      db_.transact([&](store::Tx& tx) { return sql::prune_trades(tx, before); }));
}

}  // namespace lucas::economy
