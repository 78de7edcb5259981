#include "infra/worker/worker.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace lucas::worker {

void Worker::start(Options options, Round round) {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
    woken_ = woken_ || options.run_at_start;  // a wake-up before start() is kept too
  }
  thread_ = std::thread([this, options, round = std::move(round)] { loop(options, round); });
}

void Worker::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void Worker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Worker::loop(const Options& options, const Round& round) {
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());  // as `top -H` shows it
  Micros asked = -1;  // the wait the last round asked for; -1: none (the period)
  for (;;) {
    {
      std::unique_lock lock(mu_);
      const auto ready = [this] { return woken_ || stopping_; };
      const Micros wait = asked >= 0 ? asked : options.period;
      if (asked >= 0 || wait > 0) {
        cv_.wait_for(lock, std::chrono::microseconds(wait), ready);
      } else {
        cv_.wait(lock, ready);
      }
      if (stopping_ && !(options.final_round_if_woken && woken_)) return;
      woken_ = false;
    }
    asked = -1;
    try {
      if (const auto next = round()) asked = std::max<Micros>(*next, 0);
    } catch (const std::exception& e) {
      spdlog::error("{}: {}", name_, e.what());
    }
  }
}

}  // namespace lucas::worker
