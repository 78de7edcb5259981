// Bunker RP's messages: game ends, profiles and the rest.
#include "features/parser/synth_gen.h"

namespace lucas::parser::synth::detail {

std::string Gen::bunker_details() {
  return "💼Профессия: " + r_.pick(Strings{"Программист", "Судья", "Повар", "Врач", "Пилот"}) +
         "\n👥Био: " + r_.pick(Strings{"Мужчина", "Женщина"}) + ", " + integer(18, 80) +
         " лет\n🎣Хобби: " + r_.pick(Strings{"Рыбалка", "Шахматы", "Бег"}) + " (" + integer(1, 9) +
         " года)\n🃏Карта 1: " +
         r_.pick(Strings{"Замени открытую карту профессии любого игрока",
                         "Поменяйся багажом с соседом", "Вылечи любого игрока"});
}

Sample Gen::bk_game_end() {
  const bool winners = r_.chance(70);
  std::string t = winners ? "Прошли в бункер:\n" : "Не прошли в бункер:\n";
  std::vector<Event> events;
  for (int i = 1, n = r_.between(1, 4); i <= n; ++i) {
    std::string nm = r_.chance(8) ? "." : (r_.chance(5) ? kHangul + kHangul : name());
    t += std::to_string(i) + ". " + nm + "\n" + bunker_details() + "\n\n";
    if (winners) events.push_back(ev(nm, std::nullopt, "money", "win"));
  }
  return {t, "bunker_rp", "game_end", events};
}

Sample Gen::bk_profile() {
  const std::string player = name();
  const std::string money = integer(0, 9000);
  const std::string crystals = integer(0, 60);
  const std::string t =
      "👤 " + player + "\n\n💵 Деньги: " + money + "\n💎 Кристаллики: " + crystals +
      "\n\nЭкстры:\n🛡 Защита от изгнания: " + integer(0, 3) +
      "\n🃏 Вторая карта действий: " + integer(0, 2) + "\n\n🎯 Побед: " + integer(0, 50) +
      " (с финалом: " + integer(0, 9) + ")\n🎲 Всего игр: " + integer(1, 99) +
      " (с финалом: " + integer(0, 20) + ")";
  return {t,
          "bunker_rp",
          "profile",
          {ev(player, money, "money", "balance"), ev(player, crystals, "crystals", "balance")}};
}

Sample Gen::bk_other() {
  std::string t;
  switch (r_.below(3)) {
    case 0:
      t = "Набор не был объявлен. Чтобы начать набор игроков, введите /game";
      break;
    case 1:
      t = "📜 Правила бункера\n\nКаждый раунд игроки открывают карты и голосуют, кого изгнать. "
          "В бункер пройдут " +
          integer(2, 5) + " игрока.";
      break;
    default:
      t = "🔥 Набор в игру Бункер! Нажми /join, чтобы участвовать. Осталось " + integer(10, 90) +
          " сек.";
  }
  return {t, "bunker_rp", "other", {}};
}

}  // namespace lucas::parser::synth::detail
