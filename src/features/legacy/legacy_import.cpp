#include "features/legacy/legacy_import.h"

#include <sqlite3.h>

#include <charconv>
#include <set>

#include "base/decimal.h"
#include "base/money.h"

namespace lucas::legacy {

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

namespace {

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

// Rows for one target table, written in batches of 1,000 per transaction; a row whose key is
// already there (a second run) is left alone.
class Batch {
 public:
  Batch(store::Database& db, std::string insert_sql, int64_t& counter)
      : db_(db), sql_(std::move(insert_sql)), counter_(counter) {}
  void add(std::vector<store::Value> row) {
    rows_.push_back(std::move(row));
    if (rows_.size() >= 1000) flush();
  }
  void flush() {
    if (rows_.empty()) return;
    db_.transact([&](store::Tx& tx) {
      for (const auto& row : rows_) counter_ += tx.exec(sql_, row).affected;
    });
    rows_.clear();
  }

 private:
  store::Database& db_;
  std::string sql_;
  int64_t& counter_;
  std::vector<std::vector<store::Value>> rows_;
};

std::optional<int64_t> opt_int(sqlite3_stmt* s, int i) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(s, i);
}

store::Value value_of(const std::optional<int64_t>& v) {
  return v ? store::Value{*v} : store::Value{};
}

// A column that may be missing from this layout: its name, or a literal stand-in.
std::string col(const std::set<std::string>& cols, const std::string& name,
                const std::string& fallback) {
  return cols.count(name) ? name : fallback;
}

std::string game_of(const std::string& legacy) {
  static const std::map<std::string, std::string> m{
      {"gdcards", "gd_cards"},       {"gd cards", "gd_cards"},       {"shmalala", "shmalala"},
      {"truemafia", "true_mafia"},   {"true mafia", "true_mafia"},   {"bunkerrp", "bunker_rp"},
      {"bunker rp", "bunker_rp"},    {"gusya_cards", "gusya_cards"}, {"gd_cards", "gd_cards"},
      {"true_mafia", "true_mafia"},  {"bunker_rp", "bunker_rp"},     {"shmalala karma", "shmalala"},
      {"shmalala_karma", "shmalala"}};
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
)"},
           {2, "legacy balances, name bank, shop, achievements",
            R"(
CREATE TABLE legacy_balances (
  legacy_user_id BIGINT PRIMARY KEY,
  telegram_id BIGINT NOT NULL,
  balance TEXT NOT NULL,
  minor BIGINT NOT NULL,
  status TEXT NOT NULL
);
CREATE TABLE legacy_name_balances (
  legacy_id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  bank_balance TEXT NOT NULL
);
CREATE TABLE legacy_shop_items (
  legacy_id BIGINT PRIMARY KEY,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  price TEXT NOT NULL,
  item_type TEXT NOT NULL,
  metadata TEXT NOT NULL,
  purchase_limit BIGINT,
  cooldown_hours BIGINT,
  active INTEGER NOT NULL
);
CREATE TABLE legacy_shop_purchases (
  legacy_id BIGINT PRIMARY KEY,
  telegram_id BIGINT NOT NULL,
  item_legacy_id BIGINT NOT NULL,
  price TEXT NOT NULL,
  purchased_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  active INTEGER NOT NULL,
  metadata TEXT NOT NULL
);
CREATE INDEX legacy_shop_purchases_by_user ON legacy_shop_purchases (telegram_id);
CREATE TABLE legacy_achievements (
  legacy_id BIGINT PRIMARY KEY,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  category TEXT NOT NULL,
  tier TEXT NOT NULL,
  points BIGINT NOT NULL,
  active INTEGER NOT NULL
);
CREATE TABLE legacy_user_achievements (
  legacy_id BIGINT PRIMARY KEY,
  telegram_id BIGINT NOT NULL,
  achievement_code TEXT NOT NULL,
  unlocked_at TEXT NOT NULL,
  progress BIGINT NOT NULL,
  UNIQUE (telegram_id, achievement_code)
);
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
  progress_ = [&](const std::string& s) {
    if (progress) progress(s);
  };
  const auto& say = progress_;
  LegacyDb legacy(path);
  ImportReport report;
  const auto user_cols = legacy.columns("users");
  if (user_cols.empty()) throw Error(ErrorCode::kInvalidArgument, path + " has no users table");
  report.users_layout = user_cols.count("updated_at") ? "early" : "orm";
  const bool has_admin = user_cols.count("is_admin") > 0;

  // Users and balances. Every legacy balance is recorded as read (exact text, the rounded minor
  // units and what became of it), so that nothing is lost even where nothing is credited.
  std::map<int64_t, int64_t> telegram_of;  // legacy users.id -> telegram id
  Batch balances_seen(
      db_,
      "INSERT INTO legacy_balances (legacy_user_id, telegram_id, balance, minor,"
      " status) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (legacy_user_id) DO NOTHING",
      report.imported["legacy_balances"]);
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
        const auto seen = [&](const std::string& status) {
          balances_seen.add({store::Value{sqlite3_column_int64(s, 0)}, store::Value{tg},
                             store::Value{*balance}, store::Value{minor}, store::Value{status}});
        };
        try {
          minor = to_minor(*balance, &rounded);
        } catch (const Error& e) {
          report.skipped.push_back(
              {"balances", legacy_id, "unreadable balance '" + *balance + "'"});
          seen("unreadable");
          return;
        }
        if (rounded) report.rounded.push_back({"balances", legacy_id, *balance});
        if (minor < 0) {
          report.skipped.push_back(
              {"balances", legacy_id,
               "negative balance " + format_amount(minor, 2) + " needs an admin decision"});
          seen("negative: not credited, needs an admin decision");
          return;
        }
        report.legacy_total_minor = checked_add(report.legacy_total_minor, minor);
        seen(minor == 0 ? "zero" : rounded ? "credited, rounded once" : "credited");
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

  balances_seen.flush();

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
  say("aliases done");
  import_name_bank(legacy, report);
  import_last_balances(legacy, report, telegram_of);
  import_processed(legacy, report);
  import_shop(legacy, report, telegram_of);
  import_achievements(legacy, report, telegram_of);
  say("done");
  return report;
}

// The path-A bank keyed by player names: never shown to users, so it is kept for an admin's
// decision and not merged into anyone's balance (LEGACY.md 6.7).
void Importer::import_name_bank(LegacyReader& legacy, ImportReport& report) {
  if (legacy.columns("user_balances").empty()) return;
  Batch out(db_,
            "INSERT INTO legacy_name_balances (legacy_id, user_name, bank_balance)"
            " VALUES ($1, $2, $3) ON CONFLICT (legacy_id) DO NOTHING",
            report.imported["user_balances"]);
  legacy.each("SELECT user_id, user_name, bank_balance FROM user_balances ORDER BY user_id", "",
              [&](sqlite3_stmt* s) {
                ++report.read["user_balances"];
                out.add({store::Value{LegacyDb::text(s, 0)}, store::Value{LegacyDb::text(s, 1)},
                         store::Value{money_text(s, 2).value_or("")}});
              });
  out.flush();
}

// The last profile balance the legacy bot saw per player and game, so that the next profile is
// credited only with its change. Rows keyed by users.id (ORM) or by a path-A uuid whose
// user_balances name resolves to one user (a confirmed nickname link, else a unique display name).
void Importer::import_last_balances(LegacyReader& legacy, ImportReport& report,
                                    const std::map<int64_t, int64_t>& telegram_of) {
  const auto cols = legacy.columns("bot_balances");
  if (cols.empty()) return;
  std::map<std::string, std::string> name_of;  // path-A uuid -> player name
  if (!legacy.columns("user_balances").empty()) {
    legacy.each("SELECT user_id, user_name FROM user_balances", "",
                [&](sqlite3_stmt* s) { name_of[LegacyDb::text(s, 0)] = LegacyDb::text(s, 1); });
  }
  // The game currency each legacy game tracked a profile balance in (path A: GD Cards orbs,
  // True Mafia and Bunker RP money). Shmalala has no balance-type message.
  static const std::map<std::string, std::string> kCurrency{
      {"gd_cards", "orbs"}, {"true_mafia", "money"}, {"bunker_rp", "money"}};
  const std::string key_col = cols.count("id") ? "id" : "rowid";
  legacy.each(
      "SELECT " + key_col + ", user_id, game, last_balance FROM bot_balances ORDER BY 1", "",
      [&](sqlite3_stmt* s) {
        ++report.read["bot_balances"];
        const std::string row = std::to_string(sqlite3_column_int64(s, 0));
        const std::string game = game_of(LegacyDb::text(s, 2));
        const auto currency = kCurrency.find(game);
        if (currency == kCurrency.end()) {
          report.skipped.push_back(
              {"bot_balances", row,
               "game '" + LegacyDb::text(s, 2) + "' has no profile balance in the new bank"});
          return;
        }
        const auto shown = money_text(s, 3);
        std::optional<Decimal> balance;
        try {
          if (shown) balance = Decimal::parse(*shown);
        } catch (const Error&) {
          // Float-contaminated text ("13.39999999999997726263245568"): read it as the double
          // it came from, then as that double's shortest decimal.
          try {
            balance = Decimal::parse(shortest_decimal(std::stod(*shown)));
            report.rounded.push_back({"bot_balances", row, *shown});
          } catch (const std::exception&) {
          }
        }
        if (!balance) {
          report.skipped.push_back({"bot_balances", row, "unreadable balance"});
          return;
        }
        // A row names a Telegram user (its state waits under the user until a credit names
        // their nickname) or a path-A player by name (the state is that nickname's).
        try {
          bool recorded = false;
          if (sqlite3_column_type(s, 1) == SQLITE_INTEGER) {
            auto it = telegram_of.find(sqlite3_column_int64(s, 1));
            if (it == telegram_of.end()) {
              report.skipped.push_back({"bot_balances", row, "the legacy user is unknown"});
              return;
            }
            recorded = bank_.import_last_balance(it->second, game, currency->second, *balance);
          } else if (auto name = name_of.find(LegacyDb::text(s, 1)); name != name_of.end()) {
            recorded =
                bank_.import_nickname_balance(game, name->second, currency->second, *balance);
          } else {
            report.skipped.push_back({"bot_balances", row, "the player is unknown"});
            return;
          }
          if (recorded) ++report.imported["bot_balances"];
        } catch (const Error& e) {
          report.skipped.push_back({"bot_balances", row, e.what()});
        }
      });
}

void Importer::import_processed(LegacyReader& legacy, ImportReport& report) {
  if (legacy.columns("processed_messages").empty()) return;
  legacy.each("SELECT message_id, processed_at FROM processed_messages ORDER BY message_id", "",
              [&](sqlite3_stmt* s) {
                const int64_t n = ++report.read["processed_messages"];
                const std::string key = LegacyDb::text(s, 0);
                try {
                  if (bank_.import_processed_key(key, LegacyDb::text(s, 1))) {
                    ++report.imported["processed_messages"];
                  }
                } catch (const Error& e) {
                  report.skipped.push_back({"processed_messages", key.substr(0, 16), e.what()});
                }
                if (n % 1000 == 0) progress_("processed messages: " + std::to_string(n));
              });
}

void Importer::import_shop(LegacyReader& legacy, ImportReport& report,
                           const std::map<int64_t, int64_t>& telegram_of) {
  const auto item_cols = legacy.columns("shop_items");
  if (item_cols.empty()) return;
  std::map<int64_t, std::string> category;
  if (item_cols.count("category_id") && !legacy.columns("shop_categories").empty()) {
    legacy.each("SELECT id, name FROM shop_categories", "", [&](sqlite3_stmt* s) {
      category[sqlite3_column_int64(s, 0)] = LegacyDb::text(s, 1);
    });
  }
  std::map<int64_t, std::string> price_of;
  Batch items(
      db_,
      "INSERT INTO legacy_shop_items (legacy_id, category, name, description, price,"
      " item_type, metadata, purchase_limit, cooldown_hours, active)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (legacy_id) DO NOTHING",
      report.imported["shop_items"]);
  legacy.each(
      "SELECT id, " + col(item_cols, "category_id", "NULL") + ", name, description, price, " +
          col(item_cols, "item_type", "''") + ", " + col(item_cols, "meta_data", "''") + ", " +
          col(item_cols, "purchase_limit", "NULL") + ", " +
          col(item_cols, "cooldown_hours", "NULL") + ", is_active FROM shop_items ORDER BY id",
      "", [&](sqlite3_stmt* s) {
        ++report.read["shop_items"];
        const int64_t id = sqlite3_column_int64(s, 0);
        const std::string price = money_text(s, 4).value_or("0");
        price_of[id] = price;
        const auto cat = opt_int(s, 1);
        items.add({store::Value{id},
                   store::Value{cat && category.count(*cat) ? category[*cat] : ""},
                   store::Value{LegacyDb::text(s, 2)}, store::Value{LegacyDb::text(s, 3)},
                   store::Value{price}, store::Value{LegacyDb::text(s, 5)},
                   store::Value{LegacyDb::text(s, 6)}, value_of(opt_int(s, 7)),
                   value_of(opt_int(s, 8)), store::Value{int64_t{opt_int(s, 9).value_or(1) != 0}}});
      });
  items.flush();

  const auto p_cols = legacy.columns("user_purchases");
  if (p_cols.empty()) return;
  const bool short_layout = p_cols.count("purchase_time") > 0;  // the standalone shop manager's
  Batch purchases(db_,
                  "INSERT INTO legacy_shop_purchases (legacy_id, telegram_id, item_legacy_id,"
                  " price, purchased_at, expires_at, active, metadata)"
                  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (legacy_id) DO NOTHING",
                  report.imported["user_purchases"]);
  legacy.each(
      "SELECT id, user_id, item_id, " +
          (short_layout ? std::string("NULL, purchase_time, expires_at, 1, data")
                        : "purchase_price, purchased_at, expires_at, is_active, meta_data") +
          " FROM user_purchases ORDER BY id",
      "", [&](sqlite3_stmt* s) {
        ++report.read["user_purchases"];
        const int64_t id = sqlite3_column_int64(s, 0);
        auto owner = telegram_of.find(sqlite3_column_int64(s, 1));
        if (owner == telegram_of.end()) {
          report.skipped.push_back(
              {"user_purchases", std::to_string(id), "its user was not imported"});
          return;
        }
        const int64_t item = sqlite3_column_int64(s, 2);
        // The short layout has no price: the item's price is what was paid.
        auto price = money_text(s, 3);
        if (!price) price = price_of.count(item) ? price_of[item] : "0";
        purchases.add({store::Value{id}, store::Value{owner->second}, store::Value{item},
                       store::Value{*price}, store::Value{LegacyDb::text(s, 4)},
                       store::Value{LegacyDb::text(s, 5)},
                       store::Value{int64_t{opt_int(s, 6).value_or(1) != 0}},
                       store::Value{LegacyDb::text(s, 7)}});
      });
  purchases.flush();
}

void Importer::import_achievements(LegacyReader& legacy, ImportReport& report,
                                   const std::map<int64_t, int64_t>& telegram_of) {
  if (legacy.columns("achievements").empty()) return;
  std::map<int64_t, std::string> code_of;
  Batch achievements(db_,
                     "INSERT INTO legacy_achievements (legacy_id, code, name, description,"
                     " category, tier, points, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                     " ON CONFLICT (legacy_id) DO NOTHING",
                     report.imported["achievements"]);
  legacy.each(
      "SELECT id, code, name, description, category, tier, points, is_active FROM achievements"
      " ORDER BY id",
      "", [&](sqlite3_stmt* s) {
        ++report.read["achievements"];
        code_of[sqlite3_column_int64(s, 0)] = LegacyDb::text(s, 1);
        achievements.add({store::Value{sqlite3_column_int64(s, 0)},
                          store::Value{LegacyDb::text(s, 1)}, store::Value{LegacyDb::text(s, 2)},
                          store::Value{LegacyDb::text(s, 3)}, store::Value{LegacyDb::text(s, 4)},
                          store::Value{LegacyDb::text(s, 5)},
                          store::Value{opt_int(s, 6).value_or(0)},
                          store::Value{int64_t{opt_int(s, 7).value_or(1) != 0}}});
      });
  achievements.flush();
  if (legacy.columns("user_achievements").empty()) return;
  // No unique key in the legacy table: the earliest unlock of a (user, achievement) wins and the
  // later copies are reported as duplicates.
  std::set<std::pair<int64_t, std::string>> unlocked;
  db_.read([&](store::Tx& tx) {
    for (const auto& r :
         tx.exec("SELECT telegram_id, achievement_code FROM legacy_user_achievements").rows) {
      unlocked.emplace(r.i64(0), r.str(1));
    }
  });
  Batch out(db_,
            "INSERT INTO legacy_user_achievements (legacy_id, telegram_id, achievement_code,"
            " unlocked_at, progress) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            report.imported["user_achievements"]);
  legacy.each(
      "SELECT id, user_id, achievement_id, unlocked_at, progress FROM user_achievements"
      " ORDER BY unlocked_at, id",
      "", [&](sqlite3_stmt* s) {
        ++report.read["user_achievements"];
        const std::string id = std::to_string(sqlite3_column_int64(s, 0));
        auto owner = telegram_of.find(sqlite3_column_int64(s, 1));
        auto code = code_of.find(sqlite3_column_int64(s, 2));
        if (owner == telegram_of.end() || code == code_of.end()) {
          report.skipped.push_back(
              {"user_achievements", id,
               owner == telegram_of.end() ? "its user was not imported" : "unknown achievement"});
          return;
        }
        if (!unlocked.emplace(owner->second, code->second).second) {
          // Already imported (a second run) or a legacy duplicate.
          const bool same_row = db_.read([&](store::Tx& tx) {
            return !tx.exec("SELECT 1 FROM legacy_user_achievements WHERE legacy_id = $1",
                            {store::Value{sqlite3_column_int64(s, 0)}})
                        .empty();
          });
          if (!same_row) {
            report.skipped.push_back(
                {"user_achievements", id, "duplicate unlock of " + code->second});
          }
          return;
        }
        out.add({store::Value{sqlite3_column_int64(s, 0)}, store::Value{owner->second},
                 store::Value{code->second}, store::Value{LegacyDb::text(s, 3)},
                 store::Value{opt_int(s, 4).value_or(100)}});
      });
  out.flush();
}

}  // namespace lucas::legacy
