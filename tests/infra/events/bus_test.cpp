// The in-process bus: channel routing, unsubscribe, and a throwing subscriber that does not stop
// the others.
#include <gtest/gtest.h>

#include <vector>

#include "infra/events/bus.h"

namespace lucas::events {
namespace {

TEST(LocalBus, DeliversToEverySubscriberOfTheChannelOnly) {
  LocalBus bus;
  std::vector<std::string> a, b;
  const auto ida = bus.subscribe(
      "ws", [&](const std::string& ch, const std::string& m) { a.push_back(ch + ":" + m); });
  bus.subscribe("ws", [&](const std::string&, const std::string&) {
    throw std::runtime_error("broken subscriber");
  });
  bus.subscribe("cache", [&](const std::string&, const std::string& m) { b.push_back(m); });
  bus.publish("ws", "hello");
  bus.publish("cache", "user:1");
  bus.publish("nobody", "x");
  EXPECT_EQ(a, (std::vector<std::string>{"ws:hello"}));
  EXPECT_EQ(b, (std::vector<std::string>{"user:1"}));
  bus.unsubscribe(ida);
  bus.publish("ws", "again");
  EXPECT_EQ(a.size(), 1u);
  EXPECT_THROW(bus.publish("", "x"), std::invalid_argument);
}

}  // namespace
}  // namespace lucas::events
