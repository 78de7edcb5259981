// The outbox with several nodes on one database (SQLite: processes sharing a file; PostgreSQL:
// real nodes): once-subscribers run on exactly one node, everywhere-subscribers once on every
// node, over Redis pub/sub or in-process; a node that dies after commit or while holding a claim
// loses nothing; events the bus lost are caught up from the table; and a rapidcheck property over
// any interleaving of commits, dispatches, catch-ups and bus cuts.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "infra/events/outbox.h"
#include "infra/events/redis_bus.h"
#include "infra/store/migrate.h"
#include "infra/telemetry/metrics.h"
#include "tests/support/databases.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_harness.h"

namespace lucas::events {
namespace {

using namespace std::chrono_literals;
constexpr Micros kTtl = 60'000'000;

using lucas::testing::eventually;

// Event ids a subscriber received, with repeats.
struct Received {
  std::mutex mu;
  std::multiset<int64_t> ids;
  Subscriber subscriber() {
    return [this](const Event& ev) {
      std::lock_guard lock(mu);
      ids.insert(ev.id);
    };
  }
  std::multiset<int64_t> snapshot() {
    std::lock_guard lock(mu);
    return ids;
  }
  size_t size() {
    std::lock_guard lock(mu);
    return ids.size();
  }
};

std::multiset<int64_t> each_once(const std::vector<int64_t>& ids) {
  return {ids.begin(), ids.end()};
}

redis::Options fast() {
  redis::Options o;
  o.retry_min = 20ms;
  o.retry_max = 200ms;
  o.command_timeout = 300ms;
  o.connect_timeout = 300ms;
  return o;
}

// One node: its own database handle (its own connections), outbox and subscribers.
struct Node {
  Node(const std::string& url, const Clock& clock, std::string id, Bus* bus,
       Micros poll = 1'000'000)
      : db(store::Database::open(url)),
        outbox(*db, clock,
               OutboxOptions{bus, std::move(id), &metrics, kTtl, poll, 100, 200, 100'000}) {
    outbox.subscribe("*", once.subscriber());
    outbox.subscribe_everywhere("*", everywhere.subscriber());
  }
  std::vector<int64_t> publish(int n, const std::string& topic = "test.event") {
    std::vector<int64_t> ids;
    db->transact([&](store::Tx& tx) {
      for (int i = 0; i < n; ++i) outbox.publish(tx, topic, {{"i", i}});
    });
    const auto rows = db->read([&](store::Tx& tx) {
      return tx.exec("SELECT id FROM outbox ORDER BY id DESC LIMIT $1", {store::Value{n}});
    });
    for (const auto& r : rows.rows) ids.insert(ids.begin(), r.i64(0));
    return ids;
  }
  std::unique_ptr<store::Database> db;
  telemetry::Registry metrics;
  Received once, everywhere;
  Outbox outbox;
};

class OutboxCluster : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override {
    t_ = lucas::testing::fresh_database(GetParam());
    store::migrate(*t_.db, {migrations()}, clock_);
  }
  lucas::testing::TestDatabase t_;
  ManualClock clock_{1'767'225'600'000'000};
};

TEST_P(OutboxCluster, OnceSubscribersRunOnExactlyOneNodeWhileAllDispatch) {
  std::vector<std::unique_ptr<Node>> nodes;
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(std::make_unique<Node>(t_.url, clock_, "n" + std::to_string(i), nullptr));
  }
  std::vector<int64_t> all;
  for (int round = 0; round < 6; ++round) {
    const auto ids = nodes[static_cast<size_t>(round % 3)]->publish(50);
    all.insert(all.end(), ids.begin(), ids.end());
  }
  std::vector<std::thread> threads;
  for (auto& n : nodes) {
    threads.emplace_back([&n] {
      for (int i = 0; i < 20; ++i) n->outbox.drain();
    });
  }
  for (auto& th : threads) th.join();
  std::multiset<int64_t> once;
  for (auto& n : nodes) {
    const auto got = n->once.snapshot();
    once.insert(got.begin(), got.end());
  }
  EXPECT_EQ(once, each_once(all));
  const auto pending = t_.db->read([](store::Tx& tx) {
    return tx.exec("SELECT COUNT(*) FROM outbox WHERE dispatched_at IS NULL").one().i64(0);
  });
  EXPECT_EQ(pending, 0);
}

TEST_P(OutboxCluster, EverywhereSubscribersSeeEachEventOncePerNodeOverRedis) {
  auto& server = lucas::testing::RedisServer::shared();
  redis::Client ca(redis::parse_url(server.url()), fast()),
      cb(redis::parse_url(server.url()), fast());
  ASSERT_TRUE(ca.wait_up(10s) && cb.wait_up(10s));
  const std::string prefix = "cluster:" + lucas::testing::engine_label(GetParam()) + ":";
  RedisBus bus_a(ca, "a", nullptr, prefix), bus_b(cb, "b", nullptr, prefix);
  std::atomic<int> ready{0};
  bus_a.on_gap([&] { ++ready; });
  bus_b.on_gap([&] { ++ready; });
  Node a(t_.url, clock_, "a", &bus_a), b(t_.url, clock_, "b", &bus_b);
  ASSERT_TRUE(eventually([&] { return ready.load() >= 2; }));  // both subscribed at Redis
  a.outbox.catch_up();  // starting points: nothing before this moment is replayed
  b.outbox.catch_up();

  const auto ids = a.publish(10);
  EXPECT_EQ(a.outbox.drain(), 10);
  ASSERT_TRUE(eventually([&] { return b.everywhere.size() >= 10 && a.everywhere.size() >= 10; }));
  EXPECT_EQ(b.outbox.drain(), 0);     // already dispatched by a
  EXPECT_EQ(b.outbox.catch_up(), 0);  // nothing new for b: the bus brought everything
  EXPECT_EQ(a.outbox.catch_up(), 0);
  EXPECT_EQ(a.everywhere.snapshot(), each_once(ids));
  EXPECT_EQ(b.everywhere.snapshot(), each_once(ids));
  EXPECT_EQ(a.once.snapshot(), each_once(ids));
  EXPECT_EQ(b.once.size(), 0u);
  EXPECT_NE(b.metrics.render().find("lucas_outbox_everywhere_total{what=\"delivered\"} 10"),
            std::string::npos);
}

// Node A commits and dies before dispatching: the next node to dispatch replays its events. A
// node that dies holding a claim: its events are replayed once the claim expires.
TEST_P(OutboxCluster, ANodeThatDiesAfterCommitOrWhileClaimingLosesNothing) {
  LocalBus shared_bus;  // stands for Redis: one bus that both nodes are on
  Node b(t_.url, clock_, "b", &shared_bus);
  b.outbox.catch_up();
  std::vector<int64_t> committed;
  {
    Node a(t_.url, clock_, "a", &shared_bus);
    committed = a.publish(5);
  }  // a is gone without dispatching
  EXPECT_EQ(b.outbox.drain(), 5);
  EXPECT_EQ(b.once.snapshot(), each_once(committed));
  EXPECT_EQ(b.everywhere.snapshot(), each_once(committed));

  const auto claimed = b.publish(3);
  t_.db->transact([&](store::Tx& tx) {  // a node claims them, then dies
    tx.exec("UPDATE outbox SET claimed_by = 'dead', claimed_until = $1 WHERE dispatched_at IS NULL",
            {store::Value{clock_.now() + kTtl}});
  });
  EXPECT_EQ(b.outbox.drain(), 0);  // still claimed
  clock_.advance(kTtl + 1);
  EXPECT_EQ(b.outbox.drain(), 3);  // replayed
  std::vector<int64_t> all = committed;
  all.insert(all.end(), claimed.begin(), claimed.end());
  EXPECT_EQ(b.once.snapshot(), each_once(all));
  EXPECT_EQ(b.everywhere.snapshot(), each_once(all));
}

// Redis is down while node A dispatches: node B misses the live messages, and catches up from
// the table as soon as its bus is back (the gap wakes its dispatcher; polling is off here).
TEST_P(OutboxCluster, EventsTheBusLostAreCaughtUpAfterTheGap) {
  auto server = lucas::testing::RedisServer::start_new();
  redis::Client ca(redis::parse_url(server->url()), fast()),
      cb(redis::parse_url(server->url()), fast());
  ASSERT_TRUE(ca.wait_up(10s) && cb.wait_up(10s));
  RedisBus bus_a(ca, "a"), bus_b(cb, "b");
  std::atomic<int> gaps_b{0};
  bus_b.on_gap([&] { ++gaps_b; });
  const Micros hour = 3'600'000'000;
  Node a(t_.url, clock_, "a", &bus_a, hour), b(t_.url, clock_, "b", &bus_b, hour);
  ASSERT_TRUE(eventually([&] { return gaps_b.load() >= 1; }));
  a.outbox.start();
  b.outbox.start();

  const auto live = a.publish(2);
  ASSERT_TRUE(eventually([&] { return b.everywhere.size() == 2; }));

  server->stop();
  ASSERT_TRUE(eventually([&] { return !ca.up() && !cb.up(); }));
  const auto lost = a.publish(3);
  ASSERT_TRUE(eventually([&] { return a.everywhere.size() == 5; }));  // a's own, locally
  EXPECT_EQ(b.everywhere.size(), 2u);
  server->restart();
  ASSERT_TRUE(eventually([&] { return b.everywhere.size() == 5; }));
  a.outbox.stop();
  b.outbox.stop();
  std::vector<int64_t> all = live;
  all.insert(all.end(), lost.begin(), lost.end());
  EXPECT_EQ(b.everywhere.snapshot(), each_once(all));
  EXPECT_EQ(a.everywhere.snapshot(), each_once(all));
  auto once = a.once.snapshot();  // whichever node claimed them first
  const auto at_b = b.once.snapshot();
  once.insert(at_b.begin(), at_b.end());
  EXPECT_EQ(once, each_once(all));
  // At least the three lost ones came through catch-up (the live two may have, too: b's
  // dispatcher can read them before their bus message arrives; either way each arrived once).
  const std::string text = b.metrics.render();
  const std::string key = "lucas_outbox_everywhere_total{what=\"caught_up\"} ";
  const size_t at = text.find(key);
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(std::stoi(text.substr(at + key.size())), 3);
}

TEST_P(OutboxCluster, PruneDeletesOnlyOldDispatchedEvents) {
  Node a(t_.url, clock_, "a", nullptr);
  a.publish(4);
  EXPECT_EQ(a.outbox.drain(), 4);
  clock_.advance(kTtl);
  a.publish(2);  // pending: never pruned
  EXPECT_EQ(a.outbox.prune(clock_.now() - kTtl / 2), 4);
  EXPECT_EQ(a.outbox.prune(clock_.now() + kTtl), 0);
  EXPECT_EQ(a.outbox.drain(), 2);
}

// A once-subscriber that throws leaves its event pending for a retry after a doubling backoff,
// without holding up the events after it; when it succeeds the event is dispatched once. One
// that always throws is given up after max_attempts, with its error kept and counted; it is
// never pruned, and an admin's retry dispatches it once the cause is fixed.
TEST_P(OutboxCluster, AFailingSubscriberIsRetriedWithBackoffThenGivenUp) {
  telemetry::Registry metrics;
  OutboxOptions options{nullptr, "a", &metrics};
  options.max_attempts = 4;
  options.retry_backoff = 1'000'000;
  options.retry_backoff_max = 3'000'000;
  Outbox outbox(*t_.db, clock_, options);
  Received everywhere;
  outbox.subscribe_everywhere("*", everywhere.subscriber());
  std::vector<GivenUp> reported;  // what the app would alert the admins of
  outbox.on_given_up(
      [&](const std::vector<GivenUp>& g) { reported.insert(reported.end(), g.begin(), g.end()); });
  std::map<std::string, int> calls;  // per topic
  int flaky_failures = 2;
  bool broken_fixed = false;
  outbox.subscribe("*", [&](const Event& ev) {
    ++calls[ev.topic];
    if (ev.topic == "flaky" && flaky_failures > 0) {
      --flaky_failures;
      throw std::runtime_error("flaky is down");
    }
    if (ev.topic == "broken" && !broken_fixed) throw std::runtime_error("broken for good");
  });
  t_.db->transact([&](store::Tx& tx) {
    outbox.publish(tx, "ok", {});
    outbox.publish(tx, "flaky", {});
    outbox.publish(tx, "broken", {});
    outbox.publish(tx, "ok2", {});
  });
  const auto row = [&](const std::string& topic) {
    return t_.db->read([&](store::Tx& tx) {
      return tx
          .exec(
              "SELECT attempts, COALESCE(last_error, ''),"
              " CASE WHEN dispatched_at IS NULL THEN 0 ELSE 1 END,"
              " CASE WHEN given_up_at IS NULL THEN 0 ELSE 1 END FROM outbox"
              " WHERE topic = $1",
              {store::Value{topic}})
          .one();
    });
  };
  const auto counter = [&](const std::string& name) {
    const std::string text = metrics.render();
    const size_t at = text.find("\n" + name + " ");
    return at == std::string::npos ? -1 : std::stoi(text.substr(at + name.size() + 2));
  };

  EXPECT_EQ(outbox.drain(), 2);  // ok and ok2: not held up by the failures between them
  EXPECT_EQ(row("flaky").i64(0), 1);
  EXPECT_EQ(row("flaky").str(1), "flaky is down");
  EXPECT_EQ(row("flaky").i64(2), 0);
  EXPECT_EQ(outbox.drain(), 0);  // backing off: nothing is due
  clock_.advance(999'999);
  EXPECT_EQ(outbox.drain(), 0);
  clock_.advance(2);  // the first retry is due after 1 s; it fails again, next in 2 s
  EXPECT_EQ(outbox.drain(), 0);
  EXPECT_EQ(row("flaky").i64(0), 2);
  clock_.advance(1'999'999);
  EXPECT_EQ(outbox.drain(), 0);
  EXPECT_EQ(calls["flaky"], 2);
  clock_.advance(2);
  EXPECT_EQ(outbox.drain(), 1);  // flaky succeeds on its third attempt; broken fails a 3rd time
  EXPECT_EQ(calls["flaky"], 3);
  EXPECT_EQ(row("flaky").i64(2), 1);
  EXPECT_EQ(row("broken").i64(0), 3);
  EXPECT_EQ(row("broken").i64(2), 0);
  clock_.advance(3'000'001);     // the backoff is capped at 3 s (not 4)
  EXPECT_EQ(outbox.drain(), 0);  // the 4th failure: given up
  const auto broken = row("broken");
  EXPECT_EQ(broken.i64(0), 4);
  EXPECT_EQ(broken.str(1), "broken for good");
  EXPECT_EQ(broken.i64(2), 0);  // not dispatched: set aside
  EXPECT_EQ(broken.i64(3), 1);
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].event.topic, "broken");
  EXPECT_EQ(reported[0].attempts, 4);
  EXPECT_EQ(reported[0].last_error, "broken for good");
  clock_.advance(3'600'000'000);
  EXPECT_EQ(outbox.drain(), 0);
  EXPECT_EQ(calls["broken"], 4);
  EXPECT_EQ(calls["ok"], 1);
  EXPECT_EQ(calls["ok2"], 1);
  EXPECT_EQ(counter("lucas_outbox_dispatched_total"), 3);
  EXPECT_EQ(counter("lucas_outbox_retries_total"), 5);  // flaky 2, broken 3
  EXPECT_EQ(counter("lucas_outbox_failed_total"), 1);
  EXPECT_EQ(counter("lucas_outbox_given_up"), 1);
  EXPECT_EQ(everywhere.size(), 4u);  // republished on every retry, delivered once

  // Pruning keeps it (the other three go); the admin's list shows it with its error.
  EXPECT_EQ(outbox.prune(clock_.now() + 1), 3);
  const auto listed = t_.db->read([&](store::Tx& tx) { return outbox.given_up(tx, 0, 10); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].event.topic, "broken");
  EXPECT_EQ(listed[0].attempts, 4);
  EXPECT_EQ(listed[0].last_error, "broken for good");
  EXPECT_EQ(listed[0].given_up_at, clock_.now() - 3'600'000'000);
  EXPECT_TRUE(
      t_.db->read([&](store::Tx& tx) { return outbox.given_up(tx, listed[0].event.id, 10); })
          .empty());

  // A retry of an id that was not given up changes nothing; a rolled-back retry neither.
  EXPECT_EQ(t_.db->transact([&](store::Tx& tx) { return outbox.retry(tx, 999'999); }), 0);
  EXPECT_THROW(t_.db->transact([&](store::Tx& tx) {
    EXPECT_EQ(outbox.retry(tx, listed[0].event.id), 1);
    throw std::runtime_error("the admin's transaction fails");
  }),
               std::runtime_error);
  EXPECT_EQ(row("broken").i64(3), 1);

  // Fixed and retried: dispatched once, with a fresh count of attempts.
  broken_fixed = true;
  EXPECT_EQ(t_.db->transact([&](store::Tx& tx) { return outbox.retry(tx, std::nullopt); }), 1);
  EXPECT_EQ(counter("lucas_outbox_given_up"), 0);
  EXPECT_EQ(outbox.drain(), 1);
  EXPECT_EQ(calls["broken"], 5);
  EXPECT_EQ(row("broken").i64(2), 1);
  EXPECT_EQ(row("broken").i64(3), 0);
  EXPECT_EQ(outbox.drain(), 0);
  EXPECT_EQ(t_.db->transact([&](store::Tx& tx) { return outbox.retry(tx, std::nullopt); }), 0);
  EXPECT_EQ(reported.size(), 1u);
}

// Migration events/4 on a database written before it: an event the old code gave up (marked
// dispatched after max_attempts, its error kept) is set aside, so pruning no longer deletes it;
// one that succeeded after retries stays dispatched.
TEST_P(OutboxCluster, TheGivenUpMigrationSetsAsideWhatTheOldCodeGaveUp) {
  auto t = lucas::testing::fresh_database(GetParam());
  auto before = migrations();
  before.migrations.resize(3);
  store::migrate(*t.db, {before}, clock_);
  t.db->transact([](store::Tx& tx) {
    const char* insert =
        "INSERT INTO outbox (topic, payload, created_at, dispatched_at, attempts, last_error)"
        " VALUES ($1, '{}', 1, $2, $3, $4)";
    using store::Value;
    tx.exec(insert, {Value{std::string("gave.up")}, Value{int64_t{5}}, Value{int64_t{10}},
                     Value{std::string("boom")}});
    tx.exec(insert, {Value{std::string("recovered")}, Value{int64_t{6}}, Value{int64_t{2}},
                     Value{std::string("once")}});
    tx.exec(insert, {Value{std::string("fine")}, Value{int64_t{7}}, Value{int64_t{0}}, Value{}});
  });
  store::migrate(*t.db, {migrations()}, clock_);
  Outbox outbox(*t.db, clock_);
  const auto given_up = t.db->read([&](store::Tx& tx) { return outbox.given_up(tx, 0, 10); });
  ASSERT_EQ(given_up.size(), 1u);
  EXPECT_EQ(given_up[0].event.topic, "gave.up");
  EXPECT_EQ(given_up[0].given_up_at, 5);
  EXPECT_EQ(given_up[0].last_error, "boom");
  EXPECT_EQ(outbox.prune(100), 2);  // recovered and fine
  EXPECT_EQ(outbox.drain(), 0);     // set aside: not dispatched again until an admin retries it
}

// Every node's gauge follows the table: node B counts at start what node A gave up, and learns
// within 30 s (clock time) that A retried it.
TEST_P(OutboxCluster, EveryNodeCountsTheGivenUpEvents) {
  OutboxOptions options{nullptr, "a"};
  options.max_attempts = 1;
  Outbox a(*t_.db, clock_, options);
  a.subscribe("*", [](const Event&) { throw std::runtime_error("down"); });
  t_.db->transact([&](store::Tx& tx) { a.publish(tx, "x", {}); });
  EXPECT_EQ(a.drain(), 0);
  EXPECT_EQ(a.given_up_count(), 1);

  auto db_b = store::Database::open(t_.url);
  Outbox b(*db_b, clock_, OutboxOptions{nullptr, "b", nullptr, kTtl, 20'000});
  b.start();
  EXPECT_EQ(b.given_up_count(), 1);
  EXPECT_EQ(t_.db->transact([&](store::Tx& tx) { return a.retry(tx, std::nullopt); }), 1);
  EXPECT_EQ(a.given_up_count(), 0);
  std::this_thread::sleep_for(200ms);  // ten of B's dispatcher rounds
  EXPECT_EQ(b.given_up_count(), 1);    // not recounted yet
  clock_.advance(30'000'000);
  EXPECT_TRUE(eventually([&] { return b.given_up_count() == 0; }));
  b.stop();
}

// An in-process cluster bus whose links can be cut: a node always hears itself; the others hear
// it only while its link is up (Redis pub/sub loses messages the same way).
struct CutBus final : Bus {
  explicit CutBus(std::vector<CutBus*>& all) : peers(all) { peers.push_back(this); }
  void publish(const std::string& ch, const std::string& m) override {
    local.publish(ch, m);
    if (cut) return;
    for (auto* p : peers) {
      if (p != this) p->local.deliver(ch, m);
    }
  }
  int64_t subscribe(const std::string& ch, Handler h) override { return local.subscribe(ch, h); }
  void unsubscribe(int64_t id) override { local.unsubscribe(id); }
  LocalBus local;
  std::vector<CutBus*>& peers;
  bool cut = false;
};

// For any interleaving of commits on any node, dispatches, catch-ups and bus cuts: once every node
// has dispatched and caught up, each event reached the once-subscribers exactly once (somewhere)
// and the everywhere-subscribers of every node exactly once.
TEST_P(OutboxCluster, AnyInterleavingIsOnceForThePlatformAndOncePerNode) {
  const bool ok = rc::check("outbox delivery across nodes", [this] {
    t_.db->transact([](store::Tx& tx) { tx.exec("DELETE FROM outbox"); });
    std::vector<CutBus*> peers;
    std::vector<std::unique_ptr<CutBus>> buses;
    std::vector<std::unique_ptr<Outbox>> outboxes;
    std::vector<std::unique_ptr<Received>> once, everywhere;
    constexpr int kNodes = 3;
    for (int i = 0; i < kNodes; ++i) {
      buses.push_back(std::make_unique<CutBus>(peers));
      once.push_back(std::make_unique<Received>());
      everywhere.push_back(std::make_unique<Received>());
      outboxes.push_back(std::make_unique<Outbox>(
          *t_.db, clock_, OutboxOptions{buses.back().get(), "n" + std::to_string(i)}));
      outboxes.back()->subscribe("*", once.back()->subscriber());
      outboxes.back()->subscribe_everywhere("*", everywhere.back()->subscriber());
      outboxes.back()->catch_up();
    }
    std::vector<int64_t> published;
    const int steps = *rc::gen::inRange(1, 30);
    for (int s = 0; s < steps; ++s) {
      const size_t k = static_cast<size_t>(*rc::gen::inRange(0, kNodes));
      switch (*rc::gen::inRange(0, 4)) {
        case 0: {
          const int n = *rc::gen::inRange(1, 4);
          t_.db->transact([&](store::Tx& tx) {
            for (int i = 0; i < n; ++i) outboxes[k]->publish(tx, "t", {{"i", i}});
          });
          const auto rows = t_.db->read([&](store::Tx& tx) {
            return tx.exec("SELECT id FROM outbox ORDER BY id DESC LIMIT $1", {store::Value{n}});
          });
          for (const auto& r : rows.rows) published.push_back(r.i64(0));
          break;
        }
        case 1:
          outboxes[k]->drain();
          break;
        case 2:
          outboxes[k]->catch_up();
          break;
        default:
          buses[k]->cut = !buses[k]->cut;
      }
    }
    for (auto& o : outboxes) o->drain();
    for (auto& o : outboxes) o->catch_up();
    std::multiset<int64_t> all_once;
    for (auto& r : once) {
      const auto got = r->snapshot();
      all_once.insert(got.begin(), got.end());
    }
    RC_ASSERT(all_once == each_once(published));
    for (auto& r : everywhere) RC_ASSERT(r->snapshot() == each_once(published));
  });
  EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(Engines, OutboxCluster,
                         ::testing::Values(store::Engine::kSqlite, store::Engine::kPostgres),
                         [](const auto& p) { return lucas::testing::engine_label(p.param); });

}  // namespace
}  // namespace lucas::events
