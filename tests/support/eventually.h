// Waits for an asynchronous effect in a test: polls `done` until it holds or `bound` has passed
// (steady clock), and returns whether it held. The bound is only a timeout: a passing test does
// not wait for it.
#pragma once

#include <chrono>
#include <thread>

namespace lucas::testing {

template <class F>
bool eventually(F done, std::chrono::milliseconds bound = std::chrono::seconds(30),
                std::chrono::milliseconds step = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(step);
  }
  return done();
}

}  // namespace lucas::testing
