#include "ledger/ledger.h"

#include <algorithm>
#include <set>

#include "base/ids.h"
#include "base/money.h"
#include "ledger/history.h"
#include "ledger/ledger_store.h"

namespace lucas::ledger {
using store::Value;

store::MigrationSet migrations() {
  return {"ledger",
          {{1, "currencies, accounts, transfers, entries, holds",
            R"(
CREATE TABLE currencies (
  code TEXT PRIMARY KEY,
  scale INTEGER NOT NULL CHECK (scale BETWEEN 0 AND 18),
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
INSERT INTO currencies (code, scale, name, created_at) VALUES ('COIN', 2, 'Bank coin', 0);
CREATE TABLE accounts (
  id {{id}},
  kind TEXT NOT NULL CHECK (kind IN ('user', 'system')),
  owner_id BIGINT NOT NULL,
  role TEXT NOT NULL,
  currency TEXT NOT NULL REFERENCES currencies (code),
  balance BIGINT NOT NULL DEFAULT 0,
  allow_negative INTEGER NOT NULL DEFAULT 0 CHECK (allow_negative IN (0, 1)),
  created_at BIGINT NOT NULL,
  UNIQUE (kind, owner_id, role, currency)
);
CREATE TABLE transfers (
  id {{id}},
  idempotency_key TEXT NOT NULL UNIQUE,
  request_hash TEXT NOT NULL,
  currency TEXT NOT NULL REFERENCES currencies (code),
  kind TEXT NOT NULL CHECK (kind IN ('transfer', 'hold', 'post', 'void')),
  reason TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE entries (
  id {{id}},
  transfer_id BIGINT NOT NULL REFERENCES transfers (id),
  account_id BIGINT NOT NULL REFERENCES accounts (id),
  amount BIGINT NOT NULL CHECK (amount <> 0),
  balance_after BIGINT NOT NULL
);
CREATE INDEX entries_by_account ON entries (account_id, id);
CREATE INDEX entries_by_transfer ON entries (transfer_id);
CREATE TABLE holds (
  id {{id}},
  transfer_id BIGINT NOT NULL UNIQUE REFERENCES transfers (id),
  source_account BIGINT NOT NULL REFERENCES accounts (id),
  escrow_account BIGINT NOT NULL REFERENCES accounts (id),
  currency TEXT NOT NULL REFERENCES currencies (code),
  amount BIGINT NOT NULL CHECK (amount > 0),
  status TEXT NOT NULL CHECK (status IN ('pending', 'posted', 'voided')),
  resolved_transfer_id BIGINT REFERENCES transfers (id),
  created_at BIGINT NOT NULL,
  resolved_at BIGINT
);
CREATE INDEX holds_pending ON holds (escrow_account, status);
)"}}};
}

namespace {

constexpr size_t kMaxKey = 200;
constexpr size_t kMaxReason = 200;

void require(bool ok, ErrorCode code, const std::string& message,
             nlohmann::json details = nullptr) {
  if (!ok) throw Error(code, message, std::move(details));
}

// A fingerprint of what a request asks for: a repeated key must ask for the same thing.
std::string request_hash(const TransferRequest& req, std::string_view kind) {
  std::vector<Leg> legs = req.legs;
  std::sort(legs.begin(), legs.end(),
            [](const Leg& a, const Leg& b) { return a.account < b.account; });
  std::string s = std::string(kind) + '|' + req.currency + '|' + req.reason + '|';
  for (const auto& l : legs) s += std::to_string(l.account) + ':' + std::to_string(l.amount) + ';';
  s += '|' + req.metadata.dump();
  return sha256_hex(s);
}

}  // namespace

Ledger::Ledger(const Clock& clock, events::Outbox* outbox, telemetry::Registry* metrics)
    : clock_(clock), outbox_(outbox), metrics_(metrics) {}

Currency Ledger::currency(store::Tx& tx, std::string_view code) {
  {
    std::lock_guard lock(mu_);
    auto it = currencies_.find(code);
    if (it != currencies_.end()) return it->second;
  }
  auto c = sql::find_currency(tx, code);
  require(c.has_value(), ErrorCode::kNotFound, "unknown currency '" + std::string(code) + "'",
          {{"currency", std::string(code)}});
  std::lock_guard lock(mu_);
  currencies_.emplace(c->code, *c);
  return *c;
}

void Ledger::add_currency(store::Tx& tx, const Currency& c) {
  // Letters first; digits after (item assets are "ITEM_<id>").
  require(!c.code.empty() && c.code.size() <= 16 && c.code[0] >= 'A' && c.code[0] <= 'Z' &&
              std::all_of(c.code.begin(), c.code.end(),
                          [](char ch) {
                            return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                                   ch == '_';
                          }),
          ErrorCode::kInvalidArgument,
          "currency code must be 1-16 of A-Z, 0-9 and _, starting with a letter");
  pow10(c.scale);  // validates the scale
  sql::insert_currency(tx, c, clock_.now());
  auto stored = sql::find_currency(tx, c.code);
  require(stored && stored->scale == c.scale, ErrorCode::kConflict,
          "currency " + c.code + " exists with another scale");
}

AccountId Ledger::user_account(store::Tx& tx, int64_t user_id, std::string_view code) {
  currency(tx, code);
  if (auto id = sql::find_account(tx, "user", user_id, "main", code)) return *id;
  return sql::create_account(tx, "user", user_id, "main", code, false, clock_.now());
}

std::optional<AccountId> Ledger::find_user_account(store::Tx& tx, int64_t user_id,
                                                   std::string_view code) {
  return sql::find_account(tx, "user", user_id, "main", code);
}

std::vector<Account> Ledger::user_accounts(store::Tx& tx, int64_t user_id) {
  return sql::user_accounts(tx, user_id);
}

AccountId Ledger::system_account(store::Tx& tx, std::string_view role, std::string_view code,
                                 bool allow_negative) {
  require(!role.empty() && role.size() <= 64 && role != "main", ErrorCode::kInvalidArgument,
          "invalid system account role");
  currency(tx, code);
  if (auto id = sql::find_account(tx, "system", 0, role, code)) return *id;
  return sql::create_account(tx, "system", 0, role, code, allow_negative, clock_.now());
}

std::optional<AccountId> Ledger::find_system_account(store::Tx& tx, std::string_view role,
                                                     std::string_view code) {
  return sql::find_account(tx, "system", 0, role, code);
}

Account Ledger::account(store::Tx& tx, AccountId id) {
  auto a = sql::load_account(tx, id);
  require(a.has_value(), ErrorCode::kNotFound, "account " + std::to_string(id) + " not found",
          {{"account", id}});
  return *a;
}

Transfer Ledger::transfer(store::Tx& tx, const TransferRequest& req) {
  return apply(tx, req, "transfer");
}

Transfer Ledger::move(store::Tx& tx, std::string key, AccountId from, AccountId to, int64_t amount,
                      std::string_view code, std::string reason, nlohmann::json metadata) {
  require(amount > 0, ErrorCode::kInvalidAmount, "amount must be positive", {{"amount", amount}});
  return transfer(tx, TransferRequest{std::move(key),
                                      std::string(code),
                                      {{from, checked_neg(amount)}, {to, amount}},
                                      std::move(reason),
                                      std::move(metadata)});
}

Transfer Ledger::apply(store::Tx& tx, const TransferRequest& req, std::string_view kind) {
  require(!req.idempotency_key.empty() && req.idempotency_key.size() <= kMaxKey,
          ErrorCode::kInvalidArgument, "idempotency key must be 1-200 bytes");
  require(!req.reason.empty() && req.reason.size() <= kMaxReason, ErrorCode::kInvalidArgument,
          "reason must be 1-200 bytes");
  require(req.metadata.is_object(), ErrorCode::kInvalidArgument, "metadata must be a JSON object");
  require(req.legs.size() >= 2, ErrorCode::kInvalidArgument, "a transfer needs at least two legs");
  currency(tx, req.currency);
  int64_t sum = 0;
  std::set<AccountId> seen;
  for (const auto& leg : req.legs) {
    require(leg.amount != 0, ErrorCode::kInvalidAmount, "a leg amount must not be zero",
            {{"account", leg.account}});
    require(seen.insert(leg.account).second, ErrorCode::kInvalidArgument,
            "an account appears twice in one transfer", {{"account", leg.account}});
    sum = checked_add(sum, leg.amount);
  }
  require(sum == 0, ErrorCode::kInvalidAmount, "transfer legs must sum to zero", {{"sum", sum}});

  const std::string hash = request_hash(req, kind);
  const Micros now = clock_.now();
  // A repeat returns what the first request did, whatever the balances are now.
  auto replay = [&]() -> std::optional<Transfer> {
    auto stored = sql::load_transfer_by_key(tx, req.idempotency_key);
    if (!stored) return std::nullopt;
    require(stored->request_hash == hash, ErrorCode::kIdempotencyConflict,
            "idempotency key '" + req.idempotency_key + "' was used for a different request",
            {{"idempotency_key", req.idempotency_key}, {"transfer_id", stored->transfer.id}});
    stored->transfer.replayed = true;
    return stored->transfer;
  };

  // Validate everything before writing anything: then a refusal leaves the caller's transaction
  // exactly as it was, with no savepoint needed.
  std::vector<Leg> legs = req.legs;
  std::sort(legs.begin(), legs.end(),
            [](const Leg& a, const Leg& b) { return a.account < b.account; });
  std::vector<AccountId> ids;
  for (const auto& leg : legs) ids.push_back(leg.account);
  std::vector<Entry> entries;
  try {
    const auto accounts = sql::lock_accounts(tx, ids);
    for (const Leg& leg : legs) {
      auto acc = std::find_if(accounts.begin(), accounts.end(),
                              [&](const Account& a) { return a.id == leg.account; });
      require(acc != accounts.end(), ErrorCode::kNotFound,
              "account " + std::to_string(leg.account) + " not found", {{"account", leg.account}});
      require(acc->currency == req.currency, ErrorCode::kInvalidArgument,
              "account " + std::to_string(leg.account) + " holds " + acc->currency + ", not " +
                  req.currency,
              {{"account", leg.account}, {"currency", acc->currency}});
      const int64_t after = checked_add(acc->balance, leg.amount);
      if (after < 0 && !acc->allow_negative) {
        throw Error(ErrorCode::kInsufficientFunds,
                    "insufficient funds in account " + std::to_string(leg.account),
                    {{"account", leg.account},
                     {"balance", acc->balance},
                     {"requested", checked_neg(leg.amount)}});
      }
      entries.push_back(Entry{0, leg.account, leg.amount, after});
    }
  } catch (const Error&) {
    if (auto t = replay()) return *t;
    throw;
  }

  auto id = sql::insert_transfer(tx, req, kind, hash, now);
  if (!id) {
    // A repeat: nothing has been written; return what the first request did.
    auto t = replay();
    require(t.has_value(), ErrorCode::kInternal, "idempotency key vanished");
    return *t;
  }
  // From here on nothing can be refused; only a database failure can interrupt, and that aborts
  // the caller's transaction anyway.
  sql::set_balances(tx, entries);
  sql::insert_entries(tx, *id, entries);
  Transfer result{*id,        req.idempotency_key, req.currency, std::string(kind),
                  req.reason, req.metadata,        now,          std::move(entries),
                  false};
  publish(tx, result);
  if (metrics_ != nullptr && !result.replayed) {
    auto* counter = &metrics_->counter("lucas_ledger_transfers_total", "Ledger transfers committed",
                                       {{"kind", result.kind}});
    // What moved: the sum of the credited legs, in the currency's minor units.
    int64_t moved = 0;
    for (const auto& e : result.entries) moved += e.amount > 0 ? e.amount : 0;
    auto* volume =
        &metrics_->counter("lucas_ledger_volume_minor_total",
                           "Amount moved by committed transfers (credited legs, minor units)",
                           {{"kind", result.kind}, {"currency", result.currency}});
    tx.after_commit([counter, volume, moved] {
      counter->inc();
      volume->inc(moved);
    });
  }
  return result;
}

void Ledger::publish(store::Tx& tx, const Transfer& t) {
  if (outbox_ == nullptr) return;
  nlohmann::json legs = nlohmann::json::array();
  for (const auto& e : t.entries) {
    legs.push_back(
        {{"account", e.account}, {"amount", e.amount}, {"balance_after", e.balance_after}});
  }
  outbox_->publish(tx, "ledger.transfer",
                   {{"transfer_id", t.id},
                    {"kind", t.kind},
                    {"currency", t.currency},
                    {"reason", t.reason},
                    {"legs", legs}});
}

Hold Ledger::hold(store::Tx& tx, std::string key, AccountId source, int64_t amount,
                  std::string_view code, std::string reason, nlohmann::json metadata) {
  require(amount > 0, ErrorCode::kInvalidAmount, "a hold amount must be positive",
          {{"amount", amount}});
  const AccountId escrow = system_account(tx, "escrow", code);
  return tx.savepoint([&] {
    Transfer t = apply(tx,
                       TransferRequest{std::move(key),
                                       std::string(code),
                                       {{source, checked_neg(amount)}, {escrow, amount}},
                                       std::move(reason),
                                       std::move(metadata)},
                       "hold");
    if (t.replayed) {
      auto h = sql::load_hold_by_transfer(tx, t.id);
      require(h.has_value(), ErrorCode::kIdempotencyConflict,
              "idempotency key '" + t.idempotency_key + "' belongs to a transfer, not a hold");
      h->replayed = true;
      return *h;
    }
    Hold h{0, source, escrow, std::string(code), amount, "pending", t.id, std::nullopt, false};
    h.id = sql::insert_hold(tx, h, clock_.now());
    return h;
  });
}

Hold Ledger::get_hold(store::Tx& tx, int64_t hold_id) {
  auto h = sql::load_hold(tx, hold_id, false);
  require(h.has_value(), ErrorCode::kNotFound, "hold " + std::to_string(hold_id) + " not found",
          {{"hold", hold_id}});
  return *h;
}

namespace {
// Returns the earlier result when `key` already resolved this hold; otherwise HOLD_NOT_PENDING.
Transfer replay_or_refuse(store::Tx& tx, const Hold& h, const std::string& key) {
  auto stored = sql::load_transfer_by_key(tx, key);
  if (stored && h.resolved_transfer_id && stored->transfer.id == *h.resolved_transfer_id) {
    stored->transfer.replayed = true;
    return stored->transfer;
  }
  throw Error(ErrorCode::kHoldNotPending,
              "hold " + std::to_string(h.id) + " is already " + h.status,
              {{"hold", h.id}, {"status", h.status}});
}
}  // namespace

Transfer Ledger::post(store::Tx& tx, std::string key, int64_t hold_id,
                      const std::vector<Leg>& destinations, std::string reason,
                      nlohmann::json metadata) {
  auto h = sql::load_hold(tx, hold_id, true);
  require(h.has_value(), ErrorCode::kNotFound, "hold " + std::to_string(hold_id) + " not found",
          {{"hold", hold_id}});
  if (h->status != "pending") return replay_or_refuse(tx, *h, key);
  require(!destinations.empty(), ErrorCode::kInvalidArgument, "post needs a destination");
  std::map<AccountId, int64_t> credit;
  int64_t total = 0;
  for (const auto& d : destinations) {
    require(d.amount > 0, ErrorCode::kInvalidAmount, "posted amounts must be positive");
    require(d.account != h->escrow, ErrorCode::kInvalidArgument, "cannot post to the escrow");
    total = checked_add(total, d.amount);
    credit[d.account] = checked_add(credit[d.account], d.amount);
  }
  require(total <= h->amount, ErrorCode::kInvalidAmount, "posted total exceeds the hold",
          {{"hold", h->amount}, {"posted", total}});
  if (total < h->amount) credit[h->source] = checked_add(credit[h->source], h->amount - total);
  if (!metadata.is_object()) metadata = nlohmann::json::object();
  metadata["hold"] = hold_id;
  TransferRequest req{std::move(key),
                      h->currency,
                      {{h->escrow, checked_neg(h->amount)}},
                      std::move(reason),
                      std::move(metadata)};
  for (const auto& [account, amount] : credit) req.legs.push_back({account, amount});
  Transfer t = apply(tx, req, "post");
  require(!t.replayed, ErrorCode::kIdempotencyConflict,
          "idempotency key '" + t.idempotency_key + "' was used for another transfer");
  sql::resolve_hold(tx, hold_id, "posted", t.id, clock_.now());
  return t;
}

Transfer Ledger::void_hold(store::Tx& tx, std::string key, int64_t hold_id, std::string reason,
                           nlohmann::json metadata) {
  auto h = sql::load_hold(tx, hold_id, true);
  require(h.has_value(), ErrorCode::kNotFound, "hold " + std::to_string(hold_id) + " not found",
          {{"hold", hold_id}});
  if (h->status != "pending") return replay_or_refuse(tx, *h, key);
  if (!metadata.is_object()) metadata = nlohmann::json::object();
  metadata["hold"] = hold_id;
  TransferRequest req{std::move(key),
                      h->currency,
                      {{h->escrow, checked_neg(h->amount)}, {h->source, h->amount}},
                      std::move(reason),
                      std::move(metadata)};
  Transfer t = apply(tx, req, "void");
  require(!t.replayed, ErrorCode::kIdempotencyConflict,
          "idempotency key '" + t.idempotency_key + "' was used for another transfer");
  sql::resolve_hold(tx, hold_id, "voided", t.id, clock_.now());
  return t;
}

HistoryPage Ledger::history(store::Tx& tx, AccountId account,
                            const std::optional<std::string>& cursor, int limit) {
  return ledger::history(tx, account, cursor, limit, HistoryFilter{});
}

CheckReport Ledger::check(store::Tx& tx) {
  CheckReport report;
  sql::check(tx, report);
  std::vector<std::pair<std::string, Invariant>> invariants;
  {
    std::lock_guard lock(mu_);
    invariants = invariants_;
  }
  for (const auto& [name, invariant] : invariants) {
    for (auto& problem : invariant(tx)) report.problems.push_back(name + ": " + problem);
  }
  return report;
}

void Ledger::add_check(std::string name, Invariant invariant) {
  std::lock_guard lock(mu_);
  invariants_.emplace_back(std::move(name), std::move(invariant));
}

}  // namespace lucas::ledger
