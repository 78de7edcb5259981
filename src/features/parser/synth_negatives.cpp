// Negatives: people's chatter, other bots' messages and forged near-misses of a game's format.
#include "features/parser/synth_gen.h"

namespace lucas::parser::synth::detail {

std::string Gen::chatter() {
  static const Strings openers{"ну что", "слушайте", "ребят", "кстати", "ахаха",
                               "блин",   "короче",   "а",     "ого",    "эх",
                               "лол",    "ну",       "хм",    "да",     "нет"};
  static const Strings middles{"кто сегодня играет",
                               "я опять проиграл",
                               "мне выпала редкая карта",
                               "завтра в мафию?",
                               "у меня +5 к карме",
                               "сколько у тебя орбов",
                               "го в бункер",
                               "сундук пустой был",
                               "дайте лайк пожалуйста",
                               "бот опять лагает",
                               "я в школе",
                               "кто смотрел стрим",
                               "скиньте ссылку",
                               "очки не начислили",
                               "где мои монеты",
                               "рыбалка сегодня не клюёт",
                               "вчера был в кино",
                               "пошли гулять",
                               "сделал домашку",
                               "у кого есть Sonic Wave",
                               "гуся никто не видел?",
                               "я прошёл уровень на 100%",
                               "поставьте мне 10 из 10",
                               "осталось 2 карты до конца",
                               "купил новый телефон",
                               "мафия победила опять",
                               "это был доктор",
                               "ставлю 100 что он мафия",
                               "кто админ в чате",
                               "когда новый сезон",
                               "у меня лимит карт",
                               "напишите /card",
                               "надо больше золота",
                               "парсинг не работает",
                               "пойду спать",
                               "сегодня 30 градусов"};
  static const Strings tails{"", "?", "!", "...", ")", "))", " ахах", " 😂", " лол", " /help"};
  std::string t;
  switch (r_.below(8)) {
    case 0:
      t = r_.pick(middles);
      break;
    case 1:
      t = r_.pick(openers) + ", " + r_.pick(middles) + r_.pick(tails);
      break;
    case 2:
      t = r_.pick(middles) + r_.pick(tails) + "\n" + r_.pick(middles);
      break;
    case 3:
      t = "@" + latin_word() + " " + r_.pick(middles) + r_.pick(tails);
      break;
    case 4:
      t = r_.pick(Strings{"+",
                          "+1",
                          "+++",
                          "-",
                          "++",
                          "+" + integer(1, 500),
                          "ок",
                          "ага",
                          "да",
                          "нет",
                          "лайк",
                          "спасибо",
                          "гуся",
                          "Шма, рыбалка",
                          "/card",
                          "/bonus",
                          "/game",
                          "парсинг",
                          "/parse",
                          "Гуся",
                          "/start",
                          "привет",
                          "/card@gdcardsBot",
                          "/bonus@Goose_CardBot",
                          "@shmalala_bot Шма, "
                          "тренировка",
                          "@shmalala_bot Шма, рыбалка",
                          "/game@TrueMafiaBot"});
      break;
    case 5:
      t = emoji() + (r_.chance(50) ? emoji() : "") + (r_.chance(50) ? " " + r_.pick(middles) : "");
      break;
    case 6:
      t = r_.pick(Strings{"https://youtube.com", "t.me", "https://www.tiktok.com"}) +
          (r_.chance(50) ? " смотрите" : "");
      break;
    default:
      t = r_.pick(openers) + " " + r_.pick(middles) + " " + integer(1, 2026) + " " +
          r_.pick(Strings{"раз", "очков", "орбов", "монет", "минут", "рублей", "карт"}) +
          r_.pick(tails);
  }
  return t;
}

std::string Gen::other_bot() {
  switch (r_.below(8)) {
    case 0:
      return "🎲 " + name() + " бросает d" + r_.pick(Strings{"20", "6", "12", "100"}) + ": " +
             integer(1, 20);
    case 1:
      return name() + ", ты выпил(а) " + decimal(3) + " л. чая. Выпито всего - " + decimal(40) +
             " л.";
    case 2:
      return "🍵Профиль\n👤 " + name() + "\n🌤 Сегодня: " + decimal(5) +
             " л.\n🤯 Всего: " + decimal(90) + " л.\n👽 Осталось попыток: " + integer(0, 3);
    case 3:
      return "Профиль: " + nick() + "\nБаланс: " + integer(0, 900) +
             "\nТранзакций: " + integer(0, 60) + "\nСтатус: " + r_.pick(Strings{"админ", "игрок"});
    case 4:
      return "😵 Виселица\n\nСлово: _ _ " + r_.pick(Strings{"а", "о", "е"}) +
             " _ _\nОшибок: " + integer(0, 6) + " из 6";
    case 5:
      return "🎉 Какой сегодня праздник: " +
             r_.pick(Strings{"День программиста", "День кошек", "Всемирный день чая"});
    case 6:
      return "Игра в слова: следующее слово на букву «" + r_.pick(Strings{"а", "к", "м", "с"}) +
             "». Ходит " + name();
    default:
      return "✅ Начислено " + integer(1, 90) + ".00 монет игроку " + name() +
             ". Баланс: " + integer(1, 900) + ".00";
  }
}

std::string Gen::near_miss() {
  switch (r_.below(7)) {
    case 0:
      return "я открыл сундук и там было " + integer(1, 9) + " орбов, норм";
    case 1:
      return "Очки: " + integer(1, 9) + " у меня, а у тебя?";
    case 2:
      return "лайк " + name() + " за помощь";
    case 3:
      return "Игра окончена? кто победил?";
    case 4:
      return "мне написали «Следующая карта будет доступна» " + emoji();
    case 5:
      return "монеты +" + integer(1, 99) + " за рыбалку вроде";
    default:
      return "новая карта у " + nick() + " " + emoji();
  }
}

std::string Gen::bot_text() {
  switch (r_.below(16)) {
    case 0:
      return r_.pick(Strings{"Бросок d", "Roll d"}) + integer(4, 100) + ":\n🎲 [" + integer(1, 20) +
             "]   = " + integer(1, 20);
    case 1: {
      std::string t = name() + " запустил призыв.\n\n";
      for (int i = r_.between(2, 6); i > 0; --i) t += emoji_name() + (i > 1 ? ", " : "");
      return t;
    }
    case 2:
      return "🎉 " + name() + ", сегодня " + sentence_ru(2, 5) + "\n\n" + prose();
    case 3:
      return "🎉 Победа " + r_.pick(Strings{"мирных!", "шпиона!"}) + "\n" + sentence_ru(3, 8) +
             "\n\n🔓 Слово было: " + word();
    case 4:
      return "🛒 МАГАЗИН\n" +
             (r_.chance(50) ? "💰 Ваш баланс: " + integer(0, 900) + " монет\n" : "") + "1. " +
             sentence_ru(2, 5) + " - " + integer(10, 500) + " монет\n   " + sentence_ru(3, 8) +
             "\n2. " + sentence_ru(2, 5) + " - " + integer(10, 500) + " монет";
    case 5:
      return r_.pick(Strings{"❌ ", "✅ ", "🔒 ", "⚠️ ", "ℹ️ "}) + sentence_ru(4, 12) + "\n" +
             sentence_ru(3, 10);
    case 6:
      return "👤 Статистика пользователя\n\n🆔 ID: " + integer(100000, 999999999) +
             "\n👤 Имя: " + name() + "\n📝 Username: @" + latin_word() +
             "\n📅 Регистрация: " + integer(1, 28) + "." + integer(1, 12) + ".2025";
    case 7:
      return "🎉 Поздравляем! @" + latin_word() + " первым ответил(а) правильно и забирает +" +
             integer(5, 50) + " монет!\n💳 Новый баланс: " + integer(5, 900);
    case 8:
      return "😵 Виселица\n\nСлово: _ _ " + r_.pick(Strings{"а", "о", "е"}) +
             " _ _\nОшибок: " + integer(0, 6) + " из 6";
    case 9:
      return name() + ", ты выпил(а) " + decimal(3) + " л. чая. Выпито всего - " + decimal(40) +
             " л.";
    case 10:
      return "🍵Профиль\n👤 " + name() + "\n🌤 Сегодня: " + decimal(5) +
             " л.\n🤯 Всего: " + decimal(90) + " л.\n👽 Осталось попыток: " + integer(0, 3);
    case 11:
      return "Профиль: " + nick() + "\nБаланс: " + integer(0, 900) +
             "\nТранзакций: " + integer(0, 60) + "\nСтатус: " + r_.pick(Strings{"админ", "игрок"});
    case 12:
      return "Игра в слова: следующее слово на букву «" + r_.pick(Strings{"а", "к", "м", "с"}) +
             "». Ходит " + name();
    case 13:
      return r_.pick(Strings{"✊ Камень", "✌️ Ножницы", "✋ Бумага"}) + "! " + name() +
             " " + r_.pick(Strings{"победил", "проиграл", "ничья"});
    case 14:
      return "[BANK] " + sentence_ru(1, 3) + "\nПривет, " + name() + "!\n" + sentence_ru(2, 6) +
             ": ✅ " + sentence_ru(2, 5);
    default:
      return r_.pick(Strings{"🔥 ", "🌐 ", "🚀 ", "📞", "😍 ", "🔲 "}) + prose() + "\n\n" +
             r_.pick(Strings{"👉 @", "Переходи: @", "Жми @"}) + latin_word() + "_bot";
  }
}

Sample Gen::negative() {
  const int k = r_.below(20);
  std::string t;
  if (k < 6) {
    t = chatter();
  } else if (k < 10) {
    t = prose();
  } else if (k < 16) {
    t = bot_text();
  } else if (k < 18) {
    t = other_bot();
  } else {
    t = near_miss();
  }
  return {t, "other", "none", {}};
}

}  // namespace lucas::parser::synth::detail
