#include "base/time_arg.h"

#include "base/error.h"

namespace lucas {

std::optional<Micros> time_argument(const std::string& name,
                                    const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  const auto t = parse_rfc3339(*text);
  if (!t) {
    throw Error(
        ErrorCode::kInvalidArgument,
        name + " must be a date (2026-12-31) or an RFC 3339 UTC time (2026-12-31T10:00:00Z)",
        {{name, text->substr(0, 64)}});
  }
  return t;
}

}  // namespace lucas
