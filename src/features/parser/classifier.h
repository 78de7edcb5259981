// The message classifier: fastText (supervised, words + character n-grams) over one joint label
// per (game, kind), with temperature-scaled probabilities. Also the calibration and evaluation
// arithmetic that training and `lucas parser eval` share.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "features/parser/synth.h"

namespace fasttext {
class FastText;
}

namespace lucas::parser::model {

// The classifier's view of a text: one line of tokens. Letters are lower-cased (Latin and
// Cyrillic), every run of digits becomes "0", invisible and filler characters are dropped, each
// other symbol (punctuation, emoji) is a token of its own (repeats collapsed), line breaks are
// "<nl>". Bounded: at most 400 tokens.
std::string features(std::string_view text);

// "__label__gd_cards/card_drop" <-> ("gd_cards", "card_drop").
std::string label_of(std::string_view game, std::string_view kind);
std::pair<std::string, std::string> split_label(std::string_view label);

struct TrainOptions {
  int dim = 16;
  int epoch = 10;
  double lr = 0.5;
  int bucket = 100'000;  // explicit: fastText's default (2M) makes a huge model
  int minn = 2;
  int maxn = 4;
  int word_ngrams = 2;
  int threads = 1;  // one thread: the same data and seed give the same model
  int seed = 1;
};

// (label, probability), most likely first; the probabilities sum to 1.
using Distribution = std::vector<std::pair<std::string, double>>;

// Progress in [0, 1] and the current training loss.
using TrainProgress = std::function<void(double progress, double loss)>;

class Classifier {
 public:
  // Loads a fastText .bin/.ftz. Throws Error(UNAVAILABLE) when the file is missing or unreadable.
  static std::shared_ptr<const Classifier> load(const std::string& path);
  ~Classifier();

  // Every label's raw probability for one text (features() is applied here).
  Distribution predict(std::string_view text) const;
  int labels() const;
  int64_t memory_bytes() const;  // the input and output matrices
  int bucket() const;

 private:
  Classifier();
  std::unique_ptr<fasttext::FastText> ft_;
};

// Trains on `samples` and writes the model to `path`. Throws Error on failure.
void train(const std::vector<synth::Sample>& samples, const TrainOptions& options,
           const std::string& path, const TrainProgress& progress = {});

// Temperature scaling: softmax(log p / T). T > 1 softens, T < 1 sharpens.
Distribution with_temperature(const Distribution& d, double t);
// The T in [1, 8] that minimises the negative log-likelihood of `truth` (golden-section search
// on log T). Never below 1: the synthetic held-out set is easier than real traffic, so the fit
// may soften the model's probabilities but never sharpen them.
double fit_temperature(const std::vector<Distribution>& dists,
                       const std::vector<std::string>& truth);
// Expected calibration error of the top-label confidence over `bins` equal-width bins.
double expected_calibration_error(const std::vector<double>& confidence,
                                  const std::vector<bool>& correct, int bins = 15);

// Population-stability index of `actual` shares against `expected` (same length; zero shares
// are floored at 1e-4).
double psi(const std::vector<double>& expected, const std::vector<double>& actual);
// Ten equal-width confidence bins: the histogram drift is measured on.
int confidence_bin(double confidence);
constexpr int kConfidenceBins = 10;

}  // namespace lucas::parser::model
