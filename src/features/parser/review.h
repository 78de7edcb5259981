// What the parser learns from: the review queue of low-confidence parses (never credited
// automatically), admins' accept/correct decisions (credited through the bank, so once per game
// message, and kept as training data), canary records, and the daily drift check.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/bank/bank.h"
#include "features/parser/ai_parser.h"
#include "features/users/users.h"
#include "infra/audit/audit.h"
#include "infra/store/db.h"
#include "infra/store/migrate.h"

namespace lucas::parser {

store::MigrationSet migrations();

struct ReviewItem {
  int64_t id = 0;
  bank::GameMessage message;  // chat, message key, bot, replier, mentions (parsed = the AI's)
  std::string sender_game;    // the game of the bot that sent it
  std::string text;
  nlohmann::json result;  // to_json(AiResult) at the time of the parse
  double confidence = 0;
  std::string reason;
  std::string model_version;
  std::string status;  // pending, accepted, corrected
  std::optional<int64_t> reviewed_by;
  std::optional<Micros> reviewed_at;
  nlohmann::json final = nullptr;  // {game, kind, events} that was credited
  Micros created_at = 0;
};
nlohmann::json to_json(const ReviewItem& item);

struct Correction {
  std::string game;
  std::string kind;
  std::optional<std::vector<Event>> events;  // none: that game's extractor reads the text
};
// {"game", "kind", "events"?}; INVALID_ARGUMENT naming what is wrong.
Correction correction_from_json(const nlohmann::json& j);

struct Decision {
  ReviewItem item;
  bank::CreditReport credit;
};

struct CanaryStats {
  int64_t records = 0;
  double agreement = 0;  // share of records where active and candidate agree
  int64_t reviewed = 0;  // records with an admin's verdict
  double active_accuracy = 0;
  double candidate_accuracy = 0;
};

class ReviewService {
 public:
  ReviewService(store::Database& db, bank::BankService& bank, users::UserService& users,
                const Clock& clock, audit::AuditLog* audit = nullptr);

  // Queues a parse that may not be credited automatically. Returns the item and whether it is
  // new (false: that game message is already queued).
  std::pair<ReviewItem, bool> enqueue(const bank::GameMessage& message, const std::string& text,
                                      const std::string& sender_game, const AiResult& result);

  // Admins only (checked here, FORBIDDEN otherwise).
  std::vector<ReviewItem> list(int64_t actor_id, const std::string& status = "pending",
                               int limit = 20, int64_t after_id = 0);
  ReviewItem get(int64_t actor_id, int64_t id);
  // Credits what the model read; CONFLICT when the item was already reviewed.
  Decision accept(int64_t actor_id, int64_t id);
  // Credits what is right instead; the text and the right labels join the training set.
  Decision correct(int64_t actor_id, int64_t id, const Correction& correction);

  int64_t pending_count();
  // Verified labels (corrections and accepted items) for the next training run.
  std::vector<synth::Sample> training_samples();
  int64_t untrained_count();
  void mark_trained(int version);

  // The parser's state for the admin API: models, breaker, cache, canary, queue (admins only).
  nlohmann::json admin_status(int64_t actor_id, const ParserService& parser);

  // Canary: one record per routed message; its verdict arrives when the item is reviewed.
  void record_canary(const std::string& message_key, const CanaryInfo& info);
  CanaryStats canary_stats();

 private:
  Decision decide(int64_t actor_id, int64_t id, const std::string& verdict, ParseResult final);

  store::Database& db_;
  bank::BankService& bank_;
  users::UserService& users_;
  const Clock& clock_;
  audit::AuditLog* audit_;
};

std::string message_key(int64_t chat_id, int64_t message_id);

struct DriftReport {
  Micros at = 0;
  std::string model_version;
  int64_t messages = 0;
  double psi_class = 0;
  double psi_confidence = 0;
  bool alert = false;
  std::string note;  // why nothing was measured, if so
};
nlohmann::json to_json(const DriftReport& r);
// A terminal chart of drift checks, oldest first: a line per check with both PSIs as bars of
// `width` cells against the alert threshold (a "|" where the bar would cross it), for
// `lucas parser drift --history`.
std::string drift_chart(std::vector<DriftReport> history, double alert_above, int width = 30);

// Daily population-stability index of predicted label shares and of the confidence histogram
// against the active model's training baseline, over the parses logged since the last run.
class DriftMonitor {
 public:
  using Alert = std::function<void(const DriftReport&)>;
  DriftMonitor(store::Database& db, ParserService& parser, users::UserService& users,
               const Clock& clock, telemetry::Registry* metrics = nullptr,
               double alert_above = 0.25);

  // Every served parse (the bank bot logs its parses here).
  void log(const AiResult& r);
  // Computes, stores and exposes the PSI for parses since the previous run; alerts above the
  // threshold. Then forgets parses logged more than kLogRetention ago (the log only serves the
  // drift check; the parses themselves stay in the bank's history and the review queue).
  DriftReport run(Micros now);
  static constexpr Micros kLogRetention = 90LL * 24 * 3600 * 1'000'000;
  std::optional<DriftReport> latest();
  // Reads the last stored values into the gauges (after migrations, at start).
  void refresh();
  std::vector<DriftReport> history(int limit = 30);
  double alert_above() const { return alert_above_; }
  // The same for the admin API (FORBIDDEN for others).
  std::vector<DriftReport> history(int64_t actor_id, int limit);
  void on_alert(Alert alert) { alert_ = std::move(alert); }

 private:
  store::Database& db_;
  ParserService& parser_;
  users::UserService& users_;
  const Clock& clock_;
  double alert_above_;
  Alert alert_;
  std::atomic<double> last_class_{0}, last_confidence_{0};
};

}  // namespace lucas::parser
