// DecodeMemo: an entry's text is decoded once per thread while it stays the same; another text,
// another key or a failed decode is decoded again.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <thread>

#include "base/decode_memo.h"

namespace lucas {
namespace {

TEST(DecodeMemo, DecodesEachKeyAndTextOnceAndFailuresEveryTime) {
  DecodeMemo<int, 8> memo;
  int calls = 0;
  const auto length = [&](const std::string& raw) -> std::optional<int> {
    ++calls;
    if (raw == "bad") return std::nullopt;
    return static_cast<int>(raw.size());
  };
  EXPECT_EQ(memo.get("k", "abc", length), 3);
  EXPECT_EQ(memo.get("k", "abc", length), 3);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(memo.get("k", "abcd", length), 4);  // the entry changed
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(memo.get("other", "abcd", length), 4);  // the same text under another key
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(memo.get("k", "bad", length));
  EXPECT_FALSE(memo.get("k", "bad", length));
  EXPECT_EQ(calls, 5);
  // Another thread has its own memo (callers declare it thread_local, where every thread passes
  // the declaration).
  const auto on_this_thread = [&] {
    thread_local DecodeMemo<int, 8> mine;
    return mine.get("k", "xy", length);
  };
  EXPECT_EQ(on_this_thread(), 2);
  std::thread([&] { EXPECT_EQ(on_this_thread(), 2); }).join();
  EXPECT_EQ(on_this_thread(), 2);
  EXPECT_EQ(calls, 7);
}

// For any sequence of lookups, the memo answers exactly what decoding would, whatever the
// collisions in its few slots.
TEST(DecodeMemo, AnswersWhatDecodingWouldForAnyLookups) {
  const bool ok = rc::check("memo == decode", [] {
    DecodeMemo<std::string, 4> memo;
    // The decoded value depends on the key, as a MAC bound to it does.
    const auto decode = [](const std::string& key,
                           const std::string& raw) -> std::optional<std::string> {
      if (raw.empty()) return std::nullopt;
      return key + ":" + raw;
    };
    const auto lookups = *rc::gen::container<std::vector<std::pair<std::string, std::string>>>(
        rc::gen::pair(rc::gen::elementOf(std::vector<std::string>{"a", "b", "c"}),
                      rc::gen::elementOf(std::vector<std::string>{"", "x", "y", "zz", "w"})));
    for (const auto& [key, raw] : lookups) {
      const auto got = memo.get(key, raw, [&](const std::string& r) { return decode(key, r); });
      RC_ASSERT(got == decode(key, raw));
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace lucas
