#include "features/users/users_history.h"

namespace lucas::users {

HistoryService::HistoryService(store::Database& db, ledger::Ledger& ledger, UserService& users)
    : db_(db), ledger_(ledger), users_(users) {}

ledger::HistoryPage HistoryService::transactions(const Actor& actor, int64_t telegram_id,
                                                 const HistoryQuery& q) {
  if (telegram_id <= 0) {
    throw Error(ErrorCode::kInvalidArgument, "a Telegram user id is a positive integer",
                {{"id", telegram_id}});
  }
  // Without credentials nothing is answered, not even whether the user exists.
  const Access access = read_access(
      actor, telegram_id, actor.is_anonymous() ? Role::kUser : users_.get(telegram_id).role,
      Data::kHistory);
  if (q.limit < 1 || q.limit > 200) {
    throw Error(ErrorCode::kInvalidArgument, "limit must be between 1 and 200",
                {{"limit", q.limit}});
  }
  ledger::validate(q.filter);
  // History tolerates replication lag: the read replica serves it when there is one.
  auto page = db_.read_replica([&](store::Tx& tx) {
    ledger_.currency(tx, q.currency);
    const auto account = ledger_.find_user_account(tx, telegram_id, q.currency);
    if (!account) return ledger::HistoryPage{};  // never received this currency
    return ledger::history(tx, *account, q.cursor, q.limit, q.filter);
  });
  if (access != Access::kFull) {
    for (auto& item : page.items) item.metadata = safe_metadata(item.metadata);
  }
  return page;
}

}  // namespace lucas::users
