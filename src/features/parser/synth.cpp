#include "features/parser/synth.h"

#include <algorithm>
#include <functional>
#include <map>

#include "features/parser/synth_gen.h"

namespace lucas::parser::synth {

namespace detail {

Sample Gen::make(const std::string& game, const std::string& kind) {
  using F = std::function<Sample(Gen&)>;
  static const std::map<std::pair<std::string, std::string>, F> makers{
      {{"gd_cards", "card_drop"}, [](Gen& g) { return g.gd_card_drop(); }},
      {{"gd_cards", "chest"}, [](Gen& g) { return g.gd_chest(); }},
      {{"gd_cards", "orb_sale"}, [](Gen& g) { return g.gd_orb_sale(); }},
      {{"gd_cards", "profile"}, [](Gen& g) { return g.gd_profile(); }},
      {{"gd_cards", "cooldown"}, [](Gen& g) { return g.gd_cooldown(); }},
      {{"gd_cards", "other"}, [](Gen& g) { return g.gd_other(); }},
      {{"shmalala", "fishing"}, [](Gen& g) { return g.sh_fishing(); }},
      {{"shmalala", "karma_like"}, [](Gen& g) { return g.sh_karma(true); }},
      {{"shmalala", "karma_dislike"}, [](Gen& g) { return g.sh_karma(false); }},
      {{"shmalala", "top_list"}, [](Gen& g) { return g.sh_top_list(); }},
      {{"shmalala", "cooldown"}, [](Gen& g) { return g.sh_cooldown(); }},
      {{"shmalala", "other"}, [](Gen& g) { return g.sh_other(); }},
      {{"true_mafia", "game_end"}, [](Gen& g) { return g.tm_game_end(); }},
      {{"true_mafia", "game_reward"}, [](Gen& g) { return g.tm_reward(); }},
      {{"true_mafia", "profile"}, [](Gen& g) { return g.tm_profile(); }},
      {{"true_mafia", "other"}, [](Gen& g) { return g.tm_other(); }},
      {{"bunker_rp", "game_end"}, [](Gen& g) { return g.bk_game_end(); }},
      {{"bunker_rp", "profile"}, [](Gen& g) { return g.bk_profile(); }},
      {{"bunker_rp", "other"}, [](Gen& g) { return g.bk_other(); }},
      {{"gusya_cards", "goose_card"}, [](Gen& g) { return g.goose_card(); }},
      {{"gusya_cards", "cooldown"}, [](Gen& g) { return g.goose_cooldown(); }},
      {{"gusya_cards", "other"}, [](Gen& g) { return g.goose_other(); }},
      {{"other", "none"}, [](Gen& g) { return g.negative(); }},
  };
  return makers.at({game, kind})(*this);
}

}  // namespace detail

const std::vector<LabelWeight>& labels() {
  static const std::vector<LabelWeight> l{
      {"gd_cards", "card_drop", 14},
      {"gd_cards", "chest", 8},
      {"gd_cards", "orb_sale", 2},
      {"gd_cards", "profile", 3},
      {"gd_cards", "cooldown", 5},
      {"gd_cards", "other", 4},
      {"shmalala", "fishing", 3},
      {"shmalala", "karma_like", 4},
      {"shmalala", "karma_dislike", 2},
      {"shmalala", "top_list", 2},
      {"shmalala", "cooldown", 2},
      {"shmalala", "other", 4},
      {"true_mafia", "game_end", 2},
      {"true_mafia", "game_reward", 2},
      {"true_mafia", "profile", 2},
      {"true_mafia", "other", 8},
      {"bunker_rp", "game_end", 3},
      {"bunker_rp", "profile", 2},
      {"bunker_rp", "other", 2},
      {"gusya_cards", "goose_card", 5},
      {"gusya_cards", "cooldown", 3},
      {"gusya_cards", "other", 3},
      {"other", "none", 45},
  };
  return l;
}

std::vector<Sample> generate(const Options& options) {
  detail::Gen g(options.seed);
  int total = 0;
  for (const auto& l : labels()) total += l.weight;
  std::vector<Sample> out;
  out.reserve(static_cast<size_t>(std::max(options.count, 0)));
  for (int i = 0; i < options.count; ++i) {
    // Every class at least once per round of the weights, then by weight.
    const auto& all = labels();
    const LabelWeight* pick = nullptr;
    if (i < static_cast<int>(all.size())) {
      pick = &all[static_cast<size_t>(i)];
    } else {
      int x = g.rng().below(total);
      for (const auto& l : all) {
        if ((x -= l.weight) < 0) {
          pick = &l;
          break;
        }
      }
    }
    out.push_back(g.make(pick->game, pick->kind));
  }
  return out;
}

nlohmann::json to_json(const Sample& s) {
  nlohmann::json j = to_json(ParseResult{s.game, s.kind, s.events});
  j["text"] = s.text;
  return j;
}

}  // namespace lucas::parser::synth
