// The ledger: double-entry, multi-currency money. Every movement is a balanced transfer between
// two or more accounts of one currency, written in the caller's transaction, keyed by an
// idempotency key (a repeat returns the first result and moves nothing). User accounts never go
// negative unless created to allow it. Holds reserve an amount in escrow until posted or voided.
// Amounts are int64 minor units; COIN has 2 fraction digits (1 coin = 100).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "infra/events/outbox.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "infra/telemetry/metrics.h"

namespace lucas::ledger {

inline constexpr std::string_view kCoin = "COIN";
using AccountId = int64_t;

store::MigrationSet migrations();

struct Currency {
  std::string code;
  int scale = 2;
  std::string name;
};

struct Account {
  AccountId id = 0;
  std::string kind;      // "user" or "system"
  int64_t owner_id = 0;  // Telegram id for user accounts, 0 for system accounts
  std::string role;      // "main" for a user's wallet; "mint:<source>", "escrow", "fees", ...
  std::string currency;
  int64_t balance = 0;
  bool allow_negative = false;
};

// One side of a transfer: positive credits the account, negative debits it.
struct Leg {
  AccountId account = 0;
  int64_t amount = 0;
};

struct TransferRequest {
  std::string idempotency_key;  // 1..200 bytes
  std::string currency;
  std::vector<Leg> legs;  // >= 2, distinct accounts, non-zero, summing to zero
  std::string reason;     // 1..200 bytes, e.g. "bank.parse", "admin.grant"
  nlohmann::json metadata = nlohmann::json::object();
};

struct Entry {
  int64_t id = 0;
  AccountId account = 0;
  int64_t amount = 0;
  int64_t balance_after = 0;
};

struct Transfer {
  int64_t id = 0;
  std::string idempotency_key;
  std::string currency;
  std::string kind;  // "transfer", "hold", "post", "void"
  std::string reason;
  nlohmann::json metadata;
  Micros created_at = 0;
  std::vector<Entry> entries;
  bool replayed = false;  // true when the key had been used: nothing moved this time
};

struct Hold {
  int64_t id = 0;
  AccountId source = 0;
  AccountId escrow = 0;
  std::string currency;
  int64_t amount = 0;
  std::string status;  // "pending", "posted", "voided"
  int64_t transfer_id = 0;
  std::optional<int64_t> resolved_transfer_id;
  bool replayed = false;
};

struct HistoryItem {
  int64_t entry_id = 0;
  int64_t transfer_id = 0;
  std::string kind;
  int64_t amount = 0;
  int64_t balance_after = 0;
  std::string reason;
  nlohmann::json metadata;
  Micros created_at = 0;
};

struct HistoryPage {
  std::vector<HistoryItem> items;  // newest first
  std::optional<std::string> next_cursor;
};

struct CheckReport {
  bool ok() const { return problems.empty(); }
  std::vector<std::string> problems;
  int64_t accounts = 0;
  int64_t transfers = 0;
  int64_t entries = 0;
  std::map<std::string, int64_t> currency_sums;  // must all be zero
};

class Ledger {
 public:
  Ledger(const Clock& clock, events::Outbox* outbox = nullptr,
         telemetry::Registry* metrics = nullptr);

  // Currencies. COIN exists from the first migration.
  Currency currency(store::Tx& tx, std::string_view code);  // NOT_FOUND when unknown
  void add_currency(store::Tx& tx, const Currency& c);      // CONFLICT when it exists differently

  // Accounts are created on first use. A user account never allows a negative balance.
  AccountId user_account(store::Tx& tx, int64_t user_id, std::string_view currency);
  std::optional<AccountId> find_user_account(store::Tx& tx, int64_t user_id,
                                             std::string_view currency);
  // `allow_negative` is fixed when the account is first created (mints issue money: true).
  AccountId system_account(store::Tx& tx, std::string_view role, std::string_view currency,
                           bool allow_negative = false);
  std::optional<AccountId> find_system_account(store::Tx& tx, std::string_view role,
                                               std::string_view currency);
  Account account(store::Tx& tx, AccountId id);  // NOT_FOUND when unknown
  // The user's wallets, one per currency they ever held (zero balances included), by currency.
  std::vector<Account> user_accounts(store::Tx& tx, int64_t user_id);

  // Moves money atomically: every check (accounts, currency, funds, overflow, idempotency) runs
  // before the first write, so a refusal leaves the caller's transaction untouched and usable.
  // Errors: INVALID_ARGUMENT, INVALID_AMOUNT, NOT_FOUND (account), INSUFFICIENT_FUNDS,
  // AMOUNT_OVERFLOW, IDEMPOTENCY_CONFLICT (same key, different request).
  Transfer transfer(store::Tx& tx, const TransferRequest& req);
  // Two-leg convenience.
  Transfer move(store::Tx& tx, std::string key, AccountId from, AccountId to, int64_t amount,
                std::string_view currency, std::string reason,
                nlohmann::json metadata = nlohmann::json::object());

  // Reserves `amount` from `source` into the currency's escrow account.
  Hold hold(store::Tx& tx, std::string key, AccountId source, int64_t amount,
            std::string_view currency, std::string reason,
            nlohmann::json metadata = nlohmann::json::object());
  // Pays a pending hold out to `destinations` (positive amounts, total <= the hold); any
  // remainder returns to the source. HOLD_NOT_PENDING when already posted or voided (unless this
  // key resolved it: then the first result is returned).
  // `metadata` is recorded on the transfer beside {"hold": id}.
  Transfer post(store::Tx& tx, std::string key, int64_t hold_id,
                const std::vector<Leg>& destinations, std::string reason,
                nlohmann::json metadata = nlohmann::json::object());
  // Returns a pending hold to its source.
  Transfer void_hold(store::Tx& tx, std::string key, int64_t hold_id, std::string reason,
                     nlohmann::json metadata = nlohmann::json::object());
  Hold get_hold(store::Tx& tx, int64_t hold_id);

  // Newest first; `cursor` comes from a previous page. 1 <= limit <= 200.
  HistoryPage history(store::Tx& tx, AccountId account, const std::optional<std::string>& cursor,
                      int limit);

  // Verifies every invariant: each currency sums to zero over all accounts, each balance equals
  // its journal sum and its last balance_after, every transfer balances, no account that may not
  // be negative is negative, escrow equals the pending holds; then every invariant a feature
  // added with add_check (e.g. the bank's unclaimed credits against their holds).
  CheckReport check(store::Tx& tx);
  // A further invariant for check(): returns the problems it finds (none: it holds). Features
  // that keep money in system accounts or holds register theirs at construction.
  using Invariant = std::function<std::vector<std::string>(store::Tx& tx)>;
  void add_check(std::string name, Invariant invariant);

 private:
  Transfer apply(store::Tx& tx, const TransferRequest& req, std::string_view kind);
  void publish(store::Tx& tx, const Transfer& t);

  const Clock& clock_;
  events::Outbox* outbox_;
  telemetry::Registry* metrics_;
  std::mutex mu_;
  std::map<std::string, Currency, std::less<>> currencies_;    // cache: currencies never change
  std::vector<std::pair<std::string, Invariant>> invariants_;  // guarded by mu_
};

}  // namespace lucas::ledger
