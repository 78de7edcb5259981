#pragma once

#include <string>

namespace lucas {

// Configures the process-wide logger (stderr). `format` is "text" or "json".
void setup_logging(const std::string& level, const std::string& format);

}  // namespace lucas
