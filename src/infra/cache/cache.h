// A cache for hot data: get/set/erase of strings with a TTL, in-process (MemoryCache: bounded,
// least recently used first out), in Redis (RedisCache: shared by every node), or both
// (TieredCache: the node's own in front of Redis). All pass one contract suite
// (tests/infra/cache/cache_test.cpp).
//
// Callers use a CacheSpace per data type: its own key prefix, its own TTL, hit/miss counters on
// /metrics (lucas_cache_requests_total{space, result}) and get_or_load (cache-aside). A cache is
// never the system of record: a miss reads the database, and a cache that cannot answer (Redis
// down) behaves as a miss, so callers never see its failures.
//
// Invalidation: whoever changes the data erases the key on every node (an everywhere-subscriber
// of the outbox, see infra/events/outbox.h). get_or_load does not store a value that was erased
// on this node while it was being loaded, so a load racing a change cannot put the old value
// back.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "base/clock.h"

namespace lucas::redis {
class Client;
}
namespace lucas::telemetry {
class Counter;
class Registry;
}  // namespace lucas::telemetry

namespace lucas::cache {

class Cache {
 public:
  virtual ~Cache() = default;
  // nullopt on a miss (absent, expired, or the cache cannot answer now).
  virtual std::optional<std::string> get(const std::string& key) = 0;
  // ttl > 0. Best effort: a cache that cannot store now drops it.
  virtual void set(const std::string& key, const std::string& value, Micros ttl) = 0;
  // After erase returns, get misses (a RedisCache that cannot reach Redis erases when it is back,
  // before it serves anything again).
  virtual void erase(const std::string& key) = 0;
  // False while this cache cannot answer (Redis unreachable): a cache in front of it must not
  // trust its own copies then, since the erases other nodes send may not reach it.
  virtual bool reachable() { return true; }
};

// In-process, thread-safe, at most `capacity` entries (the least recently used go first). TTLs
// follow the injected clock.
class MemoryCache final : public Cache {
 public:
  MemoryCache(const Clock& clock, size_t capacity = 100'000);
  std::optional<std::string> get(const std::string& key) override;
  void set(const std::string& key, const std::string& value, Micros ttl) override;
  void erase(const std::string& key) override;
  void clear();
  size_t size();

 private:
  struct Entry {
    std::string key;
    std::string value;
    Micros expires = 0;
  };
  const Clock& clock_;
  const size_t capacity_;
  std::mutex mu_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

// Redis strings with PX expiry (Redis's clock), keys under `prefix`. While Redis is unreachable
// get misses and set does nothing; erases are remembered (up to max_pending keys, beyond that the
// whole prefix is flushed) and applied as soon as Redis answers again, before any get is served
// from it, so an outage never leaves a stale entry behind.
class RedisCache final : public Cache {
 public:
  RedisCache(redis::Client& client, std::string prefix = "lucas:c:", size_t max_pending = 10'000);
  std::optional<std::string> get(const std::string& key) override;
  void set(const std::string& key, const std::string& value, Micros ttl) override;
  void erase(const std::string& key) override;
  bool reachable() override { return ready(); }

 private:
  // True when Redis may be used now (pending erases applied).
  bool ready();
  void remember(const std::string& key);

  redis::Client& client_;
  const std::string prefix_;
  const size_t max_pending_;
  std::mutex mu_;
  std::set<std::string> pending_;
  bool flush_all_ = false;
  std::atomic<bool> dirty_{false};
};

// Two levels: this node's own cache (a MemoryCache) in front of a shared one (Redis). A near hit
// costs no round trip. set and erase go to both. A value found only far is copied near for at
// most `near_ttl`, and only if no erase of its key ran meanwhile. So an entry that another node
// changes stays stale here until the change's event erases it on this node (the outbox's
// everywhere-delivery: milliseconds over the bus, at worst its catch-up poll) and never longer
// than near_ttl. While the far cache is unreachable the events that carry other nodes' erases may
// not arrive either, so the node's copies are dropped and not used again until it is back: every
// read goes to the database then, as with Redis alone.
class TieredCache final : public Cache {
 public:
  static constexpr Micros kNearTtl = 5'000'000;  // production's: how long a node trusts its copy
  TieredCache(MemoryCache& near, Cache& far, Micros near_ttl);
  std::optional<std::string> get(const std::string& key) override;
  void set(const std::string& key, const std::string& value, Micros ttl) override;
  void erase(const std::string& key) override;
  bool reachable() override;

 private:
  std::atomic<uint64_t>& erasures(const std::string& key);
  MemoryCache& near_;
  Cache& far_;
  const Micros near_ttl_;
  std::array<std::atomic<uint64_t>, 64> erasures_{};
  std::atomic<bool> far_was_down_{false};
};

// One data type in a cache.
class CacheSpace {
 public:
  CacheSpace(Cache& cache, std::string name, Micros ttl, telemetry::Registry* metrics = nullptr);

  std::optional<std::string> get(const std::string& key);
  void set(const std::string& key, const std::string& value);
  void erase(const std::string& key);
  // The cached value, or load()'s (stored unless it is nullopt or the key was erased here while
  // loading). Exceptions from load() propagate and store nothing.
  std::optional<std::string> get_or_load(const std::string& key,
                                         const std::function<std::optional<std::string>()>& load);

  const std::string& name() const { return name_; }
  Micros ttl() const { return ttl_; }
  int64_t hits() const;
  int64_t misses() const;

 private:
  std::atomic<uint64_t>& generation(const std::string& key);
  Cache& cache_;
  const std::string name_;
  const Micros ttl_;
  telemetry::Counter* hits_ = nullptr;
  telemetry::Counter* misses_ = nullptr;
  std::atomic<int64_t> local_hits_{0}, local_misses_{0};
  std::array<std::atomic<uint64_t>, 64> generations_{};
};

}  // namespace lucas::cache
