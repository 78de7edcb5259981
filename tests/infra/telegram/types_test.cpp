#include <gtest/gtest.h>

#include "base/error.h"
#include "infra/telegram/types.h"

namespace lucas::telegram {
namespace {

TEST(Types, ParsesAReplyToAGameBotCaptionWithEntities) {
  const auto j = nlohmann::json::parse(R"({
    "update_id": 100,
    "message": {"message_id": 5, "date": 1, "chat": {"id": -100, "type": "supergroup"},
      "from": {"id": 7, "is_bot": false, "first_name": "Ann", "last_name": "Lee", "language_code": "en"},
      "text": "парсинг",
      "reply_to_message": {"message_id": 4, "date": 0, "chat": {"id": -100, "type": "supergroup"},
        "from": {"id": 99, "is_bot": true, "first_name": "GDcards", "username": "gdcardsBot"},
        "caption": "Игрок: 😀Nick",
        "caption_entities": [{"type": "text_mention", "offset": 7, "length": 6,
                              "user": {"id": 55, "is_bot": false, "first_name": "Real"}}]}}})");
  const Update u = parse_update(j);
  EXPECT_EQ(u.update_id, 100);
  ASSERT_TRUE(u.message);
  EXPECT_EQ(u.message->from->display_name(), "Ann Lee");
  ASSERT_TRUE(u.message->reply_to_message);
  const Message& r = *u.message->reply_to_message;
  EXPECT_TRUE(r.from->is_bot);
  EXPECT_EQ(r.text, "Игрок: 😀Nick");
  ASSERT_EQ(r.entities.size(), 1u);
  // Offsets count UTF-16 units: the emoji is two of them.
  EXPECT_EQ(entity_text(r.text, r.entities[0]), "😀Nick");
  EXPECT_EQ(r.entities[0].user->id, 55);
}

TEST(Types, ForwardOriginIsKept) {
  const auto j =
      nlohmann::json::parse(R"({"update_id": 1, "message": {"message_id": 2, "chat": {"id": 3},
    "forward_origin": {"type": "user", "date": 9, "sender_user": {"id": 4, "is_bot": true, "first_name": "B", "username": "TrueMafiaBot"}},
    "text": "x"}})");
  const Update u = parse_update(j);
  ASSERT_TRUE(u.message->forward_origin);
  EXPECT_EQ(u.message->forward_origin->sender_user->username, "TrueMafiaBot");
  // The original's time, not the forward's: the bank keys a game result by it.
  EXPECT_EQ(u.message->forward_origin->date, 9);
  EXPECT_FALSE(u.edited);
}

TEST(Types, ForwardOriginOfChatsAndHiddenUsersAndEdits) {
  const auto j = nlohmann::json::parse(R"({"update_id": 1, "edited_message": {"message_id": 2,
    "date": 50, "edit_date": 60, "chat": {"id": 3, "type": "private"}, "text": "x",
    "forward_origin": {"type": "channel", "date": 7, "message_id": 77,
                       "chat": {"id": -1009, "type": "channel"}}}})");
  const Update u = parse_update(j);
  EXPECT_TRUE(u.edited);
  EXPECT_EQ(u.message->edit_date, 60);
  ASSERT_TRUE(u.message->forward_origin);
  EXPECT_EQ(u.message->forward_origin->date, 7);
  EXPECT_EQ(u.message->forward_origin->message_id, 77);
  ASSERT_TRUE(u.message->forward_origin->chat);
  EXPECT_EQ(u.message->forward_origin->chat->id, -1009);
  const auto hidden = parse_update(nlohmann::json::parse(R"({"update_id": 2, "message": {
    "message_id": 3, "chat": {"id": 3}, "text": "y",
    "forward_origin": {"type": "hidden_user", "date": 8, "sender_user_name": "Someone"}}})"));
  EXPECT_EQ(hidden.message->forward_origin->sender_user_name, "Someone");
  EXPECT_FALSE(hidden.message->forward_origin->sender_user);
}

TEST(Types, RejectsWhatIsNotAnUpdate) {
  EXPECT_THROW(parse_update(nlohmann::json::parse(R"({"message": {}})")), Error);
  EXPECT_THROW(parse_update(nlohmann::json::parse(R"([1])")), Error);
  EXPECT_THROW(parse_update(nlohmann::json::parse(R"({"update_id": "1"})")), Error);
  // Unknown update kinds are fine: no message.
  EXPECT_FALSE(parse_update(nlohmann::json::parse(R"({"update_id": 1, "poll": {}})")).message);
}

}  // namespace
}  // namespace lucas::telegram
