// Several real `lucas serve` processes on one PostgreSQL database and one Redis, for end-to-end
// tests of the platform as several nodes (tests/cluster). Reusable: start nodes with any extra
// settings, talk HTTP to them, kill one, run the CLI against the same database and Redis, stop
// and restart Redis. Every process is the real binary; nothing is mocked.
//
//   Cluster c(LUCAS_BINARY);
//   auto& a = c.start_node("a");
//   auto& b = c.start_node("b");
//   auto r = a.get("/readyz");            // HttpResponse{status, headers, body}
//   c.cli({"user", "add", "--id", "7"});  // `lucas user add` on the cluster's database
//   a.kill();                             // SIGKILL: the node dies without cleaning up
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/databases.h"
#include "tests/support/redis_harness.h"

namespace lucas::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One blocking HTTP/1.1 request to 127.0.0.1:port (Connection: close). Throws std::runtime_error
// when nothing answers.
HttpResponse http_request(int port, const std::string& method, const std::string& target,
                          const std::string& body = "", const Headers& headers = {});

// The value of one series in a Prometheus text ("lucas_job_leader",
// "lucas_redis_up", "name{label=\"v\"}" exactly as rendered); nullopt when absent.
std::optional<double> metric(const std::string& text, const std::string& series);

using Env = std::map<std::string, std::string>;

// A `lucas serve` process with exactly the given LUCAS_* environment (nothing is inherited from
// the test's environment but PATH and HOME). stdout and stderr go to files in `dir`.
class LucasProcess {
 public:
  LucasProcess(const std::string& binary, Env env, const std::string& dir);
  ~LucasProcess();  // SIGTERM (a clean stop), then waits
  LucasProcess(const LucasProcess&) = delete;
  LucasProcess& operator=(const LucasProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  const Env& env() const { return env_; }
  // Sends `signal` and waits for the process to end (SIGKILL: it dies as in a crash); returns its
  // exit code, or 128 + the signal that ended it.
  int kill(int signal = 9);
  // A clean stop (SIGTERM): the exit code, 0 when it shut down cleanly.
  int stop() { return kill(15); }
  std::string log() const;  // what it wrote to stderr

  HttpResponse get(const std::string& target, const Headers& headers = {}) const;
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::string& body = "", const Headers& headers = {}) const;
  std::string metrics() const;  // GET /metrics

 private:
  Env env_;
  std::string out_, err_;
  pid_t pid_ = -1;
  int port_ = 0;
};

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `lucas ARGS...` with exactly `env` (as above) and waits for it.
CliResult run_lucas(const std::string& binary, const std::vector<std::string>& args,
                    const Env& env);

// One PostgreSQL database and one Redis (both fresh), and the nodes started on them.
class Cluster {
 public:
  explicit Cluster(std::string binary, Env common = {});
  ~Cluster();

  // Starts node `id` (node.id = id) with the common settings plus `extra`, on a free port.
  LucasProcess& start_node(const std::string& id, const Env& extra = {});
  LucasProcess& node(const std::string& id);
  // Stops node `id` cleanly (SIGTERM) and forgets it; returns its exit code.
  int stop_node(const std::string& id);
  // Stops every node still running; their ids and exit codes (0: a clean shutdown).
  std::map<std::string, int> stop_all();
  CliResult cli(const std::vector<std::string>& args) const;

  RedisServer& redis() { return *redis_; }
  const std::string& database_url() const { return db_.url; }
  store::Database& database() { return *db_.db; }  // for checks and for steering jobs
  Env env() const;                                 // what every process of the cluster gets

 private:
  std::string binary_;
  Env common_;
  TestDatabase db_;
  std::unique_ptr<RedisServer> redis_;
  TempDir dir_;
  std::map<std::string, std::unique_ptr<LucasProcess>> nodes_;
};

}  // namespace lucas::testing
