// Durable Telegram intake (issue 15 point 5: no update lost, no silent failure), on SQLite and
// PostgreSQL: an update accepted and not yet handled survives the process; a failing handler is
// retried with backoff and leaves nothing of its failed attempts; one that keeps failing is set
// aside with one localized reply; several nodes handle each update once; prune keeps what admins
// need; long polling moves its offset only past stored updates.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <map>
#include <mutex>
#include <thread>

#include "base/i18n.h"
#include "infra/store/migrate.h"
#include "infra/telegram/updates.h"
#include "tests/support/databases.h"

namespace lucas::telegram {
namespace {

using nlohmann::json;
using store::Tx;
using store::Value;

constexpr Micros kSecond = 1'000'000;
constexpr Micros kDay = 86'400 * kSecond;

json update(int64_t id, const std::string& lang = "ru", const std::string& text = "/ping") {
  return {
      {"update_id", id},
      {"message",
       {{"message_id", 1000 + id},
        {"date", 1},
        {"chat", {{"id", -100}, {"type", "supergroup"}}},
        {"from", {{"id", 7}, {"is_bot", false}, {"first_name", "Ann"}, {"language_code", lang}}},
        {"text", text}}}};
}

// What a node did: handler runs (every attempt), replies sent after commit.
struct Node {
  std::mutex mu;
  std::map<int64_t, int> runs;
  std::vector<Outgoing> sent;
  std::vector<int64_t> sent_for;  // the update a reply answered (its message_id - 1000)
  void record_send(const Outgoing& o) {
    std::lock_guard lock(mu);
    sent.push_back(o);
    sent_for.push_back(o.reply_to_message_id - 1000);
  }
};

std::optional<Outgoing> failure_reply(const Update& u) {
  if (!u.message) return std::nullopt;
  const auto lang = i18n::language_for(u.message->from ? u.message->from->language_code : "");
  return Outgoing{u.message->chat.id, i18n::text(lang, "update_failed"), u.message->message_id, 0};
}

class IntakeTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override {
    t_ = lucas::testing::fresh_database(GetParam());
    store::migrate(db(), {migrations()}, clock_);
    // What handlers write: one row per successful handling (a nested unit of work).
    db().transact([](Tx& tx) { tx.exec("CREATE TABLE effects (update_id BIGINT, note TEXT)"); });
  }
  store::Database& db() { return *t_.db; }

  // A queue whose handler writes an effect row through its own unit of work, then fails while
  // `fail(update_id, run)` says so, and replies "ok <id>".
  std::unique_ptr<UpdateQueue> queue(Node& node, store::Database& on,
                                     std::function<bool(int64_t, int)> fail = {},
                                     UpdateQueueOptions options = {}) {
    return std::make_unique<UpdateQueue>(
        on, clock_,
        [&node, &on, fail](const Update& u) {
          int run = 0;
          {
            std::lock_guard lock(node.mu);
            run = ++node.runs[u.update_id];
          }
          EXPECT_TRUE(on.in_transaction());  // the handler runs inside the update's unit
          on.transact([&](Tx& tx) {
            tx.exec("INSERT INTO effects (update_id, note) VALUES ($1, $2)",
                    {Value{u.update_id}, Value{"run " + std::to_string(run)}});
          });
          if (fail && fail(u.update_id, run)) throw std::runtime_error("handler broke");
          return std::vector<Outgoing>{Outgoing{
              u.message->chat.id, "ok " + std::to_string(u.update_id), u.message->message_id, 0}};
        },
        [&node, &on](const Outgoing& o) {
          EXPECT_FALSE(on.in_transaction());  // sent after the commit
          node.record_send(o);
        },
        failure_reply, std::move(options));
  }
  int64_t effects(int64_t id) {
    return db().read([&](Tx& tx) {
      return tx.exec("SELECT COUNT(*) FROM effects WHERE update_id = $1", {Value{id}}).one().i64(0);
    });
  }
  std::string status(int64_t id) {
    return db().read([&](Tx& tx) {
      const auto r =
          tx.exec("SELECT status FROM telegram_updates WHERE update_id = $1", {Value{id}});
      return r.empty() ? std::string("gone") : r.one().str(0);
    });
  }

  lucas::testing::TestDatabase t_;
  ManualClock clock_{1'767'225'600'000'000};
};

TEST_P(IntakeTest, AnUpdateAcceptedBeforeACrashIsHandledOnceAfterTheRestart) {
  Node before, after;
  {
    auto q = queue(before, db());
    EXPECT_EQ(q->accept(update(1)), UpdateQueue::Accepted::kQueued);
    EXPECT_EQ(q->accept(update(2)), UpdateQueue::Accepted::kQueued);
    EXPECT_EQ(q->accept(update(1)), UpdateQueue::Accepted::kDuplicate);  // Telegram's retry
    EXPECT_THROW(q->accept(json{{"nope", 1}}), Error);
    EXPECT_EQ(q->pending(), 2);
  }  // the process dies here: nothing was handled
  EXPECT_TRUE(before.runs.empty());

  auto q = queue(after, db());  // the restarted process on the same database
  EXPECT_EQ(q->drain(), 2);
  EXPECT_EQ(q->drain(), 0);
  EXPECT_EQ(queue(after, db())->drain(), 0);  // and a third start finds nothing either
  EXPECT_EQ(after.runs, (std::map<int64_t, int>{{1, 1}, {2, 1}}));
  EXPECT_EQ(effects(1), 1);
  EXPECT_EQ(effects(2), 1);
  ASSERT_EQ(after.sent.size(), 2u);
  EXPECT_EQ(after.sent[0].text, "ok 1");  // in update_id order
  EXPECT_EQ(after.sent[1].text, "ok 2");
  EXPECT_EQ(status(1), "done");
  EXPECT_EQ(q->pending(), 0);
}

TEST_P(IntakeTest, AHandlerFailingTwiceIsRetriedWithBackoffAndActsOnce) {
  Node node;
  auto q = queue(node, db(), [](int64_t, int run) { return run <= 2; });
  q->accept(update(5));
  EXPECT_EQ(q->drain(), 0);  // attempt 1 fails
  EXPECT_EQ(node.runs[5], 1);
  EXPECT_EQ(q->drain(), 0);  // not due yet: no second run
  EXPECT_EQ(node.runs[5], 1);
  clock_.advance(kSecond);
  EXPECT_EQ(q->drain(), 0);  // attempt 2 fails; the next waits 5 s
  EXPECT_EQ(node.runs[5], 2);
  clock_.advance(4 * kSecond);
  EXPECT_EQ(q->drain(), 0);
  EXPECT_EQ(node.runs[5], 2);
  clock_.advance(kSecond);
  EXPECT_EQ(q->drain(), 1);  // attempt 3 succeeds
  EXPECT_EQ(node.runs[5], 3);
  EXPECT_EQ(effects(5), 1);  // nothing of the failed attempts was committed
  EXPECT_EQ(db().read([](Tx& tx) { return tx.exec("SELECT note FROM effects").one().str(0); }),
            "run 3");
  ASSERT_EQ(node.sent.size(), 1u);  // replies of the failed attempts were never sent
  EXPECT_EQ(node.sent[0].text, "ok 5");
  EXPECT_EQ(status(5), "done");
  clock_.advance(kDay);
  EXPECT_EQ(q->drain(), 0);
  EXPECT_EQ(node.runs[5], 3);
}

TEST_P(IntakeTest, AHandlerThatKeepsFailingIsSetAsideWithOneLocalizedReply) {
  Node node;
  bool broken = true;
  auto q = queue(node, db(), [&](int64_t, int) { return broken; });
  q->accept(update(8, "en"));
  q->accept(update(9, ""));  // no language: Russian
  for (Micros step : {Micros{0}, kSecond, 5 * kSecond, 30 * kSecond, kDay}) {
    clock_.advance(step);
    EXPECT_EQ(q->drain(), 0);
  }
  EXPECT_EQ(node.runs, (std::map<int64_t, int>{{8, 3}, {9, 3}}));  // 3 attempts, no more
  EXPECT_EQ(effects(8), 0);
  EXPECT_EQ(status(8), "failed");
  ASSERT_EQ(node.sent.size(), 2u);  // one error reply each, in their language
  EXPECT_EQ(node.sent[0].text, i18n::text("en", "update_failed"));
  EXPECT_EQ(node.sent[0].text.find("could not be processed") != std::string::npos, true);
  EXPECT_EQ(node.sent[0].reply_to_message_id, 1008);
  EXPECT_EQ(node.sent[1].text, i18n::text("ru", "update_failed"));
  EXPECT_NE(node.sent[1].text, node.sent[0].text);
  EXPECT_EQ(q->pending(), 0);

  // Kept for the admins, with the error; then retried by one once the cause is fixed.
  const auto failed = db().read([](Tx& tx) { return failed_updates(tx, 0, 10); });
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].update_id, 8);
  EXPECT_EQ(failed[0].attempts, 3);
  EXPECT_EQ(failed[0].last_error, "handler broke");
  EXPECT_EQ(failed[0].raw["message"]["text"], "/ping");
  EXPECT_EQ(prune_updates(db(), clock_.now() + 30 * kDay), 0);  // failed ones are never pruned
  EXPECT_THROW(db().read([](Tx& tx) { return failed_updates(tx, 0, 0); }), Error);

  broken = false;
  EXPECT_EQ(db().transact([&](Tx& tx) { return retry_failed_updates(tx, 8, clock_.now()); }), 1);
  EXPECT_EQ(db().transact([&](Tx& tx) { return retry_failed_updates(tx, 8, clock_.now()); }), 0);
  EXPECT_EQ(q->drain(), 1);
  EXPECT_EQ(effects(8), 1);
  EXPECT_EQ(status(8), "done");
  EXPECT_EQ(status(9), "failed");
  EXPECT_EQ(db().transact([&](Tx& tx) { return retry_failed_updates(tx, {}, clock_.now()); }), 1);
  EXPECT_EQ(q->drain(), 1);
  EXPECT_EQ(node.sent.back().text, "ok 9");
}

TEST_P(IntakeTest, RepliesAreQueuedOnlyAfterTheUpdateIsMarkedDone) {
  std::vector<std::string> seen;
  UpdateQueue q(
      db(), clock_,
      [](const Update& u) {
        return std::vector<Outgoing>{Outgoing{u.message->chat.id, "hi", 0, 0}};
      },
      [&](const Outgoing&) {
        seen.push_back(db().read([](Tx& tx) {
          return tx.exec("SELECT status FROM telegram_updates WHERE update_id = 3").one().str(0);
        }));
      });
  q.accept(update(3));
  EXPECT_EQ(q.drain(), 1);
  EXPECT_EQ(seen, (std::vector<std::string>{"done"}));
}

TEST_P(IntakeTest, TooManyPendingUpdatesAreRefusedUntilHandled) {
  Node node;
  UpdateQueueOptions options;
  options.capacity = 2;
  auto q = queue(node, db(), {}, options);
  q->accept(update(1));
  q->accept(update(2));
  try {
    q->accept(update(3));
    FAIL() << "a full queue must refuse";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  EXPECT_EQ(status(3), "gone");  // refused: not stored, Telegram retries it
  EXPECT_EQ(q->drain(), 2);
  EXPECT_EQ(q->accept(update(3)), UpdateQueue::Accepted::kQueued);
}

TEST_P(IntakeTest, PruneDeletesOnlyHandledUpdatesOlderThanAWeek) {
  Node node;
  auto q = queue(node, db(), [](int64_t id, int) { return id == 2; });
  for (int64_t id : {1, 2, 3}) q->accept(update(id));  // 3 stays pending (not drained below)
  // Handle 1 (done) and fail 2 for good, leaving 3 pending: only 1 and 2 are due now.
  db().transact([&](Tx& tx) {
    tx.exec("UPDATE telegram_updates SET next_attempt_at = $1 WHERE update_id = 3",
            {Value{clock_.now() + 365 * kDay}});
  });
  for (Micros step : {Micros{0}, kSecond, 5 * kSecond}) {
    clock_.advance(step);
    q->drain();
  }
  EXPECT_EQ(status(1), "done");
  EXPECT_EQ(status(2), "failed");
  clock_.advance(8 * kDay);
  q->accept(update(4));
  q->drain();
  EXPECT_EQ(status(4), "done");
  EXPECT_EQ(prune_updates(db(), clock_.now() - 7 * kDay), 1);
  EXPECT_EQ(status(1), "gone");
  EXPECT_EQ(status(2), "failed");
  EXPECT_EQ(status(3), "pending");
  EXPECT_EQ(status(4), "done");
  // Once pruned, Telegram's late retry of update 1 would be taken again: that is why a week.
}

// Several nodes (separate connection pools; on SQLite, processes sharing the file) draining the
// same table at the same time: every update is handled and answered exactly once.
TEST_P(IntakeTest, TwoNodesDrainingTogetherHandleEachUpdateOnce) {
  auto other_db = store::Database::open(t_.url);
  Node a, b;
  auto qa = queue(a, db(), [](int64_t id, int run) { return id % 7 == 0 && run == 1; });
  auto qb = queue(b, *other_db, [](int64_t id, int run) { return id % 7 == 0 && run == 1; });
  constexpr int kUpdates = 60;
  for (int id = 1; id <= kUpdates; ++id) (id % 2 ? qa : qb)->accept(update(id));
  const auto work = [this](UpdateQueue& q) {
    while (q.pending() > 0) {
      q.drain();
      clock_.advance(kSecond);  // lets retries come due (ManualClock is thread-safe)
    }
  };
  std::thread ta([&] { work(*qa); });
  std::thread tb([&] { work(*qb); });
  ta.join();
  tb.join();
  std::map<int64_t, int> replies;
  for (Node* n : {&a, &b}) {
    for (int64_t id : n->sent_for) ++replies[id];
  }
  for (int id = 1; id <= kUpdates; ++id) {
    EXPECT_EQ(replies[id], 1) << "update " << id;
    EXPECT_EQ(effects(id), 1) << "update " << id;
    EXPECT_EQ(status(id), "done") << "update " << id;
  }
  EXPECT_GT(a.sent.size() + b.sent.size(), 0u);
}

// For any interleaving of accepts (with Telegram's duplicates), node crashes and restarts,
// drains on either node and clock moves, with a handler failing on any attempt: each update
// ends handled once (one committed effect, one reply) or set aside (nothing committed, one
// error reply), never both, and nothing stays pending once time has passed.
TEST_P(IntakeTest, AnyInterleavingHandlesEachUpdateOnceOrSetsItAside) {
  auto other_db = store::Database::open(t_.url);
  store::Database* dbs[2] = {&db(), other_db.get()};
  const bool ok = rc::check("each update once or set aside", [&] {
    db().transact([](Tx& tx) {
      tx.exec("DELETE FROM telegram_updates");
      tx.exec("DELETE FROM effects");
    });
    const auto failing = *rc::gen::container<std::vector<bool>>(12, rc::gen::arbitrary<bool>());
    Node nodes[2];
    size_t calls = 0;
    const auto fail = [&failing, &calls](int64_t, int) { return failing[calls++ % 12]; };
    std::unique_ptr<UpdateQueue> q[2] = {queue(nodes[0], *dbs[0], fail),
                                         queue(nodes[1], *dbs[1], fail)};
    std::set<int64_t> accepted;
    const int steps = *rc::gen::inRange(1, 25);
    for (int s = 0; s < steps; ++s) {
      const int node = *rc::gen::inRange(0, 2);
      switch (*rc::gen::inRange(0, 4)) {
        case 0: {
          const int64_t id = *rc::gen::inRange(1, 6);
          q[node]->accept(update(id));
          accepted.insert(id);
          break;
        }
        case 1:
          q[node]->drain();
          break;
        case 2:
          clock_.advance(*rc::gen::element(Micros{0}, kSecond, 5 * kSecond, 30 * kSecond));
          break;
        default:
          q[node] = queue(nodes[node], *dbs[node], fail);  // crash and restart
      }
    }
    for (int round = 0; round < 4; ++round) {
      clock_.advance(31 * kSecond);
      q[0]->drain();
      q[1]->drain();
    }
    std::map<int64_t, int> replies;
    for (auto& n : nodes) {
      for (int64_t id : n.sent_for) ++replies[id];
    }
    for (int64_t id : accepted) {
      const std::string st = status(id);
      RC_ASSERT(st == "done" || st == "failed");
      RC_ASSERT(effects(id) == (st == "done" ? 1 : 0));
      RC_ASSERT(replies[id] == 1);
    }
  });
  EXPECT_TRUE(ok);
}

struct ScriptedUpdates : BotApi {
  std::vector<json> batches;
  std::vector<int64_t> offsets;
  ApiResult call(const std::string& method, const json& p) override {
    ApiResult r;
    if (method != "getUpdates") return r;
    offsets.push_back(p.at("offset").get<int64_t>());
    r.ok = true;
    r.result = batches.empty() ? json::array() : batches.front();
    if (!batches.empty()) batches.erase(batches.begin());
    return r;
  }
};

TEST_P(IntakeTest, PollingMovesTheOffsetOnlyPastStoredUpdates) {
  Node node;
  UpdateQueueOptions options;
  options.capacity = 3;
  auto q = queue(node, db(), {}, options);
  ScriptedUpdates api;
  json bad_type = update(12);
  bad_type["message"]["from"]["is_bot"] = "yes";  // the wrong type: malformed, skipped
  api.batches = {json::array({update(10), update(11)}),
                 json::array({update(11)}),  // Telegram delivered 11 again: stored once
                 json::array({json{{"junk", 1}}, bad_type}),
                 json::array({update(13), update(14)}),  // 14 finds the queue full
                 json::array({update(14)})};
  Poller poller(api, *q);
  EXPECT_EQ(poller.poll_once(0), 2);
  EXPECT_EQ(poller.poll_once(0), 0);
  EXPECT_EQ(poller.poll_once(0), 0);
  EXPECT_EQ(poller.offset(), 13);  // past the malformed one
  EXPECT_THROW(poller.poll_once(0), Error);
  EXPECT_EQ(poller.offset(), 14);  // 13 stored, 14 refused: fetched again
  EXPECT_EQ(q->drain(), 3);
  EXPECT_EQ(poller.poll_once(0), 1);
  EXPECT_EQ(poller.offset(), 15);
  EXPECT_EQ(q->drain(), 1);
  EXPECT_EQ(api.offsets, (std::vector<int64_t>{0, 12, 12, 13, 14}));
  EXPECT_EQ(node.runs, (std::map<int64_t, int>{{10, 1}, {11, 1}, {13, 1}, {14, 1}}));
}

TEST_P(IntakeTest, TheWorkerHandlesWhatAPreviousRunLeftAndWhatArrives) {
  Node node;
  queue(node, db())->accept(update(21));  // accepted by a run that stopped before handling it
  auto q = queue(node, db());
  q->start();
  q->accept(update(22));
  for (;;) {  // no timed assertion: the worker gets there, however slowly
    {
      std::lock_guard lock(node.mu);
      if (node.sent.size() >= 2) break;
    }
    std::this_thread::yield();
  }
  q->stop();
  EXPECT_EQ(node.runs, (std::map<int64_t, int>{{21, 1}, {22, 1}}));
  EXPECT_EQ(q->pending(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, IntakeTest,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::telegram
