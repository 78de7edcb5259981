// Backup and restore time for a platform database with N ledger transfers (2N journal entries):
// full backup (dump, encrypt, checksum), its verification (a restore into a scratch database),
// a restore into a fresh database, then an incremental backup after `extra` more transfers and
// its restore — on SQLite, and with --postgres on a local PostgreSQL.
//   build/release/bench/backup_bench [transfers=500000] [extra=10000] [--postgres]
#include <cstring>
#include <iostream>

#include "bench/bench_data.h"
#include "infra/backup/backup.h"
#include "tests/support/databases.h"
#include "tests/support/pg_harness.h"

int main(int argc, char** argv) {
  using namespace lucas;
  int64_t n = 500'000, extra = 10'000;
  bool postgres = false;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--postgres") == 0) {
      postgres = true;
    } else {
      (positional++ == 0 ? n : extra) = std::stoll(argv[i]);
    }
  }
  const auto sets = bench::platform_sets();
  SystemClock clock;
  testing::TempDir dir;
  std::unique_ptr<store::Database> db, target;
  if (postgres) {
    auto& pg = testing::PostgresServer::shared(testing::PgHarnessOptions{true});
    db = store::Database::open(pg.create_database());
    target = store::Database::open(pg.create_database());
  } else {
    db = store::Database::open("sqlite:" + dir.path() + "/live.db");
    target = store::Database::open("sqlite:" + dir.path() + "/restored.db");
  }
  store::migrate(*db, sets, clock);
  const double fill_s = bench::fill_ledger(*db, clock, n);
  const int64_t entries =
      db->read([](store::Tx& tx) { return tx.exec("SELECT COUNT(*) FROM entries").one().i64(0); });
  backup::Options options{{dir.path() + "/backups"},
                          backup::new_key_hex(),
                          {"transfers", "entries", "audit_log", "audit_checkpoints"}};
  backup::BackupService svc(*db, sets, clock, options);
  const auto seconds_of = [](auto&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  backup::Manifest full;
  const double full_s = seconds_of([&] { full = svc.create(); });
  const auto verified = svc.verify(full.id);
  const auto restored = svc.restore(full.id, *target, false);
  bench::fill_ledger(*db, clock, extra, "x");
  backup::Manifest incr;
  const double incr_s = seconds_of([&] { incr = svc.create_incremental(); });
  const auto incr_restored = svc.restore(incr.id, *target, true);
  std::cout << "engine: " << (postgres ? "postgresql" : "sqlite") << "\n"
            << "database: " << n << " transfers, " << entries << " journal entries (filled in "
            << fill_s << " s)\n"
            << "full backup: " << full_s << " s, " << full.bytes / 1'000'000.0 << " MB\n"
            << "verify (restore into scratch SQLite + checksums): " << verified.seconds << " s, "
            << (verified.ok ? "ok" : "FAILED: " + verified.problem) << "\n"
            << "restore: " << restored.rows << " rows in " << restored.seconds << " s ("
            << static_cast<int64_t>(restored.rows / restored.seconds) << " rows/s)\n"
            << "incremental after " << extra << " more transfers: " << incr_s << " s, "
            << incr.bytes / 1'000'000.0
            << " MB; its restore (full + incremental): " << incr_restored.seconds << " s\n";
  return verified.ok ? 0 : 1;
}
