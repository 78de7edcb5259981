// Anonymous clients are limited by address: IPv4 whole, IPv6 by its /64 however it is written.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <arpa/inet.h>

#include <array>

#include "infra/ratelimit/address_key.h"

namespace lucas::ratelimit {
namespace {

TEST(AddressKey, Ipv4IsKeptWhole) {
  EXPECT_EQ(address_key("203.0.113.7"), "ip:203.0.113.7");
  EXPECT_NE(address_key("203.0.113.7"), address_key("203.0.113.8"));
}

TEST(AddressKey, Ipv6IsKeyedByItsSlash64InEveryWriting) {
  const std::string key = address_key("2001:db8:1:2::1");
  EXPECT_EQ(key, "ip:2001:db8:1:2::/64");
  for (const char* same :
       {"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:0db8:0001:0002:0:0:0:1", "2001:DB8:1:2:a:b:c:d",
        "[2001:db8:1:2::5]", "2001:db8:1:2::7%eth0", "2001:db8:1:2:0:0:0:0"}) {
    EXPECT_EQ(address_key(same), key) << same;
  }
  EXPECT_NE(address_key("2001:db8:1:3::1"), key);
  EXPECT_NE(address_key("2001:db8:1::1"), key);
}

TEST(AddressKey, Ipv4MappedAddressesAreTheirIpv4Address) {
  EXPECT_EQ(address_key("::ffff:203.0.113.7"), "ip:203.0.113.7");
  EXPECT_EQ(address_key("::FFFF:cb00:7107"), "ip:203.0.113.7");
  EXPECT_NE(address_key("::ffff:203.0.113.8"), address_key("::ffff:203.0.113.7"));
}

TEST(AddressKey, AnythingElseIsKeyedAsGiven) {
  EXPECT_EQ(address_key("unix-socket"), "ip:unix-socket");
  EXPECT_EQ(address_key(""), "ip:");
}

// For any two IPv6 addresses (not IPv4-mapped), the keys are equal exactly when the first 64 bits
// are, whichever way each is written.
RC_GTEST_PROP(AddressKey, Ipv6KeysEqualExactlyWhenTheSlash64sDo,
              (std::array<uint8_t, 16> a, std::array<uint8_t, 16> b, bool same_prefix)) {
  if (same_prefix) std::copy(a.begin(), a.begin() + 8, b.begin());
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  RC_PRE(!std::equal(kMapped, kMapped + 12, a.begin()) &&
         !std::equal(kMapped, kMapped + 12, b.begin()));
  char ta[INET6_ADDRSTRLEN], tb[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, a.data(), ta, sizeof ta);
  inet_ntop(AF_INET6, b.data(), tb, sizeof tb);
  // b also in its uncompressed, upper-case writing.
  char full[64];
  std::snprintf(full, sizeof full,
                "%02X%02X:%02X%02X:%02X%02X:%02X%02X:%02X%02X:%02X%02X:%02X%02X:%02X%02X", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  const bool prefix_equal = std::equal(a.begin(), a.begin() + 8, b.begin());
  RC_ASSERT((address_key(ta) == address_key(tb)) == prefix_equal);
  RC_ASSERT(address_key(tb) == address_key(full));
}

}  // namespace
}  // namespace lucas::ratelimit
