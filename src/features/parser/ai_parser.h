// The AI message parser: normalise -> classify (fastText, calibrated) -> extract with that game's
// rule extractor -> one result. Serves from a (text hash, model version) cache, routes a share of
// messages (by message key) to a candidate model, falls back to the rule parser behind a circuit
// breaker when the model is missing, damaged or throws, and swaps models atomically: a request
// holds the model it started with, so a swap never fails or delays one.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "features/parser/classifier.h"
#include "features/parser/models.h"
#include "features/parser/parser.h"

namespace lucas::telemetry {
class Registry;
class Counter;
}  // namespace lucas::telemetry

namespace lucas::parser {

struct Span {
  int64_t begin = 0;  // Unicode code points from the start of the text, end exclusive
  int64_t end = 0;
};

struct Entity {
  std::string type;  // currency_amount, currency_name, player_name, action
  std::string value;
  double confidence = 0;
  std::optional<Span> span;  // null when the value is implied (karma's +1, a win's reward)
};

struct CanaryInfo {
  std::string active_version;
  std::string active_label;  // "gd_cards/card_drop"
  std::string candidate_version;
  std::string candidate_label;
  bool served_by_candidate = false;
};

struct AiResult {
  std::string game_type;
  std::string kind;
  double confidence = 0;  // calibrated, lowered when the extractor disagrees
  std::vector<Entity> entities;
  std::string model_version;  // "v3", or "rules" for the fallback
  std::string source;         // "model" or "rules"
  bool cached = false;
  bool needs_review = false;  // confidence < the review threshold (0.8): never credited as is
  std::string review_reason;  // low_confidence, extractor_found_nothing, extractor_disagrees, ...
  std::vector<Event> events;  // what the bank would credit
  std::optional<CanaryInfo> canary;

  ParseResult parsed() const { return ParseResult{game_type, kind, events}; }
  std::string label() const { return game_type + "/" + kind; }
};

// {game_type, kind, confidence, entities: [{type, value, confidence, span}], model_version,
//  source, cached, needs_review, review_reason, events}
nlohmann::json to_json(const AiResult& r);

// The confidence given to rule-parser results (the fallback): the rule parser agrees with 99% of
// the labelled real messages, so a match is credited; see docs/decisions/parser-model.md.
inline constexpr double kRuleConfidence = 0.9;

struct ServiceOptions {
  std::string model_dir;  // the registry; empty: rules only
  double review_threshold = 0.8;
  Micros cache_ttl = 7LL * 24 * 3600 * 1'000'000;
  size_t cache_entries = 100'000;
  Micros breaker_cooldown = 60'000'000;
};

struct ServiceStatus {
  std::optional<int> active;
  std::optional<int> candidate;
  double canary_share = 0;
  bool breaker_open = false;
  std::string last_incident;
  int64_t incidents = 0;
  int64_t model_parses = 0;
  int64_t rule_parses = 0;
  int64_t cache_hits = 0;
  int64_t swaps = 0;
  size_t cache_size = 0;
};

// Counts of what was served since the last snapshot, for the drift monitor.
struct Served {
  std::map<std::string, int64_t> labels;
  std::vector<int64_t> confidence_bins = std::vector<int64_t>(model::kConfidenceBins);
  int64_t total = 0;
};

class ParserService {
 public:
  ParserService(const Clock& clock, ServiceOptions options, telemetry::Registry* metrics = nullptr);
  ~ParserService();
  ParserService(const ParserService&) = delete;
  ParserService& operator=(const ParserService&) = delete;

  // Never throws for any text. `message_key` (chat:message) routes canary traffic consistently.
  AiResult parse(std::string_view text, std::string_view message_key = "");

  // Upkeep, run off the request path (a watcher thread in `serve`, directly in tests and the
  // CLI): picks up a changed state.json (new active model, canary), notices a changed or damaged
  // model file, and retries a failed model once the breaker's cooldown is over.
  void maintain();

  // The model currently serving (nullopt: rules).
  std::optional<models::Manifest> active_manifest() const;
  std::optional<models::Manifest> candidate_manifest() const;
  ServiceStatus status() const;
  const ServiceOptions& options() const { return options_; }
  // Takes and resets the served counts.
  Served take_served();
  // Number of classifier invocations (tests check that a cached answer used none).
  int64_t predictions() const { return predictions_.load(); }
  // Test hook: the next classifier invocations throw while it returns true.
  void set_fault(std::function<bool()> fault);

 private:
  struct Loaded {
    models::Manifest manifest;
    std::shared_ptr<const model::Classifier> classifier;
    std::string file_signature;  // size and mtime of the file when it was loaded
  };
  struct CacheEntry {
    std::string text;
    AiResult result;
    Micros expires_at = 0;
  };

  AiResult run_model(const Loaded& m, std::string_view text);
  AiResult run_rules(std::string_view text) const;
  std::optional<AiResult> cached(std::string_view text, const std::string& version);
  void remember(std::string_view text, const AiResult& r);
  bool breaker_allows() const;
  void incident(const std::string& what);
  void count_served(const AiResult& r);
  std::shared_ptr<const Loaded> load(int version);

  const Clock& clock_;
  ServiceOptions options_;
  std::optional<models::Registry> registry_;
  std::atomic<std::shared_ptr<const Loaded>> active_;
  std::atomic<std::shared_ptr<const Loaded>> candidate_;
  std::atomic<double> canary_share_{0};
  std::atomic<Micros> breaker_open_until_{0};
  std::atomic<int64_t> predictions_{0}, model_parses_{0}, rule_parses_{0}, cache_hits_{0},
      incidents_{0}, swaps_{0};
  mutable std::mutex mu_;  // upkeep, the incident text, the served counts
  std::string last_incident_;
  std::mutex upkeep_mu_;
  std::optional<int> attempted_;  // the active version last loaded or tried
  Served served_;
  std::function<bool()> fault_;
  std::atomic<bool> has_fault_{false};

  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, CacheEntry> map;
  };
  mutable Shard shards_[kShards];
  telemetry::Registry* metrics_;
};

// One JSONL record {"id", "text", "key"?} in; one line out: the result of to_json(AiResult) plus
// "id" and "game" (as the rule parser's output had it); a bad record gives {"id", "error"}.
std::string parse_jsonl_line(ParserService& service, std::string_view line);

// Lists the entities of a message's events, with spans located in `text`.
std::vector<Entity> entities_of(std::string_view text, const std::vector<Event>& events,
                                double confidence);

}  // namespace lucas::parser
