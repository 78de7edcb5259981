#include "base/log.h"

#include <fmt/format.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

#include "base/log_ring.h"

namespace lucas {
namespace {

std::string escaped(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// spdlog's pattern formatter pastes the message into the line as it is; this one escapes it.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line =
        json_log_line(micros, std::string_view(level.data(), level.size()),
                      std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// Every line the logger writes also goes to the process's ring (log_ring.h) for the admin panel.
class RingSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const auto level = static_cast<size_t>(msg.level);
    if (level >= kLogLevels) return;
    log_ring().append(
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count(),
        static_cast<LogLevel>(level), std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}
};

}  // namespace

std::string json_log_line(Micros time, std::string_view level, std::string_view message) {
  int64_t micros = time % 1'000'000;
  Micros whole = time / 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    --whole;
  }
  const auto seconds = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{{\"time\":\"{}.{:06d}Z\",\"level\":{},\"msg\":{}}}\n", stamp, micros,
                     escaped(level), escaped(message));
}

void setup_logging(const std::string& level, const std::string& format) {
  spdlog::drop("lucas");
  auto logger = spdlog::stderr_color_mt("lucas");
  logger->sinks().push_back(std::make_shared<RingSink>());
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  }
  spdlog::flush_on(spdlog::level::warn);
}

}  // namespace lucas
