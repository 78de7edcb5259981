#include "ledger/ledger_store.h"

#include <fmt/format.h>

namespace lucas::ledger::sql {
using store::Value;

std::optional<Currency> find_currency(store::Tx& tx, std::string_view code) {
  auto r = tx.exec("SELECT code, scale, name FROM currencies WHERE code = $1",
                   {Value{std::string(code)}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  return Currency{row.str(0), static_cast<int>(row.i64(1)), row.str(2)};
}

void insert_currency(store::Tx& tx, const Currency& c, Micros now) {
  tx.exec(
      "INSERT INTO currencies (code, scale, name, created_at) VALUES ($1, $2, $3, $4)"
      " ON CONFLICT (code) DO NOTHING",
      {Value{c.code}, Value{int64_t{c.scale}}, Value{c.name}, Value{now}});
}

std::optional<AccountId> find_account(store::Tx& tx, std::string_view kind, int64_t owner,
                                      std::string_view role, std::string_view currency) {
  auto r = tx.exec(
      "SELECT id FROM accounts WHERE kind = $1 AND owner_id = $2 AND role = $3 AND currency = $4",
      {Value{std::string(kind)}, Value{owner}, Value{std::string(role)},
       Value{std::string(currency)}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

AccountId create_account(store::Tx& tx, std::string_view kind, int64_t owner, std::string_view role,
                         std::string_view currency, bool allow_negative, Micros now) {
  auto r = tx.exec(
      "INSERT INTO accounts (kind, owner_id, role, currency, balance, allow_negative, created_at)"
      " VALUES ($1, $2, $3, $4, 0, $5, $6)"
      " ON CONFLICT (kind, owner_id, role, currency) DO NOTHING RETURNING id",
      {Value{std::string(kind)}, Value{owner}, Value{std::string(role)},
       Value{std::string(currency)}, Value{int64_t{allow_negative ? 1 : 0}}, Value{now}});
  if (!r.empty()) return r.one().i64(0);
  auto existing = find_account(tx, kind, owner, role, currency);
  if (!existing) throw Error(ErrorCode::kInternal, "account vanished during creation");
  return *existing;
}

std::optional<Account> load_account(store::Tx& tx, AccountId id) {
  auto r = tx.exec(
      "SELECT id, kind, owner_id, role, currency, balance, allow_negative FROM accounts"
      " WHERE id = $1",
      {Value{id}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  return Account{row.i64(0), row.str(1), row.i64(2),     row.str(3),
                 row.str(4), row.i64(5), row.i64(6) != 0};
}

std::vector<Account> user_accounts(store::Tx& tx, int64_t user_id) {
  std::vector<Account> out;
  for (const auto& row :
       tx.exec("SELECT id, kind, owner_id, role, currency, balance, allow_negative FROM accounts"
               " WHERE kind = 'user' AND owner_id = $1 AND role = 'main' ORDER BY currency",
               {Value{user_id}})
           .rows) {
    out.push_back(Account{row.i64(0), row.str(1), row.i64(2), row.str(3), row.str(4), row.i64(5),
                          row.i64(6) != 0});
  }
  return out;
}

std::optional<int64_t> insert_transfer(store::Tx& tx, const TransferRequest& req,
                                       std::string_view kind, const std::string& request_hash,
                                       Micros now) {
  auto r = tx.exec(
      "INSERT INTO transfers (idempotency_key, request_hash, currency, kind, reason, metadata,"
      " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
      " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
      {Value{req.idempotency_key}, Value{request_hash}, Value{req.currency},
       Value{std::string(kind)}, Value{req.reason}, Value{req.metadata.dump()}, Value{now}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

std::optional<StoredTransfer> load_transfer_by_key(store::Tx& tx, const std::string& key) {
  auto r = tx.exec(
      "SELECT id, idempotency_key, currency, kind, reason, metadata, created_at, request_hash"
      " FROM transfers WHERE idempotency_key = $1",
      {Value{key}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.one();
  StoredTransfer st;
  st.transfer.id = row.i64(0);
  st.transfer.idempotency_key = row.str(1);
  st.transfer.currency = row.str(2);
  st.transfer.kind = row.str(3);
  st.transfer.reason = row.str(4);
  st.transfer.metadata = nlohmann::json::parse(row.str(5), nullptr, false);
  st.transfer.created_at = row.i64(6);
  st.request_hash = row.str(7);
  auto entries = tx.exec(
      "SELECT id, account_id, amount, balance_after FROM entries WHERE transfer_id = $1"
      " ORDER BY id",
      {Value{st.transfer.id}});
  for (const auto& e : entries.rows) {
    st.transfer.entries.push_back(Entry{e.i64(0), e.i64(1), e.i64(2), e.i64(3)});
  }
  return st;
}

namespace {
std::string placeholders(size_t first, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out += (i ? ", $" : "$") + std::to_string(first + i);
  return out;
}
}  // namespace

std::vector<Account> lock_accounts(store::Tx& tx, const std::vector<AccountId>& sorted_ids) {
  std::vector<Value> params(sorted_ids.begin(), sorted_ids.end());
  // FOR UPDATE locks rows in ORDER BY order (PostgreSQL sorts below the row-locking step).
  const std::string q = fmt::format(
      "SELECT id, kind, owner_id, role, currency, balance, allow_negative FROM accounts"
      " WHERE id IN ({}) ORDER BY id{}",
      placeholders(1, params.size()), tx.for_update());
  std::vector<Account> out;
  for (const auto& row : tx.exec(q, params).rows) {
    out.push_back(Account{row.i64(0), row.str(1), row.i64(2), row.str(3), row.str(4), row.i64(5),
                          row.i64(6) != 0});
  }
  return out;
}

void set_balances(store::Tx& tx, const std::vector<Entry>& entries) {
  std::vector<Value> params;
  std::string cases;
  std::string ids;
  for (const auto& e : entries) {
    params.emplace_back(e.account);
    params.emplace_back(e.balance_after);
    const size_t n = params.size();
    cases += fmt::format(" WHEN ${} THEN CAST(${} AS BIGINT)", n - 1, n);
    ids += fmt::format("{}${}", ids.empty() ? "" : ", ", n - 1);
  }
  tx.exec(fmt::format("UPDATE accounts SET balance = CASE id{} END WHERE id IN ({})", cases, ids),
          params);
}

void insert_entries(store::Tx& tx, int64_t transfer_id, std::vector<Entry>& entries) {
  std::vector<Value> params{Value{transfer_id}};
  std::string values;
  for (const auto& e : entries) {
    params.emplace_back(e.account);
    params.emplace_back(e.amount);
    params.emplace_back(e.balance_after);
    const size_t n = params.size();
    values += fmt::format("{}($1, ${}, ${}, ${})", values.empty() ? "" : ", ", n - 2, n - 1, n);
  }
  const auto r =
      tx.exec("INSERT INTO entries (transfer_id, account_id, amount, balance_after) VALUES " +
                  values + " RETURNING id, account_id",
              params);
  // RETURNING order is not guaranteed: match ids by account (distinct within a transfer).
  for (const auto& row : r.rows) {
    for (auto& e : entries) {
      if (e.account == row.i64(1)) e.id = row.i64(0);
    }
  }
}

int64_t insert_hold(store::Tx& tx, const Hold& h, Micros now) {
  return tx
      .exec(
          "INSERT INTO holds (transfer_id, source_account, escrow_account, currency, amount,"
          " status, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING id",
          {Value{h.transfer_id}, Value{h.source}, Value{h.escrow}, Value{h.currency},
           Value{h.amount}, Value{now}})
      .one()
      .i64(0);
}

namespace {
constexpr const char* kHoldColumns =
    "SELECT id, source_account, escrow_account, currency, amount, status, transfer_id,"
    " resolved_transfer_id FROM holds";

Hold hold_from_row(const store::Row& row) {
  return Hold{row.i64(0), row.i64(1), row.i64(2),     row.str(3), row.i64(4),
              row.str(5), row.i64(6), row.opt_i64(7), false};
}
}  // namespace

std::optional<Hold> load_hold(store::Tx& tx, int64_t id, bool lock) {
  auto r = tx.exec(fmt::format("{} WHERE id = $1{}", kHoldColumns, lock ? tx.for_update() : ""),
                   {Value{id}});
  if (r.empty()) return std::nullopt;
  return hold_from_row(r.one());
}

std::optional<Hold> load_hold_by_transfer(store::Tx& tx, int64_t transfer_id) {
  auto r = tx.exec(fmt::format("{} WHERE transfer_id = $1", kHoldColumns), {Value{transfer_id}});
  if (r.empty()) return std::nullopt;
  return hold_from_row(r.one());
}

void resolve_hold(store::Tx& tx, int64_t id, std::string_view status, int64_t transfer_id,
                  Micros now) {
  tx.exec("UPDATE holds SET status = $1, resolved_transfer_id = $2, resolved_at = $3 WHERE id = $4",
          {Value{std::string(status)}, Value{transfer_id}, Value{now}, Value{id}});
}

std::vector<HistoryItem> history(store::Tx& tx, AccountId account, int64_t before_entry_id,
                                 int limit, const HistoryFilter& filter) {
  // The statement is put together from fixed fragments; every value is a parameter.
  std::string q =
      "SELECT e.id, e.transfer_id, t.kind, e.amount, e.balance_after, t.reason, t.metadata,"
      " t.created_at FROM entries e JOIN transfers t ON t.id = e.transfer_id"
      " WHERE e.account_id = $1 AND e.id < $2";
  std::vector<Value> params{Value{account}, Value{before_entry_id}};
  if (filter.direction == HistoryFilter::Direction::kCredit) q += " AND e.amount > 0";
  if (filter.direction == HistoryFilter::Direction::kDebit) q += " AND e.amount < 0";
  if (!filter.reason_prefix.empty()) {
    std::string like;  // '_' is LIKE's wildcard: escaped ('%' cannot occur: validate())
    for (char c : filter.reason_prefix) {
      if (c == '_' || c == '!') like += '!';
      like += c;
    }
    params.emplace_back(like + "%");
    q += " AND t.reason LIKE $" + std::to_string(params.size()) + " ESCAPE '!'";
  }
  if (filter.since) {
    params.emplace_back(*filter.since);
    q += " AND t.created_at >= $" + std::to_string(params.size());
  }
  if (filter.until) {
    params.emplace_back(*filter.until);
    q += " AND t.created_at < $" + std::to_string(params.size());
  }
  params.emplace_back(int64_t{limit});
  q += " ORDER BY e.id DESC LIMIT $" + std::to_string(params.size());
  auto r = tx.exec(q, params);
  std::vector<HistoryItem> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) {
    out.push_back(HistoryItem{row.i64(0), row.i64(1), row.str(2), row.i64(3), row.i64(4),
                              row.str(5), nlohmann::json::parse(row.str(6), nullptr, false),
                              row.i64(7)});
  }
  return out;
}

void check(store::Tx& tx, CheckReport& report) {
  auto& p = report.problems;
  report.accounts = tx.exec("SELECT COUNT(*) FROM accounts").one().i64(0);
  report.transfers = tx.exec("SELECT COUNT(*) FROM transfers").one().i64(0);
  report.entries = tx.exec("SELECT COUNT(*) FROM entries").one().i64(0);

  for (const auto& row :
       tx.exec("SELECT c.code, COALESCE(SUM(a.balance), 0) FROM currencies c"
               " LEFT JOIN accounts a ON a.currency = c.code GROUP BY c.code ORDER BY c.code")
           .rows) {
    const std::string code = row.str(0);
    const std::string sum = row.str(1);
    report.currency_sums[code] = sum == "0" ? 0 : row.i64(1);
    if (sum != "0") p.push_back(fmt::format("currency {} sums to {} over all accounts", code, sum));
  }
  for (const auto& row : tx.exec("SELECT a.currency, COALESCE(SUM(e.amount), 0) FROM entries e"
                                 " JOIN accounts a ON a.id = e.account_id GROUP BY a.currency"
                                 " HAVING SUM(e.amount) <> 0")
                             .rows) {
    p.push_back(fmt::format("journal of currency {} sums to {}", row.str(0), row.str(1)));
  }
  for (const auto& row :
       tx.exec("SELECT a.id, a.balance, COALESCE(SUM(e.amount), 0) FROM accounts a"
               " LEFT JOIN entries e ON e.account_id = a.id GROUP BY a.id, a.balance"
               " HAVING a.balance <> COALESCE(SUM(e.amount), 0) ORDER BY a.id LIMIT 20")
           .rows) {
    p.push_back(fmt::format("account {} balance {} differs from its journal sum {}", row.str(0),
                            row.str(1), row.str(2)));
  }
  for (const auto& row :
       tx.exec("SELECT a.id, a.balance, e.balance_after FROM accounts a"
               " JOIN entries e ON e.id = (SELECT MAX(id) FROM entries WHERE account_id = a.id)"
               " WHERE e.balance_after <> a.balance ORDER BY a.id LIMIT 20")
           .rows) {
    p.push_back(fmt::format("account {} balance {} differs from its last balance_after {}",
                            row.str(0), row.str(1), row.str(2)));
  }
  for (const auto& row :
       tx.exec("SELECT t.id, COALESCE(SUM(e.amount), 0), COUNT(e.id) FROM transfers t"
               " LEFT JOIN entries e ON e.transfer_id = t.id GROUP BY t.id"
               " HAVING COALESCE(SUM(e.amount), 0) <> 0 OR COUNT(e.id) < 2 ORDER BY t.id LIMIT 20")
           .rows) {
    p.push_back(fmt::format("transfer {} is unbalanced: {} over {} entries", row.str(0), row.str(1),
                            row.str(2)));
  }
  for (const auto& row :
       tx.exec("SELECT e.id, t.id FROM entries e JOIN transfers t ON t.id = e.transfer_id"
               " JOIN accounts a ON a.id = e.account_id WHERE a.currency <> t.currency"
               " ORDER BY e.id LIMIT 20")
           .rows) {
    p.push_back(fmt::format("entry {} of transfer {} is in another currency than its transfer",
                            row.str(0), row.str(1)));
  }
  for (const auto& row : tx.exec("SELECT id, balance FROM accounts WHERE allow_negative = 0"
                                 " AND balance < 0 ORDER BY id LIMIT 20")
                             .rows) {
    p.push_back(fmt::format("account {} is negative ({}) but may not be", row.str(0), row.str(1)));
  }
  for (const auto& row :
       tx.exec("SELECT a.id, a.balance, COALESCE((SELECT SUM(h.amount) FROM holds h"
               " WHERE h.escrow_account = a.id AND h.status = 'pending'), 0) FROM accounts a"
               " WHERE a.kind = 'system' AND a.role = 'escrow'")
           .rows) {
    if (row.str(1) != row.str(2)) {
      p.push_back(fmt::format("escrow account {} holds {} but pending holds total {}", row.str(0),
                              row.str(1), row.str(2)));
    }
  }
}

}  // namespace lucas::ledger::sql
