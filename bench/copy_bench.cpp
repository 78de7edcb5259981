// Copy rate of `lucas db copy`: a SQLite platform database with N ledger transfers (2N journal
// entries, N outbox events) copied to a local PostgreSQL (COPY) and verified.
//   build/release/bench/copy_bench [transfers=100000]
#include <iostream>

#include "bench/bench_data.h"
#include "tests/support/databases.h"
#include "tests/support/pg_harness.h"

int main(int argc, char** argv) {
  using namespace lucas;
  const int64_t n = argc > 1 ? std::stoll(argv[1]) : 100'000;
  const auto sets = bench::platform_sets();
  testing::TempDir dir;
  auto src = store::Database::open("sqlite:" + dir.path() + "/src.db");
  SystemClock clock;
  store::migrate(*src, sets, clock);
  const double fill_s = bench::fill_ledger(*src, clock, n);
  auto& pg = testing::PostgresServer::shared(testing::PgHarnessOptions{true});
  auto dst = store::Database::open(pg.create_database());
  const auto report = store::copy_database(*src, *dst, sets, clock, false);
  std::cout << "source: " << n << " transfers written in " << fill_s << " s\n";
  std::cout << "copy to PostgreSQL: " << report.rows << " rows in " << report.seconds
            << " s including verification: " << static_cast<int64_t>(report.rows / report.seconds)
            << " rows/s, " << (report.ok() ? "verified" : "MISMATCH") << "\n";
  return report.ok() ? 0 : 1;
}
