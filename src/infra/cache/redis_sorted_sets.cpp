#include "infra/cache/redis_sorted_sets.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace lucas::cache {
namespace {

// ZINCRBY with the range check, exact for any int64 delta: Lua numbers are doubles, so the
// current score (exact: |score| <= 2^53) and the delta (split by the caller into hi * 2^32 + lo,
// 0 <= lo < 2^32) are added as 32-bit halves, and the sum is written only when it is within
// +-2^53 (then hi * 2^32 + lo is exact too).
const redis::Script kAdd(R"lua(
local two32 = 4294967296
local cur = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '0')
local chi = math.floor(cur / two32)
local lo = (cur - chi * two32) + tonumber(ARGV[3])
local carry = math.floor(lo / two32)
lo = lo - carry * two32
local hi = chi + tonumber(ARGV[2]) + carry
if hi > 2097152 or (hi == 2097152 and lo > 0) or hi < -2097152 then
  return redis.error_reply('LUCAS_SCORE_RANGE sorted-set score out of the exact range')
end
local nxt = hi * two32 + lo
redis.call('ZADD', KEYS[1], nxt, ARGV[1])
return nxt
)lua");

// Rank and score in one atomic read.
const redis::Script kFind(R"lua(
local r = redis.call('ZREVRANK', KEYS[1], ARGV[1])
if not r then return false end
return {r, redis.call('ZSCORE', KEYS[1], ARGV[1])}
)lua");

int64_t parse_score(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size()) return v;
  // Written by someone else as a float ("1e+15"): still exact if it is an integer.
  const double d = std::strtod(s.c_str(), nullptr);
  if (std::isfinite(d) && d == std::floor(d) &&
      std::fabs(d) <= static_cast<double>(kMaxExactScore)) {
    return static_cast<int64_t>(d);
  }
  throw std::runtime_error("sorted set holds a non-integer score '" + s + "'");
}

}  // namespace

RedisSortedSets::RedisSortedSets(redis::Client& client, std::string prefix)
    : client_(client), prefix_(std::move(prefix)) {}

redis::Reply RedisSortedSets::call(std::vector<std::string> argv) {
  redis::Reply r = client_.command(std::move(argv));
  if (r.is_error()) throw std::runtime_error("redis: " + r.str);
  return r;
}

void RedisSortedSets::set(const std::string& key, const std::string& member, int64_t score) {
  check_score(score);
  call({"ZADD", prefix_ + key, std::to_string(score), member});
}

int64_t RedisSortedSets::add(const std::string& key, const std::string& member, int64_t delta) {
  const int64_t hi = delta >> 32;  // floor division by 2^32 (arithmetic shift in C++20)
  const int64_t lo = delta & 0xffffffffLL;
  const redis::Reply r =
      client_.eval(kAdd, {prefix_ + key}, {member, std::to_string(hi), std::to_string(lo)});
  if (r.is_error()) {
    if (r.str.rfind("LUCAS_SCORE_RANGE", 0) == 0) {
      throw std::invalid_argument("sorted-set score out of the exact range (+-2^53)");
    }
    throw std::runtime_error("redis: " + r.str);
  }
  return r.integer;
}

std::vector<Ranked> RedisSortedSets::range(const std::string& key, int64_t offset, int64_t count) {
  std::vector<Ranked> out;
  if (offset < 0 || count <= 0) return out;
  const int64_t last =
      count > std::numeric_limits<int64_t>::max() - offset ? -1 : offset + count - 1;
  const redis::Reply r = call(
      {"ZREVRANGE", prefix_ + key, std::to_string(offset), std::to_string(last), "WITHSCORES"});
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
    out.push_back(Ranked{r.elements[i].str, parse_score(r.elements[i + 1].str),
                         offset + static_cast<int64_t>(i / 2)});
  }
  return out;
}

std::optional<Ranked> RedisSortedSets::find(const std::string& key, const std::string& member) {
  const redis::Reply r = client_.eval(kFind, {prefix_ + key}, {member});
  if (r.is_error()) throw std::runtime_error("redis: " + r.str);
  if (r.is_nil() || r.elements.size() != 2) return std::nullopt;
  return Ranked{member, parse_score(r.elements[1].str), r.elements[0].integer};
}

int64_t RedisSortedSets::size(const std::string& key) {
  return call({"ZCARD", prefix_ + key}).integer;
}

void RedisSortedSets::remove(const std::string& key, const std::string& member) {
  call({"ZREM", prefix_ + key, member});
}

void RedisSortedSets::clear(const std::string& key) {
  call({"DEL", prefix_ + key});
}

}  // namespace lucas::cache
