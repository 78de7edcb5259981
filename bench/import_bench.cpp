// Import rate of `lucas import-legacy`: a legacy database (ORM layout) with U users, T
// transactions, U aliases and U last-seen game balances, built here, imported into SQLite.
//   build/release/bench/import_bench [users=20000] [transactions=200000]
#include <chrono>
#include <iostream>

#include "features/legacy/legacy_import.h"
#include "features/parser/parser.h"
#include "infra/events/outbox.h"
#include "tests/support/databases.h"

int main(int argc, char** argv) {
  using namespace lucas;
  const int64_t users_n = argc > 1 ? std::stoll(argv[1]) : 20'000;
  const int64_t tx_n = argc > 2 ? std::stoll(argv[2]) : 200'000;
  testing::TempDir dir;
  const std::string legacy_path = dir.path() + "/bot.db";
  {
    auto legacy = store::Database::open("sqlite:" + legacy_path);
    legacy->transact([&](store::Tx& tx) {
      tx.exec_script(
          "CREATE TABLE users (id INTEGER NOT NULL, telegram_id BIGINT, username VARCHAR(100),"
          " first_name VARCHAR(100), last_name VARCHAR(100), balance INTEGER, is_admin BOOLEAN,"
          " PRIMARY KEY (id), UNIQUE (telegram_id));"
          "CREATE TABLE transactions (id INTEGER NOT NULL, user_id INTEGER, amount INTEGER,"
          " transaction_type VARCHAR(50), source_game VARCHAR(50), description TEXT,"
          " meta_data JSON, created_at DATETIME, PRIMARY KEY (id));"
          "CREATE TABLE user_aliases (id INTEGER NOT NULL, user_id INTEGER, alias_type VARCHAR(20),"
          " alias_value VARCHAR(100), game_source VARCHAR(50), confidence_score FLOAT,"
          " created_at DATETIME, PRIMARY KEY (id));"
          "CREATE TABLE bot_balances (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"
          " user_id INTEGER NOT NULL, game VARCHAR(50) NOT NULL, last_balance FLOAT,"
          " current_bot_balance FLOAT, last_updated DATETIME, created_at DATETIME);");
      for (int64_t i = 1; i <= users_n; ++i) {
        tx.exec(
            "INSERT INTO users VALUES ($1, $2, $3, $4, '', $5, 0)",
            {store::Value{i}, store::Value{100'000 + i}, store::Value{"user" + std::to_string(i)},
             store::Value{"Игрок " + std::to_string(i)}, store::Value{i * 7 % 5000}});
        tx.exec("INSERT INTO user_aliases VALUES ($1, $1, 'game_nickname', $2, 'gdcards', 1, NULL)",
                {store::Value{i}, store::Value{"gd" + std::to_string(i)}});
        tx.exec(
            "INSERT INTO bot_balances (user_id, game, last_balance) VALUES ($1, 'True Mafia', $2)",
            {store::Value{i}, store::Value{i % 900}});
      }
      for (int64_t i = 1; i <= tx_n; ++i) {
        tx.exec(
            "INSERT INTO transactions VALUES ($1, $2, $3, 'parsing_accrual', 'gdcards', 'x', NULL,"
            " '2026-05-20 14:31:07.123456')",
            {store::Value{i}, store::Value{1 + i % users_n}, store::Value{i % 40}});
      }
    });
  }
  auto db = store::Database::open("sqlite:" + dir.path() + "/lucas.db");
  SystemClock clock;
  ledger::Ledger ledger(clock);
  users::UserService users(*db, ledger, clock, parser::normalize_name);
  bank::BankService bank(*db, ledger, users, clock, parser::normalize_name);
  store::migrate(*db,
                 {events::migrations(), ledger::migrations(), users::migrations(),
                  bank::migrations(), legacy::migrations()},
                 clock);
  legacy::Importer importer(*db, ledger, users, bank, clock);
  const auto t0 = std::chrono::steady_clock::now();
  const auto report = importer.run(
      legacy_path, [](const std::string& line) { std::cerr << "\r\033[K" << line << std::flush; });
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "\n";
  int64_t rows = 0;
  for (const auto& [table, n] : report.read) rows += n;
  std::cout << "legacy rows read: " << rows << " (" << users_n << " users, " << tx_n
            << " transactions, aliases and game balances) imported in " << s
            << " s: " << static_cast<int64_t>(rows / s) << " rows/s; ledger total "
            << (report.legacy_total_minor == report.credited_total_minor ? "equal" : "DIFFERENT")
            << "\n";
  return report.legacy_total_minor == report.credited_total_minor ? 0 : 1;
}
