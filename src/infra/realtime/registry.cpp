#include "infra/realtime/registry.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "infra/redis/redis.h"

namespace lucas::realtime {
namespace {

// KEYS[1] the user's set, KEYS[2] its sequence; ARGV: connection, limit, ttl in seconds.
// Returns the connections removed beyond the limit, oldest first.
constexpr const char* kOpenScript = R"lua(
local seq = redis.call('INCR', KEYS[2])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[2])
if over <= 0 then return {} end
local oldest = redis.call('ZRANGE', KEYS[1], 0, over - 1)
redis.call('ZREM', KEYS[1], unpack(oldest))
return oldest
)lua";

constexpr const char* kTtlSeconds = "86400";

}  // namespace

RedisConnectionRegistry::RedisConnectionRegistry(redis::Client& client, std::string prefix)
    : client_(client), prefix_(std::move(prefix)) {}

std::string RedisConnectionRegistry::key(int64_t user_id) const {
  return prefix_ + std::to_string(user_id);
}

void RedisConnectionRegistry::opened(int64_t user_id, const std::string& connection, int limit,
                                     Evicted evicted) {
  const std::string set = key(user_id);
  // Connections open seldom, so the script is sent whole (EVAL) instead of EVALSHA's round trip
  // on a server that has not seen it yet.
  client_.async_command(
      {"EVAL", kOpenScript, "2", set, set + ":seq", connection, std::to_string(limit), kTtlSeconds},
      [evicted = std::move(evicted), user_id](redis::Outcome o) {
        std::vector<std::string> out;
        if (!o.ok() || o.reply.is_error()) {
          spdlog::debug("websocket registry unavailable for user {}: {}", user_id,
                        o.ok() ? o.reply.str : o.message);
        } else {
          for (const auto& e : o.reply.elements) out.push_back(e.str);
        }
        evicted(std::move(out));
      });
}

void RedisConnectionRegistry::closed(int64_t user_id, const std::string& connection) {
  client_.async_command({"ZREM", key(user_id), connection}, [](redis::Outcome) {});
}

}  // namespace lucas::realtime
