// The coin board's rules: which ledger transfers count, for whom, and in which periods.
#include <spdlog/spdlog.h>

#include "features/leaderboards/leaderboards.h"

namespace lucas::leaderboards {

BoardSpec coin_board_spec() {
  BoardSpec b;
  b.name = std::string(CoinBoard::kBoard);
  b.description =
      "COIN won in games: the net COIN credited to a user by the game bots' mints in the period "
      "(all-time also counts the balances imported from the legacy bot). Admin grants and "
      "debits, transfers between users and moves between a user's own accounts do not count.";
  b.currency = std::string(ledger::kCoin);
  b.scale = 2;
  return b;
}

CoinBoard::CoinBoard(LeaderboardService& service, ledger::Ledger& ledger, store::Database& db)
    : service_(service),
      ledger_(ledger),
      db_(db),
      reasons_{{"bank.", false}, {"legacy.opening_balance", true}} {}

void CoinBoard::follow(events::Outbox& outbox) {
  service_.register_board(coin_board_spec());
  outbox.subscribe("ledger.transfer", [this](const events::Event& ev) {
    if (!counts(ev.payload)) return;  // most transfers: no database work at all
    db_.transact([&](store::Tx& tx) { apply(tx, ev.payload, ev.created_at); });
  });
}

void CoinBoard::count_reason(std::string prefix, bool all_time_only) {
  std::lock_guard lock(mu_);
  reasons_.emplace_back(std::move(prefix), all_time_only);
}

std::optional<bool> CoinBoard::scope_of(const std::string& reason) {
  std::lock_guard lock(mu_);
  for (const auto& [prefix, all_time_only] : reasons_) {
    if (reason.compare(0, prefix.size(), prefix) == 0) return all_time_only;
  }
  return std::nullopt;
}

bool CoinBoard::counts(const nlohmann::json& payload) {
  return payload.is_object() && payload.value("currency", "") == ledger::kCoin &&
         scope_of(payload.value("reason", "")).has_value();
}

CoinBoard::Owner CoinBoard::owner_of(store::Tx& tx, ledger::AccountId account) {
  {
    std::lock_guard lock(mu_);
    auto it = owners_.find(account);
    if (it != owners_.end()) return it->second;
  }
  const ledger::Account a = ledger_.account(tx, account);
  const Owner o{a.kind == "user", a.owner_id};
  std::lock_guard lock(mu_);
  owners_.emplace(account, o);
  return o;
}

std::map<int64_t, int64_t> CoinBoard::apply(store::Tx& tx, const nlohmann::json& payload,
                                            Micros at) {
  if (!counts(payload)) return {};
  const auto scope = scope_of(payload.value("reason", ""));
  const int64_t transfer_id = payload.value("transfer_id", int64_t{0});
  // Per user, the sum of their accounts' legs: a move between one user's accounts nets to zero.
  std::map<int64_t, int64_t> per_user;
  for (const auto& leg : payload.value("legs", nlohmann::json::array())) {
    const Owner o = owner_of(tx, leg.value("account", ledger::AccountId{0}));
    if (o.user) per_user[o.id] += leg.value("amount", int64_t{0});
  }
  // Money between two users never counts, whatever the reason says: self-dealing through
  // alternative accounts would otherwise climb the board.
  if (per_user.size() != 1) return {};
  std::map<int64_t, int64_t> changes;
  for (const auto& [user, delta] : per_user) {
    if (delta == 0 || user <= 0) continue;
    ScoreChange c;
    c.board = std::string(kBoard);
    c.user_id = user;
    c.op = Op::kAdd;
    c.value = delta;
    c.at = at;
    c.key = "transfer:" + std::to_string(transfer_id) + ":" + std::to_string(user);
    if (*scope) c.only = {Period::kAllTime};
    if (service_.record(tx, c)) changes[user] = delta;
  }
  return changes;
}

}  // namespace lucas::leaderboards
