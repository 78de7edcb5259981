// JSON logs: one valid JSON object per line whatever a message holds (quotes, backslashes, line
// breaks, control characters, broken UTF-8).
#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "base/log.h"

namespace lucas {
namespace {

const std::string kNasty = "a \"quoted\" \\path\\ and\nsecond line\r\t\x01 bell \xff end Привет";

TEST(JsonLog, EveryFieldIsEscaped) {
  const std::string line = json_log_line(1'767'225'600'123'456, "warning", kNasty);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2026-01-01T00:00:00.123456Z");
  EXPECT_EQ(j["level"], "warning");
  const std::string msg = j["msg"];
  EXPECT_NE(msg.find("a \"quoted\" \\path\\ and\nsecond line"), std::string::npos) << msg;
  EXPECT_NE(msg.find("\xEF\xBF\xBD end Привет"), std::string::npos) << msg;  // U+FFFD
}

// Through the logger `lucas serve` sets up: stderr, log.format = json.
TEST(JsonLog, TheJsonLoggerWritesOneParsableLinePerMessage) {
  const auto previous = spdlog::default_logger();
  ::testing::internal::CaptureStderr();
  setup_logging("info", "json");
  spdlog::info("user said {}", kNasty);
  spdlog::default_logger()->flush();
  const std::string out = ::testing::internal::GetCapturedStderr();
  spdlog::drop("lucas");
  spdlog::set_default_logger(previous);
  std::istringstream lines(out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not one JSON object: " << line;
    EXPECT_EQ(j["level"], "info");
    EXPECT_NE(j["msg"].get<std::string>().find("second line"), std::string::npos);
  }
  EXPECT_EQ(n, 1) << out;
}

}  // namespace
}  // namespace lucas
