// A named background loop: the one way a service runs work on a thread of its own (the outbox
// dispatcher, the job scheduler, the Telegram sender, intake and poller, the Redis bus, ...).
//
// A round of work runs after each wait; the wait ends when its time is up, when wake() is called
// (a wake-up that arrives during a round is not lost: the next wait ends at once), or when stop()
// is called. stop() is prompt: it ends the wait at once, lets the current round finish, and joins.
// A round that takes long can ask stopping() between steps. An exception from a round is logged
// with the worker's name and the loop goes on.
//
// Waits are real time: a thread cannot sleep on a ManualClock. A loop that schedules by the
// injected Clock (the sender's next due message) returns its next wait from the round.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/clock.h"

namespace lucas::worker {

struct Options {
  // The wait before each round; 0: no timer, rounds run only when woken.
  Micros period = 0;
  // A first round at once on start(), before the first wait.
  bool run_at_start = false;
  // stop() still serves a wake-up that arrived before it (one last round), so that work handed
  // over just before stopping is not left behind.
  bool final_round_if_woken = false;
};

class Worker {
 public:
  // One round. Returns the wait before the next one (0: at once), or nullopt for the period.
  using Round = std::function<std::optional<Micros>()>;

  explicit Worker(std::string name) : name_(std::move(name)) {}
  ~Worker() { stop(); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts the loop on its own thread; no-op while it runs.
  void start(Options options, Round round);
  // A round now, or right after the current one.
  void wake();
  // Ends the loop (see above) and joins its thread; no-op when it is not running. stopping()
  // stays true until the next start().
  void stop();

  bool stopping() const { return stopping_.load(); }
  bool running() const { return thread_.joinable(); }
  const std::string& name() const { return name_; }

 private:
  void loop(const Options& options, const Round& round);

  const std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace lucas::worker
