// The access log names each request by its path only: a query string may carry a token
// (?token= on the WebSocket endpoint, or a careless client's ?access_token=).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

#include "infra/http/server.h"

namespace lucas::http {
namespace {

// Sends one request and reads until the server closes the connection.
std::string exchange(uint16_t port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, size_t(n));
  }
  close(fd);
  return out;
}

TEST(AccessLog, LogsThePathWithoutTheQuery) {
  std::ostringstream captured;
  const auto previous = spdlog::default_logger();
  auto logger = std::make_shared<spdlog::logger>(
      "access-log-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(captured));
  spdlog::set_default_logger(logger);

  Router router;
  router.add("GET", "/hello", [](const Request&) { return Response::json(200, {{"ok", true}}); });
  SystemClock clock;
  telemetry::Registry metrics;
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.io_threads = 1;
  o.worker_threads = 1;
  o.access_log = true;
  Server server(o, router, clock, metrics);
  const uint16_t port = server.start();
  const std::string r = exchange(
      port, "GET /hello?token=s3cr3t-token&x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  server.stop();  // the log line is written once the answer went out: stopping waits for it
  spdlog::set_default_logger(previous);

  EXPECT_NE(r.find("200 OK"), std::string::npos) << r;
  const std::string log = captured.str();
  EXPECT_NE(log.find("GET /hello"), std::string::npos) << log;
  EXPECT_EQ(log.find("s3cr3t"), std::string::npos) << log;
  EXPECT_EQ(log.find("token="), std::string::npos) << log;
}

}  // namespace
}  // namespace lucas::http
