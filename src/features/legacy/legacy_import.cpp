#include "features/legacy/legacy_import.h"

#include <sqlite3.h>

#include <charconv>
#include <set>

#include "base/decimal.h"
#include "base/money.h"

namespace lucas::legacy {
namespace {

// A read-only view of the legacy file.
class LegacyDb {
 public:
  explicit LegacyDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      const std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
      sqlite3_close(db_);
      db_ = nullptr;
      throw Error(ErrorCode::kInvalidArgument, "cannot open legacy database " + path + ": " + msg);
    }
  }
  ~LegacyDb() { sqlite3_close(db_); }
  LegacyDb(const LegacyDb&) = delete;
  LegacyDb& operator=(const LegacyDb&) = delete;

  std::set<std::string> columns(const std::string& table) {
    std::set<std::string> out;
    each("SELECT name FROM pragma_table_info(?1)", table,
         [&](sqlite3_stmt* s) { out.insert(text(s, 0)); });
    return out;
  }
  // Runs `sql` (one optional text parameter) and calls `f` per row.
  void each(const std::string& sql, const std::string& param,
            const std::function<void(sqlite3_stmt*)>& f) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      throw Error(ErrorCode::kInvalidArgument,
                  std::string("legacy database: ") + sqlite3_errmsg(db_));
    }
    if (!param.empty()) sqlite3_bind_text(s, 1, param.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) f(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
      throw Error(ErrorCode::kInvalidArgument,
                  std::string("legacy database: ") + sqlite3_errmsg(db_));
    }
  }
  static std::string text(sqlite3_stmt* s, int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s, i))) : std::string();
  }

 private:
  sqlite3* db_ = nullptr;
};

// The exact decimal a legacy money cell holds, whatever its storage class; nullopt for NULL.
std::optional<std::string> money_text(sqlite3_stmt* s, int i) {
  switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL:
      return std::nullopt;
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_column_int64(s, i));
    case SQLITE_FLOAT:
      return shortest_decimal(sqlite3_column_double(s, i));
    default: {
      std::string t = LegacyDb::text(s, i);
      while (!t.empty() && t.back() == ' ') t.pop_back();
      while (!t.empty() && t.front() == ' ') t.erase(0, 1);
      return t;
    }
  }
}

// Rounds a decimal string to 2 places, half away from zero; reports whether it changed.
int64_t to_minor(const std::string& text, bool* rounded) {
  std::string s = text;
  const size_t e = s.find_first_of("eE");
  if (e != std::string::npos) throw Error(ErrorCode::kInvalidAmount, "exponent in " + text);
  const size_t dot = s.find('.');
  *rounded = false;
  if (dot == std::string::npos || s.size() - dot - 1 <= 2) return parse_amount(s, 2);
  const std::string kept = s.substr(0, dot + 3);
  const std::string rest = s.substr(dot + 3);
  *rounded = rest.find_first_not_of('0') != std::string::npos;
  int64_t minor = parse_amount(kept, 2);
  if (!rest.empty() && rest[0] >= '5') minor = checked_add(minor, s.front() == '-' ? -1 : 1);
  return minor;
}

std::string game_of(const std::string& legacy) {
  static const std::map<std::string, std::string> m{
      {"gdcards", "gd_cards"},     {"gd cards", "gd_cards"},      {"shmalala", "shmalala"},
      {"truemafia", "true_mafia"}, {"true mafia", "true_mafia"},  {"bunkerrp", "bunker_rp"},
      {"bunker rp", "bunker_rp"},  {"gusya_cards", "gusya_cards"}};
  std::string k = legacy;
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto it = m.find(k);
  return it == m.end() ? "" : it->second;
}

}  // namespace

store::MigrationSet migrations() {
  return {"legacy",
          {{1, "legacy transaction history",
            R"(
CREATE TABLE legacy_transactions (
  legacy_id BIGINT PRIMARY KEY,
  telegram_id BIGINT NOT NULL,
  amount TEXT NOT NULL,
  kind TEXT NOT NULL,
  source_game TEXT NOT NULL,
  description TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX legacy_transactions_by_user ON legacy_transactions (telegram_id, legacy_id);
)"}}};
}

std::string shortest_decimal(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  if (ec != std::errc()) throw Error(ErrorCode::kInvalidAmount, "unreadable number");
  return std::string(buf, end);
}

ImportReport Importer::run(const std::string& path,
                           const std::function<void(const std::string&)>& progress) {
  auto say = [&](const std::string& s) {
    if (progress) progress(s);
  };
  LegacyDb legacy(path);
  ImportReport report;
  const auto user_cols = legacy.columns("users");
  if (user_cols.empty()) throw Error(ErrorCode::kInvalidArgument, path + " has no users table");
  report.users_layout = user_cols.count("updated_at") ? "early" : "orm";
  const bool has_admin = user_cols.count("is_admin") > 0;

  // Users and balances.
  std::map<int64_t, int64_t> telegram_of;  // legacy users.id -> telegram id
  legacy.each(
      std::string("SELECT id, telegram_id, username, first_name, last_name, balance, ") +
          (has_admin ? "is_admin" : "0") + " FROM users ORDER BY id",
      "", [&](sqlite3_stmt* s) {
        ++report.read["users"];
        const std::string legacy_id = std::to_string(sqlite3_column_int64(s, 0));
        if (sqlite3_column_type(s, 1) != SQLITE_INTEGER || sqlite3_column_int64(s, 1) <= 0) {
          report.skipped.push_back({"users", legacy_id, "no Telegram id"});
          return;
        }
        const int64_t tg = sqlite3_column_int64(s, 1);
        telegram_of[sqlite3_column_int64(s, 0)] = tg;
        std::string name = LegacyDb::text(s, 3);
        const std::string last = LegacyDb::text(s, 4);
        if (!last.empty()) name += (name.empty() ? "" : " ") + last;
        const bool is_new = !users_.find(tg).has_value();
        try {
          users_.upsert({tg, LegacyDb::text(s, 2), name, "ru"});
          if (sqlite3_column_int64(s, 6) != 0) users_.set_role(0, tg, users::Role::kAdmin);
        } catch (const Error& e) {
          report.skipped.push_back({"users", legacy_id, e.what()});
          return;
        }
        if (is_new) ++report.imported["users"];
        const auto balance = money_text(s, 5);
        if (!balance) return;
        bool rounded = false;
        int64_t minor = 0;
        try {
          minor = to_minor(*balance, &rounded);
        } catch (const Error& e) {
          report.skipped.push_back(
              {"balances", legacy_id, "unreadable balance '" + *balance + "'"});
          return;
        }
        if (rounded) report.rounded.push_back({"balances", legacy_id, *balance});
        if (minor < 0) {
          report.skipped.push_back(
              {"balances", legacy_id,
               "negative balance " + format_amount(minor, 2) + " needs an admin decision"});
          return;
        }
        report.legacy_total_minor = checked_add(report.legacy_total_minor, minor);
        if (minor == 0) return;
        const auto t = db_.transact([&](store::Tx& tx) {
          const auto mint = ledger_.system_account(tx, "mint:legacy", ledger::kCoin, true);
          const auto acc = ledger_.user_account(tx, tg, ledger::kCoin);
          return ledger_.move(
              tx, "legacy:balance:" + legacy_id, mint, acc, minor, ledger::kCoin,
              "legacy.opening_balance",
              {{"legacy_user_id", std::stoll(legacy_id)}, {"legacy_balance", *balance}});
        });
        report.credited_total_minor = checked_add(report.credited_total_minor, minor);
        if (!t.replayed) ++report.imported["balances"];
        if (report.read["users"] % 500 == 0) {
          say("users: " + std::to_string(report.read["users"]));
        }
      });

  // Transaction history (kept as history: the balance above is the truth).
  const auto tx_cols = legacy.columns("transactions");
  report.transactions_layout = tx_cols.empty()                ? "absent"
                               : tx_cols.count("source_game") ? "orm"
                                                              : "early";
  if (!tx_cols.empty()) {
    const std::string game_col = tx_cols.count("source_game") ? "source_game" : "''";
    std::vector<std::vector<store::Value>> batch;
    auto flush = [&] {
      db_.transact([&](store::Tx& tx) {
        for (const auto& row : batch) {
          auto r = tx.exec(
              "INSERT INTO legacy_transactions (legacy_id, telegram_id, amount, kind, source_game,"
              " description, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
              " ON CONFLICT (legacy_id) DO NOTHING",
              row);
          report.imported["transactions"] += r.affected;
        }
      });
      batch.clear();
    };
    legacy.each(
        "SELECT id, user_id, amount, transaction_type, " + game_col +
            ", description, created_at FROM transactions ORDER BY id",
        "", [&](sqlite3_stmt* s) {
          ++report.read["transactions"];
          const std::string id = std::to_string(sqlite3_column_int64(s, 0));
          auto owner = telegram_of.find(sqlite3_column_int64(s, 1));
          const auto amount = money_text(s, 2);
          if (owner == telegram_of.end()) {
            report.skipped.push_back({"transactions", id, "its user was not imported"});
            return;
          }
          if (!amount) {
            report.skipped.push_back({"transactions", id, "no amount"});
            return;
          }
          batch.push_back({store::Value{sqlite3_column_int64(s, 0)}, store::Value{owner->second},
                           store::Value{*amount}, store::Value{LegacyDb::text(s, 3)},
                           store::Value{LegacyDb::text(s, 4)}, store::Value{LegacyDb::text(s, 5)},
                           store::Value{LegacyDb::text(s, 6)}});
          if (batch.size() >= 1000) {
            flush();
            say("transactions: " + std::to_string(report.read["transactions"]));
          }
        });
    flush();
  }

  // Game nickname aliases become confirmed links.
  if (!legacy.columns("user_aliases").empty()) {
    legacy.each(
        "SELECT id, user_id, alias_value, game_source FROM user_aliases ORDER BY id", "",
        [&](sqlite3_stmt* s) {
          ++report.read["user_aliases"];
          const std::string id = std::to_string(sqlite3_column_int64(s, 0));
          auto owner = telegram_of.find(sqlite3_column_int64(s, 1));
          const std::string game = game_of(LegacyDb::text(s, 3));
          const std::string nick = LegacyDb::text(s, 2);
          if (owner == telegram_of.end() || game.empty() || nick.empty()) {
            report.skipped.push_back(
                {"user_aliases", id,
                 owner == telegram_of.end() ? "its user was not imported" : "no game or nickname"});
            return;
          }
          try {
            if (bank_.import_link(owner->second, game, nick)) ++report.imported["user_aliases"];
          } catch (const Error& e) {
            report.skipped.push_back({"user_aliases", id, e.what()});
          }
        });
  }
  return report;
}

}  // namespace lucas::legacy
