// Dynamic pricing: pure functions, documented in economy.h and docs/economy.md.
#include <algorithm>

#include "base/error.h"
#include "features/economy/economy.h"

namespace lucas::economy {

int64_t demand_step_bp(int64_t recent, int64_t before) {
  recent = std::max<int64_t>(recent, 0);
  before = std::max<int64_t>(before, 0);
  // f = (recent - before) / (recent + before + 10); step = f / 2, in basis points, within ±20 %.
  // Counts are clamped first so that the products below cannot overflow.
  constexpr int64_t kCap = int64_t{1} << 40;
  recent = std::min(recent, kCap);
  before = std::min(before, kCap);
  const int64_t step = (recent - before) * 5000 / (recent + before + 10);
  return std::clamp(step, -kMaxStepBp, kMaxStepBp);
}

int64_t next_price(int64_t current, int64_t recent, int64_t before, int64_t min_price,
                   int64_t max_price) {
  if (min_price < 1 || max_price < min_price || current < min_price || current > max_price) {
    throw Error(ErrorCode::kInvalidArgument, "the price must lie within 1 <= min <= max",
                {{"price", current}, {"min_price", min_price}, {"max_price", max_price}});
  }
  // current <= max_price <= 10^15 (the catalogue's bound), so current * 2000 fits in int64.
  const int64_t delta = current * demand_step_bp(recent, before) / 10'000;
  return std::clamp(current + delta, min_price, max_price);
}

int64_t shown_price(int64_t price, int seasonal_pct, int64_t min_price, int64_t max_price) {
  const int pct = std::clamp(seasonal_pct, kMinSeasonalPct, kMaxSeasonalPct);
  return std::clamp(price / 100 * pct + price % 100 * pct / 100, min_price, max_price);
}

}  // namespace lucas::economy
