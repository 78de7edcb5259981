#include "features/review/review.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "base/decimal.h"
#include "features/review/review_store.h"
#include "infra/telemetry/metrics.h"

namespace lucas::review {

std::string message_key(int64_t chat_id, int64_t message_id) {
  return std::to_string(chat_id) + ":" + std::to_string(message_id);
}

nlohmann::json to_json(const ReviewItem& it) {
  return {
      {"id", it.id},
      {"chat_id", it.message.chat_id},
      {"message_id", it.message.message_id},
      {"sender_game", it.sender_game},
      {"replier_id", it.message.replier_id},
      {"text", it.text},
      {"result", it.result},
      {"confidence", it.confidence},
      {"reason", it.reason},
      {"model_version", it.model_version},
      {"status", it.status},
      {"reviewed_by", it.reviewed_by ? nlohmann::json(*it.reviewed_by) : nullptr},
      {"reviewed_at", it.reviewed_at ? nlohmann::json(format_rfc3339(*it.reviewed_at)) : nullptr},
      {"final", it.final},
      {"created_at", format_rfc3339(it.created_at)}};
}

namespace {

void validate(const std::string& game, const std::string& kind, const std::vector<Event>& events) {
  bool known = false;
  for (const auto& l : synth::labels()) known |= l.game == game && l.kind == kind;
  if (!known) {
    throw Error(ErrorCode::kInvalidArgument, "unknown game/kind '" + game + "/" + kind + "'",
                {{"hint", "see ../shared/data/game_messages/README.md for the label set"}});
  }
  for (const auto& e : events) {
    const auto& all = bank::game_currencies();
    if (!all.count(game) || !all.at(game).count(e.currency)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "no currency '" + e.currency + "' in game '" + game + "'");
    }
    if (e.type != "accrual" && e.type != "balance" && e.type != "win") {
      throw Error(ErrorCode::kInvalidArgument, "an event type is accrual, balance or win");
    }
    if (e.type == "win" ? e.amount.has_value() : !e.amount.has_value()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "a win has no amount; an accrual or a balance has one");
    }
    if (e.amount) Decimal::parse(*e.amount);  // INVALID_AMOUNT when it is not a decimal
    if (e.player && e.player->size() > 256) {
      throw Error(ErrorCode::kInvalidArgument, "a player name is at most 256 bytes");
    }
  }
}

}  // namespace

Correction correction_from_json(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("game") || !j.at("game").is_string() || !j.contains("kind") ||
      !j.at("kind").is_string()) {
    throw Error(ErrorCode::kInvalidArgument,
                "a correction is {\"game\": ..., \"kind\": ..., \"events\": [...] (optional)}");
  }
  Correction c{j.at("game").get<std::string>(), j.at("kind").get<std::string>(), std::nullopt};
  if (j.contains("events") && !j.at("events").is_null()) {
    if (!j.at("events").is_array()) {
      throw Error(ErrorCode::kInvalidArgument, "events must be a list");
    }
    std::vector<Event> events;
    for (const auto& e : j.at("events")) {
      if (!e.is_object() || !e.contains("currency") || !e.at("currency").is_string() ||
          !e.contains("type") || !e.at("type").is_string()) {
        throw Error(ErrorCode::kInvalidArgument,
                    "an event is {\"player\", \"amount\", \"currency\", \"type\"}");
      }
      Event ev;
      if (e.contains("player") && !e.at("player").is_null()) {
        if (!e.at("player").is_string()) {
          throw Error(ErrorCode::kInvalidArgument, "player is a string or null");
        }
        ev.player = e.at("player").get<std::string>();
      }
      if (e.contains("amount") && !e.at("amount").is_null()) {
        if (!e.at("amount").is_string()) {
          throw Error(ErrorCode::kInvalidArgument, "amount is a decimal string or null");
        }
        ev.amount = e.at("amount").get<std::string>();
      }
      ev.currency = e.at("currency").get<std::string>();
      ev.type = e.at("type").get<std::string>();
      events.push_back(std::move(ev));
    }
    c.events = std::move(events);
  }
  return c;
}

ReviewService::ReviewService(store::Database& db, bank::BankService& bank,
                             users::UserService& users, const Clock& clock, audit::AuditLog* audit)
    : db_(db), bank_(bank), users_(users), clock_(clock), audit_(audit) {}

std::pair<ReviewItem, bool> ReviewService::enqueue(const bank::GameMessage& message,
                                                   const std::string& text,
                                                   const std::string& sender_game,
                                                   const AiResult& result) {
  ReviewItem item;
  item.message = message;
  item.message.parsed = result.parsed();
  item.sender_game = sender_game;
  item.text = text;
  item.result = to_json(result);
  item.confidence = result.confidence;
  item.reason = result.review_reason.empty() ? "low_confidence" : result.review_reason;
  item.model_version = result.model_version;
  item.status = "pending";
  item.created_at = clock_.now();
  return db_.transact([&](store::Tx& tx) -> std::pair<ReviewItem, bool> {
    if (auto id = sql::insert_review(tx, item)) {
      item.id = *id;
      return {item, true};
    }
    return {*sql::find_review_by_message(tx, message), false};
  });
}

std::vector<ReviewItem> ReviewService::list(int64_t actor_id, const std::string& status, int limit,
                                            int64_t after_id) {
  if (status != "pending" && status != "accepted" && status != "corrected") {
    throw Error(ErrorCode::kInvalidArgument, "status is pending, accepted or corrected");
  }
  if (limit < 1 || limit > 200) throw Error(ErrorCode::kInvalidArgument, "limit is 1..200");
  return db_.read([&](store::Tx& tx) {
    users_.require_admin(tx, actor_id, "see the review queue");
    return sql::list_reviews(tx, status, limit, after_id);
  });
}

ReviewItem ReviewService::get(int64_t actor_id, int64_t id) {
  return db_.read([&](store::Tx& tx) {
    users_.require_admin(tx, actor_id, "see the review queue");
    auto it = sql::find_review(tx, id);
    if (!it) throw Error(ErrorCode::kNotFound, "review item " + std::to_string(id) + " not found");
    return *it;
  });
}

Decision ReviewService::accept(int64_t actor_id, int64_t id) {
  const ReviewItem item = get(actor_id, id);
  return decide(actor_id, id, "accepted", item.message.parsed);
}

Decision ReviewService::correct(int64_t actor_id, int64_t id, const Correction& c) {
  const ReviewItem item = get(actor_id, id);
  std::vector<Event> events;
  if (c.events) {
    events = *c.events;
  } else if (auto ex = parser::extract_for(c.game, item.text); ex && ex->kind == c.kind) {
    events = ex->events;  // the admin named the format; that game's extractor reads it
  }
  validate(c.game, c.kind, events);
  if (c.game == "other" && !events.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "a message that is not a game's credits nothing");
  }
  return decide(actor_id, id, "corrected", ParseResult{c.game, c.kind, events});
}

Decision ReviewService::decide(int64_t actor_id, int64_t id, const std::string& verdict,
                               ParseResult final) {
  ReviewItem item = get(actor_id, id);
  if (item.status != "pending") {
    throw Error(ErrorCode::kConflict,
                "review item " + std::to_string(id) + " was already " + item.status,
                {{"status", item.status}});
  }
  Decision d;
  bank::GameMessage gm = item.message;
  gm.parsed = final;
  gm.asked_at = item.created_at;  // the age rule is measured to when the player asked
  const Micros now = clock_.now();
  const nlohmann::json final_json = to_json(final);
  // One unit: the item is closed and the reading it was closed with is credited together, so of
  // two admins deciding at once exactly one wins, and only the winner's reading is paid (the
  // bank's own key still credits a game message at most once).
  db_.transact([&](store::Tx& tx) {
    if (!sql::close_review(tx, id, verdict, actor_id, final_json, now)) {
      throw Error(ErrorCode::kConflict,
                  "review item " + std::to_string(id) + " was reviewed by someone else meanwhile");
    }
    d.credit = bank::CreditReport{};
    if (final.game == item.sender_game && !final.events.empty()) d.credit = bank_.credit(gm);
    sql::insert_training(tx, id, verdict, item.text, final, actor_id, now);
    sql::set_canary_truth(tx,
                          item.message.content_key.empty()
                              ? message_key(item.message.chat_id, item.message.message_id)
                              : item.message.content_key,
                          final.game + "/" + final.kind);
    if (audit_ != nullptr) {
      audit_->append(
          tx,
          audit::entry(
              actor_id,
              "admin.parser_review." + std::string(verdict == "accepted" ? "accept" : "correct"),
              "parser_review:" + std::to_string(id),
              {{"model", item.result.value("game_type", "") + "/" + item.result.value("kind", "")},
               {"final", final_json},
               {"credited", d.credit.credits.size()},
               {"already_processed", d.credit.already_processed}}));
    }
  });
  item.status = verdict;
  item.reviewed_by = actor_id;
  item.reviewed_at = now;
  item.final = final_json;
  d.item = item;
  return d;
}

int64_t ReviewService::pending_count() {
  return db_.read([](store::Tx& tx) { return sql::count_reviews(tx, "pending"); });
}

std::vector<synth::Sample> ReviewService::training_samples() {
  return db_.read([](store::Tx& tx) { return sql::training(tx); });
}

int64_t ReviewService::untrained_count() {
  return db_.read([](store::Tx& tx) { return sql::count_untrained(tx); });
}

void ReviewService::mark_trained(int version) {
  db_.transact([&](store::Tx& tx) { sql::mark_trained(tx, version); });
}

nlohmann::json ReviewService::admin_status(int64_t actor_id, const ParserService& parser) {
  users_.require_admin(actor_id, "see the parser's state");
  const auto s = parser.status();
  const auto c = canary_stats();
  auto version = [](const std::optional<int>& v) {
    return v ? nlohmann::json("v" + std::to_string(*v)) : nlohmann::json(nullptr);
  };
  return {{"active_model", version(s.active)},
          {"candidate_model", version(s.candidate)},
          {"canary_share", s.canary_share},
          {"breaker_open", s.breaker_open},
          {"incidents", s.incidents},
          {"last_incident", s.last_incident},
          {"model_parses", s.model_parses},
          {"rule_parses", s.rule_parses},
          {"cache_hits", s.cache_hits},
          {"cache_size", s.cache_size},
          {"canary",
           {{"records", c.records},
            {"agreement", c.agreement},
            {"reviewed", c.reviewed},
            {"active_accuracy", c.active_accuracy},
            {"candidate_accuracy", c.candidate_accuracy}}},
          {"review_pending", pending_count()},
          {"corrections_not_trained", untrained_count()}};
}

void ReviewService::record_canary(const std::string& key, const CanaryInfo& info) {
  db_.transact([&](store::Tx& tx) { sql::upsert_canary(tx, key, info, clock_.now()); });
}

CanaryStats ReviewService::canary_stats() {
  return db_.read([](store::Tx& tx) { return sql::canary_stats(tx); });
}

}  // namespace lucas::review
