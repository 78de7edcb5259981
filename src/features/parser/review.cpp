#include "features/parser/review.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "base/decimal.h"
#include "features/parser/review_store.h"
#include "infra/telemetry/metrics.h"

namespace lucas::parser {

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
  } else if (auto ex = extract_for(c.game, item.text); ex && ex->kind == c.kind) {
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
  // The bank credits at most once per game message (its key is the message's), so a crash
  // between these two transactions, or two admins at once, never credits twice.
  bank::GameMessage gm = item.message;
  gm.parsed = final;
  gm.asked_at = item.created_at;  // the age rule is measured to when the player asked
  if (final.game == item.sender_game && !final.events.empty()) d.credit = bank_.credit(gm);
  const Micros now = clock_.now();
  const nlohmann::json final_json = to_json(final);
  db_.transact([&](store::Tx& tx) {
    if (!sql::close_review(tx, id, verdict, actor_id, final_json, now)) {
      throw Error(ErrorCode::kConflict,
                  "review item " + std::to_string(id) + " was reviewed by someone else meanwhile");
    }
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

// ---------------------------------------------------------------- drift

nlohmann::json to_json(const DriftReport& r) {
  return {{"at", format_rfc3339(r.at)},
          {"model_version", r.model_version},
          {"messages", r.messages},
          {"psi_class", r.psi_class},
          {"psi_confidence", r.psi_confidence},
          {"alert", r.alert},
          {"note", r.note}};
}

DriftMonitor::DriftMonitor(store::Database& db, ParserService& parser, users::UserService& users,
                           const Clock& clock, telemetry::Registry* metrics, double alert_above)
    : db_(db), parser_(parser), users_(users), clock_(clock), alert_above_(alert_above) {
  if (metrics != nullptr) {
    metrics->gauge("lucas_parser_psi", "population-stability index at the last daily check",
                   [this] { return last_class_.load(); }, {{"of", "class"}});
    metrics->gauge("lucas_parser_psi", "population-stability index at the last daily check",
                   [this] { return last_confidence_.load(); }, {{"of", "confidence"}});
  }
}

void DriftMonitor::refresh() {
  if (auto l = latest()) {
    last_class_ = l->psi_class;
    last_confidence_ = l->psi_confidence;
  }
}

void DriftMonitor::log(const AiResult& r) {
  try {
    db_.transact([&](store::Tx& tx) { sql::insert_log(tx, clock_.now(), r); });
  } catch (const std::exception& e) {
    spdlog::warn("parser: could not log a parse for drift: {}", e.what());
  }
}

DriftReport DriftMonitor::run(Micros now) {
  DriftReport r;
  r.at = now;
  const auto manifest = parser_.active_manifest();
  const auto previous = latest();
  const Micros since = previous ? previous->at : now - 24LL * 3600 * 1'000'000;
  if (!manifest) {
    r.model_version = "rules";
    r.note = "no model is serving: nothing to compare";
  } else {
    r.model_version = "v" + std::to_string(manifest->version);
    const auto counts = db_.read([&](store::Tx& tx) { return sql::log_counts(tx, since, now); });
    r.messages = counts.total;
    if (counts.total == 0) {
      r.note = "no model parses since the last check";
    } else {
      std::vector<double> actual;
      for (const auto& label : manifest->labels) {
        const auto it = counts.labels.find(model::split_label(label).first + "/" +
                                           model::split_label(label).second);
        actual.push_back(it == counts.labels.end()
                             ? 0.0
                             : static_cast<double>(it->second) / static_cast<double>(counts.total));
      }
      r.psi_class = model::psi(manifest->baseline_class_share, actual);
      std::vector<double> bins;
      for (auto b : counts.bins) {
        bins.push_back(static_cast<double>(b) / static_cast<double>(counts.total));
      }
      r.psi_confidence = model::psi(manifest->baseline_confidence, bins);
      r.alert = r.psi_class > alert_above_ || r.psi_confidence > alert_above_;
    }
  }
  const int64_t pruned = db_.transact([&](store::Tx& tx) {
    sql::insert_drift(tx, r);
    return sql::prune_log(tx, now - kLogRetention);
  });
  if (pruned > 0) {
    spdlog::info("parser log: {} parses older than {} days forgotten", pruned,
                 kLogRetention / 86'400'000'000);
  }
  last_class_ = r.psi_class;
  last_confidence_ = r.psi_confidence;
  if (r.alert) {
    spdlog::warn("parser drift: PSI of classes {:.3f}, of confidence {:.3f} over {} parses",
                 r.psi_class, r.psi_confidence, r.messages);
    if (alert_) alert_(r);
  }
  return r;
}

std::optional<DriftReport> DriftMonitor::latest() {
  auto h = history(1);
  if (h.empty()) return std::nullopt;
  return h.front();
}

std::string drift_chart(std::vector<DriftReport> history, double alert_above, int width) {
  if (history.empty()) return "no drift checks yet\n";
  std::sort(history.begin(), history.end(),
            [](const DriftReport& a, const DriftReport& b) { return a.at < b.at; });
  double top = alert_above * 2;
  for (const auto& r : history) top = std::max({top, r.psi_class, r.psi_confidence});
  const int mark = static_cast<int>(std::lround(alert_above / top * width));
  static const char* const kEighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const auto bar = [&](double v) {
    const double cells = std::max(0.0, v) / top * width;
    const int full = static_cast<int>(cells);
    const int eighths = static_cast<int>((cells - full) * 8);
    std::string s;
    for (int i = 0; i < width; ++i) {
      if (i < full) {
        s += "█";
      } else if (i == full && eighths > 0) {
        s += kEighths[eighths];
      } else {
        s += i == mark ? "|" : " ";
      }
    }
    return s;
  };
  std::string out = fmt::format("{:<10}  {:>8}  {:<{}}  {}\n", "date", "messages", "PSI of classes",
                                width + 6, "PSI of confidence");
  for (const auto& r : history) {
    out += fmt::format("{:<10}  {:>8}  {} {:.3f}  {} {:.3f}{}{}\n",
                       format_rfc3339(r.at).substr(0, 10), r.messages, bar(r.psi_class),
                       r.psi_class, bar(r.psi_confidence), r.psi_confidence,
                       r.alert ? "  ALERT" : "", r.note.empty() ? "" : "  (" + r.note + ")");
  }
  out += fmt::format("| = alert threshold {:.2f}; bars from 0 to {:.2f}\n", alert_above, top);
  return out;
}

std::vector<DriftReport> DriftMonitor::history(int64_t actor_id, int limit) {
  if (limit < 1 || limit > 365) throw Error(ErrorCode::kInvalidArgument, "limit is 1..365");
  users_.require_admin(actor_id, "see the parser's drift");
  return history(limit);
}

std::vector<DriftReport> DriftMonitor::history(int limit) {
  return db_.read([&](store::Tx& tx) { return sql::drift_history(tx, limit); });
}

}  // namespace lucas::parser
