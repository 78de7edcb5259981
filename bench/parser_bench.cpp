// Messages parsed per second on one thread, over a mix of every format and of chatter.
//   build/release/bench/parser_bench
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "features/parser/parser.h"

namespace {

const std::vector<std::string>& messages() {
  static const std::vector<std::string> m{
      "🃏 НОВАЯ КАРТА 🃏\n───────────────\nИгрок: Mirtol\nКарта: AeonAir\nКатегория: Медийные\n"
      "───────────────\nОписание: Начал играть ещё в 2013 году, ныне популярный ютубер\n"
      "───────────────\n🔵 Редкость: Редкая (1/75) • 30.0%\n⭐️ Очки: +2\n🤩 Орбы: +5\n"
      "🃏 Коллекция: 1/249 карт\n───────────────\n👥 Карта есть у: 254 игроков\n"
      "⏰ Лимит карт сегодня: 1 из 8",
      "🎁 Mirtol открыл сундук и получил 1.7 орб",
      "Следующая карта будет доступна через 31 мин. 19 сек.",
      "Лайк! Вы повысили рейтинг пользователя Vel Ora.\nТеперь его рейтинг: 10 ❤️",
      "🔎 Найдена карточка — «Гусь»!\n\n💎 Редкость • Редкая\n✨ Очки • +3,000 [3,000]\n"
      "💰 Монеты • +7 [7]\n\n🎉 Получи карточку каждые 12 часов с /bonus!",
      "Игра окончена! \nПобедила Мафия \n\nПобедители: \n    Licic - 🤵🏻 Дон \n\n"
      "Остальные участники: \n    Tigad - 👨🏼 Мирный житель \n\nИгра длилась: 4 мин. 21 сек.",
      "ну что, кто сегодня играет? у меня +5 к карме",
      "Данила проголосовал за Licic",
  };
  return m;
}

void BM_ParseText(benchmark::State& state) {
  const auto& m = messages();
  size_t i = 0;
  for (auto _ : state) {
    auto r = lucas::parser::parse_text(m[i++ % m.size()]);
    benchmark::DoNotOptimize(r);
  }
  state.counters["messages/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseText);

}  // namespace

BENCHMARK_MAIN();
