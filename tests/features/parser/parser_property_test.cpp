#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

#include "features/parser/parser.h"

namespace lucas::parser {
namespace {

const std::set<std::string> kGames{"gd_cards",  "shmalala",    "true_mafia",
                                   "bunker_rp", "gusya_cards", "other"};
const std::set<std::string> kKinds{
    "card_drop", "chest",       "orb_sale",   "profile",  "fishing",  "karma_like", "karma_dislike",
    "game_end",  "game_reward", "goose_card", "top_list", "cooldown", "other",      "none"};

// For any bytes, the parser answers with labels from the label sets and never throws.
RC_GTEST_PROP(ParserProperty, AnyInputGivesValidLabels, (const std::string& bytes)) {
  const auto r = parse_text(bytes);
  RC_ASSERT(kGames.count(r.game) == 1);
  RC_ASSERT(kKinds.count(r.kind) == 1);
}

// For any input line, parse_jsonl_line writes exactly one JSON object.
RC_GTEST_PROP(ParserProperty, JsonlAlwaysAnswersWithOneObject, (const std::string& line)) {
  const std::string out = parse_jsonl_line(line);
  RC_ASSERT(out.find('\n') == std::string::npos);
  const auto j = nlohmann::json::parse(out, nullptr, false);
  RC_ASSERT(!j.is_discarded());
  RC_ASSERT(j.is_object());
}

rc::Gen<std::string> gen_name() {
  // Latin, Cyrillic and the fillers real names carry; never leading/trailing spaces.
  return rc::gen::map(
      rc::gen::nonEmpty(rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 8))),
      [](const std::vector<int>& parts) {
        static const char* pieces[] = {"Vel",          "Ора",          "x", "Глеб", "\u200b",
                                       "\xE1\x85\xA0", "\xEF\xBF\xBD", "🐜"};
        std::string s = "N";
        for (int p : parts) s += pieces[p];
        return s;
      });
}

// For any generated chest or card drop, the player and amount come back exactly.
RC_GTEST_PROP(ParserProperty, ChestAndCardDropRoundTrip, ()) {
  const std::string name = *gen_name();
  const int64_t whole = *rc::gen::inRange<int64_t>(0, 100000);
  const int tenth = *rc::gen::inRange(0, 10);
  const std::string amount = std::to_string(whole) + "." + std::to_string(tenth);
  const bool gift = *rc::gen::arbitrary<bool>();
  auto chest =
      parse_text((gift ? "🎁 " : "") + name + " открыл сундук и получил " + amount + " орб");
  RC_ASSERT(chest.kind == "chest");
  RC_ASSERT(chest.events.size() == 1u);
  RC_ASSERT(*chest.events[0].player == name);
  RC_ASSERT(*chest.events[0].amount == amount);

  const int points = *rc::gen::inRange(0, 10);
  const int orbs = *rc::gen::inRange(0, 100);
  auto drop = parse_text("🃏 НОВАЯ КАРТА 🃏\nИгрок: " + name + "\nКарта: X\n⭐️ Очки: +" +
                         std::to_string(points) + "\n🤩 Орбы: +" + std::to_string(orbs));
  RC_ASSERT(drop.kind == "card_drop");
  RC_ASSERT(drop.events.size() == 2u);
  RC_ASSERT(*drop.events[0].player == name);
  RC_ASSERT(*drop.events[0].amount == std::to_string(points));
  RC_ASSERT(*drop.events[1].amount == std::to_string(orbs));
}

// For any amount with thousands separators and any sign style, the normalised amount is exact.
RC_GTEST_PROP(ParserProperty, GooseAmountsNormalise, (uint32_t raw)) {
  const int64_t n = raw % 10'000'000;
  std::string digits = std::to_string(n);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  const int style = *rc::gen::inRange(0, 3);
  const char* prefix = style == 0 ? "+" : (style == 1 ? "" : "\xE2\x80\x94");
  auto r = parse_text("✨ Очки • " + std::string(prefix) + grouped + " [1]");
  RC_ASSERT(r.events.size() == 1u);
  RC_ASSERT(*r.events[0].amount == ((style == 2 && n != 0) ? "-" : "") + digits);
}

}  // namespace
}  // namespace lucas::parser
