// The live logs' ring (base/log_ring.h): the newest lines kept, read after a cursor by level and
// text, a gap said when lines were dropped unread, a cursor from an earlier run starts over, long
// messages cut on a UTF-8 boundary; and the logger that setup_logging() installs feeds it.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "base/log.h"
#include "base/log_ring.h"

namespace lucas {
namespace {

std::vector<std::string> messages(const LogPage& page) {
  std::vector<std::string> out;
  for (const auto& l : page.lines) out.push_back(l.message);
  return out;
}

TEST(LogRing, KeepsTheNewestLinesAndSaysWhenUnreadOnesWereDropped) {
  LogRing ring(3);
  for (int i = 1; i <= 5; ++i) ring.append(i, LogLevel::kInfo, "line " + std::to_string(i));
  auto page = ring.read({});
  EXPECT_EQ(messages(page), (std::vector<std::string>{"line 3", "line 4", "line 5"}));
  EXPECT_EQ(page.oldest, 3u);
  EXPECT_EQ(page.last, 5u);
  EXPECT_EQ(page.next_after, 5u);
  EXPECT_TRUE(page.gap);  // lines 1 and 2 were never read
  EXPECT_EQ(page.lines[0].seq, 3u);
  EXPECT_EQ(page.lines[0].time, 3);

  page = ring.read({3});  // a reader that saw line 3 missed nothing
  EXPECT_FALSE(page.gap);
  EXPECT_EQ(messages(page), (std::vector<std::string>{"line 4", "line 5"}));
  page = ring.read({5});
  EXPECT_TRUE(page.lines.empty());
  EXPECT_EQ(page.next_after, 5u);
  EXPECT_FALSE(page.restarted);
}

TEST(LogRing, FiltersByLevelAndTextAndTheCursorSkipsWhatItLookedAt) {
  LogRing ring(100);
  ring.append(1, LogLevel::kDebug, "cache miss user 7");
  ring.append(2, LogLevel::kWarn, "telegram: 429, retrying");
  ring.append(3, LogLevel::kInfo, "credited user 7");
  ring.append(4, LogLevel::kError, "database is not reachable");
  ring.append(5, LogLevel::kInfo, "served");

  auto page = ring.read({0, LogLevel::kWarn});
  EXPECT_EQ(messages(page),
            (std::vector<std::string>{"telegram: 429, retrying", "database is not reachable"}));
  EXPECT_EQ(page.next_after, 5u);  // the info line after the error was looked at too

  page = ring.read({0, LogLevel::kTrace, "user 7"});
  EXPECT_EQ(messages(page), (std::vector<std::string>{"cache miss user 7", "credited user 7"}));

  page = ring.read({0, LogLevel::kTrace, {}, 2});  // a limit: the oldest two, and where it stopped
  EXPECT_EQ(messages(page),
            (std::vector<std::string>{"cache miss user 7", "telegram: 429, retrying"}));
  EXPECT_EQ(page.next_after, 2u);

  EXPECT_EQ(page.counts[static_cast<size_t>(LogLevel::kInfo)], 2u);
  EXPECT_EQ(page.counts[static_cast<size_t>(LogLevel::kError)], 1u);
  EXPECT_EQ(page.counts[static_cast<size_t>(LogLevel::kCritical)], 0u);
}

TEST(LogRing, ACursorFromAnEarlierRunStartsOver) {
  LogRing ring(10);
  ring.append(1, LogLevel::kInfo, "started");
  const auto page = ring.read({900});
  EXPECT_TRUE(page.restarted);
  EXPECT_EQ(messages(page), (std::vector<std::string>{"started"}));
  EXPECT_EQ(page.next_after, 1u);
}

TEST(LogRing, LongMessagesAreCutOnACharacterBoundary) {
  LogRing ring(10, 7);
  ring.append(1, LogLevel::kInfo, "абвгд");  // 10 bytes: the 4th letter would be split at 7
  ring.append(2, LogLevel::kInfo, "short");
  const auto page = ring.read({});
  ASSERT_EQ(page.lines.size(), 2u);
  EXPECT_EQ(page.lines[0].message, "абв");
  EXPECT_TRUE(page.lines[0].cut);
  EXPECT_EQ(page.lines[1].message, "short");
  EXPECT_FALSE(page.lines[1].cut);
}

TEST(LogRing, LevelsHaveTheirNames) {
  EXPECT_EQ(parse_log_level("warn"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("critical"), LogLevel::kCritical);
  EXPECT_EQ(parse_log_level("WARN"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
  for (size_t i = 0; i < kLogLevels; ++i) {
    const auto level = static_cast<LogLevel>(i);
    EXPECT_EQ(parse_log_level(log_level_name(level)), level);
  }
}

TEST(LogRing, TheProcessLoggerFeedsTheRing) {
  const auto previous = spdlog::default_logger();
  ::testing::internal::CaptureStderr();
  setup_logging("info", "json");
  const uint64_t before = log_ring().read({0, LogLevel::kCritical, {}, 0}).last;
  spdlog::warn("ring check {}", 42);
  spdlog::debug("below the logger's level");
  ::testing::internal::GetCapturedStderr();
  spdlog::drop("lucas");
  spdlog::set_default_logger(previous);
  const auto page = log_ring().read({before});
  ASSERT_EQ(page.lines.size(), 1u);
  EXPECT_EQ(page.lines[0].message, "ring check 42");
  EXPECT_EQ(page.lines[0].level, LogLevel::kWarn);
}

// For any sequence of lines and any page size, a reader that follows next_after at one level sees
// every line at that level or above exactly once, in order, when nothing was dropped; and with a
// smaller ring it sees exactly the kept ones, told of the gap.
RC_GTEST_PROP(LogRingProperty, FollowingTheCursorReadsEveryMatchingLineOnce, ()) {
  const auto levels = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 6));
  const auto min_level = static_cast<LogLevel>(*rc::gen::inRange(0, 6));
  const auto limit = static_cast<size_t>(*rc::gen::inRange(1, 8));
  const auto capacity = static_cast<size_t>(*rc::gen::inRange(1, 40));
  LogRing ring(capacity);
  for (size_t i = 0; i < levels.size(); ++i) {
    ring.append(static_cast<Micros>(i), static_cast<LogLevel>(levels[i]), std::to_string(i + 1));
  }
  std::vector<std::string> expected;
  const size_t first_kept = levels.size() > capacity ? levels.size() - capacity : 0;
  for (size_t i = first_kept; i < levels.size(); ++i) {
    if (levels[i] >= static_cast<int>(min_level)) expected.push_back(std::to_string(i + 1));
  }
  std::vector<std::string> seen;
  uint64_t cursor = 0;
  bool gap = false;
  for (size_t round = 0; round <= levels.size() + 1; ++round) {
    const auto page = ring.read({cursor, min_level, {}, limit});
    RC_ASSERT(page.lines.size() <= limit);
    gap = gap || page.gap;
    for (const auto& l : page.lines) seen.push_back(l.message);
    if (page.next_after == cursor) break;
    cursor = page.next_after;
  }
  RC_ASSERT(seen == expected);
  RC_ASSERT(cursor == levels.size());
  RC_ASSERT(gap == (first_kept > 0));
}

}  // namespace
}  // namespace lucas
