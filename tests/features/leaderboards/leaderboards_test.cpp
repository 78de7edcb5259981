// The leaderboard service and the coin board, on SQLite and PostgreSQL and every sorted-set
// implementation: recording (add, set, max, idempotent keys, refusals), order and the viewer's
// line, which transfers count (requirement 7.6), archive and reset at period ends with catch-up
// and late changes, index rebuilds after a restart, a flush, a fall-back and an outage, changes
// pushed on ws.topic, and two nodes applying every transfer once.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "features/leaderboards/leaderboards_module.h"
#include "infra/jobs/jobs.h"
#include "infra/realtime/hub.h"
#include "tests/features/leaderboards/lb_fixture.h"

namespace lucas::leaderboards {
namespace {

using namespace testing;
using nlohmann::json;

class BoardTest : public ::testing::TestWithParam<Param> {
 protected:
  BoardTest() : w(GetParam().engine, GetParam().index) {}
  ErrorCode code_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    ADD_FAILURE() << "no error";
    return ErrorCode::kInternal;
  }
  LbWorld w;
};

BoardSpec points_board() {
  BoardSpec b;
  b.name = "points";
  b.description = "test points";
  b.periods = {Period::kDaily, Period::kAllTime};
  return b;
}

ScoreChange change(const std::string& key, int64_t user, Op op, int64_t value, Micros at,
                   std::vector<Period> only = {}) {
  ScoreChange c;
  c.board = "points";
  c.user_id = user;
  c.op = op;
  c.value = value;
  c.at = at;
  c.key = key;
  c.only = std::move(only);
  return c;
}

int64_t score(LeaderboardService& s, const std::string& board, Period p, int64_t user) {
  return s.position(board, p, user).score;
}

TEST_P(BoardTest, RecordsAddSetAndMaxOncePerKey) {
  w.service.register_board(points_board());
  const Micros now = w.clock.now();
  EXPECT_TRUE(w.service.record(change("k1", 7, Op::kAdd, 5, now)));
  EXPECT_FALSE(w.service.record(change("k1", 7, Op::kAdd, 5, now)));  // a repeat: nothing
  EXPECT_TRUE(w.service.record(change("k2", 7, Op::kAdd, 3, now)));
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 7), 8);
  EXPECT_EQ(score(w.service, "points", Period::kAllTime, 7), 8);
  EXPECT_TRUE(w.service.record(change("k3", 7, Op::kSet, 2, now)));
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 7), 2);
  EXPECT_TRUE(w.service.record(change("k4", 7, Op::kMax, 1, now)));
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 7), 2);
  EXPECT_TRUE(w.service.record(change("k5", 7, Op::kMax, 10, now)));
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 7), 10);
  // Only one period; a period named twice counts once.
  EXPECT_TRUE(
      w.service.record(change("k6", 7, Op::kAdd, 100, now, {Period::kAllTime, Period::kAllTime})));
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 7), 10);
  EXPECT_EQ(score(w.service, "points", Period::kAllTime, 7), 110);
  // A best score of a user without one is the value itself, even below zero.
  EXPECT_TRUE(w.service.record(change("k7", 8, Op::kMax, -4, now)));
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 8), -4);
  const auto me = w.service.position("points", Period::kDaily, 7);
  EXPECT_EQ(me.rank, 1);
  EXPECT_EQ(w.service.position("points", Period::kDaily, 8).rank, 2);
  // Points boards have no weekly period here.
  EXPECT_EQ(code_of([&] { w.service.top("points", Period::kWeekly, 10); }),
            ErrorCode::kInvalidArgument);
}

TEST_P(BoardTest, BadInputIsRefusedAndChangesNothing) {
  w.service.register_board(points_board());
  const Micros now = w.clock.now();
  EXPECT_EQ(code_of([&] { w.service.register_board(points_board()); }),
            ErrorCode::kInvalidArgument);
  BoardSpec bad = points_board();
  bad.name = "Points!";
  EXPECT_EQ(code_of([&] { w.service.register_board(bad); }), ErrorCode::kInvalidArgument);
  bad.name = "empty";
  bad.periods.clear();
  EXPECT_EQ(code_of([&] { w.service.register_board(bad); }), ErrorCode::kInvalidArgument);

  auto c = change("x", 7, Op::kAdd, 1, now);
  c.board = "nope";
  EXPECT_EQ(code_of([&] { w.service.record(c); }), ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] { w.service.record(change("x", 0, Op::kAdd, 1, now)); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { w.service.record(change("", 7, Op::kAdd, 1, now)); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { w.service.record(change(std::string(201, 'k'), 7, Op::kAdd, 1, now)); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      code_of([&] { w.service.record(change("x", 7, Op::kAdd, cache::kMaxExactScore + 1, now)); }),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { w.service.record(change("x", 7, Op::kAdd, 1, now, {Period::kWeekly})); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { w.service.top("points", Period::kDaily, 0); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { w.service.top("points", Period::kDaily, 101); }),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of([&] { w.service.position("points", Period::kDaily, -1); }),
            ErrorCode::kInvalidArgument);

  // Overflow: refused inside the caller's transaction, which stays usable and commits the rest.
  ASSERT_TRUE(w.service.record(change("big", 7, Op::kSet, cache::kMaxExactScore, now)));
  w.db().transact([&](store::Tx& tx) {
    EXPECT_THROW(w.service.record(tx, change("over", 7, Op::kAdd, 1, now)), Error);
    EXPECT_TRUE(w.service.record(tx, change("fine", 8, Op::kAdd, 3, now)));
  });
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 7), cache::kMaxExactScore);
  EXPECT_EQ(score(w.service, "points", Period::kAllTime, 7), cache::kMaxExactScore);
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 8), 3);
  // The refused key was not used up.
  EXPECT_TRUE(w.service.record(change("over", 7, Op::kAdd, -1, now)));
  EXPECT_EQ(score(w.service, "points", Period::kDaily, 7), cache::kMaxExactScore - 1);
}

TEST_P(BoardTest, OrdersByScoreThenUserAndShowsTheViewersLine) {
  w.names = {{2, "Боб"}, {3, "Кира"}};
  w.win(1, 300);
  w.win(2, 500);
  w.win(3, 300);
  w.win(4, 100);
  w.lose(4, 100);  // net zero: still on the board
  w.outbox.drain();
  const View v = w.service.top("coins", Period::kDaily, 100);
  EXPECT_EQ(v.window.id, "2026-12-04");
  EXPECT_EQ(v.previous_period_id, "2026-12-03");
  EXPECT_EQ(v.total, 4);
  ASSERT_EQ(v.entries.size(), 4u);
  EXPECT_EQ(v.entries[0].user_id, 2);
  EXPECT_EQ(v.entries[0].name, "Боб");
  EXPECT_EQ(v.entries[0].score, 500);
  EXPECT_EQ(v.entries[1].user_id, 3);  // equal scores: the higher user id first
  EXPECT_EQ(v.entries[2].user_id, 1);
  EXPECT_EQ(v.entries[2].name, "");  // an unknown user
  EXPECT_EQ(v.entries[3].score, 0);
  for (size_t i = 0; i < v.entries.size(); ++i) {
    EXPECT_EQ(v.entries[i].rank, static_cast<int64_t>(i + 1));
    EXPECT_EQ(v.entries[i].change(), "new");  // nothing yesterday
  }
  EXPECT_EQ(w.service.top("coins", Period::kDaily, 2).entries.size(), 2u);
  const Entry me = w.service.position("coins", Period::kWeekly, 1);
  EXPECT_EQ(me.rank, 3);
  EXPECT_EQ(me.score, 300);
  const Entry nobody = w.service.position("coins", Period::kDaily, 99);
  EXPECT_EQ(nobody.rank, 0);
  EXPECT_EQ(nobody.score, 0);
  EXPECT_EQ(nobody.change(), "none");
  EXPECT_EQ(w.service.board("coins").currency, "COIN");
  EXPECT_EQ(score_json(w.service.board("coins"), 1234),
            json({{"currency", "COIN"}, {"amount", "12.34"}}));
}

// Requirement 7.6: only game winnings count — not admin grants, not money between users (even
// under a game reason), not moves between one user's own accounts, not other currencies; the
// legacy opening balances count for all-time only; other features can add their payouts.
TEST_P(BoardTest, CoinBoardCountsGameWinningsOnly) {
  w.win(1, 1000);
  w.grant(2, 1'000'000);      // an admin test grant
  w.give(1, 3, 500);          // to another user, labelled as a game credit
  w.give(1, 3, 100, "gift");  // a plain gift
  w.opening(4, 700);          // imported from the legacy bot
  w.lose(3, 50);              // 3 lost in a game what 1 gave them
  // A second account of user 1 (savings do not exist yet: made directly) and a move into it.
  const auto savings = w.db().transact([&](store::Tx& tx) {
    tx.exec(
        "INSERT INTO accounts (kind, owner_id, role, currency, balance, allow_negative,"
        " created_at) VALUES ('user', 1, 'savings', 'COIN', 0, 0, 0)");
    return tx.exec("SELECT id FROM accounts WHERE owner_id = 1 AND role = 'savings'").one().i64(0);
  });
  w.move(w.account(1), savings, 200, "bank.accrual");
  // Another currency never counts on the coin board.
  w.db().transact([&](store::Tx& tx) {
    w.ledger.add_currency(tx, ledger::Currency{"GEM", 0, "Gems"});
    const auto mint = w.ledger.system_account(tx, "mint:gd_cards", "GEM", true);
    w.ledger.move(tx, "gem", mint, w.ledger.user_account(tx, 5, "GEM"), 9, "GEM", "bank.accrual");
  });
  // Mini-game payouts join when their feature says so.
  w.coins.count_reason("games.");
  w.move(w.system("mint:cities"), w.account(6), 40, "games.cities.win");
  w.outbox.drain();

  EXPECT_EQ(w.board(Period::kDaily), (std::map<int64_t, int64_t>{{1, 1000}, {3, -50}, {6, 40}}));
  EXPECT_EQ(w.board(Period::kMonthly), w.board(Period::kDaily));
  EXPECT_EQ(w.board(Period::kAllTime),
            (std::map<int64_t, int64_t>{{1, 1000}, {3, -50}, {4, 700}, {6, 40}}));

  // Replayed events (a crash before they were marked dispatched) change nothing.
  w.db().transact([](store::Tx& tx) { tx.exec("UPDATE outbox SET dispatched_at = NULL"); });
  EXPECT_GT(w.outbox.drain(), 0);
  EXPECT_EQ(w.board(Period::kAllTime),
            (std::map<int64_t, int64_t>{{1, 1000}, {3, -50}, {4, 700}, {6, 40}}));
}

TEST_P(BoardTest, MidnightArchivesTheDayAndResetsTheBoard) {
  w.clock.set(at("2026-12-06T23:00:00Z"));  // a Sunday: the ISO week ends too
  jobs::AlwaysLeader leader;
  jobs::Scheduler sched(w.db(), w.clock, leader);
  module::Services services;
  services.put(w.service);
  module::Module lb("leaderboards");
  leaderboards::register_module(lb);
  module::add_jobs(lb, sched, services);
  EXPECT_EQ(sched.tick(), 0);  // registered; first due at the next full hour
  w.win(1, 300);
  w.win(2, 500);
  w.outbox.drain();
  ASSERT_EQ(w.board(Period::kDaily).size(), 2u);

  w.clock.set(at("2026-12-07T00:00:00Z"));
  EXPECT_EQ(sched.tick(), 1);
  const std::vector<std::pair<int64_t, int64_t>> day{{2, 500}, {1, 300}};
  EXPECT_EQ(w.archive("2026-12-06"), day);
  EXPECT_EQ(w.archive("2026-W49"), day);
  EXPECT_TRUE(w.archive("2026-12").empty());  // the month goes on
  EXPECT_EQ(w.archive("all@2026-12-06"), day);
  // The day and the week reset; the month and all-time go on; the finished keys leave the index.
  EXPECT_TRUE(w.board(Period::kDaily).empty());
  EXPECT_TRUE(w.board(Period::kWeekly).empty());
  EXPECT_EQ(w.board(Period::kMonthly).size(), 2u);
  EXPECT_EQ(w.board(Period::kAllTime).size(), 2u);
  EXPECT_EQ(w.index->size("lb:coins:daily:2026-12-06"), 0);

  // Change since the previous period.
  w.clock.set(at("2026-12-07T00:30:00Z"));
  w.win(1, 100);
  w.outbox.drain();
  const View today = w.service.top("coins", Period::kDaily, 10);
  ASSERT_EQ(today.entries.size(), 1u);
  EXPECT_EQ(today.entries[0].user_id, 1);
  EXPECT_EQ(today.entries[0].previous_rank, 2);
  EXPECT_EQ(today.entries[0].previous_score, 300);
  EXPECT_EQ(today.entries[0].change(), "up");
  EXPECT_EQ(today.entries[0].rank_change(), 1);
  const View all = w.service.top("coins", Period::kAllTime, 10);
  EXPECT_EQ(all.previous_period_id, "all@2026-12-06");
  ASSERT_EQ(all.entries.size(), 2u);
  EXPECT_EQ(all.entries[1].user_id, 1);
  EXPECT_EQ(all.entries[1].score, 400);
  EXPECT_EQ(all.entries[1].change(), "same");

  // Idempotent: again by the job, by hand, twice.
  w.clock.set(at("2026-12-07T01:00:00Z"));
  EXPECT_EQ(sched.tick(), 1);
  EXPECT_EQ(w.service.rollover(), 0);
  sched.run_now("leaderboards.rollover");
  EXPECT_EQ(w.archive("2026-12-06"), day);
  EXPECT_EQ(w.archive("all@2026-12-06"), day);

  // Finished periods are read from the archive.
  const View yesterday = w.service.results("coins", Period::kDaily, "2026-12-06", 10);
  EXPECT_TRUE(yesterday.archived);
  EXPECT_EQ(yesterday.total, 2);
  ASSERT_EQ(yesterday.entries.size(), 2u);
  EXPECT_EQ(yesterday.entries[0].user_id, 2);
  EXPECT_EQ(yesterday.entries[1].rank, 2);
  EXPECT_EQ(w.service.results("coins", Period::kAllTime, "all@2026-12-06", 10).entries.size(), 2u);
  EXPECT_EQ(code_of([&] { w.service.results("coins", Period::kDaily, "2026-12-05", 10); }),
            ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] { w.service.results("coins", Period::kWeekly, "2026-12-06", 10); }),
            ErrorCode::kNotFound);
}

TEST_P(BoardTest, CatchesUpOnEveryPeriodMissedWhileDown) {
  // One win a day across the year end (ISO week 2026-W53) with nobody running the job.
  std::map<std::string, std::map<int64_t, int64_t>> daily;
  int64_t user = 0;
  for (const char* day :
       {"2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"}) {
    w.clock.set(at((std::string(day) + "T12:00:00Z").c_str()));
    ++user;
    w.win(user, 100 * user);
    w.outbox.drain();
    daily[day][user] = 100 * user;
  }
  w.clock.set(at("2027-01-05T09:00:00Z"));
  EXPECT_EQ(w.service.rollover(), 6 + 1 + 1);  // six days, 2026-W53, 2026-12
  for (const auto& [day, scores] : daily) EXPECT_EQ(w.archive(day), ranked(scores)) << day;
  EXPECT_EQ(w.archive("2026-W53").size(), 6u);
  EXPECT_EQ(w.archive("2026-W53").front(), (std::pair<int64_t, int64_t>{6, 600}));
  EXPECT_EQ(w.archive("2026-12").size(), 4u);
  EXPECT_TRUE(w.archive("2027-01").empty());
  EXPECT_EQ(w.board(Period::kMonthly).size(), 2u);  // January's two
  EXPECT_EQ(w.service.rollover(), 0);
}

TEST_P(BoardTest, ALateChangeToAnArchivedPeriodUpdatesItsArchive) {
  w.clock.set(at("2026-12-04T23:00:00Z"));
  w.win(2, 500);
  w.outbox.drain();
  w.clock.set(at("2026-12-04T23:59:59Z"));
  w.win(1, 900);  // committed before midnight, dispatched after the rollover
  w.clock.set(at("2026-12-05T00:00:01Z"));
  EXPECT_EQ(w.service.rollover(), 1);
  EXPECT_EQ(w.archive("2026-12-04"), (std::vector<std::pair<int64_t, int64_t>>{{2, 500}}));
  w.outbox.drain();
  EXPECT_EQ(w.archive("2026-12-04"),
            (std::vector<std::pair<int64_t, int64_t>>{{1, 900}, {2, 500}}));
  EXPECT_TRUE(w.board(Period::kDaily).empty());  // not today's
  EXPECT_EQ(w.board(Period::kAllTime).size(), 2u);
  EXPECT_EQ(w.index->size("lb:coins:daily:2026-12-04"), 0);
}

TEST_P(BoardTest, ARestartedIndexIsRebuiltFromTheDatabase) {
  for (int64_t u = 1; u <= 30; ++u) w.win(u, 10 * u);
  w.outbox.drain();
  const auto before = w.board(Period::kWeekly);
  ASSERT_EQ(before.size(), 30u);
  // A new process: an empty in-process index; start() rebuilds before anything is served.
  {
    cache::MemorySortedSets fresh;
    LeaderboardService restarted(w.db(), fresh, w.clock, nullptr, {});
    restarted.register_board(coin_board_spec());
    restarted.start();
    restarted.stop();
    EXPECT_EQ(fresh.size("lb:coins:weekly:2026-W49"), 30);
    EXPECT_EQ(fresh.find("lb:coins:weekly:2026-W49", LeaderboardService::member_of(30))->rank, 0);
  }
  // Without start(), the first view rebuilds the period it shows.
  cache::MemorySortedSets fresh;
  LeaderboardService restarted(w.db(), fresh, w.clock, nullptr, {});
  restarted.register_board(coin_board_spec());
  std::map<int64_t, int64_t> after;
  for (const auto& e : restarted.top("coins", Period::kWeekly, 100).entries)
    after[e.user_id] = e.score;
  EXPECT_EQ(after, before);
}

TEST_P(BoardTest, AFlushedIndexIsRebuilt) {
  for (int64_t u = 1; u <= 20; ++u) w.win(u, 10 * u);
  w.outbox.drain();
  const auto before = w.board(Period::kAllTime);
  EXPECT_EQ(w.service.check_index(), 0);  // consistent: nothing to do
  // FLUSHALL.
  for (Period p : kAllPeriods) {
    w.index->clear(LeaderboardService::index_key("coins", window_at(p, w.clock.now())));
  }
  w.index->clear("lb:meta");
  EXPECT_EQ(w.service.check_index(), 4);
  EXPECT_EQ(w.board(Period::kAllTime), before);
  EXPECT_EQ(w.board(Period::kDaily), before);
  // Members lost (an eviction): a different count at two checks running rebuilds.
  const std::string key =
      LeaderboardService::index_key("coins", window_at(Period::kDaily, w.clock.now()));
  w.index->remove(key, LeaderboardService::member_of(5));
  EXPECT_EQ(w.service.check_index(), 0);  // could be a change in flight
  EXPECT_EQ(w.service.check_index(), 1);
  EXPECT_EQ(w.board(Period::kDaily), before);
  // A member the database does not have goes.
  w.index->set(key, LeaderboardService::member_of(77), 5);
  w.service.check_index();
  w.service.check_index();
  EXPECT_EQ(w.board(Period::kDaily), before);
}

// Forwards to one of two sorted-set stores, as a Redis-with-fallback wrapper does.
class Switching final : public cache::SortedSets {
 public:
  cache::MemorySortedSets a, b;
  bool use_b = false;
  bool down = false;  // every call fails (Redis unreachable, no fallback)
  cache::SortedSets& cur() {
    if (down) throw std::runtime_error("index down");
    return use_b ? static_cast<cache::SortedSets&>(b) : a;
  }
  void set(const std::string& k, const std::string& m, int64_t s) override { cur().set(k, m, s); }
  int64_t add(const std::string& k, const std::string& m, int64_t d) override {
    return cur().add(k, m, d);
  }
  std::vector<cache::Ranked> range(const std::string& k, int64_t o, int64_t c) override {
    return cur().range(k, o, c);
  }
  std::optional<cache::Ranked> find(const std::string& k, const std::string& m) override {
    return cur().find(k, m);
  }
  int64_t size(const std::string& k) override { return cur().size(k); }
  void remove(const std::string& k, const std::string& m) override { cur().remove(k, m); }
  void clear(const std::string& k) override { cur().clear(k); }
};

struct SwitchWorld {
  explicit SwitchWorld(LbWorld& w) : node(w, index) {}
  Switching index;
  Node node;
};

TEST_P(BoardTest, FallingBackToAnotherIndexAndBackRebuildsEachTime) {
  SwitchWorld s(w);
  Node& n = s.node;
  for (int64_t u = 1; u <= 10; ++u) n.win(u, 10 * u);
  n.outbox.drain();
  EXPECT_EQ(n.service.check_index(), 0);
  const auto first = n.board(Period::kDaily);
  ASSERT_EQ(first.size(), 10u);

  // Redis goes away: the fall-back store is empty, and is rebuilt.
  s.index.use_b = true;
  EXPECT_EQ(n.service.check_index(), 4);
  EXPECT_EQ(n.board(Period::kDaily), first);
  // Changes while on the fall-back: new scores for existing users and a new user.
  n.win(3, 1000);
  n.win(11, 5);
  n.outbox.drain();
  const auto second = n.board(Period::kDaily);
  EXPECT_EQ(second.at(3), 1030);
  EXPECT_EQ(second.size(), 11u);

  // Redis is back, holding the old board: behind the database, so rebuilt.
  s.index.use_b = false;
  n.service.check_index();
  n.service.check_index();
  EXPECT_EQ(n.board(Period::kDaily), second);
  EXPECT_EQ(n.board(Period::kAllTime), second);
}

TEST_P(BoardTest, AnIndexThatFailsFallsBackToTheDatabase) {
  SwitchWorld s(w);
  Node& n = s.node;
  n.win(1, 100);
  n.win(2, 200);
  n.outbox.drain();
  s.index.down = true;
  n.win(1, 250);  // written to the database; the index write fails after commit
  n.outbox.drain();
  const std::map<int64_t, int64_t> expected{{1, 350}, {2, 200}};
  EXPECT_EQ(n.board(Period::kDaily), expected);  // answered by the database
  const Entry me = n.service.position("coins", Period::kDaily, 2);
  EXPECT_EQ(me.rank, 2);
  EXPECT_EQ(me.score, 200);
  EXPECT_EQ(n.service.check_index(), 0);  // cannot reach it: nothing to do, nothing thrown
  s.index.down = false;
  EXPECT_EQ(n.service.check_index(), 4);  // the failed writes are made good
  EXPECT_EQ(s.index.a.find("lb:coins:daily:2026-12-04", LeaderboardService::member_of(1))->score,
            350);
  EXPECT_EQ(n.board(Period::kDaily), expected);
}

TEST_P(BoardTest, ChangesArePushedCoalescedOnWsTopic) {
  std::vector<json> messages;
  w.bus.subscribe("ws.topic", [&](const std::string&, const std::string& m) {
    messages.push_back(json::parse(m));
  });
  w.names[150] = "Топ";
  for (int64_t u = 1; u <= 150; ++u) w.win(u, 100 * u);
  for (int64_t u = 1; u <= 150; ++u) w.win(u, 1);  // a burst of 300 transfers
  w.outbox.drain();
  EXPECT_EQ(w.service.publish_changes(), 4);  // one message per period, not per transfer
  ASSERT_EQ(messages.size(), 4u);
  std::set<std::string> topics;
  for (const auto& m : messages) {
    topics.insert(m.at("topic").get<std::string>());
    EXPECT_EQ(m.at("type"), "leaderboard.changed");
    const json& d = m.at("data");
    EXPECT_EQ(d.at("board"), "coins");
    EXPECT_EQ("leaderboard.coins." + d.at("period").get<std::string>(), m.at("topic"));
    ASSERT_EQ(d.at("changes").size(), 100u);  // the top 100
    EXPECT_TRUE(d.at("left").empty());
    const json& first = d.at("changes").at(0);
    EXPECT_EQ(first.at("user_id"), 150);
    EXPECT_EQ(first.at("name"), "Топ");
    EXPECT_EQ(first.at("rank"), 1);
    EXPECT_TRUE(first.at("old_rank").is_null());
    EXPECT_EQ(first.at("score"), json({{"currency", "COIN"}, {"amount", "150.01"}}));
  }
  EXPECT_EQ(topics,
            (std::set<std::string>{"leaderboard.coins.daily", "leaderboard.coins.weekly",
                                   "leaderboard.coins.monthly", "leaderboard.coins.all_time"}));
  auto daily = [&]() -> const json& {
    for (const auto& m : messages) {
      if (m.at("topic") == "leaderboard.coins.daily") return m;
    }
    throw std::runtime_error("no daily message");
  };
  EXPECT_EQ(daily().at("data").at("period_id"), "2026-12-04");
  messages.clear();
  EXPECT_EQ(w.service.publish_changes(), 0);  // nothing changed

  // User 10 (rank 141) jumps to the top: everyone above moves down one, user 51 leaves the top.
  w.win(10, 1'000'000);
  w.outbox.drain();
  EXPECT_EQ(w.service.publish_changes(), 4);
  const json& d = daily().at("data");
  ASSERT_EQ(d.at("changes").size(), 100u);
  EXPECT_EQ(d.at("changes").at(0).at("user_id"), 10);
  EXPECT_EQ(d.at("changes").at(1).at("old_rank"), 1);
  EXPECT_EQ(d.at("changes").at(1).at("rank"), 2);
  EXPECT_EQ(d.at("left"), json::array({{{"user_id", 51}, {"old_rank", 100}}}));
  messages.clear();

  // A score change that moves nobody: that line only.
  w.win(10, 5);
  w.outbox.drain();
  EXPECT_EQ(w.service.publish_changes(), 4);
  EXPECT_EQ(daily().at("data").at("changes").size(), 1u);
}

// The WebSocket hub delivers what the board pushes to a connection subscribed to its topic.
TEST_P(BoardTest, APushedChangeReachesASubscribedWebSocketConnection) {
  struct Recorder final : realtime::Peer {
    std::mutex mu;
    std::vector<json> frames;
    void send(realtime::Frame f) override {
      std::lock_guard lock(mu);
      frames.push_back(json::parse(*f));
    }
    void close(uint16_t, std::string) override {}
  };
  realtime::Hub hub(w.clock);
  hub.listen(w.bus);
  auto peer = std::make_shared<Recorder>();
  const int64_t conn = hub.attach(42, peer);
  ASSERT_TRUE(hub.subscribe(conn, "leaderboard.coins.daily"));
  w.names[7] = "Алиса";
  w.win(7, 1234);
  w.outbox.drain();
  w.service.publish_changes();
  std::lock_guard lock(peer->mu);
  ASSERT_EQ(peer->frames.size(), 1u);  // daily only: not subscribed to the other periods
  const json& f = peer->frames[0];
  EXPECT_EQ(f.at("topic"), "leaderboard.coins.daily");
  EXPECT_EQ(f.at("type"), "leaderboard.changed");
  const json& c = f.at("data").at("changes").at(0);
  EXPECT_EQ(c.at("user_id"), 7);
  EXPECT_EQ(c.at("name"), "Алиса");
  EXPECT_EQ(c.at("rank"), 1);
  EXPECT_EQ(c.at("score").at("amount"), "12.34");
  hub.unlisten();
}

// Several nodes dispatch the same outbox (or replay it): each transfer counts once.
TEST_P(BoardTest, TwoNodesApplyEveryTransferOnce) {
  Node b(w, *w.index);  // one shared index
  std::map<int64_t, int64_t> model;
  for (int i = 0; i < 300; ++i) {
    const int64_t user = 1 + i % 3;  // few users: the nodes' writes of one user interleave
    w.win(user, 1 + i);
    model[user] += 1 + i;
  }
  std::thread ta([&] { w.outbox.drain(); });
  std::thread tb([&] { b.outbox.drain(); });
  ta.join();
  tb.join();
  EXPECT_EQ(w.board(Period::kDaily), model);
  EXPECT_EQ(w.board(Period::kAllTime), model);
  EXPECT_EQ(b.board(Period::kWeekly), model);
  const auto applied = w.db().read(
      [](store::Tx& tx) { return tx.exec("SELECT COUNT(*) FROM lb_applied").one().i64(0); });
  EXPECT_EQ(applied, 300);
}

INSTANTIATE_TEST_SUITE_P(Boards, BoardTest, ::testing::ValuesIn(all_params()), param_name);

}  // namespace
}  // namespace lucas::leaderboards
