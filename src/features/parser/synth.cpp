#include "features/parser/synth.h"

#include <fmt/format.h>

#include <functional>
#include <map>

namespace lucas::parser::synth {
namespace {

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

const std::string kFffd = "\xEF\xBF\xBD";    // U+FFFD, printed literally by game bots
const std::string kHangul = "\xE1\x85\xA0";  // U+1160 Hangul jungseong filler
const std::string kZwsp = "\xE2\x80\x8B";    // U+200B
const std::string kZwj = "\xE2\x80\x8D";     // U+200D

Event ev(std::optional<std::string> player, std::optional<std::string> amount, std::string cur,
         std::string type) {
  return Event{std::move(player), std::move(amount), std::move(cur), std::move(type)};
}

size_t first_char_size(const std::string& s) {
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

class Gen {
 public:
  explicit Gen(uint64_t seed) : r_(seed) {}

  // ------------------------------------------------------------------ building blocks

  std::string cyrillic_word() {
    static const Strings starts{"Да", "Гл", "Ми", "Ве", "Та", "Ка", "Лю", "Ар", "Ст", "Ни",
                                "Ол", "Се", "Бо", "Ев", "Ил", "Жа", "Ро", "Фё", "Юл", "Як"};
    static const Strings mid{"ка", "ли", "мо", "ра", "та", "ви", "до", "ну", "се", "жа",
                             "фе", "го", "бу", "ля", "ри", "за", "по", "ши", "ва", "не"};
    static const Strings ends{"", "н", "й", "ла", "ев", "ко", "ий", "ов", "на", "ша"};
    std::string w = r_.pick(starts);
    for (int i = r_.between(1, 3); i > 0; --i) w += r_.pick(mid);
    return w + r_.pick(ends);
  }
  std::string latin_word() {
    static const Strings starts{"Mir", "Zo", "Ba", "Tig", "Lic", "Vel", "Um",  "Ke",  "Xan", "Ro",
                                "Jo",  "Ne", "Pa", "Qu",  "Sa",  "Ful", "Hez", "Dra", "Il",  "Wo"};
    static const Strings mid{"tol", "si",  "dak", "oku", "ad", "ic", "ora", "em", "hed",
                             "iki", "der", "lan", "us",  "ix", "ma", "te",  "zu", "pe"};
    std::string w = r_.pick(starts);
    for (int i = r_.between(1, 2); i > 0; --i) w += r_.pick(mid);
    return w;
  }
  // A display name or a game nickname, with the odd characters real names carry.
  std::string name(bool allow_spaces = true) {
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
  std::string nick() { return name(false); }

  std::string integer(int lo, int hi) { return std::to_string(r_.between(lo, hi)); }
  std::string decimal(int hi) {
    return std::to_string(r_.between(0, hi)) + "." + std::to_string(r_.between(0, 9));
  }
  // "3,000" with thousands separators.
  static std::string thousands(int v) {
    const std::string d = std::to_string(v < 0 ? -v : v);
    std::string out;
    for (size_t i = 0; i < d.size(); ++i) {
      if (i > 0 && (d.size() - i) % 3 == 0) out += ',';
      out += d[i];
    }
    return out;
  }
  std::string sep() { return r_.chance(50) ? repeat("─", 15) : repeat("─", 17); }
  static std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  }
  std::string sentence() {
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
  // Card descriptions are often long free text (which must not make a card look like chatter).
  std::string description() {
    std::string d = sentence();
    if (r_.chance(60)) d += " " + prose_line(r_.between(1, 4));
    return d;
  }
  std::string card_name() {
    static const Strings cards{"Sonic Wave", "Zodiac",     "Bloodbath",      "Tartarus",
                               "AeonAir",    "TopZeraYT",  "Viprin",         "Technical",
                               "Bianox",     "xander556",  "Acheron",        "Slaughterhouse",
                               "Kenos",      "Cataclysm",  "Deadlocked",     "Nine Circles",
                               "Firework",   "Avernus",    "Silent Club",    "Crimson Planet",
                               "Yatagarasu", "The Golden", "Windy Landscape"};
    return r_.pick(cards);
  }
  std::string emoji() {
    return r_.pick(Strings{"😂", "🔥", "👍", "🙈", "😎", "❤️", "🤔", "😭", "🎉", "👀", "💀", "🙏"});
  }

  // ------------------------------------------------------------------ GD Cards

  Sample gd_card_drop() {
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
      t += "Карта: \"" + card_name() + "\"\nОписание: " + description() +
           "\nКатегория: " + category + "\n" + s + "\n";
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

  Sample gd_chest() {
    const std::string player = nick();
    const std::string x = r_.chance(70) ? decimal(9) : integer(1, 300);
    const std::string t =
        (r_.chance(40) ? "🎁 " : "") + player + " открыл сундук и получил " + x + " орб";
    return {t, "gd_cards", "chest", {ev(player, x, "orbs", "accrual")}};
  }

  Sample gd_orb_sale() {
    const std::string x = r_.chance(60) ? decimal(200) : integer(1, 500);
    return {"Вы успешно продали карты и получили " + x + " орбов.",
            "gd_cards",
            "orb_sale",
            {ev(std::nullopt, x, "orbs", "accrual")}};
  }

  Sample gd_profile() {
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

  Sample gd_cooldown() {
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

  Sample gd_other() {
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
                           r_.pick(Strings{"🟡 Божественная",
                                           "🟣 Эпическая", "🔵 Редкая"}),
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

  // ------------------------------------------------------------------ Shmalala

  Sample sh_fishing() {
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

  Sample sh_karma(bool like) {
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

  Sample sh_top_list() {
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

  Sample sh_cooldown() {
    return {name() + ", вы слишком часто меняете рейтинг пользователя, можно раз в минуту!",
            "shmalala",
            "cooldown",
            {}};
  }

  Sample sh_other() {
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

  // ------------------------------------------------------------------ True Mafia

  std::string mafia_role() {
    return r_.pick(
        Strings{"🤵🏻 Дон", "🤵🏼 Мафия", "👨🏼 Мирный житель",
                "🕵️" + kZwj + " Комиссар Каттани", "👨🏼" + kZwj + "⚕️ Доктор",
                "💃🏻 Любовница", "🔪 Маньяк"});
  }

  Sample tm_game_end() {
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
      for (int i = r_.between(1, 5); i > 0; --i)
        t += "    " + name() + " - " + mafia_role() + " \n";
    }
    t += "\nИгра длилась: " + integer(1, 40) + " мин. " + integer(0, 59) + " сек.";
    return {t, "true_mafia", "game_end", events};
  }

  std::string tm_profile_block(const std::string& player, const std::string& money,
                               const std::string& gems) {
    return "👤 " + player + "\n\n💵 Деньги: " + money + "\n💎 Камни: " + gems +
           "\n\n🛡 Защита: " + integer(0, 3) + "\n📂 Документы: " + integer(0, 3) +
           "\n🎎 Активная роль: " + integer(0, 2);
  }

  Sample tm_reward() {
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

  Sample tm_profile() {
    const std::string player = name();
    const std::string money = integer(0, 9000);
    const std::string gems = integer(0, 50);
    return {tm_profile_block(player, money, gems),
            "true_mafia",
            "profile",
            {ev(player, money, "money", "balance"), ev(player, gems, "gems", "balance")}};
  }

  Sample tm_other() {
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
        t = "Ведётся набор в игру\n" + name() + ", " + name() + "\nИтого " + integer(2, 12) +
            " чел.";
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

  // ------------------------------------------------------------------ Bunker RP

  std::string bunker_details() {
    return "💼Профессия: " + r_.pick(Strings{"Программист", "Судья", "Повар", "Врач", "Пилот"}) +
           "\n👥Био: " + r_.pick(Strings{"Мужчина", "Женщина"}) + ", " + integer(18, 80) +
           " лет\n🎣Хобби: " + r_.pick(Strings{"Рыбалка", "Шахматы", "Бег"}) + " (" + integer(1, 9) +
           " года)\n🃏Карта 1: " +
           r_.pick(Strings{"Замени открытую карту профессии любого игрока",
                           "Поменяйся багажом с соседом", "Вылечи любого игрока"});
  }

  Sample bk_game_end() {
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

  Sample bk_profile() {
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

  Sample bk_other() {
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

  // ------------------------------------------------------------------ Гуся Cards

  Sample goose_card() {
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
        t = "💀 Карточка «" + card + "» уменьшит очки!\n\n✨ Очки • —" + thousands(pv) + " [" +
            total + "]";
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

  Sample goose_cooldown() {
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

  Sample goose_other() {
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

  // ------------------------------------------------------------------ negatives

  std::string chatter() {
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
        t = emoji() + (r_.chance(50) ? emoji() : "") +
            (r_.chance(50) ? " " + r_.pick(middles) : "");
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

  std::string other_bot() {
    switch (r_.below(8)) {
      case 0:
        return "🎲 " + name() + " бросает d" + r_.pick(Strings{"20", "6", "12", "100"}) + ": " +
               integer(1, 20);
      case 1:
        return name() + ", ты выпил(а) " + decimal(3) + " л. чая. Выпито всего - " + decimal(40) +
               " л.";
      case 2:
        return "🍵Профиль\n👤 " + name() + "\n🌤 Сегодня: " + decimal(5) +
               " л.\n🤯 Всего: " + decimal(90) +
               " л.\n👽 Осталось попыток: " + integer(0, 3);
      case 3:
        return "Профиль: " + nick() + "\nБаланс: " + integer(0, 900) +
               "\nТранзакций: " + integer(0, 60) +
               "\nСтатус: " + r_.pick(Strings{"админ", "игрок"});
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

  // Near-misses: game words and numbers without a game bot's format.
  std::string near_miss() {
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

  // Free Russian prose: the bulk of what people and other bots write.
  std::string word() {
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
  std::string sentence_ru(int lo, int hi) {
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
  std::string prose_line(int sentences) {
    std::string t;
    for (int i = 0; i < sentences; ++i) t += (t.empty() ? "" : " ") + sentence_ru(3, 14);
    return t;
  }
  std::string prose() {
    std::string t;
    for (int i = r_.between(1, 5); i > 0; --i) {
      t += (t.empty() ? "" : (r_.chance(30) ? "\n\n" : (r_.chance(30) ? "\n" : " "))) +
           sentence_ru(3, 14);
    }
    return t;
  }
  std::string emoji_name() {
    return r_.pick(Strings{"🏃🏻", "👱🏾" + kZwj + "♀️", "🗼",
                           "🧖🏿" + kZwj + "♂️", "🤱🏿", "🤟🏻", "🎱", "🐯", "🐊",
                           "🦹🏿" + kZwj + "♀️"}) +
           " " + name();
  }

  // Other bots of the chat (LEGACY.md 2.6) and generic bot texts: no currency of ours.
  std::string bot_text() {
    switch (r_.below(16)) {
      case 0:
        return r_.pick(Strings{"Бросок d", "Roll d"}) + integer(4, 100) + ":\n🎲 [" +
               integer(1, 20) + "]   = " + integer(1, 20);
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
        return r_.pick(Strings{"❌ ", "✅ ", "🔒 ", "⚠️ ", "ℹ️ "}) + sentence_ru(4, 12) +
               "\n" + sentence_ru(3, 10);
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
               " л.\n🤯 Всего: " + decimal(90) +
               " л.\n👽 Осталось попыток: " + integer(0, 3);
      case 11:
        return "Профиль: " + nick() + "\nБаланс: " + integer(0, 900) +
               "\nТранзакций: " + integer(0, 60) +
               "\nСтатус: " + r_.pick(Strings{"админ", "игрок"});
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

  Sample negative() {
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

  Sample make(const std::string& game, const std::string& kind) {
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

  Rng& rng() { return r_; }

 private:
  Rng r_;
};

}  // namespace

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
  Gen g(options.seed);
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
