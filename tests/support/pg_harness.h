// Starts a throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temp directory,
// a free loopback port, stopped and removed at process exit. LUCAS_TEST_PG_URL (a server URL
// without a database name, e.g. postgresql://postgres@127.0.0.1:5432) uses an existing server.
#pragma once

#include <memory>
#include <string>

namespace lucas::testing {

struct PgHarnessOptions {
  bool durable = false;  // false: fsync off (tests); true: fsync on, synchronous_commit off (bench)
};

class PostgresServer {
 public:
  // The process-wide server, started on first use. Throws std::runtime_error with a clear
  // message if PostgreSQL's binaries are missing or it cannot start.
  static PostgresServer& shared(PgHarnessOptions options = {});

  // Creates an empty database and returns its URL.
  std::string create_database();
  const std::string& server_url() const { return server_url_; }

  ~PostgresServer();

 private:
  PostgresServer() = default;
  void start(PgHarnessOptions options);
  void stop();

  std::string dir_;
  std::string bin_;
  std::string server_url_;
  bool owned_ = false;
  bool as_postgres_ = false;
  int next_db_ = 0;
};

}  // namespace lucas::testing
