// Legacy import from databases built here in both layouts (ORM and early), with REAL, INTEGER
// and awkward values, odd Unicode names and aliases: balances exact, history kept, a second
// run changes nothing, the ledger checks out. On SQLite and PostgreSQL targets.
#include <gtest/gtest.h>

#include "base/names.h"
#include "features/economy/economy.h"
#include "features/legacy/legacy_import.h"
#include "features/legacy/legacy_shop.h"
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
    // Path A's name-keyed bank and last-seen balances: one row keyed by users.id (ORM), two by a
    // uuid whose name is a linked nickname (ORM) or nobody, one float-contaminated text value.
    tx.exec_script(
        "CREATE TABLE user_balances (user_id TEXT PRIMARY KEY, user_name TEXT UNIQUE NOT NULL,"
        " bank_balance TEXT NOT NULL);"
        "CREATE TABLE bot_balances (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,"
        " user_id INTEGER NOT NULL, game VARCHAR(50) NOT NULL, last_balance FLOAT,"
        " current_bot_balance FLOAT, last_updated DATETIME, created_at DATETIME);"
        "CREATE TABLE processed_messages (message_id TEXT PRIMARY KEY,"
        " processed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);");
    tx.exec(
        "INSERT INTO user_balances VALUES ('u-1', 'GlebGD', '45.0'), ('u-2', 'Nobody\u200b',"
        " '-31.6'), ('u-3', 'Rich', '13.39999999999997726263245568')");
    tx.exec(
        "INSERT INTO bot_balances (user_id, game, last_balance) VALUES (5, 'True Mafia', 250),"
        " ('u-1', 'GD Cards', 121.0), ('u-2', 'Bunker RP', 10), ('u-3', 'Shmalala', 3)");
    tx.exec("UPDATE bot_balances SET last_balance = '13.39999999999997726263245568' WHERE id = 3");
    tx.exec("UPDATE bot_balances SET user_id = 'u-3' WHERE id = 3");
    tx.exec(
        "INSERT INTO processed_messages (message_id, processed_at) VALUES ($1, $2), ('nope', '')",
        {Value{bank::legacy_message_key("Глеб открыл сундук и получил 1.5 орб", 1'779'287'467)},
         Value{"2026-05-20 14:31:08"}});
    // The shop and achievements: the ORM layout, or the standalone shop manager's short one.
    if (early) {
      tx.exec_script(
          "CREATE TABLE shop_items (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(100) NOT NULL,"
          " price INTEGER NOT NULL DEFAULT 100, description TEXT, is_active BOOLEAN DEFAULT TRUE,"
          " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
          "CREATE TABLE user_purchases (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL,"
          " item_id INTEGER NOT NULL, purchase_time TIMESTAMP, expires_at TIMESTAMP NULL, data JSON NULL);");
      tx.exec(
          "INSERT INTO shop_items (id, name, price, description, is_active) VALUES"
          " (1, 'Безлимит стикеров на 24 часа', 100, 'x', 1)");
      tx.exec(
          "INSERT INTO user_purchases (id, user_id, item_id, purchase_time) VALUES"
          " (1, 1, 1, '2026-05-20T14:31:07.123456'), (2, 99, 1, '2026-05-21T00:00:00')");
    } else {
      tx.exec_script(
          "CREATE TABLE shop_categories (id INTEGER NOT NULL, name VARCHAR(100), description TEXT,"
          " sort_order INTEGER, is_active BOOLEAN, PRIMARY KEY (id));"
          "CREATE TABLE shop_items (id INTEGER NOT NULL, category_id INTEGER, name VARCHAR(100),"
          " description TEXT, price INTEGER, item_type VARCHAR(50), meta_data JSON,"
          " purchase_limit INTEGER, cooldown_hours INTEGER, is_active BOOLEAN, PRIMARY KEY (id));"
          "CREATE TABLE user_purchases (id INTEGER NOT NULL, user_id INTEGER, item_id INTEGER,"
          " purchase_price INTEGER, purchased_at DATETIME, expires_at DATETIME, is_active BOOLEAN,"
          " meta_data JSON, PRIMARY KEY (id));");
      tx.exec("INSERT INTO shop_categories VALUES (1, 'Стикеры и медиа', '', 1, 1)");
      tx.exec(
          "INSERT INTO shop_items VALUES (1, 1, 'Безлимит стикеров на 24 часа', 'x', 100, 'sticker',"
          " '{\"activation_type\": \"unlimited_stickers\", \"duration_hours\": 24}', 0, 24, 1),"
          " (2, 1, 'Премиум стикерпак', 'y', 100, 'sticker', '{}', 1, 0, 0)");
      tx.exec(
          "INSERT INTO user_purchases VALUES (1, 1, 1, 35, '2026-05-20 14:31:07.123456',"
          " '2026-05-21 14:31:07', 0, '{}'), (2, 99, 2, 100, '2026-05-21 00:00:00', NULL, 1, NULL)");
    }
    tx.exec_script(
        "CREATE TABLE achievements (id INTEGER NOT NULL, code VARCHAR(50) NOT NULL,"
        " name VARCHAR(100) NOT NULL, description TEXT NOT NULL, category VARCHAR(50),"
        " tier VARCHAR(20), points INTEGER, is_active BOOLEAN, created_at DATETIME,"
        " PRIMARY KEY (id), UNIQUE (code));"
        "CREATE TABLE user_achievements (id INTEGER NOT NULL, user_id INTEGER,"
        " achievement_id INTEGER, unlocked_at DATETIME, progress INTEGER, PRIMARY KEY (id));");
    tx.exec(
        "INSERT INTO achievements VALUES (1, 'first_deposit', 'Первый взнос', 'd', 'bank',"
        " 'bronze', 10, 1, NULL), (2, 'balance_1000', 'Тысячник', 'd', 'bank', 'silver', 25, 1,"
        " NULL)");
    tx.exec(
        "INSERT INTO user_achievements VALUES (1, 1, 1, '2026-01-02 00:00:00', 100),"
        " (2, 1, 1, '2026-01-03 00:00:00', 100), (3, 5, 2, '2026-02-01 00:00:00', 100),"
        " (4, 5, 9, '2026-02-01 00:00:00', 100)");
  });
  return path;
}

struct Target {
  explicit Target(store::Engine e)
      : t(lucas::testing::fresh_database(e)),
        clock(1'767'225'600'000'000),
        ledger(clock),
        users(*t.db, ledger, clock, lucas::normalize_name),
        bank(*t.db, ledger, users, clock, lucas::normalize_name),
        importer(*t.db, ledger, users, bank, clock),
        shop(*t.db, ledger, nullptr, clock) {
    store::migrate(*t.db,
                   {events::migrations(), ledger::migrations(), users::migrations(),
                    bank::migrations(), migrations(), economy::migrations()},
                   clock);
  }
  lucas::testing::TestDatabase t;
  ManualClock clock;
  ledger::Ledger ledger;
  users::UserService users;
  bank::BankService bank;
  Importer importer;
  economy::EconomyService shop;
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
  // Every balance is kept as read, credited or not.
  const auto seen = w.t.db->read([&](store::Tx& tx) {
    return tx.exec("SELECT balance, status FROM legacy_balances WHERE telegram_id = 5003").one();
  });
  EXPECT_EQ(seen.str(0), "-40");
  EXPECT_NE(seen.str(1).find("negative"), std::string::npos);
  EXPECT_EQ(r.imported.at("legacy_balances"), 4);
  // The name-keyed bank is kept aside, merged into nobody's balance.
  EXPECT_EQ(r.imported.at("user_balances"), 3);

  // Last-seen game balances: by users.id (kept under the user until a credit names their
  // nickname) and by name (the nickname's own state, linked or not); the unreadable balance and
  // Shmalala (no profile format) are reported.
  const auto imported = [&](const char* table) {
    return r.imported.count(table) ? r.imported.at(table) : 0;
  };
  std::string skipped_balances;
  for (const auto& sk : r.skipped) {
    if (sk.table == "bot_balances") skipped_balances += sk.row + ": " + sk.reason + "; ";
  }
  EXPECT_EQ(imported("bot_balances"), 2) << skipped_balances;
  const auto profile = [&](int64_t message_id, const std::string& text) {
    bank::GameMessage gm;
    gm.chat_id = -100;
    gm.message_id = message_id;
    gm.bot_id = 777;
    gm.origin_date = w.clock.now() / 1'000'000;
    gm.text = text;
    gm.replier_id = 5005;
    gm.parsed = parser::parse_text(text);
    return w.bank.credit(gm);
  };
  // True Mafia user 5005 had 250 money. Once "Rich" is known to be them (here an admin-verified
  // link), a profile of 260 credits only the change (10 x 15): the imported state becomes the
  // nickname's.
  w.bank.import_link(5005, "true_mafia", "Rich");
  const auto tm = profile(1, "👤 Rich\n\n💵 Деньги: 260\n💎 Камни: 0\n");
  ASSERT_FALSE(tm.credits.empty());
  EXPECT_EQ(tm.credits[0].how, bank::How::kProfileDelta) << tm.credits[0].game_amount;
  EXPECT_EQ(tm.credits[0].minor, 15'000);

  // A message the legacy bot already credited is recognised by its (text, date) key.
  EXPECT_EQ(imported("processed_messages"), 1);
  bank::GameMessage chest;
  chest.chat_id = -100;
  chest.message_id = 77;
  chest.bot_id = 778;
  chest.origin_date = w.clock.now() / 1'000'000;
  chest.text = "Глеб открыл сундук и получил 1.5 орб";
  chest.replier_id = 5001;
  chest.parsed = parser::parse_text("Глеб открыл сундук и получил 1.5 орб");
  chest.legacy_key =
      bank::legacy_message_key("Глеб открыл сундук и получил 1.5 орб", 1'779'287'467);
  EXPECT_TRUE(w.bank.credit(chest).already_processed);

  // Shop items and purchases (the short layout takes the price from the item).
  EXPECT_EQ(imported("shop_items"), early ? 1 : 2);
  EXPECT_EQ(imported("user_purchases"), 1);
  const auto bought = w.t.db->read([&](store::Tx& tx) {
    return tx.exec("SELECT price, telegram_id FROM legacy_shop_purchases").one();
  });
  EXPECT_EQ(bought.str(0), early ? "100" : "35");
  EXPECT_EQ(bought.i64(1), 5001);
  // The staged items join the economy's catalogue, once.
  const auto adopted = adopt_shop_items(*w.t.db, w.shop);
  EXPECT_EQ(adopted.adopted, early ? 1 : 2);
  const auto stickers = w.shop.item_by_legacy_id(1);
  ASSERT_TRUE(stickers);
  EXPECT_EQ(stickers->slug, "legacy-1");
  EXPECT_EQ(stickers->name_ru, "Безлимит стикеров на 24 часа");
  EXPECT_EQ(stickers->price, 10'000);  // 100 coins
  EXPECT_EQ(stickers->category, early ? "legacy" : "sticker");
  EXPECT_TRUE(stickers->active);
  if (!early) {
    const auto pack = w.shop.item_by_legacy_id(2);
    ASSERT_TRUE(pack);
    EXPECT_FALSE(pack->active);  // it was inactive
    EXPECT_EQ(pack->per_user_limit, 1);
  }
  EXPECT_EQ(adopt_shop_items(*w.t.db, w.shop).adopted, 0);
  // Achievements: the duplicate unlock and the unknown achievement are reported.
  EXPECT_EQ(imported("achievements"), 2);
  EXPECT_EQ(imported("user_achievements"), 2);
  int duplicates = 0;
  for (const auto& sk : r.skipped) duplicates += sk.reason == "duplicate unlock of first_deposit";
  EXPECT_EQ(duplicates, 1);

  // A second run changes nothing.
  const auto again = w.importer.run(path);
  EXPECT_EQ(again.imported.count("users") ? again.imported.at("users") : 0, 0);
  EXPECT_EQ(again.imported.count("balances") ? again.imported.at("balances") : 0, 0);
  EXPECT_EQ(again.imported.at("transactions"), 0);
  for (const char* table :
       {"legacy_balances", "user_balances", "bot_balances", "processed_messages", "shop_items",
        "user_purchases", "achievements", "user_achievements"}) {
    EXPECT_EQ(again.imported.count(table) ? again.imported.at(table) : 0, 0) << table;
  }
  int dup_again = 0;
  for (const auto& sk : again.skipped)
    dup_again += sk.reason == "duplicate unlock of first_deposit";
  EXPECT_EQ(dup_again, 1);
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
