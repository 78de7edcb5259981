// Internal to the synthetic-message generator (synth*.cpp): the deterministic random source,
// the shared characters, and the generator whose methods are spread over one file per game
// family (synth_gd_cards.cpp, synth_shmalala.cpp, synth_true_mafia.cpp, synth_bunker_rp.cpp,
// synth_gusya_cards.cpp), the shared vocabulary (synth_vocabulary.cpp), the negatives
// (synth_negatives.cpp) and the driver (synth.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "features/parser/synth.h"

namespace lucas::parser::synth::detail {

// splitmix64: tiny, fast and the same on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<uint64_t>(n)); }
  int between(int lo, int hi) { return lo + below(hi - lo + 1); }
  bool chance(int percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(below(static_cast<int>(v.size())))];
  }

 private:
  uint64_t s_;
};

using Strings = std::vector<std::string>;

inline const std::string kFffd = "\xEF\xBF\xBD";    // U+FFFD, printed literally by game bots
inline const std::string kHangul = "\xE1\x85\xA0";  // U+1160 Hangul jungseong filler
inline const std::string kZwsp = "\xE2\x80\x8B";    // U+200B
inline const std::string kZwj = "\xE2\x80\x8D";     // U+200D

inline Event ev(std::optional<std::string> player, std::optional<std::string> amount,
                std::string cur, std::string type) {
  return Event{std::move(player), std::move(amount), std::move(cur), std::move(type)};
}

inline size_t first_char_size(const std::string& s) {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

class Gen {
 public:
  explicit Gen(uint64_t seed) : r_(seed) {}

  // -------------------------------------------------------- building blocks (synth_vocabulary.cpp)

  std::string cyrillic_word();
  std::string latin_word();
  // A display name or a game nickname, with the odd characters real names carry.
  std::string name(bool allow_spaces = true);
  std::string nick() { return name(false); }
  std::string integer(int lo, int hi) { return std::to_string(r_.between(lo, hi)); }
  std::string decimal(int hi);
  // "3,000" with thousands separators.
  static std::string thousands(int v);
  std::string sep() { return r_.chance(50) ? repeat("─", 15) : repeat("─", 17); }
  static std::string repeat(const std::string& s, int n);
  std::string sentence();
  // Card descriptions are often long free text (which must not make a card look like chatter).
  std::string description();
  std::string card_name();
  std::string emoji();
  // Free Russian prose: the bulk of what people and other bots write.
  std::string word();
  std::string sentence_ru(int lo, int hi);
  std::string prose_line(int sentences);
  std::string prose();
  std::string emoji_name();

  // ----------------------------------------------------------------- GD Cards (synth_gd_cards.cpp)

  Sample gd_card_drop();
  Sample gd_chest();
  Sample gd_orb_sale();
  Sample gd_profile();
  Sample gd_cooldown();
  Sample gd_other();

  // ----------------------------------------------------------------- Shmalala (synth_shmalala.cpp)

  Sample sh_fishing();
  Sample sh_karma(bool like);
  Sample sh_top_list();
  Sample sh_cooldown();
  Sample sh_other();

  // ------------------------------------------------------------- True Mafia (synth_true_mafia.cpp)

  std::string mafia_role();
  Sample tm_game_end();
  std::string tm_profile_block(const std::string& player, const std::string& money,
                               const std::string& gems);
  Sample tm_reward();
  Sample tm_profile();
  Sample tm_other();

  // --------------------------------------------------------------- Bunker RP (synth_bunker_rp.cpp)

  std::string bunker_details();
  Sample bk_game_end();
  Sample bk_profile();
  Sample bk_other();

  // ------------------------------------------------------------ Гуся Cards (synth_gusya_cards.cpp)

  Sample goose_card();
  Sample goose_cooldown();
  Sample goose_other();

  // --------------------------------------------------------------- negatives (synth_negatives.cpp)

  std::string chatter();
  std::string other_bot();
  // Near-misses: game words and numbers without a game bot's format.
  std::string near_miss();
  // Other bots of the chat (LEGACY.md 2.6) and generic bot texts: no currency of ours.
  std::string bot_text();
  Sample negative();

  // ------------------------------------------------------------------------ the driver (synth.cpp)

  Sample make(const std::string& game, const std::string& kind);
  Rng& rng() { return r_; }

 private:
  Rng r_;
};

}  // namespace lucas::parser::synth::detail
