// The console's progress line for long work (backups, imports, copies, audit checks): on a
// terminal each update replaces the last one on standard error; elsewhere (a log file, CI) an
// update is written as its own line at most once a second, so logs stay short. done() clears
// the terminal line before the result is printed on standard output.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace lucas {

class ConsoleProgress {
 public:
  ConsoleProgress();
  ~ConsoleProgress() { done(); }
  ConsoleProgress(const ConsoleProgress&) = delete;
  ConsoleProgress& operator=(const ConsoleProgress&) = delete;

  void operator()(const std::string& line);
  // For services that take a progress callback (it refers to this object).
  std::function<void(const std::string&)> callback() {
    return [this](const std::string& line) { (*this)(line); };
  }
  void done();

 private:
  bool terminal_ = false;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace lucas
