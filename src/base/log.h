#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"

namespace lucas {

// Configures the process-wide logger (stderr). `format` is "text" or "json". Calling it again
// replaces the logger.
void setup_logging(const std::string& level, const std::string& format);

// One line of the JSON log format (with its newline): {"time": RFC 3339 UTC with microseconds,
// "level", "msg"}. Every field is a JSON string with quotes, backslashes and control characters
// escaped and invalid UTF-8 replaced (U+FFFD), so any message keeps one valid line.
std::string json_log_line(Micros time, std::string_view level, std::string_view message);

}  // namespace lucas
