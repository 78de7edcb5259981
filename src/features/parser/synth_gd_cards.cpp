// GD Cards' messages: card drops, chests, orb sales, profiles, cooldowns and the rest.
#include "features/parser/synth_gen.h"

#include <fmt/format.h>

namespace lucas::parser::synth::detail {

Sample Gen::gd_card_drop() {
  struct Rarity {
    const char* name;
    int points;
    int orbs;
    const char* emoji;
    const char* share;
  };
  static const std::vector<Rarity> rarities{{"Обычная", 1, 2, "⚪️", "50.0%"},
                                            {"Редкая", 2, 5, "🔵", "30.0%"},
                                            {"Эпическая", 3, 10, "🟣", "17.0%"},
                                            {"Мифическая", 5, 35, "🟠", "2.5%"},
                                            {"Легендарная", 4, 20, "🟡", "0.5%"}};
  const Rarity& rar = r_.pick(rarities);
  const std::string player = nick();
  const std::string points = std::to_string(rar.points);
  const int version = r_.below(4);  // v1, v2, v2b, v3
  const std::string orbs = version == 2 ? "10" : std::to_string(rar.orbs);
  const std::string s = sep();
  const std::string coll =
      integer(1, 240) + "/" + std::to_string(r_.pick(std::vector<int>{212, 213, 249}));
  const std::string category =
      r_.pick(Strings{"Медийные", "Мобильные слееры", "Демоны", "Креаторы", "Уровни", "Легенды"});
  std::string t = "🃏 НОВАЯ КАРТА 🃏\n" + s + "\n";
  std::vector<Event> events{ev(player, points, "points", "accrual")};
  if (version < 3) {
    t += "Игрок: " + player + "\n" + s + "\n";
    t += "Карта: \"" + card_name() + "\"\nОписание: " + description() + "\nКатегория: " + category +
         "\n" + s + "\n";
    t += fmt::format("Редкость: {} ({}/{}) ({}) {}\n", rar.name, r_.between(1, 60),
                     r_.between(55, 75), rar.share, rar.emoji);
    t += "Очки: +" + points + "\n";
    if (version == 2) {
      t += "Орбы за дроп: +" + orbs + "\n";
      events.push_back(ev(player, orbs, "orbs", "accrual"));
    }
    t += "Коллекция: " + coll + " карт\n" + s + "\n";
    if (version == 0) {
      t += "Лимит карт сегодня: " + integer(1, 6) + "/6";
    } else {
      t += "Эта карта есть у: " + integer(3, 2000) +
           " игроков\nЛимит карт сегодня: " + integer(1, 8) + " из 8";
    }
  } else {
    t += "Игрок: " + player + "\nКарта: " + card_name() + "\nКатегория: " + category + "\n" + s +
         "\nОписание: " + description() + "\n" + s + "\n";
    t += fmt::format("{} Редкость: {} ({}/{}) • {}\n", rar.emoji, rar.name, r_.between(1, 75),
                     r_.between(60, 80), rar.share);
    t += "⭐️ Очки: +" + points + "\n🤩 Орбы: +" + orbs + "\n🃏 Коллекция: " + coll +
         " карт\n" + s + "\n👥 Карта есть у: " + integer(3, 2000) +
         " игроков\n⏰ Лимит карт сегодня: " + integer(1, 8) + " из 8";
    events.push_back(ev(player, orbs, "orbs", "accrual"));
  }
  return {t, "gd_cards", "card_drop", events};
}

Sample Gen::gd_chest() {
  const std::string player = nick();
  const std::string x = r_.chance(70) ? decimal(9) : integer(1, 300);
  const std::string t =
      (r_.chance(40) ? "🎁 " : "") + player + " открыл сундук и получил " + x + " орб";
  return {t, "gd_cards", "chest", {ev(player, x, "orbs", "accrual")}};
}

Sample Gen::gd_orb_sale() {
  const std::string x = r_.chance(60) ? decimal(200) : integer(1, 500);
  return {"Вы успешно продали карты и получили " + x + " орбов.",
          "gd_cards",
          "orb_sale",
          {ev(std::nullopt, x, "orbs", "accrual")}};
}

Sample Gen::gd_profile() {
  const std::string player = nick();
  const std::string s = sep();
  const std::string points = integer(0, 3000);
  const std::string orbs = r_.chance(30) ? decimal(2000) : integer(0, 5000);
  std::string t = (r_.chance(30) ? "🖥 " : "") + std::string("ПРОФИЛЬ ") + player + "\n" + s +
                  "\n" + "ID: " + integer(100, 99999) + " (" + integer(10, 28) + ".0" +
                  integer(1, 9) + ".2025)\nНик: " + player + "\n" +
                  (r_.chance(50) ? "Статус: " : "Статусы: ") +
                  r_.pick(Strings{"Игрок", "Коллекционер", "Донатер"}) + "\n";
  if (r_.chance(40)) t += "Бейджи: " + r_.pick(Strings{"🏅", "🎖 🏆", "Нет"}) + "\n";
  t += "Карт собрано: " + integer(1, 212) + "/212\nОчки: " + points + " (#" + integer(1, 3000) +
       ")\nОрбы: " + orbs + " (#" + integer(1, 20000) + ")" + (r_.chance(30) ? " (играть)" : "") +
       "\nКлан: " + latin_word() + "GD (#" + integer(1, 99) +
       ")\nТитулы: " + r_.pick(Strings{"Продвинутый S2", "Новичок", "Нет"}) +
       "\nЛюбимая карта: " + (r_.chance(50) ? "Нету" : card_name()) + "\n" + s;
  return {t,
          "gd_cards",
          "profile",
          {ev(player, points, "points", "balance"), ev(player, orbs, "orbs", "balance")}};
}

Sample Gen::gd_cooldown() {
  std::string t;
  switch (r_.below(4)) {
    case 0:
      t = "Следующая карта будет доступна через " + integer(0, 59) + " мин. " + integer(0, 59) +
          " сек.";
      break;
    case 1:
      t = "Сундук будет доступен через " + integer(0, 3) + "ч " + integer(0, 59) + "м " +
          integer(0, 59) + "с";
      break;
    case 2:
      t = "Вы достигли дневного лимита карт (" + integer(6, 8) + " в сутки).";
      break;
    default:
      t = r_.chance(50) ? "Слишком быстро" : "Слишком быстро, подожди немного";
  }
  return {t, "gd_cards", "cooldown", {}};
}

Sample Gen::gd_other() {
  std::string t;
  switch (r_.below(5)) {
    case 0: {
      const std::string line = repeat("━", 16);
      t = "КОЛЛЕКЦИЯ " + nick() + "\n" + line + "\nВсего карт: " + integer(1, 212) +
          "/212\nЛимитированных карт: " + integer(0, 5) + "\nОбщие очки: " + integer(1, 900) +
          "\n" + line + "\n\n";
      for (int i = r_.between(1, 3); i > 0; --i) {
        const int n = r_.between(1, 54);
        t += fmt::format("{} ({}/{}) - {} очков\n• {}\n• {}\n",
                         r_.pick(Strings{"🟡 Божественная", "🟣 Эпическая",
                                         "🔵 Редкая"}),
                         n, n + r_.below(5), n * 3, card_name(), card_name());
      }
      break;
    }
    case 1:
      t = "Добро пожаловать в чат\n\nЯ - @gdcards. Игровой бот, в котором можно "
          "коллекционировать карточки по Geometry Dash.\n/start - регистрация\n/card - "
          "получить карточку";
      break;
    case 2:
      t = r_.chance(50) ? "Ты собрал все доступные обычные карты, жди пополнения :)"
                        : "Ты собрал все карты, жди пополнения :)";
      break;
    case 3:
      t = "Открыть карту /card";
      break;
    default:
      t = "Выдача карты уже выполняется, подожди";
  }
  return {t, "gd_cards", "other", {}};
}

}  // namespace lucas::parser::synth::detail
