// Incoming updates: every update_id is recorded once in the database, so Telegram's retries (and
// a second node receiving the same update) never act twice; accepted updates are handled on a
// worker thread so the webhook answers at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"
#include "infra/telegram/bot_api.h"
#include "infra/telegram/types.h"

namespace lucas::telegram {

store::MigrationSet migrations();

class UpdateQueue {
 public:
  using Handler = std::function<void(const Update&)>;
  UpdateQueue(store::Database& db, const Clock& clock, Handler handler, size_t capacity = 10'000);
  ~UpdateQueue();

  enum class Accepted { kQueued, kDuplicate };
  // Parses, records the update_id and queues it. INVALID_ARGUMENT for a malformed update,
  // SERVICE_UNAVAILABLE (retry later) when the queue is full — Telegram then retries.
  Accepted accept(const nlohmann::json& raw);

  // Handles everything queued, on the calling thread (tests, CLI).
  int drain();
  void start();
  void stop();
  size_t pending();

 private:
  store::Database& db_;
  const Clock& clock_;
  Handler handler_;
  size_t capacity_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Update> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

// Long polling (for machines without public HTTPS): getUpdates in a loop, each update through
// the same queue. Runs until stop().
class Poller {
 public:
  Poller(BotApi& api, UpdateQueue& queue) : api_(api), queue_(queue) {}
  ~Poller();
  void start(int timeout_s = 25);
  void stop();
  // One getUpdates round; returns how many updates were accepted (tests).
  int poll_once(int timeout_s);

 private:
  BotApi& api_;
  UpdateQueue& queue_;
  int64_t offset_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace lucas::telegram
