// An account's history, filtered: money in or out, a reason prefix ("bank." for game results,
// "admin." for admins' grants and debits) and a time window — what the web app's history page and
// its CSV export ask for. Ledger::history is this with no filter.
#pragma once

#include <optional>
#include <string>

#include "ledger/ledger.h"

namespace lucas::ledger {

struct HistoryFilter {
  enum class Direction { kAny, kCredit, kDebit };
  Direction direction = Direction::kAny;  // kCredit: amount > 0; kDebit: amount < 0
  std::string reason_prefix;              // empty: any; else [a-z0-9_.], at most 64 bytes
  std::optional<Micros> since;            // the transfer's time >= since
  std::optional<Micros> until;            // the transfer's time < until (exclusive)

  bool empty() const {
    return direction == Direction::kAny && reason_prefix.empty() && !since && !until;
  }
};

// INVALID_ARGUMENT for a malformed reason prefix or since >= until.
void validate(const HistoryFilter& filter);

// Newest first, only the entries `filter` lets through; `cursor` comes from a previous page of the
// same filter. 1 <= limit <= 200 (INVALID_ARGUMENT otherwise, or for a bad cursor or filter).
HistoryPage history(store::Tx& tx, AccountId account, const std::optional<std::string>& cursor,
                    int limit, const HistoryFilter& filter);

}  // namespace lucas::ledger
