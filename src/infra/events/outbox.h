// Domain events: written to the outbox table inside the caller's transaction and dispatched after
// commit to in-process subscribers, in id order, at least once. A rolled-back transaction
// publishes nothing; events left undispatched by a crash are dispatched at the next start.
#pragma once

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::events {

struct Event {
  int64_t id = 0;
  std::string topic;  // "ledger.transfer", ...
  nlohmann::json payload;
  Micros created_at = 0;
};

using Subscriber = std::function<void(const Event&)>;

store::MigrationSet migrations();

class Outbox {
 public:
  Outbox(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Records an event in the caller's transaction; wakes the dispatcher after commit.
  void publish(store::Tx& tx, const std::string& topic, const nlohmann::json& payload);

  // Subscribers are called on the dispatcher thread (or the caller of drain()); a throwing
  // subscriber is logged and does not stop the others. "*" receives every topic.
  void subscribe(const std::string& topic, Subscriber s);

  // Dispatches everything pending now; returns how many events were dispatched.
  int drain();

  // Background dispatcher thread (serve mode).
  void start();
  void stop();

 private:
  store::Database& db_;
  const Clock& clock_;
  std::mutex subs_mu_;
  std::map<std::string, std::vector<Subscriber>> subs_;
  std::mutex drain_mu_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace lucas::events
