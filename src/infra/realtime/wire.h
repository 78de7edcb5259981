// The real-time wire contract: what travels on the bus between nodes, and what a WebSocket client
// receives and may send. Features never build these by hand: they call realtime::Notifier
// (push_to_user, push_to_topic); other nodes' publishers (the Redis bus, the leaderboards) must
// keep exactly these channel names and shapes.
//
// Bus channels (events::Bus; LocalBus in one process, Redis pub/sub across nodes):
//   "ws.user"  {"user_id": 101, "id": 57, "type": "money.credited", "data": {...},
//               "time": "2026-11-24T20:01:33Z"}          ("time" optional: the receiver's clock)
//              one stored notification for one user; "id" is its id in ws_notifications, the
//              id a client resumes from.
//   "ws.topic" {"topic": "leaderboard.coins.daily", "type": "leaderboard.changed", "data": {...}}
//              a broadcast to every connection subscribed to the topic; not stored, no id.
//   "ws.evict" {"connection": "node-a/5f3a9c0e1b2d4f60/17"}
//              a connection the registry found beyond its user's limit (registry.h); the node
//              whose name it carries closes it (4001), the others ignore it.
// Every node's hub subscribes to all three and acts on its own connections only.
//
// Server -> client (text frames, one JSON object each):
//   {"id": 57, "type": "money.credited", "data": {...}, "time": "..."}          a notification
//   {"id": null, "topic": "leaderboard.coins.daily", "type": "...", "data": {...}, "time": "..."}
//   {"id": null, "type": "welcome" | "resumed" | "subscribed" | "unsubscribed" | "pong" | "error",
//    "data": {...}, "time": "..."}                                              protocol replies
// Client -> server:
//   {"op": "subscribe", "topic": "leaderboard.coins.daily"}
//   {"op": "unsubscribe", "topic": "leaderboard.coins.daily"}
//   {"op": "ping"}
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace lucas::realtime {

inline constexpr std::string_view kUserChannel = "ws.user";
inline constexpr std::string_view kTopicChannel = "ws.topic";
inline constexpr std::string_view kEvictChannel = "ws.evict";

// One encoded text frame, shared by every connection it goes to.
using Frame = std::shared_ptr<const std::string>;

// A notification as stored and replayed.
struct Notification {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string type;
  nlohmann::json data;
  Micros time = 0;
};

Frame notification_frame(const Notification& n);
Frame topic_frame(std::string_view topic, std::string_view type, const nlohmann::json& data,
                  Micros time);
// Protocol replies: welcome, resumed, subscribed, pong, error, ...
Frame system_frame(std::string_view type, const nlohmann::json& data, Micros time);

// Bus messages, both ways.
std::string user_message(const Notification& n);
std::string topic_message(std::string_view topic, std::string_view type,
                          const nlohmann::json& data);

// Topics are lower-case dotted names: [a-z0-9_-] segments separated by dots, 1..100 bytes.
bool valid_topic(std::string_view topic);

}  // namespace lucas::realtime
