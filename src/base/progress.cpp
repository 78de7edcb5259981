#include "base/progress.h"

#include <unistd.h>

#include <iostream>

namespace lucas {

ConsoleProgress::ConsoleProgress() : terminal_(isatty(STDERR_FILENO) == 1) {}

void ConsoleProgress::operator()(const std::string& line) {
  if (terminal_) {
    std::cerr << "\r\033[K" << line << std::flush;
    shown_ = true;
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (last_ != std::chrono::steady_clock::time_point{} && now - last_ < std::chrono::seconds(1)) {
    return;
  }
  last_ = now;
  std::cerr << line << "\n";
}

void ConsoleProgress::done() {
  if (terminal_ && shown_) std::cerr << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace lucas
