#include "features/parser/ai_parser.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "base/error.h"
#include "features/parser/text.h"
#include "infra/telemetry/metrics.h"

namespace lucas::parser {
namespace {

// Kinds whose messages credit something: an extractor that finds nothing there is a warning.
bool has_events(std::string_view kind) {
  for (std::string_view k : {"card_drop", "chest", "orb_sale", "profile", "fishing", "karma_like",
                             "karma_dislike", "game_reward", "goose_card"}) {
    if (kind == k) return true;
  }
  return false;
}

int64_t code_points(std::string_view text, size_t byte_end) {
  int64_t n = 0;
  for (size_t i = 0; i < byte_end && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

Span span_of(std::string_view text, size_t at, size_t len) {
  return Span{code_points(text, at), code_points(text, at + len)};
}

bool alnum_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

// Where `amount` is written in text at or after `from` (before `until`): the first number that
// reads as it. Returns (byte offset, byte length).
std::optional<std::pair<size_t, size_t>> find_amount(std::string_view text,
                                                     const std::string& amount, size_t from,
                                                     size_t until) {
  for (size_t i = from; i < until && i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool digit = c >= '0' && c <= '9';
    const bool sign = c == '+' || c == '-' || c == 0xE2;  // — – − start with 0xE2
    if (!digit && !sign) continue;
    if (digit && i > 0 && alnum_byte(static_cast<unsigned char>(text[i - 1])) &&
        static_cast<unsigned char>(text[i - 1]) < 0x80) {
      continue;  // inside a word or a longer number
    }
    bool had_sign = false;
    if (auto a = text::amount_at(text.substr(i), &had_sign); a && *a == amount) {
      size_t j = i + (sign ? (c == 0xE2 ? 3 : 1) : 0);
      while (j < text.size() &&
             ((text[j] >= '0' && text[j] <= '9') || text[j] == ',' || text[j] == '.')) {
        ++j;
      }
      while (j > i && (text[j - 1] == ',' || text[j - 1] == '.')) --j;
      return std::pair{i, j - i};
    }
  }
  return std::nullopt;
}

const std::vector<std::string_view>& markers(const std::string& currency) {
  static const std::map<std::string, std::vector<std::string_view>> m{
      {"points", {"Очки"}},
      {"orbs", {"Орбы", "орб"}},
      {"coins", {"Монеты"}},
      {"karma", {"Дизлайк", "Лайк", "рейтинг", "карму"}},
      {"money", {"Деньги", "\xF0\x9F\x92\xB5"}},
      {"gems", {"Камни"}},
      {"crystals", {"Кристаллики"}},
      {"goose_points", {"Очки"}},
      {"goose_coins", {"Монеты"}},
  };
  static const std::vector<std::string_view> none;
  auto it = m.find(currency);
  return it == m.end() ? none : it->second;
}

}  // namespace

std::vector<Entity> entities_of(std::string_view text, const std::vector<Event>& events,
                                double confidence) {
  std::vector<Entity> out;
  std::vector<size_t> used_amounts;
  for (const auto& e : events) {
    std::optional<Span> marker_span;
    std::optional<Span> amount_span;
    // The currency marker, then the amount on the same line after it; else anywhere.
    for (auto marker : markers(e.currency)) {
      for (size_t at = text.find(marker); at != std::string_view::npos;
           at = text.find(marker, at + 1)) {
        if (!marker_span) marker_span = span_of(text, at, marker.size());
        if (!e.amount) break;
        size_t eol = text.find('\n', at);
        if (eol == std::string_view::npos) eol = text.size();
        if (auto a = find_amount(text, *e.amount, at + marker.size(), eol)) {
          if (std::find(used_amounts.begin(), used_amounts.end(), a->first) != used_amounts.end()) {
            continue;
          }
          used_amounts.push_back(a->first);
          marker_span = span_of(text, at, marker.size());
          amount_span = span_of(text, a->first, a->second);
          break;
        }
      }
      if (amount_span) break;
    }
    if (e.amount && !amount_span) {
      if (auto a = find_amount(text, *e.amount, 0, text.size())) {
        amount_span = span_of(text, a->first, a->second);
      }
    }
    std::optional<Span> player_span;
    if (e.player && !e.player->empty()) {
      if (size_t at = text.find(*e.player); at != std::string_view::npos) {
        player_span = span_of(text, at, e.player->size());
      }
    }
    const double located = confidence;
    const double implied = confidence * 0.9;
    if (e.player) {
      out.push_back({"player_name", *e.player, player_span ? located : implied, player_span});
    }
    out.push_back(
        {"currency_amount", e.amount.value_or(""), amount_span ? located : implied, amount_span});
    out.push_back({"currency_name", e.currency, marker_span ? located : implied, marker_span});
    const auto action_span = e.type == "win" ? player_span : marker_span;
    out.push_back({"action", e.type, action_span ? located : implied, action_span});
  }
  return out;
}

nlohmann::json to_json(const AiResult& r) {
  nlohmann::json entities = nlohmann::json::array();
  for (const auto& e : r.entities) {
    entities.push_back(
        {{"type", e.type},
         {"value", e.type == "currency_amount" && e.value.empty() ? nlohmann::json(nullptr)
                                                                  : nlohmann::json(e.value)},
         {"confidence", e.confidence},
         {"span",
          e.span ? nlohmann::json::array({e.span->begin, e.span->end}) : nlohmann::json(nullptr)}});
  }
  nlohmann::json j = to_json(r.parsed());
  j.erase("game");
  j["game_type"] = r.game_type;
  j["confidence"] = r.confidence;
  j["entities"] = entities;
  j["model_version"] = r.model_version;
  j["source"] = r.source;
  j["cached"] = r.cached;
  j["needs_review"] = r.needs_review;
  j["review_reason"] =
      r.review_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.review_reason);
  return j;
}

ParserService::ParserService(const Clock& clock, ServiceOptions options,
                             telemetry::Registry* metrics)
    : clock_(clock), options_(std::move(options)), metrics_(metrics) {
  if (!options_.model_dir.empty()) registry_.emplace(options_.model_dir);
  if (metrics_ != nullptr) {
    metrics_->gauge("lucas_parser_model_version", "active parser model version (0: rules)", [this] {
      auto a = active_.load();
      return a ? static_cast<double>(a->manifest.version) : 0.0;
    });
    metrics_->gauge("lucas_parser_breaker_open", "1 while the model breaker is open",
                    [this] { return breaker_allows() ? 0.0 : 1.0; });
    metrics_->gauge("lucas_parser_cache_hits_total", "parses answered from the cache",
                    [this] { return static_cast<double>(cache_hits_.load()); });
    metrics_->gauge("lucas_parser_incidents_total", "model failures (load or inference)",
                    [this] { return static_cast<double>(incidents_.load()); });
    metrics_->gauge("lucas_parser_model_parses_total", "parses answered by the model",
                    [this] { return static_cast<double>(model_parses_.load()); });
    metrics_->gauge("lucas_parser_rule_parses_total", "parses answered by the rule fallback",
                    [this] { return static_cast<double>(rule_parses_.load()); });
  }
  maintain();
}

ParserService::~ParserService() = default;

void ParserService::set_fault(std::function<bool()> fault) {
  std::lock_guard lock(mu_);
  fault_ = std::move(fault);
  has_fault_ = static_cast<bool>(fault_);
}

bool ParserService::breaker_allows() const {
  return clock_.now() >= breaker_open_until_.load();
}

void ParserService::incident(const std::string& what) {
  ++incidents_;
  breaker_open_until_ = clock_.now() + options_.breaker_cooldown;
  spdlog::error("parser incident: {}; rule-based fallback for {} s", what,
                options_.breaker_cooldown / 1'000'000);
  std::lock_guard lock(mu_);
  last_incident_ = what;
}

AiResult ParserService::run_rules(std::string_view text) const {
  const ParseResult r = parse_text(text);
  AiResult out;
  out.game_type = r.game;
  out.kind = r.kind;
  out.confidence = kRuleConfidence;
  out.events = r.events;
  out.model_version = "rules";
  out.source = "rules";
  out.entities = entities_of(text, r.events, out.confidence);
  return out;
}

AiResult ParserService::run_model(const Loaded& m, std::string_view text) {
  ++predictions_;
  if (has_fault_.load()) {
    std::function<bool()> f;
    {
      std::lock_guard lock(mu_);
      f = fault_;
    }
    if (f && f()) throw std::runtime_error("injected classifier fault");
  }
  const auto dist = model::with_temperature(m.classifier->predict(text), m.manifest.temperature);
  if (dist.empty()) throw std::runtime_error("the model returned no labels");
  auto [game, kind] = model::split_label(dist.front().first);
  AiResult out;
  out.game_type = game;
  out.kind = kind;
  out.model_version = "v" + std::to_string(m.manifest.version);
  out.source = "model";
  double factor = 1.0;
  if (game != "other") {
    // The game's own extractor must agree with the classifier.
    if (auto ex = extract_for(game, text)) {
      out.events = ex->events;
      if (ex->kind != kind) {
        factor = 0.5;
        out.review_reason = "extractor_disagrees";
      } else if (has_events(kind) && ex->events.empty()) {
        factor = 0.6;
        out.review_reason = "extractor_found_nothing";
      }
    } else if (has_events(kind)) {
      factor = 0.5;
      out.review_reason = "extractor_found_nothing";
    }
  } else {
    // Chatter, says the model; the rules disagree if they see a game format with currency.
    // The extractor's complete format with currency is the stronger evidence for the label;
    // the halved confidence sends the message to review all the same.
    const ParseResult rules = parse_text(text);
    if (rules.game != "other" && !rules.events.empty()) {
      factor = 0.5;
      out.review_reason = "rules_found_game_data";
      out.game_type = rules.game;
      out.kind = rules.kind;
      out.events = rules.events;
    }
  }
  out.confidence = dist.front().second * factor;
  if (dist.front().second < options_.review_threshold &&
      out.review_reason != "rules_found_game_data") {
    // The design's fallback: when the classifier itself is unsure, the rule parser's reading is
    // the label (it goes to review all the same, with the model's low confidence). A confident
    // classifier keeps its label even when the extractor disagrees (a new format it learnt
    // from corrections): that goes to review too.
    const ParseResult rules = parse_text(text);
    if (rules.game != out.game_type || rules.kind != out.kind) {
      out.game_type = rules.game;
      out.kind = rules.kind;
      out.events = rules.events;
      if (out.review_reason.empty()) out.review_reason = "low_confidence";
    }
  }
  out.entities = entities_of(text, out.events, out.confidence);
  return out;
}

std::optional<AiResult> ParserService::cached(std::string_view text, const std::string& version) {
  const size_t h = std::hash<std::string_view>{}(text);
  Shard& s = shards_[h % kShards];
  const std::string key = version + ":" + std::to_string(h);
  std::lock_guard lock(s.mu);
  auto it = s.map.find(key);
  if (it == s.map.end() || it->second.text != text) return std::nullopt;
  if (clock_.now() >= it->second.expires_at) {
    s.map.erase(it);
    return std::nullopt;
  }
  AiResult r = it->second.result;
  r.cached = true;
  return r;
}

void ParserService::remember(std::string_view text, const AiResult& r) {
  if (options_.cache_entries == 0) return;
  const size_t h = std::hash<std::string_view>{}(text);
  Shard& s = shards_[h % kShards];
  const std::string key = r.model_version + ":" + std::to_string(h);
  const Micros now = clock_.now();
  std::lock_guard lock(s.mu);
  if (s.map.size() >= std::max<size_t>(1, options_.cache_entries / kShards)) {
    std::erase_if(s.map, [&](const auto& kv) { return kv.second.expires_at <= now; });
    if (s.map.size() >= std::max<size_t>(1, options_.cache_entries / kShards)) s.map.clear();
  }
  AiResult stored = r;
  stored.canary.reset();
  stored.cached = false;
  s.map[key] = CacheEntry{std::string(text), std::move(stored), now + options_.cache_ttl};
}

void ParserService::count_served(const AiResult& r) {
  std::lock_guard lock(mu_);
  ++served_.labels[r.label()];
  ++served_.confidence_bins[static_cast<size_t>(model::confidence_bin(r.confidence))];
  ++served_.total;
}

Served ParserService::take_served() {
  std::lock_guard lock(mu_);
  Served out = std::move(served_);
  served_ = Served{};
  return out;
}

AiResult ParserService::parse(std::string_view text, std::string_view message_key) {
  const auto active = active_.load();
  auto candidate = candidate_.load();
  const double share = canary_share_.load();
  bool to_candidate = false;
  if (candidate && share > 0 && !message_key.empty()) {
    // FNV-1a of the key: the same message always goes the same way.
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : message_key) h = (h ^ c) * 1099511628211ULL;
    to_candidate = static_cast<double>(h % 10000) < share * 10000.0;
  }
  auto through = [&](const Loaded& m) -> std::optional<AiResult> {
    const std::string version = "v" + std::to_string(m.manifest.version);
    if (auto hit = cached(text, version)) {
      ++cache_hits_;
      return hit;
    }
    try {
      AiResult r = run_model(m, text);
      remember(text, r);
      return r;
    } catch (const std::exception& e) {
      incident("model " + version + " failed: " + e.what());
      return std::nullopt;
    }
  };
  std::optional<AiResult> result;
  if (active && breaker_allows()) result = through(*active);
  if (result && to_candidate && candidate) {
    if (auto c = through(*candidate)) {
      CanaryInfo info{result->model_version, result->label(), c->model_version, c->label(), true};
      result = std::move(c);
      result->canary = info;
    }
  }
  if (!result) {
    if (auto hit = cached(text, "rules")) {
      ++cache_hits_;
      result = std::move(hit);
    } else {
      result = run_rules(text);
      remember(text, *result);
    }
    ++rule_parses_;
  } else {
    ++model_parses_;
  }
  result->needs_review = result->confidence < options_.review_threshold;
  if (result->needs_review && result->review_reason.empty())
    result->review_reason = "low_confidence";
  if (!result->needs_review) result->review_reason.clear();
  count_served(*result);
  if (metrics_ != nullptr) {  // the health page's confidence and review share
    metrics_
        ->histogram("lucas_parser_confidence", "confidence of every parse", {},
                    {0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0})
        .observe(result->confidence);
    auto& reviews = metrics_->counter("lucas_parser_reviews_total",
                                      "parses below the review threshold (sent to review)");
    if (result->needs_review) reviews.inc();
  }
  return *result;
}

std::shared_ptr<const ParserService::Loaded> ParserService::load(int version) {
  auto m = registry_->get(version);
  if (!m) throw Error(ErrorCode::kUnavailable, "model v" + std::to_string(version) + " not found");
  auto loaded = std::make_shared<Loaded>();
  const std::string path = registry_->model_path(version);
  std::error_code ec;
  loaded->file_signature =
      std::to_string(std::filesystem::file_size(path, ec)) + ":" +
      std::to_string(std::filesystem::last_write_time(path, ec).time_since_epoch().count());
  loaded->classifier = registry_->load_verified(*m);
  loaded->manifest = *m;
  return loaded;
}

void ParserService::maintain() {
  if (!registry_) return;
  std::lock_guard serial(upkeep_mu_);
  const models::State state = registry_->state();
  canary_share_ = state.candidate ? state.canary_share : 0.0;

  auto signature = [&](int version) {
    std::error_code ec;
    const std::string path = registry_->model_path(version);
    return std::to_string(std::filesystem::file_size(path, ec)) + ":" +
           std::to_string(std::filesystem::last_write_time(path, ec).time_since_epoch().count());
  };
  // The active model: a newly activated version loads now; a changed or damaged file, or a
  // model that failed, is retried only when the breaker's cooldown is over.
  const auto current = active_.load();
  if (!state.active) {
    if (current) {
      active_.store(nullptr);
      ++swaps_;
    }
    attempted_.reset();
  } else {
    const int want = *state.active;
    const bool healthy =
        current && current->manifest.version == want && current->file_signature == signature(want);
    const bool retry = (current && current->manifest.version == want) || attempted_ == want;
    if (!healthy && (!retry || breaker_allows())) {
      attempted_ = want;
      try {
        auto next = load(want);
        active_.store(next);
        ++swaps_;
        breaker_open_until_ = 0;
        spdlog::info("parser: model v{} serving (temperature {:.3f})", next->manifest.version,
                     next->manifest.temperature);
      } catch (const std::exception& e) {
        // A damaged or missing model is not served: the rules take over until it is healthy.
        if (current) {
          active_.store(nullptr);
          ++swaps_;
        }
        incident(e.what());
      }
    }
  }
  // The canary candidate: same rules, but its failure only ends the canary.
  const auto cand = candidate_.load();
  if (!state.candidate) {
    if (cand) candidate_.store(nullptr);
  } else if (!cand || cand->manifest.version != *state.candidate ||
             cand->file_signature != signature(*state.candidate)) {
    try {
      candidate_.store(load(*state.candidate));
    } catch (const std::exception& e) {
      candidate_.store(nullptr);
      spdlog::error("parser: canary candidate v{} unavailable: {}", *state.candidate, e.what());
    }
  }
}

std::optional<models::Manifest> ParserService::active_manifest() const {
  auto a = active_.load();
  if (!a) return std::nullopt;
  return a->manifest;
}

std::optional<models::Manifest> ParserService::candidate_manifest() const {
  auto c = candidate_.load();
  if (!c) return std::nullopt;
  return c->manifest;
}

ServiceStatus ParserService::status() const {
  ServiceStatus s;
  if (auto a = active_.load()) s.active = a->manifest.version;
  if (auto c = candidate_.load()) s.candidate = c->manifest.version;
  s.canary_share = canary_share_.load();
  s.breaker_open = !breaker_allows();
  s.incidents = incidents_.load();
  s.model_parses = model_parses_.load();
  s.rule_parses = rule_parses_.load();
  s.cache_hits = cache_hits_.load();
  s.swaps = swaps_.load();
  {
    std::lock_guard lock(mu_);
    s.last_incident = last_incident_;
  }
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mu);
    s.cache_size += shard.map.size();
  }
  return s;
}

std::string parse_jsonl_line(ParserService& service, std::string_view line) {
  return jsonl_line(line, [&](const std::string& text, const std::string& key) {
    const AiResult r = service.parse(text, key);
    nlohmann::json out = to_json(r);
    out["game"] = r.game_type;
    return out;
  });
}

}  // namespace lucas::parser
