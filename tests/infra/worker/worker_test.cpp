// The background loop every service runs its thread with (issue 16 point 6): it starts, runs its
// round on the period, wakes at once when asked, and stops promptly. No assertion here is about
// how long anything took: a worker that did not wake or stop would hang the test (ctest's
// timeout), and `eventually` only bounds the wait for an effect.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include "infra/worker/worker.h"
#include "tests/support/eventually.h"

namespace lucas::worker {
namespace {

using lucas::testing::eventually;

constexpr Micros kDay = 86'400'000'000;

// A round that counts itself, the first one held until release(): to act while a round runs.
struct HeldFirstRound {
  std::atomic<int> rounds{0};
  std::promise<void> entered;
  std::promise<void> release_;
  std::shared_future<void> released = release_.get_future().share();

  Worker::Round round() {
    return [this]() -> std::optional<Micros> {
      if (++rounds == 1) {
        entered.set_value();
        released.wait();
      }
      return std::nullopt;
    };
  }
  void wait_entered() { entered.get_future().wait(); }
  void release() { release_.set_value(); }
};

TEST(Worker, StartsAndRunsItsRoundOnThePeriod) {
  Worker w("test-period");
  std::atomic<int> rounds{0};
  EXPECT_FALSE(w.running());
  w.start({.period = 1'000}, [&]() -> std::optional<Micros> {
    ++rounds;
    return std::nullopt;
  });
  EXPECT_TRUE(w.running());
  EXPECT_EQ(w.name(), "test-period");
  EXPECT_TRUE(eventually([&] { return rounds >= 5; }));  // round after round, nobody waking it
  w.stop();
  EXPECT_FALSE(w.running());
}

TEST(Worker, ARoundMayAskForItsOwnNextWait) {
  Worker w("test-asks");
  std::atomic<int> rounds{0};
  // The period is a day; each round asks for the next at once, as the poller does.
  w.start({.period = kDay, .run_at_start = true}, [&]() -> std::optional<Micros> {
    ++rounds;
    return 0;
  });
  EXPECT_TRUE(eventually([&] { return rounds >= 3; }));
  w.stop();
}

TEST(Worker, WakeRunsARoundNowWhateverThePeriod) {
  Worker w("test-wake");
  std::atomic<int> rounds{0};
  w.start({.period = kDay}, [&]() -> std::optional<Micros> {
    ++rounds;
    return std::nullopt;
  });
  for (int i = 1; i <= 3; ++i) {
    w.wake();
    EXPECT_TRUE(eventually([&] { return rounds >= i; })) << "wake " << i;
  }
  w.stop();
}

TEST(Worker, AWakeDuringARoundIsNotLost) {
  Worker w("test-busy-wake");
  HeldFirstRound r;
  w.start({}, r.round());  // no timer at all: only wake-ups run rounds
  w.wake();
  r.wait_entered();
  w.wake();  // while the first round runs
  r.release();
  EXPECT_TRUE(eventually([&] { return r.rounds >= 2; }));
  w.stop();
}

TEST(Worker, RunAtStartRunsTheFirstRoundBeforeAnyWait) {
  Worker w("test-first");
  std::atomic<int> rounds{0};
  w.start({.period = kDay, .run_at_start = true}, [&]() -> std::optional<Micros> {
    ++rounds;
    return std::nullopt;
  });
  EXPECT_TRUE(eventually([&] { return rounds == 1; }));
  w.stop();
  EXPECT_EQ(rounds, 1);
}

TEST(Worker, StopsPromptlyFromALongWait) {
  for (const Options& o : {Options{.period = kDay}, Options{}}) {
    Worker w("test-stop");
    std::atomic<int> rounds{0};
    w.start(o, [&]() -> std::optional<Micros> {
      ++rounds;
      return std::nullopt;
    });
    w.stop();  // returns although the wait has a day (or forever) to go
    EXPECT_FALSE(w.running());
    EXPECT_TRUE(w.stopping());
    EXPECT_EQ(rounds, 0);
  }
}

TEST(Worker, ALongRoundSeesStoppingAndStopWaitsForIt) {
  Worker w("test-long-round");
  std::promise<void> entered;
  std::atomic<bool> saw_stop{false};
  w.start({.run_at_start = true}, [&]() -> std::optional<Micros> {
    entered.set_value();
    while (!w.stopping()) std::this_thread::yield();
    saw_stop = true;
    return std::nullopt;
  });
  entered.get_future().wait();
  w.stop();
  EXPECT_TRUE(saw_stop);  // stop() returned only after the round ended
}

TEST(Worker, AFinalRoundServesAWakeThatCameBeforeStop) {
  for (const bool final_round : {true, false}) {
    Worker w("test-final");
    HeldFirstRound r;
    w.start({.final_round_if_woken = final_round}, r.round());
    w.wake();
    r.wait_entered();
    w.wake();  // work handed over just before stopping
    std::thread stopper([&] { w.stop(); });
    EXPECT_TRUE(eventually([&] { return w.stopping(); }));
    r.release();
    stopper.join();
    EXPECT_EQ(r.rounds, final_round ? 2 : 1) << final_round;
  }
}

TEST(Worker, AThrowingRoundDoesNotEndTheLoop) {
  Worker w("test-throws");
  std::atomic<int> rounds{0};
  w.start({.period = 1'000}, [&]() -> std::optional<Micros> {
    if (++rounds < 3) throw std::runtime_error("boom");
    return std::nullopt;
  });
  EXPECT_TRUE(eventually([&] { return rounds >= 4; }));
  w.stop();
}

TEST(Worker, RestartsAfterStop) {
  Worker w("test-restart");
  std::atomic<int> rounds{0};
  const auto round = [&]() -> std::optional<Micros> {
    ++rounds;
    return std::nullopt;
  };
  w.start({.run_at_start = true}, round);
  EXPECT_TRUE(eventually([&] { return rounds == 1; }));
  w.stop();
  w.start({.run_at_start = true}, round);
  EXPECT_FALSE(w.stopping());
  EXPECT_TRUE(eventually([&] { return rounds == 2; }));
  w.stop();
}

}  // namespace
}  // namespace lucas::worker
