// redis:// URLs: parsing (never echoing a password) and their masked description.
#include <charconv>
#include <stdexcept>

#include "infra/redis/redis.h"

namespace lucas::redis {

namespace {

int parse_port_or_db(const std::string& s, int lo, int hi, const char* what) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) {
    throw std::invalid_argument(std::string("bad redis ") + what + " '" + s + "'");
  }
  return v;
}

}  // namespace

Url parse_url(const std::string& text) {
  const std::string scheme = "redis://";
  if (text.rfind(scheme, 0) != 0) {
    throw std::invalid_argument("a redis URL starts with redis://");
  }
  std::string rest = text.substr(scheme.size());
  Url u;
  const size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    const std::string auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = auth.find(':');
    if (colon == std::string::npos) {
      u.password = auth;
    } else {
      u.user = auth.substr(0, colon);
      u.password = auth.substr(colon + 1);
    }
  }
  const size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  if (slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    if (!db.empty()) u.db = parse_port_or_db(db, 0, 100000, "database number");
  }
  std::string port;
  if (!hostport.empty() && hostport.front() == '[') {  // [::1]:6379
    const size_t close = hostport.find(']');
    if (close == std::string::npos) throw std::invalid_argument("bad redis host");
    u.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') throw std::invalid_argument("bad redis host");
      port = hostport.substr(close + 2);
    }
  } else {
    const size_t colon = hostport.rfind(':');
    u.host = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
  }
  if (u.host.empty()) throw std::invalid_argument("a redis URL needs a host");
  if (!port.empty() || hostport.back() == ':') u.port = parse_port_or_db(port, 1, 65535, "port");
  return u;
}

std::string Url::describe() const {
  std::string auth;
  if (!password.empty()) auth = (user.empty() ? "" : user) + ":***@";
  const bool v6 = host.find(':') != std::string::npos;
  return "redis://" + auth + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port) + "/" +
         std::to_string(db);
}

}  // namespace lucas::redis
