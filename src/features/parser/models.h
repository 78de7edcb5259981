// Versioned parser models under the data directory, how they are trained, and how they are
// evaluated.
//
//   <dir>/v<N>/model.bin      fastText model (explicit bucket size)
//   <dir>/v<N>/manifest.json  version, SHA-256 of model.bin, training settings and counts,
//                             calibration temperature, held-out metrics, drift baseline
//   <dir>/state.json          {"active": N, "candidate": M, "canary_share": 0.1}
//
// state.json is replaced atomically (write + rename); a serving process picks it up on its next
// upkeep tick and swaps models without failing or delaying a request.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "features/parser/classifier.h"
#include "features/parser/synth.h"

namespace lucas::parser::models {

struct Manifest {
  int version = 0;
  std::string sha256;  // of model.bin
  int64_t file_bytes = 0;
  Micros created_at = 0;
  model::TrainOptions options;
  uint64_t seed = 0;
  int64_t synthetic_samples = 0;
  int64_t extra_samples = 0;  // corrections and any --extra file
  double temperature = 1.0;
  nlohmann::json metrics = nlohmann::json::object();  // held-out accuracy, ECE before/after
  std::vector<std::string> labels;                    // baseline order
  std::vector<double> baseline_class_share;           // predicted label shares on held-out
  std::vector<double> baseline_confidence;            // confidence histogram (10 bins)
};
nlohmann::json to_json(const Manifest& m);
Manifest manifest_from_json(const nlohmann::json& j);  // INVALID_ARGUMENT when malformed

struct State {
  std::optional<int> active;
  std::optional<int> candidate;
  double canary_share = 0;  // of messages, by message key, served by the candidate
};

class Registry {
 public:
  explicit Registry(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }

  std::vector<Manifest> list() const;  // by version
  std::optional<Manifest> get(int version) const;
  std::string model_path(int version) const;
  int next_version() const;
  void save(const Manifest& m) const;

  State state() const;  // empty when there is none (or it is unreadable: logged)
  void save_state(const State& s) const;

  // Checks the file against the manifest's SHA-256, then loads it. Throws Error(UNAVAILABLE).
  std::shared_ptr<const model::Classifier> load_verified(const Manifest& m) const;

 private:
  std::string dir_;
};

struct TrainRequest {
  uint64_t seed = 1;
  int synthetic = 6000;              // generated messages for training
  int heldout = 1500;                // generated with another seed, for calibration
  std::vector<synth::Sample> extra;  // admin corrections, optional real data
  int extra_weight = 3;              // each extra sample counts this many times
  model::TrainOptions options;
};

// The model of a first `serve`, of `lucas parser train` without options, of the weekly retrain
// and of the tests: 8,000 synthetic messages, 1,600 held out for calibration, 10 epochs,
// 100,000 buckets, dim 16 (7 MB; about 1.5 s on one core, 3 s under the sanitizers).
TrainRequest default_request();

struct TrainReport {
  Manifest manifest;
  double seconds = 0;
};

using Progress = std::function<void(const std::string& line)>;

// Trains the next version into the registry (not activated). Progress lines are for a terminal.
TrainReport train_version(const Registry& registry, const TrainRequest& request, const Clock& clock,
                          const Progress& progress = {});

// A labelled record as in labeled.jsonl.
struct Labeled {
  std::string id;
  std::string text;
  std::string game;
  std::string kind;
  std::vector<Event> events;
};
// Reads JSONL; a malformed line is INVALID_ARGUMENT naming its line number.
std::vector<Labeled> read_labeled(const std::string& path);
std::vector<synth::Sample> to_samples(const std::vector<Labeled>& records);

struct Predicted {
  std::string game;
  std::string kind;
  double confidence = 0;
  std::vector<Event> events;
};

struct EvalReport {
  int64_t messages = 0;
  double game_accuracy = 0;
  double game_macro_f1 = 0;
  double kind_accuracy = 0;  // game and kind both right
  double event_precision = 0;
  double event_recall = 0;
  double event_exact_match = 0;  // messages whose events are exactly right
  double ece = 0;                // of the confidence against "game and kind right"
  double review_share = 0;       // confidence < 0.8
  std::map<std::string, std::map<std::string, int64_t>> confusion;  // truth -> predicted game
};
EvalReport evaluate(const std::vector<Labeled>& records,
                    const std::function<Predicted(const std::string& text)>& predict);
std::string format_report(const EvalReport& r);
nlohmann::json to_json(const EvalReport& r);

}  // namespace lucas::parser::models
