// The project's own generator of labelled synthetic game-bot messages: every (game, kind) of the
// label set in ../shared/data/game_messages/README.md, written from the formats of LEGACY.md
// section 2, with varied names (Cyrillic, Latin, invisible fillers, emoji), amounts (integers,
// decimals, thousands separators, em-dash minus), card names, format versions and line-break
// variants, plus negatives: people's chatter, other bots' messages and forged near-misses.
// Deterministic: the same options always give the same messages, in the same order.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "features/parser/parser.h"

namespace lucas::parser::synth {

struct Sample {
  std::string text;
  std::string game;
  std::string kind;
  std::vector<Event> events;  // what the message credits, as the labelled data writes it
};

struct Options {
  uint64_t seed = 1;
  int count = 5000;  // messages; classes are drawn with the weights of labels()
};

struct LabelWeight {
  std::string game;
  std::string kind;
  int weight;  // relative share, roughly the traffic mix of a game chat (rare classes kept)
};
const std::vector<LabelWeight>& labels();

std::vector<Sample> generate(const Options& options);

// {"text", "game", "kind", "events"} like a line of labeled.jsonl.
nlohmann::json to_json(const Sample& s);

}  // namespace lucas::parser::synth
