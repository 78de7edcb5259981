// The ledger's SQL (internal to ledger/). Prepared statements only.
#pragma once

#include <optional>
#include <string>
#include <vector>

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

// Inserts the transfer row unless the key exists; returns the new id or nothing on a repeat.
std::optional<int64_t> insert_transfer(store::Tx& tx, const TransferRequest& req,
                                       std::string_view kind, const std::string& request_hash,
                                       Micros now);
struct StoredTransfer {
  Transfer transfer;
  std::string request_hash;
};
std::optional<StoredTransfer> load_transfer_by_key(store::Tx& tx, const std::string& key);

// Adds `amount` to the balance; returns {new balance, allow_negative} or nothing when the account
// does not exist in that currency.
struct Applied {
  int64_t balance;
  bool allow_negative;
};
std::optional<Applied> apply_leg(store::Tx& tx, AccountId account, std::string_view currency,
                                 int64_t amount);
int64_t insert_entry(store::Tx& tx, int64_t transfer_id, const Entry& e);

int64_t insert_hold(store::Tx& tx, const Hold& h, Micros now);
std::optional<Hold> load_hold(store::Tx& tx, int64_t id, bool lock);
std::optional<Hold> load_hold_by_transfer(store::Tx& tx, int64_t transfer_id);
void resolve_hold(store::Tx& tx, int64_t id, std::string_view status, int64_t transfer_id,
                  Micros now);

std::vector<HistoryItem> history(store::Tx& tx, AccountId account, int64_t before_entry_id,
                                 int limit);

void check(store::Tx& tx, CheckReport& report);

}  // namespace lucas::ledger::sql
