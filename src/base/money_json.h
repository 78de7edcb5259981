// Money in the API's JSON: {"currency": "COIN", "amount": "12.34"} — the amount an exact decimal
// string with the currency's scale, never a floating-point number.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "base/money.h"

namespace lucas {

inline nlohmann::json money_json(const std::string& currency, int scale, int64_t amount) {
  return {{"currency", currency}, {"amount", format_amount(amount, scale)}};
}

}  // namespace lucas
