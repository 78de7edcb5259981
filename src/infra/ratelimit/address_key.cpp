#include "infra/ratelimit/address_key.h"

#include <arpa/inet.h>

#include <cstring>

namespace lucas::ratelimit {

std::string address_key(std::string_view address) {
  std::string text(address);
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  if (const size_t zone = text.find('%'); zone != std::string::npos) text.resize(zone);
  unsigned char v4[4];
  if (inet_pton(AF_INET, text.c_str(), v4) == 1) {
    char out[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, v4, out, sizeof out);
    return std::string("ip:") + out;
  }
  unsigned char v6[16];
  if (inet_pton(AF_INET6, text.c_str(), v6) != 1) return "ip:" + std::string(address);
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6, kMapped, sizeof kMapped) == 0) {
    char out[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, v6 + 12, out, sizeof out);
    return std::string("ip:") + out;
  }
  std::memset(v6 + 8, 0, 8);  // the interface half: the /64 is the client
  char out[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, v6, out, sizeof out);
  return std::string("ip:") + out + "/64";
}

}  // namespace lucas::ratelimit
