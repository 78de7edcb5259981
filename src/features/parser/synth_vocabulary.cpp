// The shared vocabulary of the generator: names with the odd characters real ones carry,
// amounts, card names, emoji and free Russian prose.
#include "features/parser/synth_gen.h"

namespace lucas::parser::synth::detail {

std::string Gen::cyrillic_word() {
  static const Strings starts{"Да", "Гл", "Ми", "Ве", "Та", "Ка", "Лю", "Ар", "Ст", "Ни",
                              "Ол", "Се", "Бо", "Ев", "Ил", "Жа", "Ро", "Фё", "Юл", "Як"};
  static const Strings mid{"ка", "ли", "мо", "ра", "та", "ви", "до", "ну", "се", "жа",
                           "фе", "го", "бу", "ля", "ри", "за", "по", "ши", "ва", "не"};
  static const Strings ends{"", "н", "й", "ла", "ев", "ко", "ий", "ов", "на", "ша"};
  std::string w = r_.pick(starts);
  for (int i = r_.between(1, 3); i > 0; --i) w += r_.pick(mid);
  return w + r_.pick(ends);
}

std::string Gen::latin_word() {
  static const Strings starts{"Mir", "Zo", "Ba", "Tig", "Lic", "Vel", "Um",  "Ke",  "Xan", "Ro",
                              "Jo",  "Ne", "Pa", "Qu",  "Sa",  "Ful", "Hez", "Dra", "Il",  "Wo"};
  static const Strings mid{"tol", "si",  "dak", "oku", "ad", "ic", "ora", "em", "hed",
                           "iki", "der", "lan", "us",  "ix", "ma", "te",  "zu", "pe"};
  std::string w = r_.pick(starts);
  for (int i = r_.between(1, 2); i > 0; --i) w += r_.pick(mid);
  return w;
}

std::string Gen::name(bool allow_spaces) {
  std::string n = r_.chance(55) ? cyrillic_word() : latin_word();
  if (allow_spaces && r_.chance(40)) n += " " + (r_.chance(50) ? cyrillic_word() : latin_word());
  if (r_.chance(12)) n += std::to_string(r_.between(1, 2026));
  if (r_.chance(5)) n = "_" + n + "_";
  if (r_.chance(6)) n.insert(first_char_size(n), kHangul);  // "Г\u1160леб"
  if (r_.chance(8)) n += kFffd;
  if (r_.chance(4)) n += kHangul + kHangul + kZwsp + kZwsp + kZwsp;
  if (r_.chance(7)) n += r_.pick(Strings{"🐜", " 🔥", "⚡️", " 👑", "🌸"});
  return n;
}

std::string Gen::decimal(int hi) {
  return std::to_string(r_.between(0, hi)) + "." + std::to_string(r_.between(0, 9));
}

std::string Gen::thousands(int v) {
  const std::string d = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i > 0 && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return out;
}

std::string Gen::repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string Gen::sentence() {
  static const Strings a{
      "Начал играть", "Известен своими",   "Лучший",           "Первый",    "Создал",
      "Прошёл",       "Коллаб от Bianox,", "Уровень, который", "Стример и", "Ютубер, который"};
  static const Strings b{"ещё в 2013 году",           "сложнейшими уровнями",
                         "мобильный игрок",           "на западном полушарии",
                         "десятки демонов",           "за 41 454 попыток",
                         "сместивший Crimson Planet", "в прямом эфире",
                         "без единой ошибки",         "вместе с Viprin"};
  static const Strings c{".", "…", "!", ", ныне популярный ютубер.", " и не только."};
  return r_.pick(a) + " " + r_.pick(b) + r_.pick(c);
}

std::string Gen::description() {
  std::string d = sentence();
  if (r_.chance(60)) d += " " + prose_line(r_.between(1, 4));
  return d;
}

std::string Gen::card_name() {
  static const Strings cards{"Sonic Wave", "Zodiac",     "Bloodbath",      "Tartarus",
                             "AeonAir",    "TopZeraYT",  "Viprin",         "Technical",
                             "Bianox",     "xander556",  "Acheron",        "Slaughterhouse",
                             "Kenos",      "Cataclysm",  "Deadlocked",     "Nine Circles",
                             "Firework",   "Avernus",    "Silent Club",    "Crimson Planet",
                             "Yatagarasu", "The Golden", "Windy Landscape"};
  return r_.pick(cards);
}

std::string Gen::emoji() {
  return r_.pick(Strings{"😂", "🔥", "👍", "🙈", "😎", "❤️", "🤔", "😭", "🎉", "👀", "💀", "🙏"});
}

std::string Gen::word() {
  static const Strings w{"и",           "в",        "на",         "не",
                         "что",         "это",      "как",        "с",
                         "по",          "но",       "а",          "за",
                         "из",          "у",        "к",          "для",
                         "от",          "так",      "уже",        "только",
                         "ещё",         "всё",      "очень",      "когда",
                         "если",        "чтобы",    "потом",      "тоже",
                         "там",         "тут",      "вот",        "бы",
                         "же",          "ли",       "да",         "нет",
                         "мы",          "вы",       "они",        "он",
                         "она",         "я",        "ты",         "мне",
                         "тебе",        "нас",      "вас",        "их",
                         "его",         "её",       "свой",       "наш",
                         "человек",     "время",    "день",       "дело",
                         "жизнь",       "город",    "друг",       "работа",
                         "слово",       "место",    "вопрос",     "сторона",
                         "раз",         "мир",      "дом",        "голос",
                         "сила",        "деньги",   "телефон",    "интернет",
                         "бот",         "чат",      "группа",     "сообщение",
                         "команда",     "ссылка",   "подписка",   "канал",
                         "видео",       "фото",     "музыка",     "фильм",
                         "школа",       "урок",     "праздник",   "погода",
                         "кофе",        "чай",      "кот",        "собака",
                         "машина",      "дорога",   "утро",       "вечер",
                         "ночь",        "неделя",   "месяц",      "год",
                         "сервис",      "доступ",   "приложение", "розыгрыш",
                         "приз",        "подарок",  "помощь",     "вопросы",
                         "ответ",       "делать",   "говорить",   "знать",
                         "хотеть",      "думать",   "смотреть",   "идти",
                         "писать",      "играть",   "работать",   "любить",
                         "жить",        "получить", "нажать",     "подключить",
                         "добавить",    "открыть",  "скачать",    "зарегистрироваться",
                         "участвовать", "выиграть", "купить",     "продать",
                         "ждать",       "новый",    "хороший",    "большой",
                         "последний",   "первый",   "лучший",     "бесплатный",
                         "быстрый",     "простой",  "крутой",     "смешной",
                         "странный",    "важный",   "главный",    "любимый",
                         "дорогой",     "сегодня",  "завтра",     "вчера",
                         "сейчас",      "всегда",   "никогда",    "здесь",
                         "быстро",      "просто",   "вообще",     "конечно",
                         "наверное",    "кстати",   "короче",     "реально",
                         "прямо",       "почти",    "снова"};
  return r_.pick(w);
}

std::string Gen::sentence_ru(int lo, int hi) {
  std::string t;
  for (int i = r_.between(lo, hi); i > 0; --i) t += (t.empty() ? "" : " ") + word();
  if (!t.empty() && static_cast<unsigned char>(t[0]) == 0xD0) {
    // Capitalise a Cyrillic first letter (а-п: D0 B0-BF -> D0 90-9F; р-я: D1 80-8F -> D0 A0-AF).
    const auto b = static_cast<unsigned char>(t[1]);
    if (b >= 0xB0 && b <= 0xBF) t[1] = static_cast<char>(b - 0x20);
  } else if (!t.empty() && static_cast<unsigned char>(t[0]) == 0xD1) {
    const auto b = static_cast<unsigned char>(t[1]);
    if (b >= 0x80 && b <= 0x8F) {
      t[0] = static_cast<char>(0xD0);
      t[1] = static_cast<char>(b + 0x20);
    }
  }
  return t + r_.pick(Strings{".", ".", "!", "?", "...", "", " 🔥", " 😂", ")"});
}

std::string Gen::prose_line(int sentences) {
  std::string t;
  for (int i = 0; i < sentences; ++i) t += (t.empty() ? "" : " ") + sentence_ru(3, 14);
  return t;
}

std::string Gen::prose() {
  std::string t;
  for (int i = r_.between(1, 5); i > 0; --i) {
    t += (t.empty() ? "" : (r_.chance(30) ? "\n\n" : (r_.chance(30) ? "\n" : " "))) +
         sentence_ru(3, 14);
  }
  return t;
}

std::string Gen::emoji_name() {
  return r_.pick(Strings{"🏃🏻", "👱🏾" + kZwj + "♀️", "🗼",
                         "🧖🏿" + kZwj + "♂️", "🤱🏿", "🤟🏻", "🎱", "🐯", "🐊",
                         "🦹🏿" + kZwj + "♀️"}) +
         " " + name();
}

}  // namespace lucas::parser::synth::detail
