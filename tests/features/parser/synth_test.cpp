// The synthetic generator's output is pinned: models, evaluations and the drift baseline are
// trained on it, so a change of its messages must be deliberate. The digest below is of
// `lucas parser generate --seed 7 --count 3000` as main wrote it before synth.cpp was split by
// game family (issue 16); a deliberate change of the generator updates it.
#include <gtest/gtest.h>

#include "base/ids.h"
#include "features/parser/synth.h"

namespace lucas::parser {
namespace {

std::string jsonl(uint64_t seed, int count) {
  std::string out;
  for (const auto& s : synth::generate({seed, count})) {
    out += synth::to_json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
  }
  return out;
}

TEST(SyntheticData, OutputForASeedIsPinned) {
  EXPECT_EQ(sha256_hex(jsonl(7, 3000)),
            "83fba4e5472d5ea77b78b0b95921020f9051ef39b92587af4f17dde375942aaa");
}

}  // namespace
}  // namespace lucas::parser
