// The review queue: parses the model is not sure of are never credited automatically; an admin
// accepts or corrects each one, which credits through the bank (once per game result) and keeps
// the text and its right labels as training data for the parser; canary records get their
// verdicts here. It sits above the bank and the parser (both point one way: review -> bank ->
// parser), so the parser knows nothing of the bank.
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

namespace lucas::review {

using parser::AiResult;
using parser::CanaryInfo;
using parser::Event;
using parser::ParseResult;
using parser::ParserService;
namespace synth = parser::synth;

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

}  // namespace lucas::review
