// The sorted-set contract, run on every implementation (instantiated below): Redis ZREVRANGE
// order, ranks, increments, removal, exact integer scores, and any sequence of operations
// agreeing with a plain sorted-vector model.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <memory>

#include "infra/cache/redis_sorted_sets.h"
#include "infra/cache/sorted_set.h"
#include "tests/support/redis_harness.h"

namespace lucas::cache {
namespace {

// One client for the whole binary; each set of sorted sets starts from an empty database.
redis::Client& redis_client() {
  static redis::Client client(redis::parse_url(lucas::testing::RedisServer::shared().url(5)));
  client.wait_up(std::chrono::seconds(10));
  return client;
}

std::unique_ptr<SortedSets> make(const std::string& impl) {
  if (impl == "memory") return std::make_unique<MemorySortedSets>();
  if (impl == "redis") {
    redis_client().command({"FLUSHDB"});
    return std::make_unique<RedisSortedSets>(redis_client());
  }
  throw std::invalid_argument("unknown sorted-set implementation " + impl);
}

class SortedSetContract : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { z_ = make(GetParam()); }
  std::unique_ptr<SortedSets> z_;
};

TEST_P(SortedSetContract, OrdersByScoreThenMemberDescending) {
  z_->set("lb", "alice", 300);
  z_->set("lb", "bob", 500);
  z_->set("lb", "carol", 300);
  z_->set("lb", "dave", -5);
  const auto top = z_->range("lb", 0, 10);
  ASSERT_EQ(top.size(), 4u);
  EXPECT_EQ(top[0].member, "bob");
  EXPECT_EQ(top[1].member, "carol");  // ties: descending member
  EXPECT_EQ(top[2].member, "alice");
  EXPECT_EQ(top[3].member, "dave");
  EXPECT_EQ(top[3].score, -5);
  for (int64_t i = 0; i < 4; ++i) EXPECT_EQ(top[static_cast<size_t>(i)].rank, i);
  const auto page = z_->range("lb", 1, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].member, "carol");
  EXPECT_EQ(page[0].rank, 1);
  EXPECT_TRUE(z_->range("lb", 4, 10).empty());
  EXPECT_TRUE(z_->range("missing", 0, 10).empty());
}

TEST_P(SortedSetContract, AddFindRemoveAndClear) {
  EXPECT_EQ(z_->add("lb", "u1", 150), 150);
  EXPECT_EQ(z_->add("lb", "u1", -50), 100);
  EXPECT_EQ(z_->add("lb", "u2", 7), 7);
  auto f = z_->find("lb", "u2");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->rank, 1);
  EXPECT_EQ(f->score, 7);
  EXPECT_FALSE(z_->find("lb", "nobody").has_value());
  EXPECT_EQ(z_->size("lb"), 2);
  z_->remove("lb", "u1");
  EXPECT_EQ(z_->size("lb"), 1);
  EXPECT_EQ(z_->find("lb", "u2")->rank, 0);
  z_->clear("lb");
  EXPECT_EQ(z_->size("lb"), 0);
  EXPECT_FALSE(z_->find("lb", "u2").has_value());
}

TEST_P(SortedSetContract, ScoresAreExactUpToTwoToThe53) {
  z_->set("big", "a", kMaxExactScore - 1);
  EXPECT_EQ(z_->add("big", "a", 1), kMaxExactScore);
  EXPECT_EQ(z_->find("big", "a")->score, kMaxExactScore);
  EXPECT_THROW(z_->set("big", "b", kMaxExactScore + 1), std::invalid_argument);
  EXPECT_THROW(z_->add("big", "a", 1), std::invalid_argument);
  EXPECT_EQ(z_->find("big", "a")->score, kMaxExactScore);  // a refused change changes nothing
}

// For any sequence of set/add/remove on a few keys and members, range() and find() agree with a
// model that sorts a vector.
TEST_P(SortedSetContract, AnySequenceAgreesWithASortedModel) {
  const bool ok = rc::check("sorted sets agree with the model", [this] {
    z_ = make(GetParam());
    std::map<std::string, std::map<std::string, int64_t>> model;
    const int n = *rc::gen::inRange(1, 60);
    for (int i = 0; i < n; ++i) {
      const std::string key = "k" + std::to_string(*rc::gen::inRange(0, 2));
      const std::string member = std::string(1, static_cast<char>('a' + *rc::gen::inRange(0, 6)));
      const int64_t v = *rc::gen::inRange<int64_t>(-1000, 1000);
      switch (*rc::gen::inRange(0, 3)) {
        case 0:
          z_->set(key, member, v);
          model[key][member] = v;
          break;
        case 1:
          RC_ASSERT(z_->add(key, member, v) == (model[key][member] += v));
          break;
        default:
          z_->remove(key, member);
          model[key].erase(member);
      }
    }
    for (auto& [key, members] : model) {
      std::vector<std::pair<int64_t, std::string>> sorted;
      for (auto& [m, s] : members) sorted.emplace_back(s, m);
      std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second > b.second;
      });
      const auto got = z_->range(key, 0, 100);
      RC_ASSERT(got.size() == sorted.size());
      RC_ASSERT(z_->size(key) == static_cast<int64_t>(sorted.size()));
      for (size_t i = 0; i < sorted.size(); ++i) {
        RC_ASSERT(got[i].member == sorted[i].second);
        RC_ASSERT(got[i].score == sorted[i].first);
        const auto f = z_->find(key, sorted[i].second);
        RC_ASSERT(f.has_value());
        RC_ASSERT(f->rank == static_cast<int64_t>(i));
      }
    }
  });
  EXPECT_TRUE(ok);
}

// For any score within +-2^53 and any 64-bit delta (near the edges too), add() returns the exact
// sum when it is within +-2^53 and otherwise refuses and changes nothing (Redis computes it in
// Lua doubles, so this is where inexact arithmetic would show).
TEST_P(SortedSetContract, AnyIncrementIsExactOrRefusedAtomically) {
  const bool ok = rc::check("increments are exact or refused", [this] {
    const auto edge = rc::gen::elementOf(std::vector<int64_t>{
        kMaxExactScore, kMaxExactScore - 1, -kMaxExactScore, -kMaxExactScore + 1, 0, 1, -1});
    const int64_t start = *rc::gen::oneOf(edge, rc::gen::inRange(-kMaxExactScore, kMaxExactScore));
    const int64_t delta =
        *rc::gen::oneOf(rc::gen::arbitrary<int64_t>(),
                        rc::gen::inRange<int64_t>(-2 * kMaxExactScore, 2 * kMaxExactScore),
                        rc::gen::map(edge, [start](int64_t target) { return target - start; }),
                        rc::gen::map(edge, [start](int64_t target) { return target - start + 1; }));
    z_->set("e", "m", start);
    int64_t want = 0;
    const bool fits = !__builtin_add_overflow(start, delta, &want) && want <= kMaxExactScore &&
                      want >= -kMaxExactScore;
    if (fits) {
      RC_ASSERT(z_->add("e", "m", delta) == want);
      RC_ASSERT(z_->find("e", "m")->score == want);
    } else {
      RC_ASSERT_THROWS_AS(z_->add("e", "m", delta), std::invalid_argument);
      RC_ASSERT(z_->find("e", "m")->score == start);
    }
  });
  EXPECT_TRUE(ok);
}

INSTANTIATE_TEST_SUITE_P(Impl, SortedSetContract,
                         ::testing::Values(std::string("memory"), std::string("redis")),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace lucas::cache
