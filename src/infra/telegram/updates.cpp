#include "infra/telegram/updates.h"

#include <spdlog/spdlog.h>

namespace lucas::telegram {

store::MigrationSet migrations() {
  return {"telegram",
          {{1, "seen updates",
            "CREATE TABLE telegram_updates (update_id BIGINT PRIMARY KEY,"
            " received_at BIGINT NOT NULL);"}}};
}

UpdateQueue::UpdateQueue(store::Database& db, const Clock& clock, Handler handler, size_t capacity)
    : db_(db), clock_(clock), handler_(std::move(handler)), capacity_(capacity) {}

UpdateQueue::~UpdateQueue() {
  stop();
}

UpdateQueue::Accepted UpdateQueue::accept(const nlohmann::json& raw) {
  Update u = parse_update(raw);
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= capacity_) {
      throw Error(ErrorCode::kUnavailable, "too many updates waiting", nullptr, 1);
    }
  }
  const bool fresh = db_.transact([&](store::Tx& tx) {
    return !tx.exec(
                  "INSERT INTO telegram_updates (update_id, received_at) VALUES ($1, $2)"
                  " ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
                  {store::Value{u.update_id}, store::Value{clock_.now()}})
                .empty();
  });
  if (!fresh) return Accepted::kDuplicate;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(u));
  }
  wake_.notify_one();
  return Accepted::kQueued;
}

int UpdateQueue::drain() {
  int n = 0;
  for (;;) {
    Update u;
    {
      std::lock_guard lock(mu_);
      if (queue_.empty()) return n;
      u = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      handler_(u);
    } catch (const std::exception& e) {
      spdlog::error("telegram update {} failed: {}", u.update_id, e.what());
    }
    ++n;
  }
}

size_t UpdateQueue::pending() {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void UpdateQueue::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    for (;;) {
      {
        std::unique_lock lock(mu_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_ && queue_.empty()) return;
      }
      drain();
    }
  });
}

void UpdateQueue::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Poller::~Poller() {
  stop();
}

int Poller::poll_once(int timeout_s) {
  const ApiResult r = api_.call("getUpdates", {{"offset", offset_},
                                               {"timeout", timeout_s},
                                               {"allowed_updates", {"message", "edited_message"}}});
  if (!r.ok || !r.result.is_array()) {
    if (!r.ok) spdlog::warn("telegram: getUpdates failed: {} {}", r.error_code, r.description);
    return 0;
  }
  int accepted = 0;
  for (const auto& raw : r.result) {
    try {
      const int64_t id = raw.at("update_id").get<int64_t>();
      offset_ = std::max(offset_, id + 1);
      if (queue_.accept(raw) == UpdateQueue::Accepted::kQueued) ++accepted;
    } catch (const std::exception& e) {
      spdlog::warn("telegram: skipped a malformed update: {}", e.what());
    }
  }
  return accepted;
}

void Poller::start(int timeout_s) {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, timeout_s] {
    int failures = 0;
    while (!stopping_) {
      const int before = failures;
      try {
        poll_once(timeout_s);
        failures = 0;
      } catch (const std::exception& e) {
        spdlog::warn("telegram: polling failed: {}", e.what());
        ++failures;
      }
      if (failures > before) {
        std::this_thread::sleep_for(std::chrono::seconds(std::min(30, 1 << std::min(failures, 5))));
      }
    }
  });
}

void Poller::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace lucas::telegram
