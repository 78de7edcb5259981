// The ledger's SQL (internal to ledger/). Prepared statements only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/history.h"
#include "ledger/ledger.h"

namespace lucas::ledger::sql {

std::optional<Currency> find_currency(store::Tx& tx, std::string_view code);
void insert_currency(store::Tx& tx, const Currency& c, Micros now);

std::optional<AccountId> find_account(store::Tx& tx, std::string_view kind, int64_t owner,
                                      std::string_view role, std::string_view currency);
// Inserts unless it exists (concurrent creators converge on one row); returns the id.
AccountId create_account(store::Tx& tx, std::string_view kind, int64_t owner, std::string_view role,
                         std::string_view currency, bool allow_negative, Micros now);
std::optional<Account> load_account(store::Tx& tx, AccountId id);
// A user's wallets (role "main"), one per currency they ever held, by currency.
std::vector<Account> user_accounts(store::Tx& tx, int64_t user_id);

// Inserts the transfer row unless the key exists; returns the new id or nothing on a repeat.
std::optional<int64_t> insert_transfer(store::Tx& tx, const TransferRequest& req,
                                       std::string_view kind, const std::string& request_hash,
                                       Micros now);
struct StoredTransfer {
  Transfer transfer;
  std::string request_hash;
};
std::optional<StoredTransfer> load_transfer_by_key(store::Tx& tx, const std::string& key);

// Reads the accounts (ids sorted ascending) and, on PostgreSQL, locks them in that order, so
// concurrent transfers cannot deadlock. Missing ids are simply absent from the result.
std::vector<Account> lock_accounts(store::Tx& tx, const std::vector<AccountId>& sorted_ids);
// Sets the balances computed by the caller (one statement).
void set_balances(store::Tx& tx, const std::vector<Entry>& entries);
// Inserts the journal entries (one statement) and fills in their ids.
void insert_entries(store::Tx& tx, int64_t transfer_id, std::vector<Entry>& entries);

int64_t insert_hold(store::Tx& tx, const Hold& h, Micros now);
std::optional<Hold> load_hold(store::Tx& tx, int64_t id, bool lock);
std::optional<Hold> load_hold_by_transfer(store::Tx& tx, int64_t transfer_id);
void resolve_hold(store::Tx& tx, int64_t id, std::string_view status, int64_t transfer_id,
                  Micros now);

// Entries of `account` older than `before_entry_id` that `filter` lets through, newest first.
std::vector<HistoryItem> history(store::Tx& tx, AccountId account, int64_t before_entry_id,
                                 int limit, const HistoryFilter& filter);

void check(store::Tx& tx, CheckReport& report);

}  // namespace lucas::ledger::sql
