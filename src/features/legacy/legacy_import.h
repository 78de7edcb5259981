// Imports the legacy bank bot's SQLite database (either users/transactions layout, detected from
// the actual columns). Every imported balance becomes one ledger opening-balance transfer keyed
// by the legacy row, so a second run changes nothing. Money is read exactly: INTEGER as is, REAL
// as the shortest decimal that round-trips the double, then rounded once to minor units (and
// reported when that changed anything). The legacy file is only read.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "features/bank/bank.h"
#include "features/users/users.h"
#include "infra/store/migrate.h"
#include "ledger/ledger.h"

namespace lucas::legacy {

store::MigrationSet migrations();  // legacy_transactions: the old history, kept read-only

struct Skipped {
  std::string table;
  std::string row;  // legacy id
  std::string reason;
};

struct ImportReport {
  std::string users_layout;                 // "orm" or "early"
  std::string transactions_layout;          // "orm", "early" or "absent"
  std::map<std::string, int64_t> read;      // rows read per legacy table
  std::map<std::string, int64_t> imported;  // rows imported (new this run)
  std::vector<Skipped> skipped;
  std::vector<Skipped> rounded;      // balances that had more than 2 decimals
  int64_t legacy_total_minor = 0;    // sum of importable balances, rounded
  int64_t credited_total_minor = 0;  // sum of opening balances now in the ledger
};

// "13.4" for 13.399999999999999 (the shortest decimal that reads back as the same double).
std::string shortest_decimal(double v);

class LegacyDb;
using LegacyReader = LegacyDb;

class Importer {
 public:
  Importer(store::Database& db, ledger::Ledger& ledger, users::UserService& users,
           bank::BankService& bank, const Clock& clock)
      : db_(db), ledger_(ledger), users_(users), bank_(bank), clock_(clock) {}

  ImportReport run(const std::string& legacy_path,
                   const std::function<void(const std::string&)>& progress = {});

 private:
  void import_name_bank(LegacyReader& legacy, ImportReport& report);
  void import_last_balances(LegacyReader& legacy, ImportReport& report,
                            const std::map<int64_t, int64_t>& telegram_of);
  void import_processed(LegacyReader& legacy, ImportReport& report);
  void import_shop(LegacyReader& legacy, ImportReport& report,
                   const std::map<int64_t, int64_t>& telegram_of);
  void import_achievements(LegacyReader& legacy, ImportReport& report,
                           const std::map<int64_t, int64_t>& telegram_of);

  std::function<void(const std::string&)> progress_;
  store::Database& db_;
  ledger::Ledger& ledger_;
  users::UserService& users_;
  bank::BankService& bank_;
  const Clock& clock_;
};

}  // namespace lucas::legacy
