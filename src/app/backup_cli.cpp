// `lucas backup keygen|create|list|verify|restore|prune` and `lucas db copy`: the data-safety
// tools. Long work shows its progress on standard error; results go to standard output.
#include <fmt/format.h>

#include <iostream>

#include "app/app.h"
#include "app/console.h"
#include "base/progress.h"
#include "base/secret_file.h"
#include "infra/backup/backup.h"
#include "infra/store/copy.h"

namespace lucas::app {
namespace {

int64_t rows_of(const backup::Manifest& m) {
  int64_t rows = 0;
  for (const auto& t : m.tables) rows += t.rows;
  return rows;
}

// The backup service of the opened platform; nullopt (after saying why) without a key file.
App* open_backups(const module::CliRun& run) {
  if (run.config().backup_key_file.empty()) {
    std::cerr << "lucas: backup.key_file is not set (create one with lucas backup keygen)\n";
    return nullptr;
  }
  App& app = run.open().get<App>();
  app.outbox->drain();  // what earlier commands committed is in the backup, audit entries too
  return &app;
}

int keygen(const module::CliRun& run) {
  const std::string& path = run.option("--output");
  write_secret_file(path, backup::new_key_hex() + "\n");
  std::cout << "backup key written to " << path << " (keep a copy off this machine)\n";
  return 0;
}

int create(const module::CliRun& run) {
  App* app = open_backups(run);
  if (app == nullptr) return 2;
  backup::BackupService& svc = *app->backups;
  ConsoleProgress progress;
  const auto m = run.flag("--incremental") ? svc.create_incremental(progress.callback())
                                           : svc.create(progress.callback());
  progress.done();
  std::cout << m.kind << " backup " << m.id << ": " << rows_of(m) << " rows, " << m.bytes
            << " bytes, written to " << svc.locations() << " location(s)\n";
  const auto v = svc.verify(m.id, progress.callback());
  progress.done();
  std::cout << (v.ok ? "verified" : "VERIFY FAILED: " + v.problem) << "\n";
  return v.ok ? 0 : 1;
}

int list(const module::CliRun& run) {
  App* app = open_backups(run);
  if (app == nullptr) return 2;
  for (const auto& m : app->backups->list()) {
    std::cout << m.id << "  " << format_rfc3339(m.created_at) << "  " << m.kind << "  "
              << rows_of(m) << " rows  " << m.bytes << " bytes"
              << (m.base.empty() ? "" : "  (on " + m.base + ")") << "\n";
  }
  return 0;
}

int verify(const module::CliRun& run) {
  App* app = open_backups(run);
  if (app == nullptr) return 2;
  const std::string& id = run.option("id");
  ConsoleProgress progress;
  const auto v = app->backups->verify(id, progress.callback());
  progress.done();
  std::cout << id << ": " << (v.ok ? "verified" : "DAMAGED: " + v.problem) << " ("
            << fmt::format("{:.2f}", v.seconds) << " s)\n";
  return v.ok ? 0 : 1;
}

int restore(const module::CliRun& run) {
  App* app = open_backups(run);
  if (app == nullptr) return 2;
  const std::string& id = run.option("id");
  ConsoleProgress progress;
  const auto r = app->backups->restore(id, *app->db, run.flag("--replace"), progress.callback());
  progress.done();
  app->db->transact([&](store::Tx& tx) {
    app->audit->append(tx, audit::entry(0, "admin.backup_restore", "backup:" + id,
                                        {{"rows", r.rows}, {"seconds", r.seconds}}));
  });
  std::cout << "restored " << r.rows << " rows from " << id << " into " << app->db->describe()
            << " in " << fmt::format("{:.2f}", r.seconds) << " s\n";
  return 0;
}

int prune(const module::CliRun& run) {
  App* app = open_backups(run);
  if (app == nullptr) return 2;
  const auto removed = app->backups->prune();
  for (const auto& id : removed) std::cout << "removed " << id << "\n";
  std::cout << removed.size() << " removed\n";
  return 0;
}

// Two databases named on the command line, not the configured one: nothing is opened for it.
int db_copy(const module::CliRun& run) {
  store::Options options;
  auto from = store::Database::open(run.option("--from"), options);
  auto to = store::Database::open(run.option("--to"), options);
  SystemClock clock;
  ConsoleProgress progress;
  const auto report = store::copy_database(*from, *to, all_migrations(), clock,
                                           run.flag("--replace"), progress.callback());
  progress.done();
  std::cout << fmt::format("{:<24} {:>10} {:>10}  {}\n", "table", "source", "target", "content");
  for (const auto& t : report.tables) {
    std::cout << fmt::format("{:<24} {:>10} {:>10}  {}\n", t.table, t.source.rows, t.target.rows,
                             t.matches() ? "identical" : "DIFFERENT");
  }
  std::cout << fmt::format("{} rows copied from {} to {} in {:.2f} s ({:.0f} rows/s): {}\n",
                           report.rows, from->describe(), to->describe(), report.seconds,
                           report.seconds > 0 ? report.rows / report.seconds : 0.0,
                           report.ok() ? "verified" : "MISMATCH");
  return report.ok() ? 0 : 1;
}

const module::CliOption kId{"id", "backup id (see list)", true};

}  // namespace

void register_backup_cli(module::Module& m) {
  m.cli_group({{"backup"}, "encrypted, verified backups"})
      .cli({{"backup", "keygen"},
            "create the backup key file",
            {{"--output", "key file to create (mode 0600)", true}},
            keygen})
      .cli({{"backup", "create"},
            "a full (or --incremental) backup to every directory, then verified",
            {module::CliOption("--incremental",
                               "only the journal rows added since the newest full backup")
                 .as_flag()},
            create})
      .cli({{"backup", "list"}, "backups, newest first", {}, list})
      .cli({{"backup", "verify"},
            "check every copy and restore into a scratch database",
            {kId},
            verify})
      .cli({{"backup", "restore"},
            "restore a backup",
            {kId, module::CliOption("--replace", "overwrite a database that has data").as_flag()},
            restore})
      .cli({{"backup", "prune"}, "keep 30 days of backups and a year of weeklies", {}, prune})
      .cli_group({{"db"}, "database tools"})
      .cli({{"db", "copy"},
            "copy the whole platform database (SQLite <-> PostgreSQL) and verify it",
            {{"--from", "source URL (sqlite:PATH or postgresql://...)", true},
             {"--to", "target URL", true},
             module::CliOption("--replace", "overwrite a target that already has data").as_flag()},
            db_copy});
}

}  // namespace lucas::app
