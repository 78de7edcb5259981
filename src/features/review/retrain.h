// The parser's training runs that use the review queue's verified labels: the first (default)
// model when there is none, and the weekly retrain with its gate (features/parser/model_gate.h):
// a new version becomes active only if it does at least as well as the active one; otherwise it
// stays a candidate serving nothing, and the admins are told. It sits in review because the
// labels come from here (review -> parser); the telling goes through an injected callback (the
// app sends it over Telegram), so these rules know no face.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "base/clock.h"
#include "features/parser/ai_parser.h"
#include "features/parser/models.h"
#include "features/review/review.h"
#include "infra/audit/audit.h"
#include "infra/store/db.h"

namespace lucas::review {

// What a retrain did: the new version, and whether it became active (else it stays a candidate
// because it did worse than the active one: `shortfall` says where).
struct RetrainOutcome {
  int version = 0;
  bool activated = true;
  std::string shortfall;
  nlohmann::json comparison = nlohmann::json::object();  // gate set -> {active, candidate}
};

struct RetrainOptions {
  // The serving settings (parser.*): model_dir is the registry trained into; the gate's pinned
  // parsers are built from them.
  parser::ServiceOptions parser;
  // parser.gate_data: labelled real messages a new version must do as well on as the active one,
  // when the file exists ("": the synthetic gate set alone).
  std::string gate_data;
  bool auto_train = true;  // parser.auto_train: train_default() trains a first model
};

class Retrainer {
 public:
  // A text made in one language ("ru", "en", ...).
  using LocalizedText = std::function<std::string(const std::string& language)>;
  // Tells every admin the text in their language (the app: over Telegram, when the bot is on).
  using TellAdmins = std::function<void(const LocalizedText& text)>;

  Retrainer(store::Database& db, ReviewService& review, parser::ParserService& parser,
            audit::AuditLog& audit, const Clock& clock, RetrainOptions options,
            TellAdmins tell_admins = {});

  // Trains the default model (synthetic data and the verified labels) and activates it when the
  // registry has no version at all and auto_train is on; the rules serve until it is ready.
  // Returns false when nothing was trained.
  bool train_default();
  // The weekly job: a new version from synthetic data and every verified label (retrain_with).
  // Skipped (false) when there is an active model and no correction arrived since it.
  bool retrain();
  // Trains `request` into a new version. With an active model it is activated only if it is at
  // least as good on the gate sets (parser::gate_sets: synthetic messages no training saw, and
  // gate_data's labelled real messages when the file exists); otherwise it stays a candidate
  // serving nothing (unless another candidate waits already), and every admin is told.
  // Activated, its labels are marked trained. Audited ("parser.retrain", ok or rejected, with
  // both models' figures); the parser swaps to the new state at once on this node.
  RetrainOutcome retrain_with(const parser::models::TrainRequest& request);

 private:
  store::Database& db_;
  ReviewService& review_;
  parser::ParserService& parser_;
  audit::AuditLog& audit_;
  const Clock& clock_;
  RetrainOptions options_;
  TellAdmins tell_admins_;
};

}  // namespace lucas::review
