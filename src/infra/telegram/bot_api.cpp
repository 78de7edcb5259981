#include "infra/telegram/bot_api.h"

#include <curl/curl.h>

#include <mutex>

namespace lucas::telegram {
namespace {

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

HttpBotApi::HttpBotApi(std::string base_url, std::string token, int timeout_s)
    : base_url_(std::move(base_url)), token_(std::move(token)), timeout_s_(timeout_s) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
  global_init();
}

HttpBotApi::~HttpBotApi() = default;

ApiResult HttpBotApi::call(const std::string& method, const nlohmann::json& params) {
  ApiResult out;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    out.description = "curl init failed";
    return out;
  }
  const std::string url = base_url_ + "/bot" + token_ + "/" + method;
  const std::string body = params.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout_s_));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    out.description = curl_easy_strerror(rc);  // names no URL, so the token stays out of logs
    return out;
  }
  const auto j = nlohmann::json::parse(response, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.error_code = static_cast<int>(status);
    out.description = "unreadable answer from the Bot API";
    return out;
  }
  out.ok = j.value("ok", false);
  if (out.ok) {
    out.result = j.contains("result") ? j.at("result") : nlohmann::json();
    return out;
  }
  out.error_code = j.value("error_code", static_cast<int>(status));
  out.description = j.value("description", std::string());
  if (auto p = j.find("parameters"); p != j.end() && p->is_object() && p->contains("retry_after")) {
    out.retry_after = p->at("retry_after").get<int>();
  }
  return out;
}

}  // namespace lucas::telegram
