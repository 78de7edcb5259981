// The live logs' stream (issue 17): a few times a second, the lines this node logged since the
// last round go to the WebSocket topic "admin.logs" of this node's connections, as one "log.lines"
// message {node, lines: [{seq, time, level, msg, cut}], gap}. Only admins may subscribe (the hub's
// topic guard, admin_topic_guard()). Nothing is built while nobody listens; a subscriber reads
// what came before from GET /api/v1/admin/logs, then follows the stream from its `last`.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/log_ring.h"
#include "features/users/users.h"
#include "infra/realtime/hub.h"
#include "infra/worker/worker.h"

namespace lucas::health {

inline constexpr const char* kLogsTopic = "admin.logs";

class LogStream {
 public:
  struct Options {
    Micros period = 500'000;     // between rounds
    size_t max_per_round = 500;  // more than this since the last round: the newest, with gap
  };
  LogStream(const LogRing& ring, realtime::Hub& hub, const Clock& clock, std::string node,
            Options options);
  ~LogStream();

  // One round (what the worker runs): returns how many lines were sent.
  size_t pump();
  void start();
  void stop();

 private:
  const LogRing& ring_;
  realtime::Hub& hub_;
  const Clock& clock_;
  const std::string node_;
  const Options options_;
  uint64_t cursor_ = 0;  // the last line handed out (or skipped while nobody listened)
  worker::Worker worker_{"log-stream"};
};

// The hub's topic guard: topics under "admin." are for admins and the owner; others are open.
realtime::Hub::TopicGuard admin_topic_guard(users::UserService& users);

}  // namespace lucas::health
