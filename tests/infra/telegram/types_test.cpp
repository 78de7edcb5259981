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
