// The front door's buttons and rate classes: a button is a command — a press runs it as the
// presser (rights, place and limits as if typed), answers the press at once and edits the
// keyboard's message with the reply; a refusal or an error is a notice to the presser and the
// message stays; a press on a message too old to know is answered with "expired". Heavy commands
// have their own, smaller budget.
#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/i18n.h"
#include "infra/ratelimit/limiter.h"
#include "infra/telegram/front_door.h"
#include "infra/telegram/mini_app.h"

namespace lucas::telegram {
namespace {

using nlohmann::json;

constexpr int64_t kAdmin = 9;

struct Door {
  Door() {
    Command count{"count", "help_cmd_top", Who::kEveryone, Where::kAnywhere,
                  [this](const CommandCall& c) {
                    ++runs;
                    calls.push_back(c);
                    Reply r("count " + c.args + " by " + std::to_string(c.user_id));
                    r.keyboard = {{{"+1", "/count " + std::to_string(std::stoi(c.args) + 1)}}};
                    return r;
                  }};
    Command wipe{"wipe", "help_cmd_grant", Who::kAdmin, Where::kAnywhere,
                 [this](const CommandCall&) {
                   ++runs;
                   return Reply("wiped");
                 }};
    Command fail{"fail", "help_cmd_top", Who::kEveryone, Where::kAnywhere,
                 [](const CommandCall&) -> Reply {
                   throw Error(ErrorCode::kInvalidArgument, "no such thing");
                 }};
    Command heavy{"heavy",
                  "help_cmd_top",
                  Who::kEveryone,
                  Where::kAnywhere,
                  [](const CommandCall&) { return Reply("done"); },
                  RateClass::kHeavy};
    door = std::make_unique<FrontDoor>(
        FrontDoorOptions{"lucas_bot", &limiter, 8},
        [](const User& u) {
          return std::optional<Asker>(
              Asker{u.id, u.id == kAdmin ? 2 : 0, u.language_code == "en" ? "en" : "ru", {}});
        },
        std::vector<Command>{count, wipe, fail, heavy}, std::vector<Trigger>{});
  }
  static json user(int64_t id) {
    return {{"id", id}, {"is_bot", false}, {"first_name", "U"}, {"language_code", "en"}};
  }
  std::vector<Outgoing> type(int64_t from, const std::string& text) {
    return door->handle(parse_update({{"update_id", ++update},
                                      {"message",
                                       {{"message_id", ++message},
                                        {"date", 1},
                                        {"chat", {{"id", -100}, {"type", "supergroup"}}},
                                        {"from", user(from)},
                                        {"text", text}}}}));
  }
  std::vector<Outgoing> press(int64_t from, const std::string& data, int64_t on_message = 500) {
    json q{{"id", "q" + std::to_string(++update)}, {"from", user(from)}, {"data", data}};
    if (on_message != 0) {
      q["message"] = {{"message_id", on_message},
                      {"date", 1},
                      {"chat", {{"id", -100}, {"type", "supergroup"}}},
                      {"text", "the keyboard's message"}};
    }
    return door->handle(parse_update({{"update_id", update}, {"callback_query", q}}));
  }
  ManualClock clock{1'000'000'000};
  ratelimit::MemoryLimiter limiter{clock};
  std::unique_ptr<FrontDoor> door;
  int runs = 0;
  std::vector<CommandCall> calls;
  int64_t update = 0;
  int64_t message = 0;
};

TEST(FrontDoorButtons, ATypedCommandCarriesItsKeyboard) {
  Door d;
  const auto out = d.type(5, "/count@lucas_bot 1");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "count 1 by 5");
  EXPECT_EQ(out[0].edit_message_id, 0);
  EXPECT_EQ(out[0].reply_markup,
            (json{{"inline_keyboard", {{{{"text", "+1"}, {"callback_data", "/count 2"}}}}}}));
  EXPECT_EQ(d.calls.back().use_key(), "-100:" + std::to_string(d.message));
}

TEST(FrontDoorButtons, APressRunsTheCommandAsThePresserAndEditsTheMessage) {
  Door d;
  const auto out = d.press(6, "/count 2");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].callback_query_id.empty()) << "the press is answered first";
  EXPECT_EQ(out[0].text, "");
  EXPECT_EQ(out[1].edit_message_id, 500);
  EXPECT_EQ(out[1].chat_id, -100);
  EXPECT_EQ(out[1].text, "count 2 by 6") << "it runs as whoever pressed";
  EXPECT_EQ(out[1].reply_markup["inline_keyboard"][0][0]["callback_data"], "/count 3");
  // Each press is its own use: its key is the press, not the keyboard's message.
  EXPECT_EQ(d.calls.back().use_key(), "press:" + out[0].callback_query_id);
  EXPECT_EQ(d.calls.back().message_id, 0);
}

TEST(FrontDoorButtons, RefusalsAndErrorsAreANoticeAndTheMessageStays) {
  Door d;
  auto out = d.press(6, "/wipe");  // an admin's command pressed by a player
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, i18n::text("en", "error_forbidden"));
  EXPECT_EQ(d.runs, 0);
  out = d.press(kAdmin, "/wipe");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].text, "wiped");
  out = d.press(6, "/fail");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].text.find("no such thing"), std::string::npos) << out[0].text;
  // Not a command, another bot's, unknown: answered, nothing runs.
  for (const std::string data : {"hello", "/count@other_bot 1", "/nothing", ""}) {
    out = d.press(6, data);
    ASSERT_EQ(out.size(), 1u) << data;
    EXPECT_FALSE(out[0].callback_query_id.empty()) << data;
    EXPECT_EQ(out[0].edit_message_id, 0) << data;
  }
  // A message too old for Telegram to send along: "expired", nothing runs.
  const int before = d.runs;
  out = d.press(6, "/count 1", 0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, i18n::text("en", "button_expired"));
  EXPECT_EQ(d.runs, before);
}

TEST(FrontDoorButtons, PressesCountAgainstTheSameLimitAsTypingAndHeavyCommandsHaveTheirOwn) {
  Door d;  // 8 commands a minute, heavy ones 2
  for (int i = 0; i < 4; ++i) ASSERT_EQ(d.type(7, "/count 1").size(), 1u);
  for (int i = 0; i < 4; ++i) ASSERT_EQ(d.press(7, "/count 1").size(), 2u);
  auto out = d.press(7, "/count 1");
  ASSERT_EQ(out.size(), 1u) << "the ninth use is refused";
  EXPECT_NE(out[0].text.find("Too fast"), std::string::npos) << out[0].text;
  EXPECT_TRUE(d.type(7, "/count 1").empty()) << "then silence";
  // The heavy class is counted on its own: 2 a minute, whatever else the user did.
  EXPECT_EQ(d.type(8, "/heavy").at(0).text, "done");
  EXPECT_EQ(d.type(8, "/heavy").at(0).text, "done");
  EXPECT_NE(d.type(8, "/heavy").at(0).text.find("Too fast"), std::string::npos);
  EXPECT_EQ(d.type(8, "/count 1").at(0).text, "count 1 by 8") << "normal budget untouched";
  d.clock.advance(600'000'000);  // past the window and any penalty
  EXPECT_EQ(d.type(8, "/heavy").at(0).text, "done");
}

TEST(FrontDoorButtons, AButtonCommandLongerThanTelegramAllowsIsAWiringMistake) {
  EXPECT_THROW(reply_markup({{{"x", "/" + std::string(64, 'a')}}}), Error);
  EXPECT_THROW(reply_markup({{{"x", "not a command"}}}), Error);
  EXPECT_TRUE(reply_markup({}).is_null());
}

TEST(FrontDoorButtons, AWebAppButtonOpensItsHttpsUrlAsAMiniApp) {
  const auto markup =
      reply_markup({{Button::web_app("Open", "https://lucas.example/"), {"More", "/top weekly"}}});
  EXPECT_EQ(markup["inline_keyboard"][0][0],
            (nlohmann::json{{"text", "Open"}, {"web_app", {{"url", "https://lucas.example/"}}}}));
  EXPECT_FALSE(markup["inline_keyboard"][0][0].contains("callback_data"));
  EXPECT_EQ(markup["inline_keyboard"][0][1]["callback_data"], "/top weekly");
  // Telegram opens Mini Apps over https only: anything else is a wiring mistake.
  EXPECT_THROW(reply_markup({{Button::web_app("Open", "http://lucas.example/")}}), Error);
}

TEST(MiniApp, TheWebAppUrlIsThePublicUrlWhenItIsHttps) {
  EXPECT_EQ(mini_app_url("https://lucas.example"), "https://lucas.example/");
  EXPECT_EQ(mini_app_url("https://lucas.example/bank//"), "https://lucas.example/bank/");
  EXPECT_EQ(mini_app_url("http://lucas.example"), std::nullopt);
  EXPECT_EQ(mini_app_url("https://"), std::nullopt);
  EXPECT_EQ(mini_app_url(""), std::nullopt);
}

}  // namespace
}  // namespace lucas::telegram
