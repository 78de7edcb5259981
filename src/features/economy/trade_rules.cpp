// The trade's pure rules: the fee and Property 16's lopsidedness.
#include "features/economy/trade.h"

#include <algorithm>

#include "base/money.h"

namespace lucas::economy {

int64_t trade_fee(int64_t coins) {
  if (coins <= 0) return 0;
  // 5 % = 1/20, rounded up to the minor unit (no overflow: no product).
  return coins / 20 + (coins % 20 != 0 ? 1 : 0);
}

bool lopsided(int64_t value_a, int64_t value_b) {
  const int64_t low = std::min(value_a, value_b);
  const int64_t high = std::max(value_a, value_b);
  if (high <= 0) return false;
  // low < high * 10 / 100, i.e. 10 * low < high, without the product: high = 10q + r.
  constexpr int64_t kDivisor = 100 / kLowValuePercent;
  const int64_t q = high / kDivisor;
  const int64_t r = high % kDivisor;
  return low < q || (low == q && r > 0);
}

std::string describe_side(const TradeSide& side, const std::string& language) {
  const bool en = language == "en";
  std::string out;
  const auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  for (const auto& l : side.items) {
    std::string serials;
    for (const auto s : l.serials) serials += (serials.empty() ? " (№ " : ", ") + std::to_string(s);
    if (!serials.empty()) serials += ")";
    const std::string& name = en ? l.name_en : l.name_ru;
    add(std::to_string(l.quantity) + " × " +
        (name.empty() ? "#" + std::to_string(l.item_id) : name) + serials);
  }
  if (side.coins > 0) add(format_amount(side.coins, 2) + (en ? " coins" : " монет"));
  return out.empty() ? "—" : out;
}

std::optional<int64_t> trade_beneficiary(const Trade& t) {
  if (!lopsided(t.give_value, t.want_value)) return std::nullopt;
  return t.give_value > t.want_value ? t.to : t.from;
}

}  // namespace lucas::economy
