// The parser's training runs over the review queue's labels, and the retrain gate
// (features/review/retrain.h).
#include "features/review/retrain.h"

#include <spdlog/spdlog.h>

#include "base/i18n.h"
#include "features/parser/model_gate.h"

namespace lucas::review {

Retrainer::Retrainer(store::Database& db, ReviewService& review, parser::ParserService& parser,
                     audit::AuditLog& audit, const Clock& clock, RetrainOptions options,
                     TellAdmins tell_admins)
    : db_(db),
      review_(review),
      parser_(parser),
      audit_(audit),
      clock_(clock),
      options_(std::move(options)),
      tell_admins_(std::move(tell_admins)) {}

bool Retrainer::train_default() {
  const parser::models::Registry registry(options_.parser.model_dir);
  if (!options_.auto_train || registry.state().active || !registry.list().empty()) {
    return false;
  }
  spdlog::info("parser: no model yet; training the default one (the rules parse meanwhile)");
  auto request = parser::models::default_request();
  request.extra = review_.training_samples();
  const auto report = parser::models::train_version(registry, request, clock_);
  auto state = registry.state();
  if (!state.active) state.active = report.manifest.version;
  registry.save_state(state);
  spdlog::info("parser: default model v{} trained in {:.1f} s", report.manifest.version,
               report.seconds);
  return true;
}

bool Retrainer::retrain() {
  const parser::models::Registry registry(options_.parser.model_dir);
  const int64_t fresh = review_.untrained_count();
  if (registry.state().active && fresh == 0) {
    spdlog::info("parser: no new corrections since the last model; retraining skipped");
    return false;
  }
  auto request = parser::models::default_request();
  request.extra = review_.training_samples();
  retrain_with(request);
  return true;
}

RetrainOutcome Retrainer::retrain_with(const parser::models::TrainRequest& request) {
  const parser::models::Registry registry(options_.parser.model_dir);
  const auto report = parser::models::train_version(registry, request, clock_);
  RetrainOutcome out;
  out.version = report.manifest.version;
  auto state = registry.state();
  const std::optional<int> previous = state.active;
  if (previous) {
    const auto verdict = parser::compare_versions(clock_, options_.parser, *previous, out.version,
                                                  parser::gate_sets(options_.gate_data));
    out.activated = verdict.passed;
    out.shortfall = verdict.shortfall;
    out.comparison = verdict.details;
  }
  if (out.activated) {
    review_.mark_trained(out.version);
    state.active = out.version;
  } else if (!state.candidate) {
    // It waits as a candidate serving nothing: `lucas parser canary` tries it, `promote` takes it.
    state.candidate = out.version;
    state.canary_share = 0;
  }
  registry.save_state(state);
  db_.transact([&](store::Tx& tx) {
    audit_.append(
        tx,
        audit::entry(0, "parser.retrain", "parser_model:v" + std::to_string(out.version),
                     {{"corrections", request.extra.size()},
                      {"active_before", previous ? nlohmann::json(*previous) : nlohmann::json()},
                      {"gate", out.comparison},
                      {"shortfall", out.shortfall}},
                     out.activated ? "ok" : "rejected"));
  });
  parser_.maintain();  // swap now on this node; the others pick it up on their next tick
  if (out.activated) {
    spdlog::info("parser: retrained v{} with {} verified labels; active", out.version,
                 request.extra.size());
  } else {
    spdlog::warn("parser: retrained v{} is worse than the active v{} ({}); it stays a candidate",
                 out.version, *previous, out.shortfall);
    if (tell_admins_) {
      tell_admins_([&](const std::string& language) {
        return i18n::text(language, "retrain_rejected_alert",
                          {{"version", std::to_string(out.version)},
                           {"active", std::to_string(*previous)},
                           {"shortfall", out.shortfall}});
      });
    }
  }
  return out;
}

}  // namespace lucas::review
