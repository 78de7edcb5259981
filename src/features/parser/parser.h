// Rule-based classification and extraction of game-bot messages, from the text alone.
// Labels follow ../shared/data/game_messages/README.md: game, kind and currency events.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lucas::parser {

struct Event {
  std::optional<std::string> player;  // as shown, ordinary whitespace trimmed; null: nobody named
  std::optional<std::string> amount;  // normalised decimal ("3000", "-1", "1.7"); null for a win
  std::string currency;               // points, orbs, coins, karma, money, gems, crystals, ...
  std::string type;                   // accrual, balance, win
};

struct ParseResult {
  std::string game;  // gd_cards, shmalala, true_mafia, bunker_rp, gusya_cards, other
  std::string kind;  // card_drop, chest, orb_sale, profile, fishing, karma_like, ... , none
  std::vector<Event> events;
};

// Never throws, whatever the input (invalid UTF-8 included).
ParseResult parse_text(std::string_view text);

// Only that game's extractor (the AI pipeline's entity extractor): its kind and events when the
// text is in one of the game's formats, nullopt otherwise (and for "other" or an unknown game).
std::optional<ParseResult> extract_for(std::string_view game, std::string_view text);

// The label set (../shared/data/game_messages/README.md).
inline constexpr std::string_view kGames[] = {"gd_cards",  "shmalala",    "true_mafia",
                                              "bunker_rp", "gusya_cards", "other"};

nlohmann::json to_json(const ParseResult& r);

// One JSONL record {"id", "text", ...} in, one line {"id", "game", "kind", "events"} out; a bad
// record gives {"id", "error": {"code", "message"}}. Never throws.
std::string parse_jsonl_line(std::string_view line);

// The JSONL frame both parsers share: {"id", "text", "key"?} in; `parse(text, key)`'s object
// plus "id" out, on one line; a bad record gives {"id", "error"}. Never throws.
using JsonlParse = std::function<nlohmann::json(const std::string& text, const std::string& key)>;
std::string jsonl_line(std::string_view line, const JsonlParse& parse);

// Why a message credits nothing: "cooldown", "top_list", "not_a_game_message", "no_currency",
// or "" when it has events.
std::string_view no_event_reason(const ParseResult& r);

}  // namespace lucas::parser
