#include "base/i18n.h"

#include <nlohmann/json.hpp>

namespace lucas::i18n {

// Generated from resources/i18n/*.json by CMake (i18n_data.cpp).
extern const char* const kCatalogueRu;
extern const char* const kCatalogueEn;

namespace {
using Catalogue = std::map<std::string, std::string>;

Catalogue load(const char* json_text) {
  Catalogue c;
  const auto j = nlohmann::json::parse(json_text);  // kept alive while items() is iterated
  for (const auto& [k, v] : j.items()) c[k] = v.get<std::string>();
  return c;
}

const std::map<std::string, Catalogue>& all() {
  static const std::map<std::string, Catalogue> c{{"ru", load(kCatalogueRu)},
                                                  {"en", load(kCatalogueEn)}};
  return c;
}
}  // namespace

std::string_view language_for(std::string_view code) {
  return code.substr(0, 2) == "en" ? "en" : "ru";
}

std::string text(std::string_view lang, std::string_view key, const Args& args) {
  const auto& c = all();
  auto cat = c.find(std::string(lang));
  std::string out;
  const std::string k(key);
  if (cat != c.end() && cat->second.count(k)) {
    out = cat->second.at(k);
  } else if (c.at("ru").count(k)) {
    out = c.at("ru").at(k);
  } else {
    return k;
  }
  std::string result;
  for (size_t i = 0; i < out.size();) {
    if (out[i] == '{') {
      const size_t close = out.find('}', i);
      if (close != std::string::npos) {
        auto it = args.find(out.substr(i + 1, close - i - 1));
        if (it != args.end()) {
          result += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    result += out[i++];
  }
  return result;
}

std::map<std::string, std::map<std::string, std::string>> catalogues() {
  return all();
}

}  // namespace lucas::i18n
