// The parser's daily drift check: the population-stability index of predicted labels and of the
// confidence histogram, over the parses served since the last check, against the active model's
// training baseline; alerts above a threshold; a terminal chart of the history.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/parser/ai_parser.h"
#include "features/users/users.h"
#include "infra/store/db.h"

namespace lucas::parser {

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
// The admins' drift alert in `language`: both PSIs (3 decimals) and the messages measured.
std::string drift_alert_text(const std::string& language, const DriftReport& r);

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
