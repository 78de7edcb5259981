// The client address behind trusted reverse proxies, and property-tested: whatever a client
// writes into X-Forwarded-For, it cannot pose as an address the trusted proxies did not see.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "infra/http/forwarded.h"

namespace lucas::http {
namespace {

Request from(const std::string& peer, const std::string& xff = "", const std::string& real = "") {
  Request r;
  r.remote_addr = peer;
  if (!xff.empty()) r.headers["x-forwarded-for"] = xff;
  if (!real.empty()) r.headers["x-real-ip"] = real;
  return r;
}

TEST(ClientAddress, OnlyTrustedProxiesSpeakForTheClient) {
  const std::vector<std::string> proxies{"127.0.0.1", "10.0.0.10"};
  EXPECT_EQ(client_address(from("203.0.113.5", "1.2.3.4"), proxies), "203.0.113.5");
  EXPECT_EQ(client_address(from("127.0.0.1", "198.51.100.7"), proxies), "198.51.100.7");
  // The client's own entries (left) prove nothing; the right-most untrusted hop is the client.
  EXPECT_EQ(client_address(from("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.10"), proxies),
            "198.51.100.7");
  EXPECT_EQ(client_address(from("127.0.0.1", "garbage, 198.51.100.7"), proxies), "198.51.100.7");
  EXPECT_EQ(client_address(from("127.0.0.1", "198.51.100.7, garbage"), proxies), "127.0.0.1");
  EXPECT_EQ(client_address(from("127.0.0.1", "", "2001:db8::1"), proxies), "2001:db8::1");
  EXPECT_EQ(client_address(from("127.0.0.1"), proxies), "127.0.0.1");
  EXPECT_EQ(client_address(from("127.0.0.1", "198.51.100.7"), {}), "127.0.0.1");
}

TEST(ClientAddress, ParsesTheTrustedList) {
  EXPECT_EQ(parse_address_list(" 127.0.0.1, ::1 ,10.0.0.10"),
            (std::vector<std::string>{"127.0.0.1", "::1", "10.0.0.10"}));
  EXPECT_TRUE(parse_address_list("").empty());
  EXPECT_THROW(parse_address_list("127.0.0.1,nginx"), std::invalid_argument);
  EXPECT_THROW(parse_address_list("10.0.0.0/8"), std::invalid_argument);
}

// For any header a client sends through one trusted proxy (which appends the peer it saw), the
// address found is the one that proxy saw.
RC_GTEST_PROP(ClientAddressProperty, AClientCannotChooseItsAddress, ()) {
  const int a = *rc::gen::inRange(1, 224), b = *rc::gen::inRange(0, 256);
  const std::string seen = std::to_string(a) + ".0.2." + std::to_string(b);
  const auto junk = *rc::gen::container<std::vector<std::string>>(
      rc::gen::oneOf(rc::gen::just(std::string("127.0.0.1")), rc::gen::just(std::string("8.8.8.8")),
                     rc::gen::arbitrary<std::string>()));
  std::string xff;
  for (const auto& j : junk) {
    if (j.find(',') != std::string::npos) continue;
    xff += (xff.empty() ? "" : ", ") + j;
  }
  xff += (xff.empty() ? "" : ", ") + seen;
  RC_ASSERT(client_address(from("127.0.0.1", xff), {"127.0.0.1"}) == seen);
}

}  // namespace
}  // namespace lucas::http
