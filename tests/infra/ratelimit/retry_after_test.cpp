// The one rate-limit -> retry-after conversion (issue 16 point 6): every face tells a refused
// client the same whole number of seconds, and waiting that long is enough.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "infra/ratelimit/limiter.h"

namespace lucas::ratelimit {
namespace {

Decision refused(Micros retry_after) {
  Decision d;
  d.allowed = false;
  d.retry_after = retry_after;
  return d;
}

TEST(RetryAfter, RoundsUpToWholeSeconds) {
  EXPECT_EQ(retry_after_s(Decision{}), 0);  // allowed: nothing to wait
  EXPECT_EQ(retry_after_s(refused(1)), 1);
  EXPECT_EQ(retry_after_s(refused(999'999)), 1);
  EXPECT_EQ(retry_after_s(refused(1'000'000)), 1);
  EXPECT_EQ(retry_after_s(refused(1'000'001)), 2);
  EXPECT_EQ(retry_after_s(refused(3'600'000'000)), 3600);  // the longest penalty
}

RC_GTEST_PROP(RetryAfter, IsTheLeastWholeNumberOfSecondsCoveringTheWait, ()) {
  const Micros wait = *rc::gen::inRange<Micros>(1, 3'600'000'001);
  const int s = retry_after_s(refused(wait));
  RC_ASSERT(Micros{s} * 1'000'000 >= wait);
  RC_ASSERT(Micros{s - 1} * 1'000'000 < wait);
}

// A client refused by a window and told N seconds is let in after waiting exactly N seconds.
RC_GTEST_PROP(RetryAfter, WaitingTheToldSecondsIsEnough, ()) {
  ManualClock clock(1'767'225'600'000'000);
  MemoryLimiter limiter(clock);
  const Policy policy{"t", *rc::gen::inRange(1, 5), *rc::gen::inRange<Micros>(1, 120'000'000)};
  for (int i = 0; i < policy.limit; ++i) {
    RC_ASSERT(limiter.check("k", policy).allowed);
    clock.advance(*rc::gen::inRange<Micros>(0, policy.window / policy.limit + 1));
  }
  const Decision d = limiter.check("k", policy);
  if (d.allowed) return;  // the first requests already left the window
  clock.advance(Micros{retry_after_s(d)} * 1'000'000);
  RC_ASSERT(limiter.check("k", policy).allowed);
}

}  // namespace
}  // namespace lucas::ratelimit
