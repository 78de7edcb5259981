// The weekly parser retrain and its gate: a new version becomes active only if it does at least
// as well as the active one; otherwise it stays a candidate, and the admins are told.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/model_gate.h"
#include "base/i18n.h"

namespace lucas::app {

bool App::retrain_parser() {
  const parser::models::Registry registry(config.effective_parser_model_dir());
  const int64_t fresh = parser_review->untrained_count();
  if (registry.state().active && fresh == 0) {
    spdlog::info("parser: no new corrections since the last model; retraining skipped");
    return false;
  }
  auto request = parser::models::default_request();
  request.extra = parser_review->training_samples();
  retrain_with(request);
  return true;
}

RetrainOutcome App::retrain_with(const parser::models::TrainRequest& request) {
  const parser::models::Registry registry(config.effective_parser_model_dir());
  const auto report = parser::models::train_version(registry, request, clock);
  RetrainOutcome out;
  out.version = report.manifest.version;
  auto state = registry.state();
  const std::optional<int> previous = state.active;
  if (previous) {
    const auto verdict = compare_versions(clock, parser_service_options(config), *previous,
                                          out.version, gate_sets(config.parser_gate_data));
    out.activated = verdict.passed;
    out.shortfall = verdict.shortfall;
    out.comparison = verdict.details;
  }
  if (out.activated) {
    parser_review->mark_trained(out.version);
    state.active = out.version;
  } else if (!state.candidate) {
    // It waits as a candidate serving nothing: `lucas parser canary` tries it, `promote` takes it.
    state.candidate = out.version;
    state.canary_share = 0;
  }
  registry.save_state(state);
  db->transact([&](store::Tx& tx) {
    audit->append(
        tx,
        audit::entry(0, "parser.retrain", "parser_model:v" + std::to_string(out.version),
                     {{"corrections", request.extra.size()},
                      {"active_before", previous ? nlohmann::json(*previous) : nlohmann::json()},
                      {"gate", out.comparison},
                      {"shortfall", out.shortfall}},
                     out.activated ? "ok" : "rejected"));
  });
  ai_parser->maintain();  // swap now on this node; the others pick it up on their next tick
  if (out.activated) {
    spdlog::info("parser: retrained v{} with {} verified labels; active", out.version,
                 request.extra.size());
  } else {
    spdlog::warn("parser: retrained v{} is worse than the active v{} ({}); it stays a candidate",
                 out.version, *previous, out.shortfall);
    if (telegram_enabled()) {
      for (const auto& who : users->admins()) {
        sender->enqueue(telegram::Outgoing{who.telegram_id,
                                           i18n::text(who.language, "retrain_rejected_alert",
                                                      {{"version", std::to_string(out.version)},
                                                       {"active", std::to_string(*previous)},
                                                       {"shortfall", out.shortfall}}),
                                           0, 0});
      }
    }
  }
  return out;
}

}  // namespace lucas::app
