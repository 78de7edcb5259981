// SortedSets on Redis ZSETs, shared by every node (see sorted_set.h for the contract, which this
// passes: ZREVRANGE order, 0-based ranks, exact integer scores within +-2^53). Increments are
// checked and applied atomically in a Lua script with exact integer arithmetic, so a refused
// increment changes nothing even under concurrency.
//
// When Redis cannot be used every call throws redis::Unavailable (SERVICE_UNAVAILABLE): a
// leaderboard must not silently switch to a different, per-node set, so the caller decides (serve
// from its database, or answer 503 with Retry-After).
#pragma once

#include <string>

#include "infra/cache/sorted_set.h"
#include "infra/redis/redis.h"

namespace lucas::cache {

class RedisSortedSets final : public SortedSets {
 public:
  // Keys are stored as `prefix + key`.
  explicit RedisSortedSets(redis::Client& client, std::string prefix = "lucas:z:");

  void set(const std::string& key, const std::string& member, int64_t score) override;
  int64_t add(const std::string& key, const std::string& member, int64_t delta) override;
  std::vector<Ranked> range(const std::string& key, int64_t offset, int64_t count) override;
  std::optional<Ranked> find(const std::string& key, const std::string& member) override;
  int64_t size(const std::string& key) override;
  void remove(const std::string& key, const std::string& member) override;
  void clear(const std::string& key) override;

 private:
  redis::Reply call(std::vector<std::string> argv);
  redis::Client& client_;
  std::string prefix_;
};

}  // namespace lucas::cache
