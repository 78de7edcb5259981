// Property 14 on the pricing rule itself: for any purchase history and any bounds, every daily
// adjustment stays within ±20 % of the old price and within [min, max]; more buying never lowers
// the price and less never raises it; the seasonal price stays within the bounds.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "features/economy/economy.h"

namespace lucas::economy {
namespace {

TEST(Pricing, Property14_AnyPurchaseHistoryMovesThePriceAtMost20PercentWithinBounds) {
  const bool ok = rc::check("every adjustment within ±20 % and [min, max]", [] {
    const int64_t min = *rc::gen::inRange<int64_t>(1, 1'000'000);
    const int64_t max = min + *rc::gen::inRange<int64_t>(0, 100'000'000);
    int64_t price = *rc::gen::inRange<int64_t>(min, max + 1);
    const auto days = *rc::gen::container<std::vector<std::pair<int64_t, int64_t>>>(rc::gen::pair(
        rc::gen::inRange<int64_t>(0, 1'000'000), rc::gen::inRange<int64_t>(0, 1'000'000)));
    for (const auto& [recent, before] : days) {
      const int64_t next = next_price(price, recent, before, min, max);
      RC_ASSERT(next >= min);
      RC_ASSERT(next <= max);
      RC_ASSERT((next - price) * 10 <= price * 2);  // at most +20 %
      RC_ASSERT((price - next) * 10 <= price * 2);  // at most -20 %
      if (recent > before) RC_ASSERT(next >= price);
      if (recent < before) RC_ASSERT(next <= price);
      if (recent == before) RC_ASSERT(next == price);
      const int pct = *rc::gen::inRange(kMinSeasonalPct, kMaxSeasonalPct + 1);
      const int64_t shown = shown_price(next, pct, min, max);
      RC_ASSERT(shown >= min && shown <= max);
      price = next;
    }
  });
  EXPECT_TRUE(ok);
}

TEST(Pricing, TheFormulaAsDocumented) {
  EXPECT_EQ(demand_step_bp(0, 0), 0);
  EXPECT_EQ(demand_step_bp(10, 0), 2000);  // f = 0.5 -> +25 %, bounded to +20 %
  EXPECT_EQ(demand_step_bp(5, 5), 0);
  EXPECT_EQ(demand_step_bp(15, 5), 1666);   // f = 10 / 30 -> +16.66 %
  EXPECT_EQ(demand_step_bp(0, 30), -2000);  // f = -0.75 -> -37.5 %, bounded to -20 %
  EXPECT_EQ(next_price(10'000, 15, 5, 1, 100'000), 11'666);
  EXPECT_EQ(next_price(10'000, 15, 5, 1, 11'000), 11'000);  // clamped to max
  EXPECT_EQ(shown_price(10'000, 150, 1, 100'000), 15'000);
  EXPECT_EQ(shown_price(10'000, 150, 1, 12'000), 12'000);
  EXPECT_THROW(next_price(50, 1, 0, 100, 200), Error);  // outside its bounds: refused
}

}  // namespace
}  // namespace lucas::economy
