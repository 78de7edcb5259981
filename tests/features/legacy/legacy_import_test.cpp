// Legacy import from databases built here in both layouts (ORM and early), with REAL, INTEGER
// and awkward values, odd Unicode names and aliases: balances exact, history kept, a second
// run changes nothing, the ledger checks out. On SQLite and PostgreSQL targets.
#include <gtest/gtest.h>

#include "features/legacy/legacy_import.h"
#include "features/parser/parser.h"
#include "infra/events/outbox.h"
#include "infra/store/migrate.h"
#include "tests/support/databases.h"

namespace lucas::legacy {
namespace {

using store::Value;

// A legacy database written with raw SQL, the way the old bot's schema made it.
std::string make_legacy(const lucas::testing::TempDir& dir, bool early) {
  const std::string path = dir.path() + (early ? "/early.db" : "/orm.db");
  auto db = store::Database::open("sqlite:" + path);
  db->transact([&](store::Tx& tx) {
    if (early) {
      tx.exec_script(
          "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, telegram_id INTEGER UNIQUE NOT NULL,"
          " username TEXT, first_name TEXT, last_name TEXT, balance REAL DEFAULT 0.0,"
          " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
          " alias VARCHAR(50), is_admin BOOLEAN);"
          "CREATE TABLE transactions (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,"
          " amount REAL NOT NULL, transaction_type TEXT NOT NULL, description TEXT,"
          " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);");
    } else {
      tx.exec_script(
          "CREATE TABLE users (id INTEGER NOT NULL, telegram_id BIGINT, username VARCHAR(100),"
          " first_name VARCHAR(100), last_name VARCHAR(100), balance INTEGER, is_admin BOOLEAN,"
          " created_at DATETIME, PRIMARY KEY (id), UNIQUE (telegram_id));"
          "CREATE TABLE transactions (id INTEGER NOT NULL, user_id INTEGER, amount INTEGER,"
          " transaction_type VARCHAR(50), source_game VARCHAR(50), description TEXT, meta_data JSON,"
          " created_at DATETIME, PRIMARY KEY (id));"
          "CREATE TABLE user_aliases (id INTEGER NOT NULL, user_id INTEGER, alias_type VARCHAR(20),"
          " alias_value VARCHAR(100), game_source VARCHAR(50), confidence_score FLOAT,"
          " created_at DATETIME, PRIMARY KEY (id));");
    }
    auto user = [&](int64_t id, std::optional<int64_t> tg, const std::string& first, Value balance,
                    int admin) {
      tx.exec(
          "INSERT INTO users (id, telegram_id, username, first_name, last_name, balance, is_admin)"
          " VALUES ($1, $2, $3, $4, '', $5, $6)",
          {Value{id}, tg ? Value{*tg} : Value{}, Value{"u" + std::to_string(id)}, Value{first},
           balance, Value{int64_t{admin}}});
    };
    // In SQLite an INTEGER column keeps REAL values written as floats; TEXT parameters with
    // numeric look are stored as numbers by affinity — bind doubles via a REAL expression.
    user(1, 5001, "Глеб\u1160", Value{int64_t{120}}, 0);
    tx.exec("UPDATE users SET balance = 13.4 WHERE id = 1");  // a REAL that reads back as 13.4
    user(2, 5002, "Vel\u200bOra", Value{int64_t{0}}, 1);
    tx.exec("UPDATE users SET balance = 0.1 + 0.2 WHERE id = 2");  // 0.30000000000000004
    user(3, 5003, "Minus", Value{int64_t{-40}}, 0);                // admin removal without a check
    user(4, early ? std::optional<int64_t>(0) : std::nullopt, "NoTelegram", Value{int64_t{7}}, 0);
    user(5, 5005, "Rich", Value{int64_t{1'000'000}}, 0);
    tx.exec(
        "INSERT INTO transactions (id, user_id, amount, transaction_type, description)"
        " VALUES (1, 1, 10, 'admin_add', 'Парсинг GDcards: +5'), (2, 1, 3.4, 'accrual', 'x'),"
        " (3, 99, 1, 'add', 'orphan')");
    if (!early) {
      tx.exec(
          "INSERT INTO user_aliases (id, user_id, alias_type, alias_value, game_source) VALUES"
          " (1, 1, 'game_nickname', 'GlebGD', 'gdcards'), (2, 2, 'nickname', 'vel', NULL),"
          " (3, 5, 'game_nickname', 'GlebGD', 'gdcards')");
    }
  });
  return path;
}

struct Target {
  explicit Target(store::Engine e)
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),
        ledger(clock),
        users(*t.db, ledger, clock, parser::normalize_name),
        bank(*t.db, ledger, users, clock, parser::normalize_name),
        importer(*t.db, ledger, users, bank, clock) {
    store::migrate(*t.db,
                   {events::migrations(), ledger::migrations(), users::migrations(),
                    bank::migrations(), migrations()},
                   clock);
  }
  lucas::testing::TestDatabase t;
  ManualClock clock;
  ledger::Ledger ledger;
  users::UserService users;
  bank::BankService bank;
  Importer importer;
};

class LegacyImportTest : public ::testing::TestWithParam<std::tuple<store::Engine, bool>> {};

TEST_P(LegacyImportTest, ImportsExactlyAndOnlyOnce) {
  const auto [engine, early] = GetParam();
  lucas::testing::TempDir dir;
  const auto path = make_legacy(dir, early);
  Target w(engine);
  const auto r = w.importer.run(path);
  EXPECT_EQ(r.users_layout, early ? "early" : "orm");
  EXPECT_EQ(r.read.at("users"), 5);
  EXPECT_EQ(r.imported.at("users"), 4);           // the one without a Telegram id is skipped
  EXPECT_EQ(w.users.balance(5001).amount, 1340);  // 13.399999999999999 -> 13.4
  EXPECT_EQ(w.users.balance(5002).amount, 30);    // 0.30000000000000004 -> 0.30, reported
  EXPECT_EQ(w.users.balance(5003).amount, 0);     // negative: left for an admin, reported
  EXPECT_EQ(w.users.balance(5005).amount, 100'000'000);
  EXPECT_EQ(w.users.get(5002).role, users::Role::kAdmin);
  EXPECT_EQ(w.users.get(5001).display_name, "Глеб\u1160");
  EXPECT_EQ(r.legacy_total_minor, r.credited_total_minor);
  EXPECT_EQ(r.credited_total_minor, 1340 + 30 + 100'000'000);
  ASSERT_EQ(r.rounded.size(), 1u);
  EXPECT_EQ(r.rounded[0].reason, "0.30000000000000004");
  int negative = 0, orphan = 0;
  for (const auto& s : r.skipped) {
    negative += s.reason.find("negative balance -40.00") != std::string::npos;
    orphan += s.table == "transactions" && s.row == "3";
  }
  EXPECT_EQ(negative, 1);
  EXPECT_EQ(orphan, 1);
  EXPECT_EQ(r.imported.at("transactions"), 2);
  const auto history = w.t.db->read([&](store::Tx& tx) {
    return tx.exec(
        "SELECT amount FROM legacy_transactions WHERE telegram_id = 5001 ORDER BY legacy_id");
  });
  ASSERT_EQ(history.rows.size(), 2u);
  EXPECT_EQ(history.rows[1].str(0), "3.4");
  if (!early) {
    EXPECT_EQ(r.imported.at("user_aliases"),
              1);  // one game alias; the 2nd has no game; the 3rd clashes
  }
  // A second run changes nothing.
  const auto again = w.importer.run(path);
  EXPECT_EQ(again.imported.count("users") ? again.imported.at("users") : 0, 0);
  EXPECT_EQ(again.imported.count("balances") ? again.imported.at("balances") : 0, 0);
  EXPECT_EQ(again.imported.at("transactions"), 0);
  EXPECT_EQ(w.users.balance(5001).amount, 1340);
  EXPECT_TRUE(w.t.db->read([&](store::Tx& tx) { return w.ledger.check(tx).ok(); }));
}

INSTANTIATE_TEST_SUITE_P(Layouts, LegacyImportTest,
                         ::testing::Combine(::testing::Values(store::Engine::kSqlite,
                                                              store::Engine::kPostgres),
                                            ::testing::Bool()),
                         [](const auto& p) {
                           return lucas::testing::engine_label(std::get<0>(p.param)) +
                                  (std::get<1>(p.param) ? "Early" : "Orm");
                         });

TEST(ShortestDecimal, ReadsFloatsAsTheirShortestRoundTrip) {
  EXPECT_EQ(shortest_decimal(13.4), "13.4");
  EXPECT_EQ(shortest_decimal(13.399999999999999), "13.399999999999999");  // another double
  EXPECT_EQ(shortest_decimal(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(shortest_decimal(-31.6), "-31.6");
  EXPECT_EQ(shortest_decimal(45.0), "45");
}

}  // namespace
}  // namespace lucas::legacy
