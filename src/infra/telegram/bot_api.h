// The Telegram Bot API as the platform calls it. HttpBotApi talks to a configurable base URL
// (the real API, a local Bot API server, or an emulator); tests use their own implementation.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace lucas::telegram {

struct ApiResult {
  bool ok = false;
  nlohmann::json result;
  int error_code = 0;  // HTTP-like code from Telegram; 0 for a network failure
  std::string description;
  std::optional<int> retry_after;  // seconds, on 429
};

class BotApi {
 public:
  virtual ~BotApi() = default;
  virtual ApiResult call(const std::string& method, const nlohmann::json& params) = 0;
};

class HttpBotApi final : public BotApi {
 public:
  // base_url like "https://api.telegram.org"; the token is never logged.
  HttpBotApi(std::string base_url, std::string token, int timeout_s = 15);
  ~HttpBotApi() override;
  ApiResult call(const std::string& method, const nlohmann::json& params) override;

 private:
  std::string base_url_;
  std::string token_;
  int timeout_s_;
};

}  // namespace lucas::telegram
