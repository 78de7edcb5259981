// Гуся Cards' messages: cards, cooldowns and the rest.
#include "features/parser/synth_gen.h"

namespace lucas::parser::synth::detail {

Sample Gen::goose_card() {
  const std::string card =
      r_.pick(Strings{"Гусь делает макияж", "Гусь среди коробок", "Злой Ии гусь",
                      "Гусь-программист", "Гусь в шляпе", "Летящий гусь", "Гусь"});
  const int pv = r_.pick(std::vector<int>{500, 1000, 2000, 3000, 5000});
  const std::string total = thousands(pv * r_.between(1, 40));
  const std::string coins = integer(1, 12);
  const std::string rarity =
      "💎 Редкость • " + r_.pick(Strings{"Обычная", "Редкая", "Эпическая", "Легендарная"}) + "\n";
  std::string t;
  std::vector<Event> events;
  switch (r_.below(4)) {
    case 0:
      t = "🔎 Найдена карточка — «" + card + "»!\n\n" + rarity + "✨ Очки • +" + thousands(pv) +
          " [" + total + "]\n💰 Монеты • +" + coins + " [" + integer(1, 900) +
          "]\n\n🎉 Получи карточку каждые 12 часов с /bonus!";
      events = {ev(std::nullopt, std::to_string(pv), "goose_points", "accrual"),
                ev(std::nullopt, coins, "goose_coins", "accrual")};
      break;
    case 1:
      t = "👻 О, карточка «" + card + "» у вас есть\n\n" + rarity + "✨ Очки • " + thousands(pv) +
          " [" + total + "]\n💰 Монеты • +" + coins + " [" + integer(1, 900) +
          "]\n\nБудут начислены только очки";
      events = {ev(std::nullopt, std::to_string(pv), "goose_points", "accrual"),
                ev(std::nullopt, coins, "goose_coins", "accrual")};
      break;
    case 2:
      t = "💀 Карточка «" + card + "» уменьшит очки!\n\n✨ Очки • —" + thousands(pv) + " [" + total +
          "]";
      events = {ev(std::nullopt, "-" + std::to_string(pv), "goose_points", "accrual")};
      break;
    default:
      t = "🃏 Карточка «" + card + "» добавлена.\n\n" + rarity + "✨ Очки • +" + thousands(pv) +
          " [" + total + "]\n💰 Монеты • +" + coins + " [" + integer(1, 900) + "]";
      events = {ev(std::nullopt, std::to_string(pv), "goose_points", "accrual"),
                ev(std::nullopt, coins, "goose_coins", "accrual")};
  }
  return {t, "gusya_cards", "goose_card", events};
}

Sample Gen::goose_cooldown() {
  const std::string head = r_.pick(Strings{
      "Вы посмотрели, но Гуся не было рядом 🙈", "Вы осмотрелись, но не увидели рядом Гуся 👀",
      "Вы искали, но Гуся не оказалось рядом 👻",
      "Осмотревшись, вы не нашли Гуся поблизости 🤷" + kZwj +
          "♂️"});
  const std::string wait =
      integer(0, 4) + "ч. " + integer(0, 59) + "мин. " + integer(0, 59) + "сек.";
  const std::string tail =
      r_.chance(50) ? "🕛 Попробуйте через " + wait
                    : (r_.chance(50) ? "⏳ Подождите " + wait + ", чтобы попробовать снова"
                                     : "🕐 Возвращайтесь через " + wait);
  return {head + "\n\n" + tail, "gusya_cards", "cooldown", {}};
}

Sample Gen::goose_other() {
  std::string t;
  switch (r_.below(5)) {
    case 0:
      t = "🎁 Получение бонуса\nПолучить бонус можно в лс бота";
      break;
    case 1:
      t = "🏪 Маркетплейс лимитированных карточек\nРаботает только в ЛС бота";
      break;
    case 2:
      t = "❗️ Данная команда работает только в ЛС";
      break;
    case 3:
      t = "👋 Всем привет! Я бот, в котором ты можешь собирать уникальные карточки и "
          "соревноваться с другими игроками\n\nКак начать?\nНапишите «гуся» для получения "
          "первой карточки";
      break;
    default:
      t = "📋 Обновление\n\nДобавлено более " + integer(50, 400) +
          " новых карточек 🃏✨ \n\nДля просмотра всех доступных команд, пользуйся командой /help";
  }
  return {t, "gusya_cards", "other", {}};
}

}  // namespace lucas::parser::synth::detail
