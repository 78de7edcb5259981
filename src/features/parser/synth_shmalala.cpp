// Shmalala's messages: fishing, karma, top lists, cooldowns and the rest.
#include "features/parser/synth_gen.h"

namespace lucas::parser::synth::detail {

Sample Gen::sh_fishing() {
  const std::string player = name();
  const std::string coins = r_.chance(8) ? "0" : integer(1, 60);
  const std::string fish =
      r_.pick(Strings{"🐉 Судак", "🐟 Карась", "🐠 Окунь", "🦈 Щука", "🐡 Ёрш"}) + " (" +
      decimal(9) + " кг)";
  const std::string xp =
      "Опыт: +" + integer(1, 9) + " (" + integer(1, 900) + " / " + integer(100, 999) + ")";
  const std::string total = integer(1, 9999);
  std::string t;
  if (r_.chance(70)) {
    t = "🎣 [Рыбалка] 🎣\n\nРыбак: " + player + "\n" + xp + "🔋\n\n" +
        r_.pick(Strings{"Вы рассказывали, как в детстве ловили руками в луже.",
                        "Клюёт! Вы подсекаете и тянете.", "Тихое утро, поплавок дрогнул."}) +
        "\nНа крючке: " + fish + "\n\nПогода: " +
        r_.pick(Strings{"☀️ Солнечно", "🌧 Дождь", "☁️ Облачно"}) +
        "\nМесто: " + r_.pick(Strings{"Городское озеро", "Речка", "Пруд у дачи"}) +
        "\n\nМонеты: +" + coins + " (" + total + ")💰\nЭнергии осталось: " + integer(0, 9) +
        " ⚡️";
  } else {
    t = "🎣 [Рыбалка] 🎣\nРыбак: " + player + "\n" + xp + "\n🔋На крючке: " + fish + "\nМонеты: +" +
        coins + " (" + total + ")\n💰Энергии осталось: " + integer(0, 9);
  }
  return {t, "shmalala", "fishing", {ev(player, coins, "coins", "accrual")}};
}

Sample Gen::sh_karma(bool like) {
  const std::string player = name();
  std::string t;
  if (like) {
    t = "Лайк! Вы повысили рейтинг пользователя " + player + (r_.chance(20) ? " ." : ".") +
        "\nТеперь " + (r_.chance(80) ? "его" : "её") + " рейтинг: " + integer(-5, 90) + " ❤️";
    return {t, "shmalala", "karma_like", {ev(player, "1", "karma", "accrual")}};
  }
  t = "Дизлайк! Вы понизили карму пользователю " + player +
      " .\nТеперь его рейтинг: " + integer(-30, 40) + " ❌";
  return {t, "shmalala", "karma_dislike", {ev(player, "-1", "karma", "accrual")}};
}

Sample Gen::sh_top_list() {
  std::string t;
  const bool karma = r_.chance(50);
  t = karma ? "[Самые крутые по Карме в этом чате]\n\n" : "[Самые богатые в этом чате]\n\n";
  int v = r_.between(100, 6000);
  const int n = r_.between(3, 8);
  for (int i = 0; i < n; ++i) {
    if (i == n - 1) t += "----------\n";
    t += karma ? name() + " - " + std::to_string(v / 100) + " кармы ❤️\n"
               : name() + "   " + std::to_string(v) + " монет 💰\n";
    v -= r_.between(1, 400);
  }
  return {t, "shmalala", "top_list", {}};
}

Sample Gen::sh_cooldown() {
  return {name() + ", вы слишком часто меняете рейтинг пользователя, можно раз в минуту!",
          "shmalala",
          "cooldown",
          {}};
}

Sample Gen::sh_other() {
  std::string t;
  switch (r_.below(5)) {
    case 0:
      t = "Вот тебе анекдот:\n\n" + (r_.chance(70) ? prose() : "") +
          r_.pick(Strings{"- Доктор, я всё забываю.\n- С каких пор?\n- С каких пор что?",
                          "Есть люди, которые готовы снять с себя всё, лишь бы модно одеться.",
                          "Бесконечно можно смотреть на три вещи… а остальные я уже пропил.",
                          "- Пап, можно музыку?\n- Можно, если выключите до того, как я лягу.",
                          "Учёные пока не нашли, но исследования продолжаются."});
      break;
    case 1:
      t = "Карма пользователя: " + name() + "\nРейтинг: " + integer(-10, 90) + " ❤️";
      break;
    case 2:
      t = "⚙️ [Настройки] ⚙️\n\nАнекдоты: " +
          r_.pick(Strings{"вкл", "выкл"}) + "\nРыбалка: " + r_.pick(Strings{"вкл", "выкл"});
      break;
    case 3:
      t = "Приветствую тебя, " + name() +
          "\nДобро пожаловать.\nКарма пользователя: " + integer(0, 50) +
          ", адекватность: " + integer(0, 100) + "%" + (r_.chance(50) ? "\n\n" + prose() : "");
      break;
    default:
      t = "Всем привет, меня зовут Shmalala\n\n" + prose();
  }
  return {t, "shmalala", "other", {}};
}

}  // namespace lucas::parser::synth::detail
