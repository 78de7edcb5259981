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

// A streaming replica of the harness's server (pg_basebackup -R), for read-replica tests. It can
// be stopped and started again on the same port.
class PostgresReplica {
 public:
  ~PostgresReplica();
  PostgresReplica(const PostgresReplica&) = delete;
  PostgresReplica& operator=(const PostgresReplica&) = delete;
  // The URL of `database` (a database of the primary) on the replica.
  std::string url(const std::string& database) const;
  void stop();
  void start();

 private:
  friend class PostgresServer;
  PostgresReplica() = default;
  std::string dir_, bin_, prefix_;
  int port_ = 0;
  bool running_ = false;
};

class PostgresServer {
 public:
  // The process-wide server, started on first use. Throws std::runtime_error with a clear
  // message if PostgreSQL's binaries are missing or it cannot start.
  static PostgresServer& shared(PgHarnessOptions options = {});

  // Creates an empty database and returns its URL.
  std::string create_database();
  const std::string& server_url() const { return server_url_; }
  // A new streaming replica of this server (all of its databases). std::runtime_error for an
  // external server (LUCAS_TEST_PG_URL).
  std::unique_ptr<PostgresReplica> start_replica();

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
