#include "features/parser/model_gate.h"

#include <fmt/format.h>

#include <filesystem>

#include "base/error.h"
#include "base/ids.h"
#include "features/parser/synth.h"

namespace lucas::parser {
namespace {

namespace fs = std::filesystem;
using models::EvalReport;

constexpr uint64_t kGateSeed = 0x6a7e5eedULL;  // no training request uses it
constexpr int kGateMessages = 2000;

nlohmann::json metrics(const EvalReport& r) {
  return {{"messages", r.messages},
          {"game_accuracy", r.game_accuracy},
          {"kind_accuracy", r.kind_accuracy},
          {"event_exact_match", r.event_exact_match}};
}

}  // namespace

std::unique_ptr<ParserService> pinned_parser(const Clock& clock, ServiceOptions options,
                                             int version) {
  const models::Registry registry(options.model_dir);
  if (!registry.get(version)) {
    throw Error(ErrorCode::kInvalidArgument,
                "no model v" + std::to_string(version) + " in " + options.model_dir);
  }
  // A scratch registry view that names only this version active: the real state is untouched.
  const std::string scratch =
      (fs::temp_directory_path() / ("lucas-model-" + random_hex(6))).string();
  fs::create_directories(scratch);
  try {
    fs::create_symlink(fs::absolute(options.model_dir + "/v" + std::to_string(version)),
                       scratch + "/v" + std::to_string(version));
    models::Registry(scratch).save_state(models::State{version, std::nullopt, 0});
    options.model_dir = scratch;
    options.cache_entries = 0;
    auto service = std::make_unique<ParserService>(clock, options);  // loads it now
    fs::remove_all(scratch);
    return service;
  } catch (...) {
    std::error_code ec;
    fs::remove_all(scratch, ec);
    throw;
  }
}

EvalReport evaluate_parser(ParserService& service, const std::vector<models::Labeled>& records) {
  return models::evaluate(records, [&](const std::string& text) {
    const auto r = service.parse(text);
    return models::Predicted{r.game_type, r.kind, r.confidence, r.events};
  });
}

std::vector<GateSet> gate_sets(const std::string& labelled_path) {
  std::vector<GateSet> sets;
  GateSet synthetic{"synthetic", {}};
  for (auto& s : synth::generate({kGateSeed, kGateMessages})) {
    synthetic.records.push_back(models::Labeled{"", std::move(s.text), std::move(s.game),
                                                std::move(s.kind), std::move(s.events)});
  }
  sets.push_back(std::move(synthetic));
  std::error_code ec;
  if (!labelled_path.empty() && fs::is_regular_file(labelled_path, ec)) {
    sets.push_back(GateSet{"labelled", models::read_labeled(labelled_path)});
  }
  return sets;
}

GateVerdict compare_versions(const Clock& clock, const ServiceOptions& options, int active,
                             int candidate, const std::vector<GateSet>& sets) {
  const auto current = pinned_parser(clock, options, active);
  const auto next = pinned_parser(clock, options, candidate);
  GateVerdict verdict;
  for (const auto& set : sets) {
    const EvalReport a = evaluate_parser(*current, set.records);
    const EvalReport c = evaluate_parser(*next, set.records);
    verdict.details[set.name] = {{"active", metrics(a)}, {"candidate", metrics(c)}};
    for (const auto& [name, got, had] :
         {std::tuple{"kind accuracy", c.kind_accuracy, a.kind_accuracy},
          std::tuple{"event exact match", c.event_exact_match, a.event_exact_match}}) {
      if (got < had && verdict.passed) {
        verdict.passed = false;
        verdict.shortfall = fmt::format("{}: {} {:.4f} < {:.4f}", set.name, name, got, had);
      }
    }
  }
  return verdict;
}

}  // namespace lucas::parser
