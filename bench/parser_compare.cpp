// The measurements behind docs/decisions/parser-model.md: fastText against two cheap
// alternatives we can run here, all trained on the same synthetic messages and tested on a
// held-out synthetic set (another seed) and, when present, on ../shared's real labelled messages.
//   rules        the rule-based parser (no training)
//   naive Bayes  multinomial, over the same tokens plus character 3-grams (written here)
//   fastText     supervised, words + character 2-4-grams, the project's default settings
// Classifier alone (top label), no extractor agreement: the pipeline's figures are
// `lucas parser eval`'s.
//   build/release/bench/parser_compare [labeled.jsonl]
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "base/clock.h"
#include "base/ids.h"
#include "features/parser/models.h"

namespace {

using namespace lucas;
using Steady = std::chrono::steady_clock;

struct Example {
  std::string text, game, kind;
};

std::vector<std::string> tokens(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(parser::model::features(text));
  std::string w;
  while (in >> w) {
    out.push_back(w);
    const std::string padded = "<" + w + ">";
    // Character 3-grams over bytes of the UTF-8 text (good enough for a baseline).
    for (size_t i = 0; i + 3 <= padded.size(); ++i) out.push_back("#" + padded.substr(i, 3));
  }
  return out;
}

class NaiveBayes {
 public:
  void train(const std::vector<Example>& data) {
    for (const auto& e : data) {
      const std::string label = e.game + "/" + e.kind;
      auto& c = classes_[label];
      ++c.docs;
      for (const auto& t : tokens(e.text)) {
        ++c.counts[t];
        ++c.total;
        vocab_.insert(t);
      }
      ++docs_;
    }
  }
  std::pair<std::string, double> predict(const std::string& text) const {
    const auto ts = tokens(text);
    std::vector<std::pair<std::string, double>> scores;
    const double v = static_cast<double>(vocab_.size());
    for (const auto& [label, c] : classes_) {
      double s = std::log(static_cast<double>(c.docs) / static_cast<double>(docs_));
      for (const auto& t : ts) {
        const auto it = c.counts.find(t);
        const double n = it == c.counts.end() ? 0 : static_cast<double>(it->second);
        s += std::log((n + kAlpha) / (static_cast<double>(c.total) + kAlpha * v));
      }
      scores.emplace_back(label, s);
    }
    double best = -1e300;
    std::string label;
    for (const auto& [l, s] : scores) {
      if (s > best) best = s, label = l;
    }
    double z = 0;
    for (const auto& [l, s] : scores) z += std::exp(s - best);
    return {label, 1.0 / z};
  }
  int64_t bytes() const {
    int64_t b = 0;
    for (const auto& [label, c] : classes_) {
      for (const auto& [t, n] : c.counts) b += static_cast<int64_t>(t.size()) + 8;
    }
    return b;
  }

 private:
  static constexpr double kAlpha = 0.1;
  struct Class {
    int64_t docs = 0, total = 0;
    std::unordered_map<std::string, int64_t> counts;
  };
  std::map<std::string, Class> classes_;
  std::set<std::string> vocab_;
  int64_t docs_ = 0;
};

struct Scores {
  double synthetic = 0, real_game = 0, real_f1 = 0, real_both = 0;
};

Scores score(const std::vector<Example>& heldout, const std::vector<Example>& real,
             const std::function<std::pair<std::string, std::string>(const std::string&)>& f) {
  Scores s;
  int ok = 0;
  for (const auto& e : heldout) {
    const auto [g, k] = f(e.text);
    ok += g == e.game && k == e.kind;
  }
  s.synthetic = static_cast<double>(ok) / static_cast<double>(heldout.size());
  if (real.empty()) return s;
  std::vector<parser::models::Labeled> recs;
  for (const auto& e : real) recs.push_back({"", e.text, e.game, e.kind, {}});
  const auto r = parser::models::evaluate(recs, [&](const std::string& text) {
    const auto [g, k] = f(text);
    return parser::models::Predicted{g, k, 1.0, {}};
  });
  s.real_game = r.game_accuracy;
  s.real_f1 = r.game_macro_f1;
  s.real_both = r.kind_accuracy;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Example> real;
  if (argc > 1) {
    for (const auto& r : parser::models::read_labeled(argv[1]))
      real.push_back({r.text, r.game, r.kind});
  }
  const auto train_samples = parser::synth::generate({1, 8000});
  std::vector<Example> train, heldout;
  for (const auto& s : train_samples) train.push_back({s.text, s.game, s.kind});
  for (const auto& s : parser::synth::generate({0x5DEECE66DULL, 2000}))
    heldout.push_back({s.text, s.game, s.kind});

  auto rate = [](const std::vector<Example>& xs, const std::function<void(const std::string&)>& f) {
    const auto t0 = Steady::now();
    int n = 0;
    while (std::chrono::duration<double>(Steady::now() - t0).count() < 1.0) {
      f(xs[static_cast<size_t>(n) % xs.size()].text);
      ++n;
    }
    return n / std::chrono::duration<double>(Steady::now() - t0).count();
  };
  fmt::print("{:<14} {:>9} {:>10} {:>9} {:>11} {:>9} {:>11} {:>11}\n", "method", "train s",
             "synthetic", "real game", "real macF1", "real g+k", "msgs/s", "model bytes");

  // Rules.
  {
    auto f = [](const std::string& t) {
      const auto r = parser::parse_text(t);
      return std::pair{r.game, r.kind};
    };
    const auto s = score(heldout, real, f);
    fmt::print("{:<14} {:>9} {:>10.4f} {:>9.4f} {:>11.4f} {:>9.4f} {:>11.0f} {:>11}\n", "rules",
               "-", s.synthetic, s.real_game, s.real_f1, s.real_both,
               rate(heldout, [&](const std::string& t) { (void)f(t); }), "-");
  }
  // Naive Bayes.
  {
    NaiveBayes nb;
    const auto t0 = Steady::now();
    nb.train(train);
    const double secs = std::chrono::duration<double>(Steady::now() - t0).count();
    auto f = [&](const std::string& t) {
      const auto label = nb.predict(t).first;
      return parser::model::split_label(label);
    };
    const auto s = score(heldout, real, f);
    fmt::print("{:<14} {:>9.2f} {:>10.4f} {:>9.4f} {:>11.4f} {:>9.4f} {:>11.0f} {:>11}\n",
               "naive Bayes", secs, s.synthetic, s.real_game, s.real_f1, s.real_both,
               rate(heldout, [&](const std::string& t) { (void)f(t); }), nb.bytes());
  }
  // fastText, at two sizes.
  for (const int bucket : {50'000, 100'000}) {
    const std::string dir =
        (std::filesystem::temp_directory_path() / ("lucas-compare-" + random_hex(6))).string();
    std::filesystem::create_directories(dir);
    parser::model::TrainOptions o;
    o.bucket = bucket;
    const auto t0 = Steady::now();
    parser::model::train(train_samples, o, dir + "/m.bin");
    const double secs = std::chrono::duration<double>(Steady::now() - t0).count();
    const auto c = parser::model::Classifier::load(dir + "/m.bin");
    auto f = [&](const std::string& t) {
      return parser::model::split_label(c->predict(t).front().first);
    };
    const auto s = score(heldout, real, f);
    fmt::print("{:<14} {:>9.2f} {:>10.4f} {:>9.4f} {:>11.4f} {:>9.4f} {:>11.0f} {:>11}\n",
               "fastText " + std::to_string(bucket / 1000) + "k", secs, s.synthetic, s.real_game,
               s.real_f1, s.real_both, rate(heldout, [&](const std::string& t) { (void)f(t); }),
               std::filesystem::file_size(dir + "/m.bin"));
    std::filesystem::remove_all(dir);
  }
  return 0;
}
