// The composition root's Telegram intake: the bank bot handles a stored update inside the
// update's transaction and its replies reach the sender; failed updates are listed and retried
// from the console (telegram::FailedUpdates), audited. The failure reply's language is tested in
// tests/infra/telegram/failed_updates_test.cpp.
#include <gtest/gtest.h>

#include "app/app.h"
#include "tests/support/databases.h"
#include "tests/support/telegram_updates.h"

namespace lucas {
namespace {

using nlohmann::json;

Config config(const std::string& dir) {
  Config c;
  c.data_dir = dir;
  c.http_rate_limit_per_minute = 0;
  c.telegram_token = "424242:intake-test";
  c.telegram_api_url = "http://127.0.0.1:9";  // never reached: nothing is pumped here
  return c;
}

json ping(int64_t update_id, const std::string& lang) {
  return lucas::testing::private_message(update_id, "/ping", lang);
}

TEST(AppIntake, TheBotHandlesAStoredUpdateAndItsReplyIsQueuedAfterCommit) {
  testing::TempDir dir;
  app::App app(config(dir.path()));
  app.migrate();
  ASSERT_TRUE(app.telegram_enabled());
  EXPECT_EQ(app.updates->accept(ping(1, "en")), telegram::UpdateQueue::Accepted::kQueued);
  EXPECT_EQ(app.sender->stats().queued, 0);
  // On SQLite the bot's own units of work (the user's upsert) would wait for the write lock
  // the update's transaction holds, were they not joining it.
  EXPECT_EQ(app.updates->drain(), 1);
  EXPECT_EQ(app.sender->stats().queued, 1);
  EXPECT_TRUE(app.users->find(7).has_value());
  EXPECT_EQ(app.updates->pending(), 0);
}

TEST(AppIntake, FailedUpdatesAreListedAndRetriedFromTheConsoleAudited) {
  testing::TempDir dir;
  app::App app(config(dir.path()));
  app.migrate();
  app.updates->accept(ping(9, "ru"));
  app.db->transact([](store::Tx& tx) {
    tx.exec(
        "UPDATE telegram_updates SET status = 'failed', attempts = 3, last_error = 'boom'"
        " WHERE update_id = 9");
  });
  const auto failed = app.failed_updates->list(0, 100);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].last_error, "boom");
  EXPECT_EQ(app.failed_updates->retry(9), 1);
  try {
    app.failed_updates->retry(9);
    FAIL() << "retrying an update that is not failed must say so";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
  EXPECT_EQ(app.failed_updates->retry(std::nullopt), 0);
  EXPECT_EQ(app.updates->drain(), 1);
  const auto actions = app.db->read([](store::Tx& tx) {
    std::vector<std::string> out;
    for (const auto& r :
         tx.exec("SELECT action, target FROM audit_log WHERE action LIKE 'admin.telegram%'"
                 " ORDER BY seq")
             .rows) {
      out.push_back(r.str(0) + " " + r.str(1));
    }
    return out;
  });
  EXPECT_EQ(actions, (std::vector<std::string>{"admin.telegram_failed_list telegram_updates",
                                               "admin.telegram_retry update:9",
                                               "admin.telegram_retry telegram_updates"}));
}

}  // namespace
}  // namespace lucas
