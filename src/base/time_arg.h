// A time a user typed (a query parameter, a console option): 2026-12-31 or RFC 3339 UTC.
#pragma once

#include <optional>
#include <string>

#include "base/clock.h"

namespace lucas {

// nullopt when absent or empty; INVALID_ARGUMENT naming `name` (with the text) when it is neither.
std::optional<Micros> time_argument(const std::string& name,
                                    const std::optional<std::string>& text);

}  // namespace lucas
