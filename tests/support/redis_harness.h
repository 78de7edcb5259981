// Starts real redis-server processes for tests and benchmarks: a free loopback port, no
// persistence, a temp directory, killed at process exit (and if the test process dies). A server
// can be stopped, restarted on the same port, paused (SIGSTOP: it accepts connections but never
// answers) and resumed, for fault tests. LUCAS_TEST_REDIS_URL (redis://host:port) uses an
// existing server for shared() instead; fault tests then start their own.
#pragma once

#include <sys/types.h>
#include <memory>
#include <string>

namespace lucas::testing {

class RedisServer {
 public:
  // The process-wide server, started on first use. Throws std::runtime_error with a clear message
  // if redis-server is missing or cannot start.
  static RedisServer& shared();
  // A server of one's own (for tests that stop or pause it).
  static std::unique_ptr<RedisServer> start_new();

  std::string url(int db = 0) const;
  int port() const { return port_; }

  void stop();     // SIGTERM, then waits for the process
  void restart();  // starts again on the same port (after stop())
  void pause();    // SIGSTOP
  void resume();   // SIGCONT
  // FLUSHALL, through a blocking hiredis connection.
  void flushall();
  bool running() const { return pid_ > 0; }

  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

 private:
  RedisServer() = default;
  void launch();
  void wait_ready();

  std::string dir_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  pid_t pid_ = -1;
  bool owned_ = false;
  bool paused_ = false;
};

}  // namespace lucas::testing
