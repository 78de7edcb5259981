// The hub without sockets: per-user limit, resume (missed, then held, each once and in order),
// topics, the bus contract, and the bounded send queue.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <mutex>

#include "infra/events/bus.h"
#include "infra/realtime/hub.h"

namespace lucas::realtime {
namespace {

class FakePeer : public Peer {
 public:
  void send(Frame f) override {
    std::lock_guard lock(mu);
    frames.push_back(nlohmann::json::parse(*f));
  }
  void close(uint16_t c, std::string r) override {
    std::lock_guard lock(mu);
    code = c;
    reason = std::move(r);
  }
  std::vector<int64_t> ids() {
    std::lock_guard lock(mu);
    std::vector<int64_t> out;
    for (const auto& f : frames) {
      if (f["id"].is_number()) out.push_back(f["id"].get<int64_t>());
    }
    return out;
  }
  std::vector<std::string> types() {
    std::lock_guard lock(mu);
    std::vector<std::string> out;
    for (const auto& f : frames) out.push_back(f["type"].get<std::string>());
    return out;
  }
  std::mutex mu;
  std::vector<nlohmann::json> frames;
  uint16_t code = 0;
  std::string reason;
};

constexpr Micros kT = 1'790'000'000'000'000;

Notification note(int64_t user, int64_t id) {
  return Notification{id, user, "money.credited", {{"n", id}}, kT};
}

TEST(Hub, AFourthConnectionClosesTheOldest) {
  ManualClock clock(kT);
  telemetry::Registry metrics;
  Hub hub(clock, &metrics);
  std::vector<std::shared_ptr<FakePeer>> peers;
  std::vector<int64_t> ids;
  for (int i = 0; i < 4; ++i) {
    peers.push_back(std::make_shared<FakePeer>());
    ids.push_back(hub.attach(101, peers.back()));
  }
  EXPECT_EQ(peers[0]->code, kCloseReplaced);
  EXPECT_NE(peers[0]->reason.find("at most 3"), std::string::npos);
  for (int i = 1; i < 4; ++i) EXPECT_EQ(peers[i]->code, 0);
  EXPECT_EQ(hub.connections_of(101), 3u);
  hub.attach(202, std::make_shared<FakePeer>());  // other users do not count
  EXPECT_EQ(hub.connections_of(101), 3u);
  EXPECT_EQ(hub.deliver_to_user(note(101, 1)), 3u);
  EXPECT_TRUE(peers[0]->frames.empty());
  hub.detach(ids[0]);  // the evicted connection's own detach is harmless
  hub.detach(ids[1]);
  EXPECT_EQ(hub.connections_of(101), 2u);
  EXPECT_EQ(hub.connections(), 3u);
  EXPECT_NE(metrics.render().find("lucas_ws_replaced_total 1"), std::string::npos);
}

TEST(Hub, ResumeSendsMissedThenHeldEachOnceInOrder) {
  ManualClock clock(kT);
  Hub hub(clock);
  auto p = std::make_shared<FakePeer>();
  const auto c = hub.attach(7, p, /*resuming=*/true);
  // Live while the database is read: 5 is also in the replay (committed before the read), 6 is
  // not.
  hub.deliver_to_user(note(7, 5));
  hub.deliver_to_user(note(7, 6));
  EXPECT_TRUE(p->frames.empty());
  hub.finish_resume(c, {note(7, 3), note(7, 4), note(7, 5)}, true);
  hub.deliver_to_user(note(7, 5));  // a late bus copy of a replayed one
  hub.deliver_to_user(note(7, 7));
  EXPECT_EQ(p->ids(), (std::vector<int64_t>{3, 4, 5, 6, 7}));
  const auto t = p->types();
  EXPECT_EQ(t[4], "resumed");
  EXPECT_EQ(p->frames[4]["data"]["replayed"], 4);
  EXPECT_EQ(p->frames[4]["data"]["complete"], true);
}

TEST(Hub, TheGreetingIsTheFirstFrameOfARegisteredConnection) {
  ManualClock clock(kT);
  Hub hub(clock);
  auto p = std::make_shared<FakePeer>();
  hub.attach(4, p, false, system_frame("welcome", {{"user_id", 4}}, kT));
  hub.deliver_to_user(note(4, 1));
  EXPECT_EQ(p->types(), (std::vector<std::string>{"welcome", "money.credited"}));
}

TEST(Hub, TopicsReachOnlyTheirSubscribers) {
  ManualClock clock(kT);
  Hub hub(clock);
  auto a = std::make_shared<FakePeer>();
  auto b = std::make_shared<FakePeer>();
  const auto ca = hub.attach(1, a);
  const auto cb = hub.attach(2, b);
  std::string why;
  EXPECT_TRUE(hub.subscribe(ca, "leaderboard.coins.daily"));
  EXPECT_FALSE(hub.subscribe(cb, "Leaderboard..x", &why));
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(
      hub.deliver_to_topic("leaderboard.coins.daily", "leaderboard.changed", {{"top", 1}}, kT), 1u);
  ASSERT_EQ(a->frames.size(), 1u);
  EXPECT_EQ(a->frames[0]["topic"], "leaderboard.coins.daily");
  EXPECT_TRUE(a->frames[0]["id"].is_null());
  EXPECT_TRUE(b->frames.empty());
  EXPECT_TRUE(hub.unsubscribe(ca, "leaderboard.coins.daily"));
  EXPECT_FALSE(hub.unsubscribe(ca, "leaderboard.coins.daily"));
  EXPECT_EQ(hub.deliver_to_topic("leaderboard.coins.daily", "x", {}, kT), 0u);
}

TEST(Hub, TheTopicGuardDecidesWhoMaySubscribe) {
  ManualClock clock(kT);
  Hub hub(clock);
  std::vector<std::pair<int64_t, std::string>> asked;
  hub.set_topic_guard(
      [&asked](int64_t user, const std::string& topic) -> std::optional<std::string> {
        asked.emplace_back(user, topic);
        if (topic.rfind("admin.", 0) == 0 && user != 1)
          return "only admins may subscribe to " + topic;
        return std::nullopt;
      });
  auto admin = std::make_shared<FakePeer>();
  auto player = std::make_shared<FakePeer>();
  const auto a = hub.attach(1, admin);
  const auto p = hub.attach(2, player);
  std::string why;
  bool forbidden = false;
  EXPECT_FALSE(hub.subscribe(p, "admin.logs", &why, &forbidden));
  EXPECT_TRUE(forbidden);
  EXPECT_EQ(why, "only admins may subscribe to admin.logs");
  EXPECT_TRUE(hub.subscribe(p, "leaderboard.coins.daily"));
  EXPECT_TRUE(hub.subscribe(a, "admin.logs"));
  EXPECT_EQ(hub.subscribers("admin.logs"), 1u);
  EXPECT_EQ(hub.subscribers("leaderboard.coins.daily"), 1u);
  EXPECT_EQ(hub.subscribers("nobody"), 0u);
  EXPECT_EQ(hub.deliver_to_topic("admin.logs", "log.lines", {{"n", 1}}, kT), 1u);
  EXPECT_EQ(admin->types(), std::vector<std::string>{"log.lines"});
  EXPECT_TRUE(player->frames.empty());
  // A malformed topic is refused before the guard is asked, and not as forbidden.
  forbidden = false;
  EXPECT_FALSE(hub.subscribe(a, "Admin Logs", &why, &forbidden));
  EXPECT_FALSE(forbidden);
  EXPECT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[0], (std::pair<int64_t, std::string>{2, "admin.logs"}));
  hub.detach(a);
  EXPECT_EQ(hub.subscribers("admin.logs"), 0u);
}

TEST(Hub, SubscriptionsPerConnectionAreBounded) {
  ManualClock clock(kT);
  Hub hub(clock, nullptr, HubOptions{3, 2});
  const auto c = hub.attach(1, std::make_shared<FakePeer>());
  EXPECT_TRUE(hub.subscribe(c, "a"));
  EXPECT_TRUE(hub.subscribe(c, "b"));
  EXPECT_TRUE(hub.subscribe(c, "a"));  // again: no new slot
  EXPECT_FALSE(hub.subscribe(c, "c"));
}

TEST(Hub, DeliversWhatTheBusCarriesInTheDocumentedShapes) {
  ManualClock clock(kT);
  telemetry::Registry metrics;
  Hub hub(clock, &metrics);
  events::LocalBus bus;
  hub.listen(bus);
  auto p = std::make_shared<FakePeer>();
  const auto c = hub.attach(101, p);
  hub.subscribe(c, "leaderboard.coins.daily");
  bus.publish("ws.user", R"({"user_id":101,"id":9,"type":"money.credited","data":{"a":1},)"
                         R"("time":"2026-11-24T20:01:33Z"})");
  bus.publish("ws.user", R"({"user_id":102,"id":10,"type":"money.credited","data":{}})");
  bus.publish("ws.topic",
              R"({"topic":"leaderboard.coins.daily","type":"leaderboard.changed","data":{"r":1}})");
  bus.publish("ws.user", "not json");
  bus.publish("ws.topic", R"({"type":"no topic"})");
  ASSERT_EQ(p->frames.size(), 2u);
  EXPECT_EQ(p->frames[0]["id"], 9);
  EXPECT_EQ(p->frames[0]["type"], "money.credited");
  EXPECT_EQ(p->frames[0]["data"]["a"], 1);
  EXPECT_EQ(p->frames[0]["time"], "2026-11-24T20:01:33Z");
  EXPECT_EQ(p->frames[1]["type"], "leaderboard.changed");
  EXPECT_EQ(p->frames[1]["data"]["r"], 1);
  EXPECT_EQ(p->frames[1]["time"], format_rfc3339(kT));  // no time on the bus: the hub's clock
  EXPECT_NE(metrics.render().find("lucas_ws_bad_bus_messages_total 2"), std::string::npos);
  hub.unlisten();
  bus.publish("ws.user", R"({"user_id":101,"id":11,"type":"t","data":{}})");
  EXPECT_EQ(p->frames.size(), 2u);
}

// "ws.evict" closes a connection of this hub's (named by registry_name, unique to this run of
// the node) and nothing else: not another node's, not another run's of the same node id.
TEST(Hub, AnEvictionOnTheBusClosesOnlyTheConnectionItNames) {
  ManualClock clock(kT);
  telemetry::Registry metrics;
  events::LocalBus bus;  // outlives the hub that listens to it
  Hub hub(clock, &metrics, HubOptions{3, 32, "node-a"});
  Hub restarted(clock, nullptr, HubOptions{3, 32, "node-a"});
  hub.listen(bus);
  auto p1 = std::make_shared<FakePeer>(), p2 = std::make_shared<FakePeer>();
  const auto c1 = hub.attach(101, p1);
  hub.attach(101, p2);
  const std::string name = hub.registry_name(c1);
  EXPECT_EQ(name.rfind("node-a/", 0), 0u);
  EXPECT_NE(name, restarted.registry_name(c1));
  const auto evict = [&](const std::string& n) {
    bus.publish("ws.evict", nlohmann::json{{"connection", n}}.dump());
  };
  evict(restarted.registry_name(c1));
  evict("node-b/" + name.substr(7));
  evict(name + "0");
  evict(name.substr(0, name.size() - 1));
  EXPECT_EQ(hub.connections_of(101), 2u);
  bus.publish("ws.evict", R"({"conn":"x"})");
  EXPECT_NE(metrics.render().find("lucas_ws_bad_bus_messages_total 1"), std::string::npos);
  evict(name);
  EXPECT_EQ(p1->code, kCloseReplaced);
  EXPECT_EQ(p2->code, 0);
  EXPECT_EQ(hub.connections_of(101), 1u);
  EXPECT_FALSE(hub.evict(c1));  // already closed
}

TEST(Hub, CloseAllSaysGoingAwayAndRefusesNewcomers) {
  ManualClock clock(kT);
  Hub hub(clock);
  auto p = std::make_shared<FakePeer>();
  hub.attach(1, p);
  EXPECT_FALSE(hub.closing());
  hub.close_all("server shutting down");
  EXPECT_EQ(p->code, kCloseGoingAway);
  EXPECT_TRUE(hub.closing());
}

// A banned (or demoted) user's connections, and those opened with a token a revoked API client
// obtained, are closed with their own codes; nobody else's.
TEST(Hub, ClosesAUsersOrAClientsConnectionsWithTheirCodes) {
  ManualClock clock(kT);
  Hub hub(clock);
  auto alice_web = std::make_shared<FakePeer>();
  auto alice_app = std::make_shared<FakePeer>();
  auto alice_other_app = std::make_shared<FakePeer>();
  auto bob = std::make_shared<FakePeer>();
  hub.attach(Admission(101), alice_web);
  hub.attach(Admission(101, "lc_app"), alice_app);
  hub.attach(Admission(101, "lc_other"), alice_other_app);
  hub.attach(Admission(202, "lc_bobs"), bob);

  EXPECT_EQ(hub.close_client("lc_app", kCloseRevoked, "the API client was revoked"), 1u);
  EXPECT_EQ(alice_app->code, kCloseRevoked);
  EXPECT_EQ(alice_app->reason, "the API client was revoked");
  EXPECT_EQ(alice_web->code, 0);
  EXPECT_EQ(hub.connections_of(101), 2u);
  EXPECT_EQ(hub.close_client("", kCloseRevoked, "x"), 0u);  // no client: nothing matches

  EXPECT_EQ(hub.close_user(101, kCloseBanned, "banned"), 2u);
  EXPECT_EQ(alice_web->code, kCloseBanned);
  EXPECT_EQ(alice_other_app->code, kCloseBanned);
  EXPECT_EQ(hub.connections_of(101), 0u);
  EXPECT_EQ(bob->code, 0);
  EXPECT_EQ(hub.connections(), 1u);
  // Closed connections get nothing more.
  EXPECT_EQ(hub.deliver_to_user(note(101, 1)), 0u);
}

// A ban committed while a connection was being admitted (after its checks, before it attached)
// closes it as it attaches; one admitted after the ban is not affected by it.
TEST(Hub, AConnectionAdmittedBeforeAClosureIsClosedWhenItAttaches) {
  ManualClock clock(kT);
  Hub hub(clock);
  Admission racing(101, "lc_app");
  racing.closures_seen = hub.closures();
  Admission revoked_client(303, "lc_gone");
  revoked_client.closures_seen = hub.closures();
  hub.close_user(101, kCloseBanned, "banned");
  hub.close_client("lc_gone", kCloseRevoked, "revoked");
  auto late = std::make_shared<FakePeer>();
  hub.attach(racing, late, false, system_frame("welcome", {}, kT));
  EXPECT_EQ(late->code, kCloseBanned);
  EXPECT_TRUE(late->frames.empty());
  EXPECT_EQ(hub.connections_of(101), 0u);
  auto late_client = std::make_shared<FakePeer>();
  hub.attach(revoked_client, late_client);
  EXPECT_EQ(late_client->code, kCloseRevoked);

  Admission after(101);
  after.closures_seen = hub.closures();  // e.g. unbanned since, and admitted again
  auto fresh = std::make_shared<FakePeer>();
  hub.attach(after, fresh);
  EXPECT_EQ(fresh->code, 0);
  EXPECT_EQ(hub.connections_of(101), 1u);
}

TEST(SendQueue, RefusesBeyondEitherBound) {
  SendQueue q(3, 10);
  auto f = [](size_t n) { return std::make_shared<const std::string>(n, 'x'); };
  EXPECT_TRUE(q.push(f(4)));
  EXPECT_TRUE(q.push(f(4)));
  EXPECT_FALSE(q.push(f(3)));  // 11 bytes
  EXPECT_TRUE(q.push(f(2)));
  EXPECT_FALSE(q.push(f(0)));  // 4 messages
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.bytes(), 10u);
  q.pop();
  EXPECT_EQ(q.bytes(), 6u);
  EXPECT_TRUE(q.push(f(4)));
}

// For any sequence of pushes and pops, the queue never holds more than its bounds and keeps
// exactly the accepted frames in order.
RC_GTEST_PROP(SendQueueProperty, NeverExceedsItsBounds, (std::vector<uint8_t> ops)) {
  SendQueue q(5, 40);
  std::deque<size_t> model;
  size_t bytes = 0;
  for (uint8_t op : ops) {
    if (op % 4 == 0) {
      if (!q.empty()) {
        RC_ASSERT(q.front()->size() == model.front());
        q.pop();
        bytes -= model.front();
        model.pop_front();
      }
      continue;
    }
    const size_t n = op % 17;
    const bool fits = model.size() < 5 && bytes + n <= 40;
    RC_ASSERT(q.push(std::make_shared<const std::string>(n, 'y')) == fits);
    if (fits) {
      model.push_back(n);
      bytes += n;
    }
    RC_ASSERT(q.size() <= 5);
    RC_ASSERT(q.bytes() <= 40);
  }
  RC_ASSERT(q.size() == model.size());
  RC_ASSERT(q.bytes() == bytes);
}

// For any order of live arrivals around a resume, the client sees every notification exactly
// once, in id order for the replayed part.
RC_GTEST_PROP(HubProperty, ResumeLosesAndRepeatsNothing, (uint8_t n_missed, uint8_t n_live)) {
  ManualClock clock(kT);
  Hub hub(clock);
  auto p = std::make_shared<FakePeer>();
  const auto c = hub.attach(3, p, true);
  const int64_t missed = n_missed % 20;
  const int64_t live = n_live % 20;
  // Live ids overlap the tail of the replay by up to 3.
  const int64_t first_live = std::max<int64_t>(1, missed - 2);
  std::vector<Notification> replay;
  for (int64_t i = 1; i <= missed; ++i) replay.push_back(note(3, i));
  const int64_t split = live / 2;
  for (int64_t i = 0; i < split; ++i) hub.deliver_to_user(note(3, first_live + i));
  hub.finish_resume(c, replay, true);
  for (int64_t i = split; i < live; ++i) hub.deliver_to_user(note(3, first_live + i));
  const auto got = p->ids();
  std::set<int64_t> want;
  for (int64_t i = 1; i <= missed; ++i) want.insert(i);
  for (int64_t i = 0; i < live; ++i) want.insert(first_live + i);
  RC_ASSERT(got.size() == want.size());
  RC_ASSERT(std::set<int64_t>(got.begin(), got.end()) == want);
  RC_ASSERT(std::is_sorted(got.begin(), got.end()));
}

}  // namespace
}  // namespace lucas::realtime
