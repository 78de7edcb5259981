// Sorted sets for leaderboards: Redis ZSETs when Redis is configured, an in-process ordered
// structure otherwise. Both implementations pass the same contract suite
// (tests/infra/cache/sorted_set_contract.h). Scores are integers (minor units, points, wins) and
// must stay within +-2^53 so that Redis's double scores hold them exactly.
//
// Order (Redis ZREVRANGE semantics, kept by every implementation): higher score first; equal
// scores by member in descending byte order. Ranks are 0-based positions in that order.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace lucas::cache {

inline constexpr int64_t kMaxExactScore = int64_t{1} << 53;

struct Ranked {
  std::string member;
  int64_t score = 0;
  int64_t rank = 0;  // 0-based
};

class SortedSets {
 public:
  virtual ~SortedSets() = default;
  // ZADD: sets the member's score.
  virtual void set(const std::string& key, const std::string& member, int64_t score) = 0;
  // ZINCRBY: adds delta (creating the member at 0) and returns the new score.
  virtual int64_t add(const std::string& key, const std::string& member, int64_t delta) = 0;
  // Ranks [offset, offset + count) in order.
  virtual std::vector<Ranked> range(const std::string& key, int64_t offset, int64_t count) = 0;
  // The member's rank and score, or nullopt when it is not in the set.
  virtual std::optional<Ranked> find(const std::string& key, const std::string& member) = 0;
  virtual int64_t size(const std::string& key) = 0;
  // ZREM one member; DEL the whole set.
  virtual void remove(const std::string& key, const std::string& member) = 0;
  virtual void clear(const std::string& key) = 0;
};

// A std::set per key ordered as above, plus a member -> score index. Thread-safe.
class MemorySortedSets final : public SortedSets {
 public:
  void set(const std::string& key, const std::string& member, int64_t score) override;
  int64_t add(const std::string& key, const std::string& member, int64_t delta) override;
  std::vector<Ranked> range(const std::string& key, int64_t offset, int64_t count) override;
  std::optional<Ranked> find(const std::string& key, const std::string& member) override;
  int64_t size(const std::string& key) override;
  void remove(const std::string& key, const std::string& member) override;
  void clear(const std::string& key) override;

 private:
  struct Order {
    bool operator()(const std::pair<int64_t, std::string>& a,
                    const std::pair<int64_t, std::string>& b) const {
      if (a.first != b.first) return a.first > b.first;
      return a.second > b.second;
    }
  };
  struct Set {
    std::set<std::pair<int64_t, std::string>, Order> ordered;
    std::unordered_map<std::string, int64_t> scores;
  };
  void put(Set& s, const std::string& member, int64_t score);
  std::mutex mu_;
  std::unordered_map<std::string, Set> sets_;
};

// Throws std::invalid_argument when |score| exceeds kMaxExactScore.
void check_score(int64_t score);

}  // namespace lucas::cache
