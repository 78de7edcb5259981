#include "infra/cache/cache.h"

#include <spdlog/spdlog.h>

#include <stdexcept>
#include <vector>

#include "infra/redis/redis.h"
#include "infra/telemetry/metrics.h"

namespace lucas::cache {

// ---------------------------------------------------------------- MemoryCache

MemoryCache::MemoryCache(const Clock& clock, size_t capacity)
    : clock_(clock), capacity_(std::max<size_t>(capacity, 1)) {}

std::optional<std::string> MemoryCache::get(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second->expires <= clock_.now()) {
    lru_.erase(it->second);
    index_.erase(it);
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->value;
}

void MemoryCache::set(const std::string& key, const std::string& value, Micros ttl) {
  if (ttl <= 0) throw std::invalid_argument("a cache TTL must be positive");
  std::lock_guard lock(mu_);
  const Micros expires = clock_.now() + ttl;
  auto it = index_.find(key);
  if (it != index_.end()) {
    it->second->value = value;
    it->second->expires = expires;
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.push_front(Entry{key, value, expires});
  index_.emplace(key, lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

void MemoryCache::erase(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return;
  lru_.erase(it->second);
  index_.erase(it);
}

void MemoryCache::clear() {
  std::lock_guard lock(mu_);
  index_.clear();
  lru_.clear();
}

size_t MemoryCache::size() {
  std::lock_guard lock(mu_);
  return lru_.size();
}

// ---------------------------------------------------------------- TieredCache

TieredCache::TieredCache(MemoryCache& near, Cache& far, Micros near_ttl)
    : near_(near), far_(far), near_ttl_(near_ttl) {
  if (near_ttl <= 0) throw std::invalid_argument("a cache TTL must be positive");
}

std::atomic<uint64_t>& TieredCache::erasures(const std::string& key) {
  return erasures_[std::hash<std::string>{}(key) % erasures_.size()];
}

bool TieredCache::reachable() {
  if (!far_.reachable()) {
    if (!far_was_down_.exchange(true)) near_.clear();
    return false;
  }
  if (far_was_down_.exchange(false)) near_.clear();  // and whatever was copied while it went down
  return true;
}

std::optional<std::string> TieredCache::get(const std::string& key) {
  if (!reachable()) return std::nullopt;
  if (auto v = near_.get(key)) return v;
  auto& erased = erasures(key);
  const uint64_t before = erased.load();
  auto v = far_.get(key);
  if (!v) return v;
  // erase() counts after the far erase and erases near after counting: either it runs after
  // this copy (and removes it) or this check sees its count (and removes the copy itself).
  near_.set(key, *v, near_ttl_);
  if (erased.load() != before) near_.erase(key);
  return v;
}

void TieredCache::set(const std::string& key, const std::string& value, Micros ttl) {
  if (ttl <= 0) throw std::invalid_argument("a cache TTL must be positive");
  if (!reachable()) return;
  far_.set(key, value, ttl);
  near_.set(key, value, std::min(ttl, near_ttl_));
}

void TieredCache::erase(const std::string& key) {
  far_.erase(key);
  ++erasures(key);
  near_.erase(key);
}

// ---------------------------------------------------------------- RedisCache

RedisCache::RedisCache(redis::Client& client, std::string prefix, size_t max_pending)
    : client_(client), prefix_(std::move(prefix)), max_pending_(max_pending) {}

void RedisCache::remember(const std::string& key) {
  std::lock_guard lock(mu_);
  if (pending_.size() < max_pending_) {
    pending_.insert(key);
  } else {
    flush_all_ = true;
  }
  dirty_ = true;
}

bool RedisCache::ready() {
  if (!client_.up()) return false;
  if (!dirty_) return true;
  std::lock_guard lock(mu_);
  if (!dirty_) return true;
  try {
    if (flush_all_) {
      // Too many erases were missed: drop everything under the prefix.
      std::string cursor = "0";
      do {
        const auto r = client_.command({"SCAN", cursor, "MATCH", prefix_ + "*", "COUNT", "1000"});
        if (r.elements.size() != 2) throw redis::Unavailable("unexpected SCAN reply");
        cursor = r.elements[0].str;
        std::vector<std::string> del{"UNLINK"};
        for (const auto& k : r.elements[1].elements) del.push_back(k.str);
        if (del.size() > 1) client_.command(std::move(del));
      } while (cursor != "0");
      spdlog::info("cache {}: flushed after an outage (too many missed erases)", prefix_);
    } else if (!pending_.empty()) {
      std::vector<std::string> del{"UNLINK"};
      for (const auto& k : pending_) del.push_back(prefix_ + k);
      client_.command(std::move(del));
    }
    pending_.clear();
    flush_all_ = false;
    dirty_ = false;
    return true;
  } catch (const redis::Unavailable&) {
    return false;
  }
}

std::optional<std::string> RedisCache::get(const std::string& key) {
  if (!ready()) return std::nullopt;
  try {
    auto r = client_.command({"GET", prefix_ + key});
    if (r.type != redis::Reply::Type::kString) return std::nullopt;
    return std::move(r.str);
  } catch (const redis::Unavailable&) {
    return std::nullopt;
  }
}

void RedisCache::set(const std::string& key, const std::string& value, Micros ttl) {
  if (ttl <= 0) throw std::invalid_argument("a cache TTL must be positive");
  if (!ready()) return;
  const int64_t ms = std::max<int64_t>(1, (ttl + 999) / 1000);
  try {
    client_.command({"SET", prefix_ + key, value, "PX", std::to_string(ms)});
  } catch (const redis::Unavailable&) {
    // A cache that cannot store is a cache that misses.
  }
}

void RedisCache::erase(const std::string& key) {
  if (client_.up()) {
    try {
      client_.command({"UNLINK", prefix_ + key});
      return;
    } catch (const redis::Unavailable&) {
    }
  }
  remember(key);
}

// ---------------------------------------------------------------- CacheSpace

CacheSpace::CacheSpace(Cache& cache, std::string name, Micros ttl, telemetry::Registry* metrics)
    : cache_(cache), name_(std::move(name)), ttl_(ttl) {
  if (ttl_ <= 0) throw std::invalid_argument("a cache TTL must be positive");
  if (metrics != nullptr) {
    const std::string help = "Cache lookups by data type and result.";
    hits_ = &metrics->counter("lucas_cache_requests_total", help,
                              {{"space", name_}, {"result", "hit"}});
    misses_ = &metrics->counter("lucas_cache_requests_total", help,
                                {{"space", name_}, {"result", "miss"}});
  }
}

std::atomic<uint64_t>& CacheSpace::generation(const std::string& key) {
  return generations_[std::hash<std::string>{}(key) % generations_.size()];
}

std::optional<std::string> CacheSpace::get(const std::string& key) {
  auto v = cache_.get(name_ + ":" + key);
  if (v) {
    ++local_hits_;
    if (hits_ != nullptr) hits_->inc();
  } else {
    ++local_misses_;
    if (misses_ != nullptr) misses_->inc();
  }
  return v;
}

void CacheSpace::set(const std::string& key, const std::string& value) {
  cache_.set(name_ + ":" + key, value, ttl_);
}

void CacheSpace::erase(const std::string& key) {
  ++generation(key);
  cache_.erase(name_ + ":" + key);
}

std::optional<std::string> CacheSpace::get_or_load(
    const std::string& key, const std::function<std::optional<std::string>()>& load) {
  if (auto v = get(key)) return v;
  const uint64_t before = generation(key).load();
  auto v = load();
  if (v && generation(key).load() == before) {
    set(key, *v);
    // Erased between the check and the store: the erase may have come first, so erase again.
    if (generation(key).load() != before) cache_.erase(name_ + ":" + key);
  }
  return v;
}

int64_t CacheSpace::hits() const {
  return local_hits_.load();
}

int64_t CacheSpace::misses() const {
  return local_misses_.load();
}

}  // namespace lucas::cache
