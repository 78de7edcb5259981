#include "features/parser/drift.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "base/decimal.h"
#include "base/i18n.h"
#include "features/parser/parser_store.h"
#include "infra/telemetry/metrics.h"

namespace lucas::parser {

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

std::string drift_alert_text(const std::string& language, const DriftReport& r) {
  return i18n::text(language, "drift_alert",
                    {{"psi_class", fmt::format("{:.3f}", r.psi_class)},
                     {"psi_confidence", fmt::format("{:.3f}", r.psi_confidence)},
                     {"messages", std::to_string(r.messages)}});
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
