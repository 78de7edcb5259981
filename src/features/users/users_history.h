// A user's history with filters — money in or out, a reason prefix ("bank." game results,
// "admin." grants and debits), a time window — for the web app's history page and its CSV export
// (GET /api/v1/users/{id}/transactions). Read as UserService::transactions decides: history:read,
// the user themself or an admin above them; metadata cut to its safe keys for a scoped client.
#pragma once

#include <optional>
#include <string>

#include "features/users/users.h"
#include "ledger/history.h"

namespace lucas::users {

struct HistoryQuery {
  ledger::HistoryFilter filter;
  std::optional<std::string> cursor;  // next_cursor of the previous page (of the same filter)
  int limit = 50;                     // 1-200
  std::string currency = std::string(ledger::kCoin);
};

class HistoryService {
 public:
  HistoryService(store::Database& db, ledger::Ledger& ledger, UserService& users);

  // Newest first. UNAUTHORIZED, INSUFFICIENT_SCOPE or FORBIDDEN as for UserService::transactions;
  // NOT_FOUND for an unknown user or currency; INVALID_ARGUMENT for a bad limit, cursor or filter.
  ledger::HistoryPage transactions(const Actor& actor, int64_t telegram_id, const HistoryQuery& q);
  int currency_scale(std::string_view currency) { return users_.currency_scale(currency); }

 private:
  store::Database& db_;
  ledger::Ledger& ledger_;
  UserService& users_;
};

}  // namespace lucas::users
