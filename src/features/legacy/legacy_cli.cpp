#include "features/legacy/legacy_cli.h"

#include <fmt/format.h>

#include <iostream>
#include <set>

#include "base/money.h"
#include "base/progress.h"
#include "features/legacy/legacy_import.h"
#include "features/legacy/legacy_shop.h"

namespace lucas::legacy {
namespace {

void print_report(const ImportReport& r) {
  std::cout << "layout: users " << r.users_layout << ", transactions " << r.transactions_layout
            << "\n";
  std::set<std::string> tables;
  for (const auto& [table, n] : r.read) tables.insert(table);
  for (const auto& [table, n] : r.imported) tables.insert(table);
  for (const auto& table : tables) {
    const auto read = r.read.find(table);
    const auto imported = r.imported.find(table);
    std::cout << fmt::format("{:<20} read {:>8}  imported now {:>8}\n", table,
                             read == r.read.end() ? std::string("-") : std::to_string(read->second),
                             imported == r.imported.end() ? 0 : imported->second);
  }
  for (const auto& s : r.skipped) {
    std::cout << "skipped " << s.table << " " << s.row << ": " << s.reason << "\n";
  }
  for (const auto& s : r.rounded) {
    std::cout << "rounded " << s.table << " " << s.row << ": " << s.reason << "\n";
  }
  std::cout << "legacy balances " << format_amount(r.legacy_total_minor, 2)
            << ", opening balances in the ledger " << format_amount(r.credited_total_minor, 2)
            << (r.legacy_total_minor == r.credited_total_minor ? " (equal)" : " (DIFFERENT)")
            << "\n";
}

int import_legacy(const module::CliRun& run) {
  auto& s = run.open();
  Importer importer(s.get<store::Database>(), s.get<ledger::Ledger>(), s.get<users::UserService>(),
                    s.get<bank::BankService>(), s.get<Clock>());
  ConsoleProgress progress;
  const auto r = importer.run(run.option("path"), progress.callback());
  progress.done();
  const auto shop = adopt_shop_items(s.get<store::Database>(), s.get<economy::EconomyService>());
  s.get<events::Outbox>().drain();  // the opening transfers join the audit chain now
  print_report(r);
  std::cout << "shop items in the catalogue: " << shop.adopted << " new, " << shop.existing
            << " adopted before\n";
  return r.legacy_total_minor == r.credited_total_minor ? 0 : 1;
}

}  // namespace

void register_cli(module::Module& m) {
  m.cli({{"import-legacy"},
         "import users, balances, history and aliases from the legacy bot's SQLite",
         {module::CliOption("path", "the legacy database file (read only)", true).must_exist()},
         import_legacy});
}

}  // namespace lucas::legacy
