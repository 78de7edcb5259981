// The throttled sender against a scripted Bot API and a manual clock.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <map>

#include "infra/telegram/sender.h"

namespace lucas::telegram {
namespace {

struct FakeApi : BotApi {
  struct Call {
    int64_t chat;
    Micros at;
    std::string text;
    std::string method = "sendMessage";
    nlohmann::json params = nullptr;
  };
  explicit FakeApi(const Clock& c) : clock(c) {}
  ApiResult call(const std::string& method, const nlohmann::json& p) override {
    calls.push_back({p.value("chat_id", int64_t{0}), clock.now(), p.value("text", ""), method, p});
    if (!script.empty()) {
      ApiResult r = script.front();
      script.pop_front();
      return r;
    }
    ApiResult ok;
    ok.ok = true;
    return ok;
  }
  const Clock& clock;
  std::vector<Call> calls;
  std::deque<ApiResult> script;  // results to return first, in order
};

ApiResult fail(int code, std::optional<int> retry_after = std::nullopt) {
  ApiResult r;
  r.error_code = code;
  r.retry_after = retry_after;
  r.description = "scripted";
  return r;
}

// Runs the sender until nothing is queued, jumping the clock to each due time.
void run(Sender& s, ManualClock& clock, int max_steps = 10'000) {
  for (int i = 0; i < max_steps; ++i) {
    auto next = s.pump();
    if (!next) return;
    if (*next > clock.now()) clock.set(*next);
  }
  FAIL() << "the sender did not finish";
}

struct SenderTest : ::testing::Test {
  ManualClock clock{1'000'000'000};
  FakeApi api{clock};
};

// A button press: its answer goes at once (it posts nothing, so the chat's pacing does not hold
// it), then the edit of the keyboard's message, paced like a message; a keyboard travels as
// reply_markup.
TEST_F(SenderTest, AnswersToPressesSkipThePacingAndEditsKeepIt) {
  Sender s(api, clock);
  Outgoing first{-100, "first", 0, 0};
  s.enqueue(first);
  Outgoing ack;
  ack.chat_id = -100;
  ack.callback_query_id = "q1";
  ack.text = std::string(300, 'x');
  Outgoing edit{-100, "edited", 0, 0};
  edit.edit_message_id = 77;
  edit.reply_markup = {{"inline_keyboard", {{{{"text", "Day"}, {"callback_data", "/top daily"}}}}}};
  s.enqueue(ack);
  s.enqueue(edit);
  run(s, clock);
  ASSERT_EQ(api.calls.size(), 3u);
  EXPECT_EQ(api.calls[0].method, "sendMessage");
  EXPECT_EQ(api.calls[1].method, "answerCallbackQuery");
  EXPECT_EQ(api.calls[1].at, api.calls[0].at) << "the answer waits for no pacing";
  EXPECT_EQ(api.calls[1].params.at("callback_query_id"), "q1");
  EXPECT_EQ(api.calls[1].text.size(), 200u) << "Telegram shows at most 200 characters";
  EXPECT_EQ(api.calls[2].method, "editMessageText");
  EXPECT_EQ(api.calls[2].params.at("message_id"), 77);
  EXPECT_EQ(api.calls[2].params.at("reply_markup"), edit.reply_markup);
  EXPECT_GE(api.calls[2].at - api.calls[0].at, 1'000'000) << "an edit is paced like a message";
}

TEST_F(SenderTest, OneMessagePerSecondPerChat) {
  Sender s(api, clock);
  for (int i = 0; i < 5; ++i) s.enqueue({42, "m" + std::to_string(i), 0, 0});
  run(s, clock);
  ASSERT_EQ(api.calls.size(), 5u);
  for (size_t i = 1; i < api.calls.size(); ++i) {
    EXPECT_GE(api.calls[i].at - api.calls[i - 1].at, 1'000'000);
    EXPECT_EQ(api.calls[i].text, "m" + std::to_string(i));  // order kept
  }
}

TEST_F(SenderTest, DifferentChatsDoNotWaitForEachOther) {
  Sender s(api, clock);
  s.enqueue({1, "a", 0, 0});
  s.enqueue({2, "b", 0, 0});
  s.pump();
  EXPECT_EQ(api.calls.size(), 2u);
  EXPECT_EQ(api.calls[0].at, api.calls[1].at);
}

TEST_F(SenderTest, AtMostTwentyPerMinuteInAGroup) {
  Sender s(api, clock);
  for (int i = 0; i < 45; ++i) s.enqueue({-100, "g", 0, 0});
  run(s, clock);
  ASSERT_EQ(api.calls.size(), 45u);
  for (size_t i = 20; i < api.calls.size(); ++i) {
    EXPECT_GE(api.calls[i].at - api.calls[i - 20].at, 60'000'000) << i;
  }
}

TEST_F(SenderTest, AtMostThirtyPerSecondOverall) {
  Sender s(api, clock);
  for (int chat = 1; chat <= 70; ++chat) s.enqueue({chat, "x", 0, 0});
  run(s, clock);
  ASSERT_EQ(api.calls.size(), 70u);
  for (size_t i = 30; i < api.calls.size(); ++i) {
    EXPECT_GE(api.calls[i].at - api.calls[i - 30].at, 1'000'000) << i;
  }
}

TEST_F(SenderTest, TooManyRequestsPausesOnlyThatChat) {
  Sender s(api, clock);
  api.script.push_back(fail(429, 5));
  s.enqueue({1, "first", 0, 0});
  s.enqueue({2, "other", 0, 0});
  const Micros start = clock.now();
  run(s, clock);
  ASSERT_EQ(api.calls.size(), 3u);
  EXPECT_EQ(api.calls[1].chat, 2);
  EXPECT_EQ(api.calls[1].at, start);  // chat 2 was not held back
  EXPECT_EQ(api.calls[2].chat, 1);
  EXPECT_GE(api.calls[2].at - start, 5'000'000);  // retry_after honoured
  EXPECT_EQ(s.stats().sent, 2);
  EXPECT_EQ(s.stats().rate_limited, 1);
}

TEST_F(SenderTest, ServerErrorsAreRetriedWithBackoffAndPermanentErrorsDropped) {
  Sender s(api, clock);
  api.script = {fail(502), fail(0), fail(403)};
  s.enqueue({7, "retry me", 0, 0});
  s.enqueue({8, "blocked", 0, 0});
  run(s, clock);
  // 7: 502, then (8: 0 network... order by due time) — count outcomes instead of order.
  EXPECT_EQ(s.stats().sent + s.stats().dropped, 2);
  int to7 = 0;
  for (const auto& c : api.calls) to7 += c.chat == 7;
  EXPECT_GE(to7, 2);
}

TEST_F(SenderTest, GivesUpAfterMaxAttempts) {
  SenderOptions o;
  o.max_attempts = 3;
  Sender s(api, clock, o);
  api.script = {fail(500), fail(500), fail(500)};
  s.enqueue({9, "doomed", 0, 0});
  run(s, clock);
  EXPECT_EQ(api.calls.size(), 3u);
  EXPECT_EQ(s.stats().dropped, 1);
  EXPECT_GE(api.calls[1].at - api.calls[0].at, 500'000);
  EXPECT_GE(api.calls[2].at - api.calls[1].at, 1'000'000);  // doubled
}

TEST_F(SenderTest, CircuitBreakerStopsHammering) {
  SenderOptions o;
  o.breaker_failures = 3;
  o.breaker_open_for = 30'000'000;
  o.max_attempts = 10;
  Sender s(api, clock, o);
  api.script = {fail(500), fail(500), fail(500)};
  for (int chat = 1; chat <= 3; ++chat) s.enqueue({chat, "x", 0, 0});
  const Micros start = clock.now();
  s.pump();
  EXPECT_EQ(api.calls.size(), 3u);
  EXPECT_TRUE(s.stats().breaker_open);
  auto next = s.pump();
  ASSERT_TRUE(next.has_value());
  EXPECT_GE(*next - start, 30'000'000);
  run(s, clock);
  EXPECT_EQ(s.stats().sent, 3);
}

// For any traffic, the send log respects every limit.
RC_GTEST_PROP(SenderProperty, NeverExceedsTelegramLimits, ()) {
  ManualClock clock(0);
  FakeApi api(clock);
  Sender s(api, clock);
  const auto chats = *rc::gen::container<std::vector<int>>(rc::gen::inRange(-3, 40));
  for (int c : chats) s.enqueue({c == 0 ? 1 : c, "x", 0, 0});
  for (int i = 0; i < 100'000; ++i) {
    auto next = s.pump();
    if (!next) break;
    clock.set(std::max(clock.now(), *next) + *rc::gen::inRange<int64_t>(0, 3) * 100'000);
  }
  RC_ASSERT(api.calls.size() == chats.size());
  std::map<int64_t, std::vector<Micros>> per_chat;
  for (size_t i = 0; i < api.calls.size(); ++i) {
    if (i >= 30) RC_ASSERT(api.calls[i].at - api.calls[i - 30].at >= 1'000'000);
    per_chat[api.calls[i].chat].push_back(api.calls[i].at);
  }
  for (const auto& [chat, times] : per_chat) {
    for (size_t i = 1; i < times.size(); ++i) RC_ASSERT(times[i] - times[i - 1] >= 1'000'000);
    if (chat < 0) {
      for (size_t i = 20; i < times.size(); ++i) RC_ASSERT(times[i] - times[i - 20] >= 60'000'000);
    }
  }
}

}  // namespace
}  // namespace lucas::telegram
