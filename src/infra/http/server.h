// The HTTP server: Boost.Beast + Asio C++20 coroutines on a few I/O threads; handlers run on a
// bounded worker pool so that database work never blocks network I/O.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/clock.h"
#include "infra/http/http.h"
#include "infra/telemetry/metrics.h"

namespace lucas::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;  // 0 picks a free port
  int io_threads = 2;
  int worker_threads = 4;
  int64_t max_body_bytes = 1 << 20;
  int read_timeout_s = 15;  // a client must send a whole request within this
  int idle_timeout_s = 60;  // keep-alive connections idle longer are closed
  bool access_log = true;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, const Clock& clock,
         telemetry::Registry& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the I/O and worker threads; returns the bound port. Throws on bind errors.
  uint16_t start();
  // Stops accepting, lets in-flight requests finish (up to a few seconds), joins the threads.
  void stop();
  // Blocks until SIGINT or SIGTERM, then stops.
  void run_until_signal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lucas::http
