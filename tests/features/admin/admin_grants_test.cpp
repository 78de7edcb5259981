// Coins an admin moves by hand, on SQLite and PostgreSQL — hostile: a moderator, a plain user, an
// admin on themself or on an equal, a banned user, replays with the same key and another body,
// overflowing and malformed amounts; nothing moves where it must not, and the ledger balances.
// Bulk grants from a CSV: every row checked, each valid row credited exactly once however often
// (and by whomever) the batch is applied — with a rapidcheck property over random batches.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/features/admin/user_tools_world.h"

namespace lucas::admin {
namespace {

using testing::kAdmin;
using testing::kAdmin2;
using testing::kAlice;
using testing::kAlik;
using testing::kMallory;
using testing::kModerator;
using testing::kOwner;
using testing::ToolsWorld;

class AdminGrantsTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  AdminGrantsTest() : w(GetParam()) {}
  users::Adjustment adjust(int64_t who, const std::string& key, int64_t target,
                           const std::string& amount, const std::string& reason = "за дело") {
    return w.users.adjust_balance(w.actor(who), key, target, amount, ledger::kCoin, reason);
  }
  ErrorCode refused(int64_t who, const std::string& key, int64_t target, const std::string& amount,
                    const std::string& reason = "за дело") {
    return w.code_of([&] { adjust(who, key, target, amount, reason); });
  }
  ToolsWorld w;
};

TEST_P(AdminGrantsTest, HostileAdjustmentsMoveNothing) {
  ASSERT_EQ(adjust(kAdmin, "seed", kAlice, "10").balance_after, 1000);
  // Who: a moderator, a plain user, oneself (admin and owner), an equal, a superior.
  EXPECT_EQ(refused(kModerator, "h1", kAlice, "1"), ErrorCode::kForbidden);
  EXPECT_EQ(refused(kAlik, "h2", kAlice, "1"), ErrorCode::kForbidden);
  EXPECT_EQ(refused(kAlice, "h3", kAlice, "1"), ErrorCode::kForbidden);
  EXPECT_EQ(refused(kAdmin, "h4", kAdmin, "1"), ErrorCode::kForbidden);
  EXPECT_EQ(refused(kOwner, "h5", kOwner, "1"), ErrorCode::kForbidden);
  EXPECT_EQ(refused(kAdmin, "h6", kAdmin2, "1"), ErrorCode::kForbidden);
  EXPECT_EQ(refused(kAdmin, "h7", kOwner, "1"), ErrorCode::kForbidden);
  EXPECT_EQ(refused(kModerator, "h8", kModerator, "-1"), ErrorCode::kForbidden);
  // Through a token without the admin scope.
  auto scoped = w.actor(kAdmin);
  scoped.scopes = std::vector<std::string>{"balance:read"};
  EXPECT_EQ(
      w.code_of([&] { w.users.adjust_balance(scoped, "h9", kAlice, "1", ledger::kCoin, "x"); }),
      ErrorCode::kInsufficientScope);
  EXPECT_EQ(w.code_of([&] {
    w.users.adjust_balance(users::Actor::anonymous(), "h9", kAlice, "1", ledger::kCoin, "x");
  }),
            ErrorCode::kUnauthorized);
  // What: zero, too many digits, not a number, negative overflow, huge amounts, too much debit.
  EXPECT_EQ(refused(kAdmin, "a1", kAlice, "0"), ErrorCode::kInvalidAmount);
  EXPECT_EQ(refused(kAdmin, "a2", kAlice, "1.234"), ErrorCode::kInvalidAmount);
  EXPECT_EQ(refused(kAdmin, "a3", kAlice, "1e3"), ErrorCode::kInvalidAmount);
  EXPECT_EQ(refused(kAdmin, "a4", kAlice, " 5"), ErrorCode::kInvalidAmount);
  EXPECT_EQ(refused(kAdmin, "a5", kAlice, "-92233720368547758.08"), ErrorCode::kAmountOverflow);
  EXPECT_EQ(refused(kAdmin, "a6", kAlice, "92233720368547758.08"), ErrorCode::kAmountOverflow);
  EXPECT_EQ(refused(kAdmin, "a7", kAlice, "99999999999999999999999"), ErrorCode::kAmountOverflow);
  // The largest amount there is fits nowhere beside what Alice has.
  EXPECT_EQ(refused(kAdmin, "a8", kAlice, "92233720368547758.07"), ErrorCode::kAmountOverflow);
  EXPECT_EQ(refused(kAdmin, "a9", kAlice, "-10.01"), ErrorCode::kInsufficientFunds);
  EXPECT_EQ(refused(kAdmin, "a10", kAlice, "-92233720368547758.07"), ErrorCode::kInsufficientFunds);
  // Why: a reason is required, bounded, without control characters.
  EXPECT_EQ(refused(kAdmin, "r1", kAlice, "1", ""), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused(kAdmin, "r2", kAlice, "1", " \n "), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused(kAdmin, "r3", kAlice, "1", std::string(501, 'x')), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused(kAdmin, "r4", kAlice, "1", "bell\a"), ErrorCode::kInvalidArgument);
  // Keys: required, bounded, printable.
  EXPECT_EQ(refused(kAdmin, "", kAlice, "1"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused(kAdmin, std::string(101, 'k'), kAlice, "1"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused(kAdmin, "ключ", kAlice, "1"), ErrorCode::kInvalidArgument);
  // Whom: unknown users and currencies.
  EXPECT_EQ(refused(kAdmin, "u1", 999, "1"), ErrorCode::kNotFound);
  EXPECT_EQ(refused(kAdmin, "u2", -5, "1"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      w.code_of([&] { w.users.adjust_balance(w.actor(kAdmin), "u3", kAlice, "1", "GOLD", "x"); }),
      ErrorCode::kNotFound);

  EXPECT_EQ(w.coins(kAlice), 1000);
  for (int64_t id : {kOwner, kAdmin, kAdmin2, kModerator, kAlik}) EXPECT_EQ(w.coins(id), 0) << id;
  EXPECT_EQ(w.audit_of("admin.grant").size(), 1u);
  EXPECT_TRUE(w.audit_of("admin.debit").empty());
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(AdminGrantsTest, ReplaysAnswerTheFirstResultAndOtherBodiesConflict) {
  const auto first = adjust(kAdmin, "same", kAlice, "12.50");
  EXPECT_FALSE(first.replayed);
  adjust(kAdmin, "other", kAlice, "1.00");  // the balance moves on meanwhile
  for (int i = 0; i < 3; ++i) {
    const auto again = adjust(kAdmin, "same", kAlice, "12.50");
    EXPECT_TRUE(again.replayed);
    EXPECT_EQ(again.transfer_id, first.transfer_id);
    EXPECT_EQ(again.balance_after, first.balance_after);  // the first answer, not today's
    EXPECT_EQ(again.amount, 1250);
  }
  EXPECT_EQ(refused(kAdmin, "same", kAlice, "12.51"), ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(refused(kAdmin, "same", kAlice, "12.50", "another reason"),
            ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(refused(kAdmin, "same", kAlik, "12.50"), ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(refused(kAdmin, "same", kAlice, "-12.50"), ErrorCode::kIdempotencyConflict);
  EXPECT_EQ(w.coins(kAlice), 1350);
  EXPECT_EQ(w.coins(kAlik), 0);
  // The bot's and the console's keys live elsewhere: a client key never replays them.
  w.users.adjust(0, "bot:grant:1", kAlik, 700, ledger::kCoin, "console");
  EXPECT_FALSE(adjust(kAdmin, "bot:grant:1", kAlik, "7").replayed);
  EXPECT_EQ(w.coins(kAlik), 1400);
  EXPECT_EQ(w.audit_of("admin.grant").size(), 4u);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(AdminGrantsTest, ABannedUserIsNotCreditedButMayBeDebited) {
  adjust(kAdmin, "seed", kMallory, "5");
  w.users.ban(kAdmin, kMallory, "cheating", std::nullopt);
  EXPECT_EQ(refused(kAdmin, "b1", kMallory, "1"), ErrorCode::kConflict);
  EXPECT_EQ(adjust(kAdmin, "b2", kMallory, "-5", "confiscated").balance_after, 0);
  w.users.unban(kAdmin, kMallory);
  EXPECT_EQ(adjust(kAdmin, "b3", kMallory, "1").balance_after, 100);
}

// --- bulk grants

std::string csv(std::initializer_list<std::string> rows) {
  std::string out = "telegram_id,amount,reason\n";
  for (const auto& r : rows) out += r + "\n";
  return out;
}

const users::GrantRow& row_at(const users::GrantBatch& b, int line) {
  for (const auto& r : b.rows) {
    if (r.line == line) return r;
  }
  throw std::runtime_error("no row at line " + std::to_string(line));
}

TEST_P(AdminGrantsTest, PreviewChecksEveryRow) {
  w.users.ban(kAdmin, kMallory, "spam", std::nullopt);
  const std::string text = csv({
      "101,12.50,\"tournament, 1st place\"",  // 2 valid (a quoted comma)
      "102,1,\"say \"\"hi\"\"\"",             // 3 valid
      "999,1.00,typo",                        // 4 unknown user
      "abc,1.00,x",                           // 5 bad id
      "101,1.00,again",                       // 6 duplicate
      "103,1.00,banned",                      // 7 banned
      "2,1.00,self",                          // 8 the admin themself
      "3,1.00,equal",                         // 9 another admin
      "4,1.234,digits",                       // 10 bad amount
      "4,-1,negative",                        // 11 a grant is positive
      "4,0,zero",                             // 12
      "4,2,",                                 // 13 no reason
      "4,2",                                  // 14 two cells
      "",                                     // blank: skipped
      "4,2,\"multi\nline\"",                  // 16 valid (a line break inside quotes)
  });
  const auto b = w.users.preview_grants(w.actor(kAdmin), text);
  EXPECT_EQ(b.batch_key.size(), 64u);
  EXPECT_EQ(row_at(b, 2).status, "valid");
  EXPECT_EQ(row_at(b, 2).reason, "tournament, 1st place");
  EXPECT_EQ(row_at(b, 2).display_name, "Алиса Петрова");
  EXPECT_EQ(row_at(b, 3).reason, "say \"hi\"");
  const std::map<int, std::string> problems = {
      {4, "unknown_user"}, {5, "bad_id"},          {6, "duplicate"},   {7, "banned"},
      {8, "forbidden"},    {9, "forbidden"},       {10, "bad_amount"}, {11, "bad_amount"},
      {12, "bad_amount"},  {13, "missing_reason"}, {14, "bad_row"}};
  for (const auto& [line, problem] : problems) {
    EXPECT_EQ(row_at(b, line).status, "invalid") << line;
    EXPECT_EQ(row_at(b, line).problem, problem) << line;
    EXPECT_FALSE(row_at(b, line).message.empty()) << line;
  }
  EXPECT_EQ(row_at(b, 16).status, "valid");
  EXPECT_EQ(row_at(b, 16).minor, 200);
  EXPECT_EQ(b.rows.size(), 14u);
  EXPECT_EQ(b.valid, 3);
  EXPECT_EQ(b.invalid, 11);
  EXPECT_EQ(b.valid_total, 1250 + 100 + 200);
  // Nothing moved, and the same content (CRLF, a BOM) has the same key.
  EXPECT_EQ(w.coins(kAlice), 0);
  std::string crlf = "\xEF\xBB\xBF";
  for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(w.users.preview_grants(w.actor(kAdmin), crlf).batch_key, b.batch_key);
  // Spreadsheets in Russian locales: ';' and a decimal comma.
  const auto semi =
      w.users.preview_grants(w.actor(kAdmin), "telegram_id;amount;reason\n101;12,50;приз, 1-е\n");
  ASSERT_EQ(semi.rows.size(), 1u);
  EXPECT_EQ(semi.rows[0].status, "valid");
  EXPECT_EQ(semi.rows[0].minor, 1250);
  EXPECT_EQ(semi.rows[0].reason, "приз, 1-е");
}

TEST_P(AdminGrantsTest, BatchesAreAdminsOnlyAndBounded) {
  const std::string text = csv({"101,1,x"});
  EXPECT_EQ(w.code_of([&] { w.users.preview_grants(w.actor(kModerator), text); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(w.code_of([&] { w.users.preview_grants(w.actor(kAlice), text); }),
            ErrorCode::kForbidden);
  const auto key = w.users.preview_grants(w.actor(kAdmin), text).batch_key;
  EXPECT_EQ(w.code_of([&] { w.users.apply_grants(w.actor(kModerator), text, key); }),
            ErrorCode::kForbidden);
  EXPECT_EQ(w.coins(kAlice), 0);
  for (const std::string& bad : {std::string(""), std::string("id,amount,reason\n101,1,x\n"),
                                 std::string("telegram_id,amount,reason\n"),
                                 std::string("telegram_id,amount,reason\n101,1,\"open\n")}) {
    EXPECT_EQ(w.code_of([&] { w.users.preview_grants(w.actor(kAdmin), bad); }),
              ErrorCode::kInvalidArgument)
        << bad;
  }
  std::string big = "telegram_id,amount,reason\n";
  for (int i = 0; i < 1001; ++i) big += "101,1,x\n";
  EXPECT_EQ(w.code_of([&] { w.users.preview_grants(w.actor(kAdmin), big); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(w.code_of([&] {
    w.users.preview_grants(w.actor(kAdmin),
                           "telegram_id,amount,reason\n" + std::string(600 * 1024, ' '));
  }),
            ErrorCode::kInvalidArgument);
}

TEST_P(AdminGrantsTest, ApplyingCreditsEachValidRowOnce) {
  w.users.ban(kAdmin, kMallory, "spam", std::nullopt);
  const std::string text = csv({"101,12.50,приз", "102,3,приз", "103,1,banned", "999,1,who"});
  const auto preview = w.users.preview_grants(w.actor(kAdmin), text);
  ASSERT_EQ(preview.valid, 2);
  // Only the batch previewed.
  EXPECT_EQ(w.code_of([&] {
    w.users.apply_grants(w.actor(kAdmin), text + "102,1,more\n", preview.batch_key);
  }),
            ErrorCode::kConflict);
  EXPECT_EQ(w.code_of([&] { w.users.apply_grants(w.actor(kAdmin), text, "0"); }),
            ErrorCode::kConflict);
  EXPECT_EQ(w.coins(kAlice), 0);

  const auto applied = w.users.apply_grants(w.actor(kAdmin), text, preview.batch_key, "10.1.1.1");
  EXPECT_EQ(applied.applied, 2);
  EXPECT_EQ(applied.already_applied, 0);
  EXPECT_EQ(applied.invalid, 2);
  EXPECT_EQ(applied.applied_total, 1550);
  EXPECT_EQ(row_at(applied, 2).status, "applied");
  EXPECT_TRUE(row_at(applied, 2).transfer_id);
  EXPECT_EQ(row_at(applied, 4).status, "invalid");
  EXPECT_EQ(w.coins(kAlice), 1250);
  EXPECT_EQ(w.coins(kAlik), 300);
  EXPECT_EQ(w.coins(kMallory), 0);

  // Again, and by another admin: nothing more moves; the rows say they were applied.
  for (int64_t who : {kAdmin, kAdmin2, kOwner}) {
    const auto again = w.users.apply_grants(w.actor(who), text, preview.batch_key);
    EXPECT_EQ(again.applied, 0) << who;
    EXPECT_EQ(again.already_applied, 2) << who;
    EXPECT_EQ(again.applied_total, 0) << who;
    EXPECT_EQ(row_at(again, 2).status, "already_applied") << who;
  }
  EXPECT_EQ(w.coins(kAlice), 1250);
  EXPECT_EQ(w.coins(kAlik), 300);
  // Each credit audited once; each application of the batch too.
  int grants = 0;
  for (const auto& e : w.audit_of("admin.grant")) grants += e.action == "admin.grant";
  EXPECT_EQ(grants, 2);
  const auto batches = w.audit_of("admin.grants");
  ASSERT_EQ(batches.size(), 4u);
  EXPECT_EQ(batches[0].details["applied"], 2);
  EXPECT_EQ(batches[0].ip, "10.1.1.1");
  EXPECT_EQ(batches[1].details["already_applied"], 2);
  EXPECT_TRUE(w.ledger_ok());
}

TEST_P(AdminGrantsTest, RestPreviewAndApply) {
  const std::string text = csv({"101,2.00,приз", "999,1,who"});
  auto r =
      w.call("POST", "/api/v1/admin/grants/preview", kAdmin, text, {{"content-type", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto preview = nlohmann::json::parse(r.body);
  EXPECT_EQ(preview["valid"], 1);
  EXPECT_EQ(preview["valid_total"]["amount"], "2.00");
  EXPECT_EQ(preview["rows"][1]["problem"], "unknown_user");
  // The same as JSON.
  r = w.call("POST", "/api/v1/admin/grants/preview", kAdmin, nlohmann::json{{"csv", text}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["batch_key"], preview["batch_key"]);
  EXPECT_EQ(w.call("POST", "/api/v1/admin/grants/preview", kModerator, text,
                   {{"content-type", "text/csv"}})
                .status,
            403);
  const auto body = nlohmann::json{{"csv", text}, {"batch_key", preview["batch_key"]}}.dump();
  EXPECT_EQ(w.call("POST", "/api/v1/admin/grants/apply", kModerator, body).status, 403);
  r = w.call("POST", "/api/v1/admin/grants/apply", kAdmin, body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["applied"], 1);
  r = w.call("POST", "/api/v1/admin/grants/apply", kAdmin, body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(nlohmann::json::parse(r.body)["already_applied"], 1);
  EXPECT_EQ(nlohmann::json::parse(r.body)["rows"][0]["status"], "already_applied");
  EXPECT_EQ(w.coins(kAlice), 200);
  EXPECT_EQ(
      w.call("POST", "/api/v1/admin/grants/apply", kAdmin, nlohmann::json{{"csv", text}}.dump())
          .status,
      400);
}

INSTANTIATE_TEST_SUITE_P(Engines, AdminGrantsTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

// For any CSV batch — valid and invalid rows mixed: unknown, banned, duplicate and forbidden
// users, bad amounts, missing reasons — applying it any number of times (by either admin)
// credits each valid row exactly once, and the sum of the balances equals the sum of the valid
// rows (each user's balance the sum of their valid rows).
RC_GTEST_PROP(AdminGrantsProperty, ApplyingABatchAnyNumberOfTimesCreditsEachValidRowOnce, ()) {
  ToolsWorld w(store::Engine::kSqlite, false);
  const std::vector<int64_t> players{201, 202, 203, 204};
  for (int64_t id : players) w.users.upsert({id, "p" + std::to_string(id), "Игрок", "ru"});
  w.users.ban(kAdmin, 204, "banned", std::nullopt);
  const auto ids = std::vector<std::string>{"201", "202", "203", "204", "999", "2", "3", "x", ""};
  const auto amounts =
      std::vector<std::string>{"1", "0.01", "12.50", "1000", "0", "-1", "1.234", "abc", ""};
  const auto reasons = std::vector<std::string>{"приз", "prize, 1st", "", "\"quoted\""};
  const int n = *rc::gen::inRange(1, 30);
  std::string text = "telegram_id,amount,reason\n";
  for (int i = 0; i < n; ++i) {
    const auto id = *rc::gen::elementOf(ids);
    const auto amount = *rc::gen::elementOf(amounts);
    auto reason = *rc::gen::elementOf(reasons);
    if (reason.find(',') != std::string::npos) reason = "\"" + reason + "\"";
    if (reason == "\"quoted\"") reason = "\"\"\"quoted\"\"\"";
    text += id + "," + amount + "," + reason + "\n";
  }
  const auto preview = w.users.preview_grants(w.actor(kAdmin), text);
  std::map<int64_t, int64_t> expected;
  for (const auto& r : preview.rows) {
    if (r.status == "valid") expected[r.user_id] += r.minor;
  }
  const int times = *rc::gen::inRange(1, 4);
  for (int i = 0; i < times; ++i) {
    const int64_t who = *rc::gen::element(kAdmin, kAdmin2);
    const auto b = w.users.apply_grants(w.actor(who), text, preview.batch_key);
    RC_ASSERT(b.applied + b.already_applied == preview.valid);
    RC_ASSERT(b.applied == (i == 0 ? preview.valid : 0));
    RC_ASSERT(b.failed == 0);
  }
  int64_t sum = 0;
  for (int64_t id : players) {
    RC_ASSERT(w.coins(id) == expected[id]);
    sum += w.coins(id);
  }
  for (int64_t id : {kOwner, kAdmin, kAdmin2, kModerator}) RC_ASSERT(w.coins(id) == 0);
  RC_ASSERT(sum == preview.valid_total);
  RC_ASSERT(w.ledger_ok());
}

}  // namespace
}  // namespace lucas::admin
