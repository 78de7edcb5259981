#include "features/parser/classifier.h"

#include <fasttext/fasttext.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"

namespace lucas::parser::model {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";
constexpr size_t kMaxTokens = 400;

// Decodes one UTF-8 code point at s[i]; invalid bytes decode as U+FFFD, one byte at a time.
char32_t decode(std::string_view s, size_t& i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c < 0x80) {
    ++i;
    return c;
  }
  if ((c & 0xE0) == 0xC0 && cont(i + 1)) {
    const char32_t cp = (char32_t(c & 0x1F) << 6) | (b(i + 1) & 0x3F);
    i += 2;
    return cp >= 0x80 ? cp : 0xFFFD;
  }
  if ((c & 0xF0) == 0xE0 && cont(i + 1) && cont(i + 2)) {
    const char32_t cp =
        (char32_t(c & 0x0F) << 12) | (char32_t(b(i + 1) & 0x3F) << 6) | (b(i + 2) & 0x3F);
    i += 3;
    return cp >= 0x800 ? cp : 0xFFFD;
  }
  if ((c & 0xF8) == 0xF0 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
    const char32_t cp = (char32_t(c & 0x07) << 18) | (char32_t(b(i + 1) & 0x3F) << 12) |
                        (char32_t(b(i + 2) & 0x3F) << 6) | (b(i + 3) & 0x3F);
    i += 4;
    return cp >= 0x10000 && cp <= 0x10FFFF ? cp : 0xFFFD;
  }
  ++i;
  return 0xFFFD;
}

void encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool invisible(char32_t c) {
  return c == 0xFFFD || (c >= 0x200B && c <= 0x200F) || (c >= 0x2060 && c <= 0x2064) ||
         c == 0xFEFF || c == 0x1160 || c == 0x115F || c == 0x3164 || c == 0xFFA0 || c == 0x00AD ||
         (c >= 0xFE00 && c <= 0xFE0F) || c == 0x034F || c == '\r';
}

bool letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0x00C0 && c <= 0x024F) ||
         (c >= 0x0370 && c <= 0x052F) || c == '_';
}

char32_t lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0x0410 && c <= 0x042F) return c + 32;  // А-Я
  if (c == 0x0401) return 0x0451;                 // Ё
  return c;
}

}  // namespace

std::string features(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  size_t tokens = 0;
  enum class Last { kSpace, kWord, kDigit, kSymbol };
  Last last = Last::kSpace;
  std::string last_symbol;
  auto boundary = [&] {
    if (last != Last::kSpace && !out.empty()) out += ' ';
    last = Last::kSpace;
  };
  for (size_t i = 0; i < text.size() && tokens < kMaxTokens;) {
    const char32_t c = decode(text, i);
    if (invisible(c)) continue;
    if (c == '\n') {
      if (last_symbol != "<nl>") {
        boundary();
        out += "<nl>";
        ++tokens;
        last = Last::kSymbol;
        last_symbol = "<nl>";
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == 0x00A0 || (c >= 0x2000 && c <= 0x200A) || c == 0x3000) {
      boundary();
      continue;
    }
    if (c >= '0' && c <= '9') {
      if (last == Last::kDigit) continue;  // a run of digits is one "0"
      boundary();
      out += '0';
      ++tokens;
      last = Last::kDigit;
      last_symbol.clear();
      continue;
    }
    if (letter(c)) {
      if (last != Last::kWord) {
        boundary();
        ++tokens;
      }
      encode(lower(c), out);
      last = Last::kWord;
      last_symbol.clear();
      continue;
    }
    std::string sym;
    encode(c, sym);
    if (sym == last_symbol) continue;  // "───────" is one token
    boundary();
    out += sym;
    ++tokens;
    last = Last::kSymbol;
    last_symbol = sym;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string label_of(std::string_view game, std::string_view kind) {
  return std::string(kLabelPrefix) + std::string(game) + "/" + std::string(kind);
}

std::pair<std::string, std::string> split_label(std::string_view label) {
  if (label.substr(0, kLabelPrefix.size()) == kLabelPrefix)
    label.remove_prefix(kLabelPrefix.size());
  const size_t slash = label.find('/');
  if (slash == std::string_view::npos) return {std::string(label), ""};
  return {std::string(label.substr(0, slash)), std::string(label.substr(slash + 1))};
}

Classifier::Classifier() : ft_(std::make_unique<fasttext::FastText>()) {}
Classifier::~Classifier() = default;

std::shared_ptr<const Classifier> Classifier::load(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw Error(ErrorCode::kUnavailable, "no model file at " + path);
  }
  std::shared_ptr<Classifier> c(new Classifier());
  try {
    c->ft_->loadModel(path);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kUnavailable, "cannot load the model " + path + ": " + e.what());
  }
  if (c->ft_->getArgs().model != fasttext::model_name::sup || c->labels() < 2) {
    throw Error(ErrorCode::kUnavailable, "not a supervised classifier: " + path);
  }
  return c;
}

Distribution Classifier::predict(std::string_view text) const {
  std::istringstream in(features(text) + "\n");
  std::vector<std::pair<fasttext::real, std::string>> raw;
  ft_->predictLine(in, raw, -1, 0.0);
  Distribution d;
  d.reserve(raw.size());
  double sum = 0;
  for (const auto& [p, label] : raw) sum += p;
  for (const auto& [p, label] : raw) {
    d.emplace_back(label, sum > 0 ? p / sum : 1.0 / static_cast<double>(raw.size()));
  }
  return d;
}

int Classifier::labels() const {
  return ft_->getDictionary()->nlabels();
}

int64_t Classifier::memory_bytes() const {
  const auto in = ft_->getInputMatrix();
  const auto out = ft_->getOutputMatrix();
  return (in->size(0) * in->size(1) + out->size(0) * out->size(1)) *
         static_cast<int64_t>(sizeof(fasttext::real));
}

int Classifier::bucket() const {
  return ft_->getArgs().bucket;
}

void train(const std::vector<synth::Sample>& samples, const TrainOptions& o,
           const std::string& path, const TrainProgress& progress) {
  if (samples.empty()) throw Error(ErrorCode::kInvalidArgument, "no training data");
  const std::string input = path + ".train.txt";
  {
    std::ofstream f(input, std::ios::trunc);
    if (!f) throw Error(ErrorCode::kInternal, "cannot write " + input);
    for (const auto& s : samples) f << label_of(s.game, s.kind) << ' ' << features(s.text) << '\n';
    if (!f) throw Error(ErrorCode::kInternal, "cannot write " + input);
  }
  fasttext::Args args;
  args.input = input;
  args.output = path;
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.dim = o.dim;
  args.epoch = o.epoch;
  args.lr = o.lr;
  args.bucket = o.bucket;
  args.minn = o.minn;
  args.maxn = o.maxn;
  args.wordNgrams = o.word_ngrams;
  args.minCount = 1;
  args.thread = o.threads;
  args.seed = o.seed;
  args.verbose = 0;
  fasttext::FastText ft;
  try {
    ft.train(args, [&](float p, float loss, double, double, int64_t) {
      if (progress) progress(p, loss);
    });
    ft.saveModel(path);
  } catch (const std::exception& e) {
    std::filesystem::remove(input);
    throw Error(ErrorCode::kInternal, std::string("fastText training failed: ") + e.what());
  }
  std::filesystem::remove(input);
  if (progress) progress(1.0, 0.0);
}

Distribution with_temperature(const Distribution& d, double t) {
  Distribution out = d;
  double max_logit = -1e300;
  for (auto& [label, p] : out) {
    p = std::log(std::max(p, 1e-12)) / t;
    max_logit = std::max(max_logit, p);
  }
  double sum = 0;
  for (auto& [label, p] : out) sum += (p = std::exp(p - max_logit));
  for (auto& [label, p] : out) p /= sum;
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

double fit_temperature(const std::vector<Distribution>& dists,
                       const std::vector<std::string>& truth) {
  auto nll = [&](double log_t) {
    const double t = std::exp(log_t);
    double total = 0;
    for (size_t i = 0; i < dists.size(); ++i) {
      double p = 1e-12;
      for (const auto& [label, q] : with_temperature(dists[i], t)) {
        if (label == truth[i]) p = std::max(q, 1e-12);
      }
      total -= std::log(p);
    }
    return total;
  };
  if (dists.empty()) return 1.0;
  double lo = std::log(1.0), hi = std::log(8.0);
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
  double fa = nll(a), fb = nll(b);
  for (int i = 0; i < 40; ++i) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = nll(b);
    }
  }
  return std::exp((lo + hi) / 2);
}

double expected_calibration_error(const std::vector<double>& confidence,
                                  const std::vector<bool>& correct, int bins) {
  if (confidence.empty()) return 0;
  std::vector<double> conf_sum(static_cast<size_t>(bins)), acc_sum(static_cast<size_t>(bins));
  std::vector<int> n(static_cast<size_t>(bins));
  for (size_t i = 0; i < confidence.size(); ++i) {
    const auto b =
        static_cast<size_t>(std::clamp(static_cast<int>(confidence[i] * bins), 0, bins - 1));
    conf_sum[b] += confidence[i];
    acc_sum[b] += correct[i] ? 1 : 0;
    ++n[b];
  }
  double ece = 0;
  for (size_t b = 0; b < static_cast<size_t>(bins); ++b) {
    if (n[b] == 0) continue;
    ece += std::abs(acc_sum[b] - conf_sum[b]) / static_cast<double>(confidence.size());
  }
  return ece;
}

double psi(const std::vector<double>& expected, const std::vector<double>& actual) {
  double total = 0;
  for (size_t i = 0; i < expected.size() && i < actual.size(); ++i) {
    const double e = std::max(expected[i], 1e-4);
    const double a = std::max(actual[i], 1e-4);
    total += (a - e) * std::log(a / e);
  }
  return total;
}

int confidence_bin(double confidence) {
  return std::clamp(static_cast<int>(confidence * kConfidenceBins), 0, kConfidenceBins - 1);
}

}  // namespace lucas::parser::model
