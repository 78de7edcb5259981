// Property 25 (data migration completeness): for any platform data on SQLite, `db copy` to a real
// PostgreSQL gives identical content, table by table; and back again.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <sstream>

#include "base/names.h"
#include "features/bank/bank.h"
#include "features/parser/parser.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/store/copy.h"
#include "infra/telegram/updates.h"
#include "tests/support/databases.h"

namespace lucas::store {
namespace {

std::vector<MigrationSet> all_sets() {
  return {events::migrations(), audit::migrations(), telegram::migrations(),
          ledger::migrations(), users::migrations(), bank::migrations()};
}

struct Platform {
  explicit Platform(Database& d)
      : db(d),
        clock(1'767'225'600'000'000),
        log(clock),
        outbox(db, clock),
        ledger(clock, &outbox),
        users(db, ledger, clock, lucas::normalize_name, &log),
        bank(db, ledger, users, clock, lucas::normalize_name, &log) {
    migrate(db, all_sets(), clock);
    log.follow_ledger(outbox, db);
  }
  Database& db;
  ManualClock clock;
  audit::AuditLog log;
  events::Outbox outbox;
  ledger::Ledger ledger;
  users::UserService users;
  bank::BankService bank;
};

// Random platform content: users with odd names, grants, transfers, holds, parses, rate changes.
void fill(Platform& p) {
  const int n_users = *rc::gen::inRange(1, 6);
  for (int i = 1; i <= n_users; ++i) {
    const auto name = *rc::gen::element<std::string>("Алиса", "Bob \"the\" builder", "Г\u1160леб",
                                                     "comma, name", "back\\slash", "emoji 🎲");
    p.users.upsert({i, "u" + std::to_string(i), name, i % 2 ? "ru" : "en"});
    p.users.adjust(0, "seed-" + std::to_string(i), i, *rc::gen::inRange<int64_t>(1, 100'000),
                   ledger::kCoin, "seed \n with newline");
  }
  const int ops = *rc::gen::inRange(0, 25);
  for (int k = 0; k < ops; ++k) {
    const int64_t a = *rc::gen::inRange(1, n_users + 1);
    const int64_t b = *rc::gen::inRange(1, n_users + 1);
    const int64_t amount = *rc::gen::inRange<int64_t>(1, 500);
    p.clock.advance(1'000);
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        if (a != b) {
          try {
            p.db.transact([&](Tx& tx) {
              p.ledger.move(
                  tx, "t" + std::to_string(k), p.ledger.user_account(tx, a, ledger::kCoin),
                  p.ledger.user_account(tx, b, ledger::kCoin), amount, ledger::kCoin, "transfer");
            });
          } catch (const Error&) {
          }
        }
        break;
      case 1:
        try {
          p.db.transact([&](Tx& tx) {
            p.ledger.hold(tx, "h" + std::to_string(k), p.ledger.user_account(tx, a, ledger::kCoin),
                          amount, ledger::kCoin, "hold");
          });
        } catch (const Error&) {
        }
        break;
      case 2: {
        bank::GameMessage m;
        m.chat_id = -1;
        m.message_id = k;
        m.bot_id = 900;
        m.origin_date = p.clock.now() / 1'000'000;
        m.text = "U открыл сундук и получил " + std::to_string(amount) + ".5 орб";
        m.parsed = parser::parse_text(m.text);
        m.replier_id = a;
        p.bank.credit(m);  // "U" is nobody's verified nickname: it waits as an unclaimed credit
        break;
      }
      default:
        p.bank.set_rate(0, "gd_cards", "points", std::to_string(amount % 7));
    }
  }
  p.outbox.drain();
}

TEST(CopyProperty, Property25_AnyDataCopiesIdenticallyBothWays) {
  rc::detail::TestParams params;
  params.maxSuccess = 12;  // each case creates three databases
  params.maxSize = 40;
  const auto result = rc::detail::checkTestable(
      [] {
        auto src = lucas::testing::fresh_database(Engine::kSqlite);
        {
          Platform p(*src.db);
          fill(p);
        }
        auto pg = lucas::testing::fresh_database(Engine::kPostgres);
        ManualClock clock(0);
        const auto there = copy_database(*src.db, *pg.db, all_sets(), clock, false);
        for (const auto& t : there.tables) {
          RC_ASSERT(t.matches());
        }
        auto back = lucas::testing::fresh_database(Engine::kSqlite);
        const auto again = copy_database(*pg.db, *back.db, all_sets(), clock, false);
        RC_ASSERT(again.ok());
        for (const auto& t : tables_of(all_sets())) {
          RC_ASSERT(summarize(*src.db, t).checksum == summarize(*back.db, t).checksum);
        }
        // The copy is a working platform: the ledger checks out and ids continue.
        Platform target(*pg.db);
        RC_ASSERT(pg.db->read([&](Tx& tx) { return target.ledger.check(tx).ok(); }));
        target.users.upsert({777, "", "new", "ru"});
        target.users.adjust(0, "after-copy", 777, 100, ledger::kCoin, "ok");
      },
      rc::detail::TestMetadata{}, params);
  std::ostringstream msg;
  rc::detail::printResultMessage(result, msg);
  EXPECT_TRUE(result.is<rc::detail::SuccessResult>()) << msg.str();
}

TEST(Copy, RefusesANonEmptyTargetUnlessReplacing) {
  auto src = lucas::testing::fresh_database(Engine::kSqlite);
  auto dst = lucas::testing::fresh_database(Engine::kPostgres);
  {
    Platform a(*src.db);
    a.users.upsert({1, "", "A", "ru"});
    Platform b(*dst.db);
    b.users.upsert({2, "", "B", "ru"});
  }
  ManualClock clock(0);
  try {
    copy_database(*src.db, *dst.db, all_sets(), clock, false);
    FAIL() << "a non-empty target must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
    // The same rule and words as a backup restore (store::clear_target).
    EXPECT_NE(std::string(e.what()).find("the target database has data ("), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("pass --replace"), std::string::npos) << e.what();
  }
  EXPECT_EQ(summarize(*dst.db, "users").rows, 1);  // untouched
  const auto r = copy_database(*src.db, *dst.db, all_sets(), clock, true);
  EXPECT_TRUE(r.ok());
  Platform check(*dst.db);
  EXPECT_TRUE(check.users.find(1).has_value());
  EXPECT_FALSE(check.users.find(2).has_value());
}

TEST(Copy, TablesComeInCreationOrder) {
  const auto t = tables_of(all_sets());
  auto pos = [&](const std::string& name) {
    return std::find(t.begin(), t.end(), name) - t.begin();
  };
  EXPECT_LT(pos("currencies"), pos("accounts"));
  EXPECT_LT(pos("accounts"), pos("entries"));
  EXPECT_LT(pos("transfers"), pos("holds"));
  EXPECT_EQ(std::count(t.begin(), t.end(), "audit_log"), 1);
}

}  // namespace
}  // namespace lucas::store
