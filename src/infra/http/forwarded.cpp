#include "infra/http/forwarded.h"

#include <arpa/inet.h>

#include <algorithm>
#include <stdexcept>

namespace lucas::http {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

bool is_address(const std::string& s) {
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    out.push_back(trim(text.substr(start, comma == std::string::npos ? comma : comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

std::vector<std::string> parse_address_list(const std::string& text) {
  std::vector<std::string> out;
  if (trim(text).empty()) return out;
  for (auto& a : split(text)) {
    if (!is_address(a)) throw std::invalid_argument(a);
    out.push_back(a);
  }
  return out;
}

std::string client_address(const Request& req, const std::vector<std::string>& trusted_proxies) {
  const auto trusted = [&](const std::string& a) {
    return std::find(trusted_proxies.begin(), trusted_proxies.end(), a) != trusted_proxies.end();
  };
  if (!trusted(req.remote_addr)) return req.remote_addr;
  const std::string xff = req.header("x-forwarded-for");
  if (!xff.empty()) {
    const auto hops = split(xff);
    std::string last_trusted = req.remote_addr;
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
      if (!is_address(*it)) return last_trusted;
      if (!trusted(*it)) return *it;
      last_trusted = *it;
    }
    return last_trusted;
  }
  const std::string real = trim(req.header("x-real-ip"));
  if (is_address(real)) return real;
  return req.remote_addr;
}

}  // namespace lucas::http
