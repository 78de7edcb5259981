#include "features/parser/models.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/decimal.h"
#include "base/error.h"
#include "base/ids.h"

namespace lucas::parser::models {
namespace fs = std::filesystem;
namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorCode::kUnavailable, "cannot read " + path);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_atomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp" + random_hex(4);
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << content;
    f.flush();
    if (!f) throw Error(ErrorCode::kInternal, "cannot write " + tmp);
  }
  fs::rename(tmp, path);
}

nlohmann::json options_json(const model::TrainOptions& o) {
  return {{"dim", o.dim},
          {"epoch", o.epoch},
          {"lr", o.lr},
          {"bucket", o.bucket},
          {"minn", o.minn},
          {"maxn", o.maxn},
          {"word_ngrams", o.word_ngrams},
          {"threads", o.threads},
          {"seed", o.seed}};
}

std::string event_key(const Event& e) {
  std::string amount = "null";
  if (e.amount) {
    try {
      amount = Decimal::parse(*e.amount).to_string();
    } catch (const std::exception&) {
      amount = *e.amount;
    }
  }
  return e.player.value_or("<null>") + "\x1f" + amount + "\x1f" + e.currency + "\x1f" + e.type;
}

std::vector<Event> events_from_json(const nlohmann::json& events) {
  std::vector<Event> out;
  for (const auto& e : events) {
    Event ev;
    if (!e.at("player").is_null()) ev.player = e.at("player").get<std::string>();
    if (!e.at("amount").is_null()) ev.amount = e.at("amount").get<std::string>();
    ev.currency = e.at("currency").get<std::string>();
    ev.type = e.at("type").get<std::string>();
    out.push_back(std::move(ev));
  }
  return out;
}

}  // namespace

nlohmann::json to_json(const Manifest& m) {
  return {{"version", m.version},
          {"sha256", m.sha256},
          {"file_bytes", m.file_bytes},
          {"created_at", format_rfc3339(m.created_at)},
          {"created_at_us", m.created_at},
          {"options", options_json(m.options)},
          {"seed", m.seed},
          {"synthetic_samples", m.synthetic_samples},
          {"extra_samples", m.extra_samples},
          {"temperature", m.temperature},
          {"metrics", m.metrics},
          {"labels", m.labels},
          {"baseline_class_share", m.baseline_class_share},
          {"baseline_confidence", m.baseline_confidence}};
}

Manifest manifest_from_json(const nlohmann::json& j) {
  try {
    Manifest m;
    m.version = j.at("version").get<int>();
    m.sha256 = j.at("sha256").get<std::string>();
    m.file_bytes = j.at("file_bytes").get<int64_t>();
    m.created_at = j.at("created_at_us").get<Micros>();
    const auto& o = j.at("options");
    m.options.dim = o.at("dim").get<int>();
    m.options.epoch = o.at("epoch").get<int>();
    m.options.lr = o.at("lr").get<double>();
    m.options.bucket = o.at("bucket").get<int>();
    m.options.minn = o.at("minn").get<int>();
    m.options.maxn = o.at("maxn").get<int>();
    m.options.word_ngrams = o.at("word_ngrams").get<int>();
    m.options.threads = o.at("threads").get<int>();
    m.options.seed = o.at("seed").get<int>();
    m.seed = j.at("seed").get<uint64_t>();
    m.synthetic_samples = j.at("synthetic_samples").get<int64_t>();
    m.extra_samples = j.at("extra_samples").get<int64_t>();
    m.temperature = j.at("temperature").get<double>();
    m.metrics = j.at("metrics");
    m.labels = j.at("labels").get<std::vector<std::string>>();
    m.baseline_class_share = j.at("baseline_class_share").get<std::vector<double>>();
    m.baseline_confidence = j.at("baseline_confidence").get<std::vector<double>>();
    if (m.temperature <= 0 || m.labels.size() != m.baseline_class_share.size()) {
      throw std::invalid_argument("inconsistent manifest");
    }
    return m;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("malformed model manifest: ") + e.what());
  }
}

std::vector<Manifest> Registry::list() const {
  std::vector<Manifest> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 2 || name[0] != 'v') continue;
    try {
      if (auto m = get(std::stoi(name.substr(1)))) out.push_back(*m);
    } catch (const std::exception&) {
    }
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.version < b.version; });
  return out;
}

std::optional<Manifest> Registry::get(int version) const {
  const std::string path = dir_ + "/v" + std::to_string(version) + "/manifest.json";
  if (!fs::is_regular_file(path)) return std::nullopt;
  const auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  if (j.is_discarded()) throw Error(ErrorCode::kInvalidArgument, "unreadable manifest " + path);
  return manifest_from_json(j);
}

std::string Registry::model_path(int version) const {
  return dir_ + "/v" + std::to_string(version) + "/model.bin";
}

int Registry::next_version() const {
  int v = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 2 || name[0] != 'v') continue;
    try {
      v = std::max(v, std::stoi(name.substr(1)));
    } catch (const std::exception&) {
    }
  }
  return v + 1;
}

void Registry::save(const Manifest& m) const {
  fs::create_directories(dir_ + "/v" + std::to_string(m.version));
  write_atomically(dir_ + "/v" + std::to_string(m.version) + "/manifest.json",
                   to_json(m).dump(2) + "\n");
}

State Registry::state() const {
  State s;
  const std::string path = dir_ + "/state.json";
  if (!fs::is_regular_file(path)) return s;
  try {
    const auto j = nlohmann::json::parse(read_file(path));
    if (j.contains("active") && !j.at("active").is_null()) s.active = j.at("active").get<int>();
    if (j.contains("candidate") && !j.at("candidate").is_null()) {
      s.candidate = j.at("candidate").get<int>();
    }
    s.canary_share = std::clamp(j.value("canary_share", 0.0), 0.0, 1.0);
  } catch (const std::exception& e) {
    spdlog::error("parser: unreadable {}: {}", path, e.what());
  }
  return s;
}

void Registry::save_state(const State& s) const {
  fs::create_directories(dir_);
  nlohmann::json j{{"active", s.active ? nlohmann::json(*s.active) : nullptr},
                   {"candidate", s.candidate ? nlohmann::json(*s.candidate) : nullptr},
                   {"canary_share", s.canary_share}};
  write_atomically(dir_ + "/state.json", j.dump() + "\n");
}

std::shared_ptr<const model::Classifier> Registry::load_verified(const Manifest& m) const {
  const std::string path = model_path(m.version);
  const std::string bytes = read_file(path);
  if (sha256_hex(bytes) != m.sha256) {
    throw Error(ErrorCode::kUnavailable,
                "model v" + std::to_string(m.version) + " does not match its manifest (damaged)");
  }
  return model::Classifier::load(path);
}

TrainRequest default_request() {
  TrainRequest r;
  r.synthetic = 8000;
  r.heldout = 1600;
  r.options.epoch = 10;
  r.options.bucket = 100'000;
  return r;
}

TrainReport train_version(const Registry& registry, const TrainRequest& req, const Clock& clock,
                          const Progress& progress) {
  const auto started = std::chrono::steady_clock::now();
  auto say = [&](const std::string& line) {
    if (progress) progress(line);
  };
  say(fmt::format("generating {} synthetic messages (seed {})", req.synthetic, req.seed));
  std::vector<synth::Sample> train = synth::generate({req.seed, req.synthetic});
  for (const auto& s : req.extra) {
    for (int i = 0; i < std::max(1, req.extra_weight); ++i) train.push_back(s);
  }
  // The held-out set: another seed, so calibration sees names and numbers training did not.
  const auto heldout = synth::generate({req.seed ^ 0x5DEECE66DULL, req.heldout});

  Manifest m;
  m.version = registry.next_version();
  m.options = req.options;
  m.seed = req.seed;
  m.synthetic_samples = req.synthetic;
  m.extra_samples = static_cast<int64_t>(req.extra.size());
  fs::create_directories(registry.dir() + "/v" + std::to_string(m.version));
  const std::string path = registry.model_path(m.version);
  int last_pct = -1;
  model::train(train, req.options, path, [&](double p, double loss) {
    const int pct = static_cast<int>(p * 100);
    if (pct / 10 != last_pct / 10) {
      last_pct = pct;
      say(loss > 0 ? fmt::format("training v{}: {:3d}% (loss {:.4f})", m.version, pct, loss)
                   : fmt::format("training v{}: {:3d}%", m.version, pct));
    }
  });
  const std::string bytes = read_file(path);
  m.sha256 = sha256_hex(bytes);
  m.file_bytes = static_cast<int64_t>(bytes.size());
  m.created_at = clock.now();
  say("calibrating on " + std::to_string(heldout.size()) + " held-out messages");
  const auto classifier = model::Classifier::load(path);
  std::vector<model::Distribution> dists;
  std::vector<std::string> truth;
  for (const auto& s : heldout) {
    dists.push_back(classifier->predict(s.text));
    truth.push_back(model::label_of(s.game, s.kind));
  }
  m.temperature = model::fit_temperature(dists, truth);
  std::vector<double> raw_conf, conf;
  std::vector<bool> correct;
  std::map<std::string, int64_t> predicted;
  std::vector<double> hist(model::kConfidenceBins);
  for (size_t i = 0; i < dists.size(); ++i) {
    raw_conf.push_back(dists[i].front().second);
    const auto calibrated = model::with_temperature(dists[i], m.temperature);
    conf.push_back(calibrated.front().second);
    correct.push_back(calibrated.front().first == truth[i]);
    ++predicted[calibrated.front().first];
    hist[static_cast<size_t>(model::confidence_bin(conf.back()))] += 1;
  }
  const double n = static_cast<double>(std::max<size_t>(1, dists.size()));
  for (auto& h : hist) h /= n;
  for (const auto& l : synth::labels()) {
    const std::string label = model::label_of(l.game, l.kind);
    m.labels.push_back(label);
    m.baseline_class_share.push_back(static_cast<double>(predicted[label]) / n);
  }
  m.baseline_confidence = hist;
  const auto right = static_cast<double>(std::count(correct.begin(), correct.end(), true));
  m.metrics = {{"heldout_messages", dists.size()},
               {"heldout_accuracy", right / n},
               {"ece_uncalibrated", model::expected_calibration_error(raw_conf, correct)},
               {"ece_calibrated", model::expected_calibration_error(conf, correct)},
               {"memory_bytes", classifier->memory_bytes()}};
  registry.save(m);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  say(fmt::format(
      "v{}: held-out accuracy {:.4f}, temperature {:.3f}, ECE {:.4f} -> {:.4f}, "
      "{:.1f} MB, {:.1f} s",
      m.version, right / n, m.temperature, m.metrics["ece_uncalibrated"].get<double>(),
      m.metrics["ece_calibrated"].get<double>(), static_cast<double>(m.file_bytes) / 1e6, seconds));
  return {m, seconds};
}

std::vector<Labeled> read_labeled(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kInvalidArgument, "cannot read " + path);
  std::vector<Labeled> out;
  std::string line;
  int64_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      const auto j = nlohmann::json::parse(line);
      Labeled r;
      if (j.contains("id") && j.at("id").is_string()) r.id = j.at("id").get<std::string>();
      r.text = j.at("text").get<std::string>();
      r.game = j.at("game").get<std::string>();
      r.kind = j.at("kind").get<std::string>();
      r.events = events_from_json(j.value("events", nlohmann::json::array()));
      out.push_back(std::move(r));
    } catch (const std::exception& e) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("{} line {}: not a labelled record ({})", path, no, e.what()));
    }
  }
  return out;
}

std::vector<synth::Sample> to_samples(const std::vector<Labeled>& records) {
  std::vector<synth::Sample> out;
  for (const auto& r : records) out.push_back({r.text, r.game, r.kind, r.events});
  return out;
}

EvalReport evaluate(const std::vector<Labeled>& records,
                    const std::function<Predicted(const std::string& text)>& predict) {
  EvalReport r;
  int64_t game_ok = 0, kind_ok = 0, exact = 0, tp = 0, n_pred = 0, n_true = 0, review = 0;
  std::vector<double> conf;
  std::vector<bool> correct;
  std::set<std::string> games;
  for (const auto& rec : records) {
    const Predicted p = predict(rec.text);
    ++r.messages;
    games.insert(rec.game);
    games.insert(p.game);
    ++r.confusion[rec.game][p.game];
    game_ok += p.game == rec.game;
    const bool both = p.game == rec.game && p.kind == rec.kind;
    kind_ok += both;
    conf.push_back(p.confidence);
    correct.push_back(both);
    review += p.confidence < 0.8;
    std::multiset<std::string> want, got;
    for (const auto& e : rec.events) want.insert(event_key(e));
    for (const auto& e : p.events) got.insert(event_key(e));
    n_true += static_cast<int64_t>(want.size());
    n_pred += static_cast<int64_t>(got.size());
    for (const auto& k : got) {
      if (auto it = want.find(k); it != want.end()) {
        ++tp;
        want.erase(it);
      }
    }
    exact +=
        want.empty() && static_cast<int64_t>(got.size()) == static_cast<int64_t>(rec.events.size());
  }
  const double n = static_cast<double>(std::max<int64_t>(1, r.messages));
  r.game_accuracy = static_cast<double>(game_ok) / n;
  r.kind_accuracy = static_cast<double>(kind_ok) / n;
  r.event_exact_match = static_cast<double>(exact) / n;
  r.event_precision = n_pred ? static_cast<double>(tp) / static_cast<double>(n_pred) : 1.0;
  r.event_recall = n_true ? static_cast<double>(tp) / static_cast<double>(n_true) : 1.0;
  r.review_share = static_cast<double>(review) / n;
  r.ece = model::expected_calibration_error(conf, correct);
  double f1_sum = 0;
  int classes = 0;
  for (const auto& g : games) {
    int64_t t = 0, pred = 0, both = 0;
    for (const auto& [truth, row] : r.confusion) {
      for (const auto& [got, count] : row) {
        if (truth == g) t += count;
        if (got == g) pred += count;
        if (truth == g && got == g) both += count;
      }
    }
    if (t == 0) continue;  // a game only ever predicted counts in precision elsewhere
    const double precision = pred ? static_cast<double>(both) / static_cast<double>(pred) : 0;
    const double recall = static_cast<double>(both) / static_cast<double>(t);
    f1_sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    ++classes;
  }
  r.game_macro_f1 = classes ? f1_sum / classes : 0;
  return r;
}

std::string format_report(const EvalReport& r) {
  std::string s = fmt::format(
      "messages            {}\n"
      "game accuracy       {:.4f}\n"
      "game macro-F1       {:.4f}\n"
      "kind accuracy       {:.4f}  (game and kind both right)\n"
      "event precision     {:.4f}\n"
      "event recall        {:.4f}\n"
      "event exact match   {:.4f}\n"
      "ECE                 {:.4f}  (15 bins, confidence vs game and kind right)\n"
      "to review (< 0.8)   {:.4f}\n\nconfusion (rows: truth, columns: predicted game)\n",
      r.messages, r.game_accuracy, r.game_macro_f1, r.kind_accuracy, r.event_precision,
      r.event_recall, r.event_exact_match, r.ece, r.review_share);
  std::set<std::string> cols;
  for (const auto& [truth, row] : r.confusion) {
    cols.insert(truth);
    for (const auto& [got, count] : row) cols.insert(got);
  }
  s += fmt::format("{:<12}", "");
  for (const auto& c : cols) s += fmt::format("{:>12}", c);
  s += "\n";
  for (const auto& truth : cols) {
    s += fmt::format("{:<12}", truth);
    for (const auto& c : cols) {
      int64_t v = 0;
      if (auto it = r.confusion.find(truth); it != r.confusion.end()) {
        if (auto jt = it->second.find(c); jt != it->second.end()) v = jt->second;
      }
      s += fmt::format("{:>12}", v);
    }
    s += "\n";
  }
  return s;
}

nlohmann::json to_json(const EvalReport& r) {
  return {{"messages", r.messages},
          {"game_accuracy", r.game_accuracy},
          {"game_macro_f1", r.game_macro_f1},
          {"kind_accuracy", r.kind_accuracy},
          {"event_precision", r.event_precision},
          {"event_recall", r.event_recall},
          {"event_exact_match", r.event_exact_match},
          {"ece", r.ece},
          {"review_share", r.review_share},
          {"confusion", r.confusion}};
}

}  // namespace lucas::parser::models
