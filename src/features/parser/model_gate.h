// The parser's retrain gate: a new model version replaces the active one only if it is at least
// as good on the same data — a synthetic set neither was trained on, and the labelled real
// messages when they are there. `lucas parser eval` measures a version the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/parser/ai_parser.h"
#include "features/parser/models.h"

namespace lucas::parser {

// A parser serving `version` of the registry in `options.model_dir` alone (no cache, no canary),
// whatever state.json says. INVALID_ARGUMENT when there is no such version.
std::unique_ptr<ParserService> pinned_parser(const Clock& clock, ServiceOptions options,
                                             int version);
// Game, kind and events of every record through the whole pipeline (as `lucas parser eval`).
models::EvalReport evaluate_parser(ParserService& service,
                                   const std::vector<models::Labeled>& records);

struct GateSet {
  std::string name;  // "synthetic", "labelled"
  std::vector<models::Labeled> records;
};
// The synthetic gate set (a seed no training uses), and the labelled messages of `labelled_path`
// when that file exists ("" or missing: the synthetic set alone).
std::vector<GateSet> gate_sets(const std::string& labelled_path);

struct GateVerdict {
  bool passed = true;
  // The first shortfall, when not passed: "labelled: kind accuracy 0.9120 < 0.9870".
  std::string shortfall;
  nlohmann::json details = nlohmann::json::object();  // set -> {active, candidate: metrics}
};
// Passes when, on every set, the candidate's kind accuracy (game and kind right) and event exact
// match are each at least the active model's.
GateVerdict compare_versions(const Clock& clock, const ServiceOptions& options, int active,
                             int candidate, const std::vector<GateSet>& sets);

}  // namespace lucas::parser
