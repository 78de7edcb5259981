#include "app/parser_cli.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/app.h"
#include "app/console.h"
#include "base/ids.h"
#include "features/parser/ai_parser.h"
#include "features/parser/drift.h"
#include "features/parser/model_gate.h"
#include "features/review/review.h"

namespace lucas::app::parser_cli {
namespace {

using parser::models::Registry;
using parser::models::State;

void progress_line(const std::string& line) {
  std::cerr << line << "\n";
}

// Admin actions from the console are audited with actor 0 (the operator).
void audit_console(App& app, const std::string& action, const std::string& target,
                   const nlohmann::json& details) {
  app.db->transact(
      [&](store::Tx& tx) { app.audit->append(tx, audit::entry(0, action, target, details)); });
}

int parse_version(const std::string& text) {
  std::string t = text;
  if (!t.empty() && t[0] == 'v') t.erase(0, 1);
  try {
    size_t used = 0;
    const int v = std::stoi(t, &used);
    if (used == t.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw Error(ErrorCode::kInvalidArgument, "a model version is N or vN, e.g. v3");
}

}  // namespace

int train(const Config& config, const TrainArgs& a) {
  if (a.messages < 100 || a.messages > 2'000'000 || a.epochs < 1 || a.epochs > 200 ||
      a.bucket < 1000 || a.bucket > 2'000'000 || a.dim < 2 || a.dim > 300) {
    std::cerr << "lucas: --messages 100..2000000, --epochs 1..200, --bucket 1000..2000000, --dim "
                 "2..300\n";
    return 2;
  }
  if (a.canary && (*a.canary <= 0 || *a.canary > 1)) {
    std::cerr << "lucas: --canary is a share in (0, 1], e.g. 0.1\n";
    return 2;
  }
  const auto opened = open_migrated(config);
  App& app = *opened;
  parser::models::TrainRequest req;
  req.seed = a.seed;
  req.synthetic = a.messages;
  req.heldout = std::max(200, a.messages / 5);
  req.options.epoch = a.epochs;
  req.options.bucket = a.bucket;
  req.options.dim = a.dim;
  if (!a.extra.empty()) {
    const auto extra = parser::models::to_samples(parser::models::read_labeled(a.extra));
    std::cerr << "extra training data: " << extra.size() << " labelled messages from " << a.extra
              << "\n";
    req.extra.insert(req.extra.end(), extra.begin(), extra.end());
  }
  int64_t corrections = 0;
  if (a.corrections) {
    const auto c = app.parser_review->training_samples();
    corrections = static_cast<int64_t>(c.size());
    std::cerr << "admin corrections and confirmations: " << corrections << "\n";
    req.extra.insert(req.extra.end(), c.begin(), c.end());
  }
  const Registry registry(config.effective_parser_model_dir());
  const auto report = parser::models::train_version(registry, req, app.clock, progress_line);
  const int v = report.manifest.version;
  app.parser_review->mark_trained(v);
  State state = registry.state();
  if (a.canary) {
    state.candidate = v;
    state.canary_share = *a.canary;
  } else if (a.activate) {
    state.active = v;
    if (state.candidate == v) state.candidate.reset();
  }
  registry.save_state(state);
  audit_console(app, "admin.parser_train", "parser_model:v" + std::to_string(v),
                {{"corrections", corrections},
                 {"activated", a.activate && !a.canary},
                 {"canary_share", a.canary.value_or(0.0)}});
  std::cout << fmt::format(
      "model v{} written to {} ({} bytes, bucket {}){}\n", v, registry.model_path(v),
      report.manifest.file_bytes, a.bucket,
      a.canary ? fmt::format("; canary for {:.0f}% of messages", *a.canary * 100)
               : (a.activate ? "; active (serving processes swap to it)" : "; not activated"));
  return 0;
}

int eval(const Config& config, const std::string& data, const std::string& model, bool json) {
  const auto records = parser::models::read_labeled(data);
  SystemClock clock;
  auto opts = parser_service_options(config);
  opts.cache_entries = 0;
  const Registry registry(opts.model_dir);
  std::unique_ptr<parser::ParserService> service;
  if (model == "rules") {
    opts.model_dir.clear();
  } else if (!model.empty()) {
    // Evaluate a given version without touching what is active.
    const int v = parse_version(model);
    if (!registry.get(v)) {
      std::cerr << "lucas: no model v" << v << " in " << opts.model_dir << "\n";
      return 2;
    }
    service = parser::pinned_parser(clock, opts, v);
  }
  if (!service) service = std::make_unique<parser::ParserService>(clock, opts);
  const auto st = service->status();
  std::cerr << "evaluating " << records.size() << " messages with "
            << (st.active ? "model v" + std::to_string(*st.active) : std::string("the rules"))
            << "\n";
  const auto report = parser::evaluate_parser(*service, records);
  if (json) {
    std::cout << parser::models::to_json(report).dump() << "\n";
  } else {
    std::cout << parser::models::format_report(report);
  }
  return 0;
}

int status(const Config& config) {
  const Registry registry(config.effective_parser_model_dir());
  const State s = registry.state();
  std::cout << "model directory " << registry.dir() << "\n";
  std::cout << "active: "
            << (s.active ? "v" + std::to_string(*s.active) : std::string("none (rules)")) << "\n";
  if (s.candidate && s.canary_share > 0) {
    std::cout << fmt::format("canary: v{} for {:.1f}% of messages\n", *s.candidate,
                             s.canary_share * 100);
  } else if (s.candidate) {
    std::cout << fmt::format("candidate: v{} (serves nothing; lucas parser promote activates it)\n",
                             *s.candidate);
  }
  for (const auto& m : registry.list()) {
    std::cout << fmt::format(
        "v{:<4} {}  {:>9} bytes  bucket {:<7} dim {:<3} epochs {:<3} synthetic {:<7} extra {:<5} "
        "T {:.3f}  held-out acc {:.4f}  ECE {:.4f}\n",
        m.version, format_rfc3339(m.created_at), m.file_bytes, m.options.bucket, m.options.dim,
        m.options.epoch, m.synthetic_samples, m.extra_samples, m.temperature,
        m.metrics.value("heldout_accuracy", 0.0), m.metrics.value("ece_calibrated", 0.0));
  }
  const auto opened = open_migrated(config);
  App& app = *opened;
  const auto c = app.parser_review->canary_stats();
  if (c.records > 0) {
    std::cout << fmt::format(
        "canary records {}: agreement {:.4f}; on {} reviewed: active accuracy {:.4f}, candidate "
        "{:.4f}\n",
        c.records, c.agreement, c.reviewed, c.active_accuracy, c.candidate_accuracy);
  }
  std::cout << "review queue: " << app.parser_review->pending_count()
            << " pending; corrections not yet "
            << "in a model: " << app.parser_review->untrained_count() << "\n";
  return 0;
}

int canary(const Config& config, int version, double share) {
  const Registry registry(config.effective_parser_model_dir());
  if (!registry.get(version)) {
    std::cerr << "lucas: no model v" << version << "\n";
    return 2;
  }
  if (share <= 0 || share > 1) {
    std::cerr << "lucas: --share is in (0, 1], e.g. 0.1\n";
    return 2;
  }
  State s = registry.state();
  if (s.active == version) {
    std::cerr << "lucas: v" << version << " is already active\n";
    return 2;
  }
  const auto opened = open_migrated(config);
  App& app = *opened;
  s.candidate = version;
  s.canary_share = share;
  registry.save_state(s);
  audit_console(app, "admin.parser_canary", "parser_model:v" + std::to_string(version),
                {{"share", share}});
  std::cout << fmt::format("v{} now serves {:.1f}% of messages (by message key)\n", version,
                           share * 100);
  return 0;
}

int promote(const Config& config) {
  const Registry registry(config.effective_parser_model_dir());
  State s = registry.state();
  if (!s.candidate) {
    std::cerr << "lucas: there is no canary candidate to promote\n";
    return 2;
  }
  const auto opened = open_migrated(config);
  App& app = *opened;
  const auto stats = app.parser_review->canary_stats();
  const int v = *s.candidate;
  const auto previous = s.active;
  s.active = v;
  s.candidate.reset();
  s.canary_share = 0;
  registry.save_state(s);
  audit_console(app, "admin.parser_promote", "parser_model:v" + std::to_string(v),
                {{"previous", previous ? nlohmann::json(*previous) : nullptr},
                 {"canary_records", stats.records},
                 {"agreement", stats.agreement}});
  std::cout << "v" << v << " is active\n";
  return 0;
}

int rollback(const Config& config) {
  const Registry registry(config.effective_parser_model_dir());
  State s = registry.state();
  if (!s.candidate) {
    std::cerr << "lucas: there is no canary candidate to roll back\n";
    return 2;
  }
  const auto opened = open_migrated(config);
  App& app = *opened;
  const int v = *s.candidate;
  s.candidate.reset();
  s.canary_share = 0;
  registry.save_state(s);
  audit_console(app, "admin.parser_rollback", "parser_model:v" + std::to_string(v), {});
  std::cout << "canary v" << v << " withdrawn; "
            << (s.active ? "v" + std::to_string(*s.active) : std::string("the rules"))
            << " serves every message\n";
  return 0;
}

int drift(const Config& config, int history) {
  const auto opened = open_migrated(config);
  App& app = *opened;
  if (history > 0) {
    std::cout << parser::drift_chart(app.parser_drift->history(history),
                                     app.parser_drift->alert_above());
    return 0;
  }
  const auto r = app.parser_drift->run(app.clock.now());
  std::cout << parser::to_json(r).dump(2) << "\n";
  return 0;
}

int generate(uint64_t seed, int count, const std::string& output) {
  if (count < 1 || count > 10'000'000) {
    std::cerr << "lucas: --count is 1..10000000\n";
    return 2;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (!output.empty() && output != "-") {
    file.open(output);
    if (!file) {
      std::cerr << "lucas: cannot write " << output << "\n";
      return 2;
    }
    out = &file;
  }
  for (const auto& s : parser::synth::generate({seed, count})) {
    *out << parser::synth::to_json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
         << "\n";
  }
  return 0;
}

int parse(const Config& config, const std::string& input) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (input != "-") {
    file.open(input);
    if (!file) {
      std::cerr << "lucas: cannot read " << input << "\n";
      return 2;
    }
    in = &file;
  }
  SystemClock clock;
  parser::ParserService service(clock, parser_service_options(config));
  const auto st = service.status();
  std::cerr << "parsing with "
            << (st.active ? "model v" + std::to_string(*st.active)
                          : std::string("the rules (no model: lucas parser train)"))
            << "\n";
  std::ios::sync_with_stdio(false);
  std::string line;
  int64_t count = 0;
  while (std::getline(*in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::cout << parser::parse_jsonl_line(service, line) << '\n';
    ++count;
  }
  std::cout.flush();
  std::cerr << "parsed " << count << " records\n";
  return 0;
}

namespace {

TrainArgs train_args(const module::CliRun& run, bool retrain) {
  TrainArgs a;
  a.seed = static_cast<uint64_t>(run.integer("--seed", 0));
  a.messages = static_cast<int>(run.integer("--messages", 0, INT32_MAX));
  a.epochs = static_cast<int>(run.integer("--epochs", 0, INT32_MAX));
  a.bucket = static_cast<int>(run.integer("--bucket", 0, INT32_MAX));
  a.dim = static_cast<int>(run.integer("--dim", 0, INT32_MAX));
  a.extra = run.option("--extra");
  a.corrections = !run.flag("--no-corrections");
  if (retrain) {
    if (run.given("--canary")) a.canary = run.number("--canary", 0, 1);
  } else {
    a.activate = !run.flag("--no-activate");
  }
  return a;
}

std::vector<module::CliOption> train_options(bool retrain) {
  const TrainArgs d;
  std::vector<module::CliOption> o = {
      {"--seed", "generator seed", false, std::to_string(d.seed)},
      {"--messages", "synthetic training messages", false, std::to_string(d.messages)},
      {"--epochs", "fastText epochs", false, std::to_string(d.epochs)},
      {"--bucket", "fastText hash buckets (model size)", false, std::to_string(d.bucket)},
      {"--dim", "vector dimension", false, std::to_string(d.dim)},
      module::CliOption("--extra", "labelled JSONL to train on as well").must_exist(),
      module::CliOption("--no-corrections", "leave the admins' corrections out").as_flag()};
  if (retrain) {
    o.push_back({"--canary", "serve the new version to this share of messages (0..1)"});
  } else {
    o.push_back(module::CliOption("--no-activate", "only write the new version").as_flag());
  }
  return o;
}

}  // namespace

}  // namespace lucas::app::parser_cli

namespace lucas::app {

void register_parser_cli(module::Module& m) {
  using namespace parser_cli;
  using module::CliRun;
  m.cli({{"parse"},
         "classify game-bot messages with the model (rules without one): JSONL {id, text} in, "
         "{id, game_type, kind, confidence, entities, model_version, events} out",
         {{"input", "JSONL file, or - for standard input", false, "-"}},
         [](const CliRun& run) { return parse(run.config(), run.option("input")); }})
      .cli_group({{"parser"}, "the AI message parser's models"})
      .cli({{"parser", "train"},
            "train a new model version (synthetic data + stored corrections) and activate it",
            train_options(false),
            [](const CliRun& run) { return train(run.config(), train_args(run, false)); }})
      .cli({{"parser", "retrain"},
            "as train; with --canary SHARE the new version starts as a canary instead",
            train_options(true),
            [](const CliRun& run) { return train(run.config(), train_args(run, true)); }})
      .cli({{"parser", "eval"},
            "accuracy, macro-F1, event precision/recall/exact match, ECE, confusion matrix",
            {module::CliOption("--data", "labelled JSONL (as labeled.jsonl)", true).must_exist(),
             {"--model", "vN, or rules (default: the active model)"},
             module::CliOption("--json", "one JSON object instead of the table").as_flag()},
            [](const CliRun& run) {
              return eval(run.config(), run.option("--data"), run.option("--model"),
                          run.flag("--json"));
            }})
      .cli({{"parser", "status"},
            "models, the active one, canary, review queue",
            {},
            [](const CliRun& run) { return status(run.config()); }})
      .cli({{"parser", "canary"},
            "route a share of messages to a candidate version",
            {{"--version", "candidate model version", true},
             {"--share", "share of messages, e.g. 0.1", true}},
            [](const CliRun& run) {
              return canary(run.config(), static_cast<int>(run.integer("--version", 1, INT32_MAX)),
                            run.number("--share", 0, 1));
            }})
      .cli({{"parser", "promote"},
            "make the canary candidate the active model",
            {},
            [](const CliRun& run) { return promote(run.config()); }})
      .cli({{"parser", "rollback"},
            "withdraw the canary candidate",
            {},
            [](const CliRun& run) { return rollback(run.config()); }})
      .cli({{"parser", "drift"},
            "compute the PSI drift check now (as the daily job), or chart the past ones",
            {{"--history", "chart the last N daily checks instead of running one (1-365)"}},
            [](const CliRun& run) {
              const int history =
                  run.given("--history") ? static_cast<int>(run.integer("--history", 1, 365)) : 0;
              return drift(run.config(), history);
            }})
      .cli({{"parser", "generate"},
            "write synthetic labelled messages as JSONL",
            {{"--seed", "generator seed", false, "1"},
             {"--count", "messages", false, "1000"},
             {"--output", "file (default: standard output)"}},
            [](const CliRun& run) {
              return generate(static_cast<uint64_t>(run.integer("--seed", 0)),
                              static_cast<int>(run.integer("--count", INT32_MIN, INT32_MAX)),
                              run.option("--output"));
            }});
}

}  // namespace lucas::app
