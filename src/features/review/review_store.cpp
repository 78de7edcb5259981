#include "features/review/review_store.h"

#include <fmt/format.h>

namespace lucas::review::sql {
using store::Value;
namespace {

constexpr const char* kReviewColumns =
    "id, chat_id, message_id, bot_id, sender_game, replier_id, text, result, mentions, "
    "confidence, reason, model_version, status, reviewed_by, reviewed_at, final, created_at, "
    "content_key, origin_date";

nlohmann::json parse_json(const std::string& s) {
  auto j = nlohmann::json::parse(s, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<Event> events_from(const nlohmann::json& events);

ReviewItem review_from(const store::Row& row) {
  ReviewItem it;
  it.id = row.i64(0);
  it.message.chat_id = row.i64(1);
  it.message.message_id = row.i64(2);
  it.message.bot_id = row.i64(3);
  it.sender_game = row.str(4);
  it.message.replier_id = row.i64(5);
  it.text = row.str(6);
  it.result = parse_json(row.str(7));
  if (it.result.is_object()) {
    it.message.parsed =
        ParseResult{it.result.value("game_type", ""), it.result.value("kind", ""),
                    events_from(it.result.value("events", nlohmann::json::array()))};
  }
  for (const auto& m : parse_json(row.str(8))) {
    it.message.mentions.push_back(
        bank::Mention{m.value("shown", ""), m.value("user_id", int64_t{0}),
                      m.value("display_name", ""), m.value("username", "")});
  }
  it.confidence = std::stod(row.str(9));
  it.reason = row.str(10);
  it.model_version = row.str(11);
  it.status = row.str(12);
  it.reviewed_by = row.opt_i64(13);
  it.reviewed_at = row.opt_i64(14);
  if (auto f = row.opt_str(15)) it.final = parse_json(*f);
  it.created_at = row.i64(16);
  it.message.content_key = row.opt_str(17).value_or("");
  it.message.origin_date = row.opt_i64(18).value_or(it.created_at / 1'000'000);
  it.message.text = it.text;
  return it;
}

std::vector<Event> events_from(const nlohmann::json& events) {
  std::vector<Event> out;
  if (!events.is_array()) return out;
  for (const auto& e : events) {
    Event ev;
    if (e.contains("player") && e.at("player").is_string()) ev.player = e.at("player");
    if (e.contains("amount") && e.at("amount").is_string()) ev.amount = e.at("amount");
    ev.currency = e.value("currency", "");
    ev.type = e.value("type", "");
    out.push_back(std::move(ev));
  }
  return out;
}

}  // namespace

std::optional<int64_t> insert_review(store::Tx& tx, const ReviewItem& it) {
  nlohmann::json mentions = nlohmann::json::array();
  for (const auto& m : it.message.mentions) {
    mentions.push_back({{"shown", m.shown},
                        {"user_id", m.user_id},
                        {"display_name", m.display_name},
                        {"username", m.username}});
  }
  auto r = tx.exec(
      "INSERT INTO parser_reviews (chat_id, message_id, bot_id, sender_game, replier_id, text,"
      " result, mentions, confidence, reason, model_version, status, created_at, content_key,"
      " origin_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'pending', $12, $13,"
      " $14) ON CONFLICT DO NOTHING RETURNING id",
      {Value{it.message.chat_id}, Value{it.message.message_id}, Value{it.message.bot_id},
       Value{it.sender_game}, Value{it.message.replier_id}, Value{it.text}, Value{dump(it.result)},
       Value{dump(mentions)}, Value{fmt::format("{:.6f}", it.confidence)}, Value{it.reason},
       Value{it.model_version}, Value{it.created_at},
       it.message.content_key.empty() ? Value{} : Value{it.message.content_key},
       Value{it.message.origin_date}});
  if (r.empty()) return std::nullopt;
  return r.one().i64(0);
}

std::optional<ReviewItem> find_review(store::Tx& tx, int64_t id) {
  auto r = tx.exec(std::string("SELECT ") + kReviewColumns + " FROM parser_reviews WHERE id = $1",
                   {Value{id}});
  if (r.empty()) return std::nullopt;
  return review_from(r.one());
}

std::optional<ReviewItem> find_review_by_message(store::Tx& tx, const bank::GameMessage& m) {
  // The item of the same game result (any copy of it), or of the same copy.
  auto r = tx.exec(std::string("SELECT ") + kReviewColumns +
                       " FROM parser_reviews WHERE content_key = $1 OR (chat_id = $2 AND"
                       " message_id = $3) ORDER BY id LIMIT 1",
                   {Value{m.content_key}, Value{m.chat_id}, Value{m.message_id}});
  if (r.empty()) return std::nullopt;
  return review_from(r.one());
}

std::vector<ReviewItem> list_reviews(store::Tx& tx, const std::string& status, int limit,
                                     int64_t after_id) {
  std::vector<ReviewItem> out;
  for (const auto& row :
       tx.exec(std::string("SELECT ") + kReviewColumns +
                   " FROM parser_reviews WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3",
               {Value{status}, Value{after_id}, Value{int64_t{limit}}})
           .rows) {
    out.push_back(review_from(row));
  }
  return out;
}

bool close_review(store::Tx& tx, int64_t id, const std::string& verdict, int64_t actor,
                  const nlohmann::json& final, Micros now) {
  return tx.exec(
               "UPDATE parser_reviews SET status = $1, reviewed_by = $2, reviewed_at = $3,"
               " final = $4 WHERE id = $5 AND status = 'pending'",
               {Value{verdict}, Value{actor}, Value{now}, Value{dump(final)}, Value{id}})
             .affected == 1;
}

int64_t count_reviews(store::Tx& tx, const std::string& status) {
  return tx.exec("SELECT COUNT(*) FROM parser_reviews WHERE status = $1", {Value{status}})
      .one()
      .i64(0);
}

void insert_training(store::Tx& tx, int64_t review_id, const std::string& verdict,
                     const std::string& text, const ParseResult& labels, int64_t actor,
                     Micros now) {
  tx.exec(
      "INSERT INTO parser_training (review_id, verdict, text, game, kind, events, actor,"
      " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {Value{review_id}, Value{verdict}, Value{text}, Value{labels.game}, Value{labels.kind},
       Value{dump(to_json(labels).at("events"))}, Value{actor}, Value{now}});
}

std::vector<synth::Sample> training(store::Tx& tx) {
  std::vector<synth::Sample> out;
  for (const auto& row :
       tx.exec("SELECT text, game, kind, events FROM parser_training ORDER BY id").rows) {
    out.push_back({row.str(0), row.str(1), row.str(2), events_from(parse_json(row.str(3)))});
  }
  return out;
}

int64_t count_untrained(store::Tx& tx) {
  return tx.exec("SELECT COUNT(*) FROM parser_training WHERE trained_in IS NULL").one().i64(0);
}

void mark_trained(store::Tx& tx, int version) {
  tx.exec("UPDATE parser_training SET trained_in = $1 WHERE trained_in IS NULL",
          {Value{int64_t{version}}});
}

void upsert_canary(store::Tx& tx, const std::string& key, const CanaryInfo& info, Micros now) {
  tx.exec(
      "INSERT INTO parser_canary (message_key, active_version, active_label, candidate_version,"
      " candidate_label, agree, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
      " ON CONFLICT (message_key) DO UPDATE SET active_version = excluded.active_version,"
      " active_label = excluded.active_label, candidate_version = excluded.candidate_version,"
      " candidate_label = excluded.candidate_label, agree = excluded.agree",
      {Value{key}, Value{info.active_version}, Value{info.active_label},
       Value{info.candidate_version}, Value{info.candidate_label},
       Value{int64_t{info.active_label == info.candidate_label ? 1 : 0}}, Value{now}});
}

void set_canary_truth(store::Tx& tx, const std::string& key, const std::string& label) {
  tx.exec("UPDATE parser_canary SET truth_label = $1 WHERE message_key = $2",
          {Value{label}, Value{key}});
}

CanaryStats canary_stats(store::Tx& tx) {
  const auto result = tx.exec(
      "SELECT COUNT(*), COALESCE(SUM(agree), 0),"
      " COALESCE(SUM(CASE WHEN truth_label IS NOT NULL THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN truth_label = active_label THEN 1 ELSE 0 END), 0),"
      " COALESCE(SUM(CASE WHEN truth_label = candidate_label THEN 1 ELSE 0"
      " END), 0) FROM parser_canary");
  const auto& row = result.one();
  CanaryStats s;
  s.records = row.i64(0);
  s.reviewed = row.i64(2);
  if (s.records > 0) s.agreement = static_cast<double>(row.i64(1)) / static_cast<double>(s.records);
  if (s.reviewed > 0) {
    s.active_accuracy = static_cast<double>(row.i64(3)) / static_cast<double>(s.reviewed);
    s.candidate_accuracy = static_cast<double>(row.i64(4)) / static_cast<double>(s.reviewed);
  }
  return s;
}

}  // namespace lucas::review::sql
