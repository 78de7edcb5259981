// True Mafia's messages: game ends, rewards, profiles and the rest.
#include "features/parser/synth_gen.h"

namespace lucas::parser::synth::detail {

std::string Gen::mafia_role() {
  return r_.pick(
      Strings{"🤵🏻 Дон", "🤵🏼 Мафия", "👨🏼 Мирный житель",
              "🕵️" + kZwj + " Комиссар Каттани", "👨🏼" + kZwj + "⚕️ Доктор",
              "💃🏻 Любовница", "🔪 Маньяк"});
}

Sample Gen::tm_game_end() {
  std::string t = "Игра окончена! \nПобедил" +
                  r_.pick(Strings{"а Мафия \n\n", "и Мирные жители \n\n", " Маньяк \n\n"}) +
                  "Победители: \n";
  std::vector<Event> events;
  for (int i = r_.between(1, 3); i > 0; --i) {
    const std::string n = name();
    t += "    " + n + " - " + mafia_role() + " \n";
    events.push_back(ev(n, std::nullopt, "money", "win"));
  }
  if (r_.chance(85)) {
    t += "\nОстальные участники: \n";
    for (int i = r_.between(1, 5); i > 0; --i) t += "    " + name() + " - " + mafia_role() + " \n";
  }
  t += "\nИгра длилась: " + integer(1, 40) + " мин. " + integer(0, 59) + " сек.";
  return {t, "true_mafia", "game_end", events};
}

std::string Gen::tm_profile_block(const std::string& player, const std::string& money,
                                  const std::string& gems) {
  return "👤 " + player + "\n\n💵 Деньги: " + money + "\n💎 Камни: " + gems +
         "\n\n🛡 Защита: " + integer(0, 3) + "\n📂 Документы: " + integer(0, 3) +
         "\n🎎 Активная роль: " + integer(0, 2);
}

Sample Gen::tm_reward() {
  const std::string player = name();
  const std::string won = integer(5, 60);
  const std::string money = integer(0, 5000);
  const std::string gems = integer(0, 30);
  const std::string t = "Игра завершена\nЗа победу в роли \"" + mafia_role() +
                        "\" тебе начислили 💵 " + won + "!\n\n" +
                        tm_profile_block(player, money, gems);
  return {t,
          "true_mafia",
          "game_reward",
          {ev(player, won, "money", "accrual"), ev(player, money, "money", "balance"),
           ev(player, gems, "gems", "balance")}};
}

Sample Gen::tm_profile() {
  const std::string player = name();
  const std::string money = integer(0, 9000);
  const std::string gems = integer(0, 50);
  return {tm_profile_block(player, money, gems),
          "true_mafia",
          "profile",
          {ev(player, money, "money", "balance"), ev(player, gems, "gems", "balance")}};
}

Sample Gen::tm_other() {
  std::string t;
  switch (r_.below(11)) {
    case 0:
      t = name() + " проголосовал за " + name();
      break;
    case 1:
      t = "Пришло время определить и наказать виноватых. \nГолосование продлится " +
          integer(30, 90) + " секунд";
      break;
    case 2:
      t = "🌃 Наступает ночь \nНа улицы города выходят лишь самые отважные и бесстрашные. Утром "
          "попробуем сосчитать их головы...";
      break;
    case 3:
      t = "🏙 День " + integer(1, 6) +
          " \nСолнце всходит, подсушивая на тротуарах пролитую ночью кровь...";
      break;
    case 4:
      t = "Игра не запущена! \nДля начала новой игры напишите /game";
      break;
    case 5: {
      t = "Живые игроки: \n";
      for (int i = 1, n = r_.between(2, 6); i <= n; ++i) {
        t += std::to_string(i) + ". " + name() + " \n";
      }
      t += "\nСпать осталось " + integer(1, 2) + " мин.";
      break;
    }
    case 6:
      t = "Сегодня был жестоко убит " + mafia_role() + " " + name() + "...";
      break;
    case 7:
      t = "Ведётся набор в игру\n" + name() + ", " + name() + "\nИтого " + integer(2, 12) + " чел.";
      break;
    case 8:
      t = r_.pick(Strings{"Регистрация отменена", "Игра отменена",
                          "Недостаточно игроков для начала игры...", "Голосование окончено",
                          "Видимо, этой ночью все выжили..."});
      break;
    case 9:
      t = name() + r_.pick(Strings{" был ", " была "}) + mafia_role();
      break;
    default:
      t = "#РЕКЛАМА\n" + r_.pick(Strings{"Новости игры в @TrueMafiaNews",
                                         "Подпишись на @TrueMafiaNews, там розыгрыши"});
  }
  return {t, "true_mafia", "other", {}};
}

}  // namespace lucas::parser::synth::detail
