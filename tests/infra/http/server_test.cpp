// The HTTP server against real sockets: keep-alive, malformed, oversized and slow requests,
// many concurrent clients, clean stop. Plain POSIX sockets keep this test light to compile.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "base/blocking.h"
#include "infra/http/server.h"

namespace lucas::http {
namespace {

class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(fd_); }
  bool connected() const { return connected_; }
  void send_all(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  // Reads one response (headers + Content-Length body), or until close / timeout.
  std::string read_response(int timeout_ms = 5000) {
    std::string data;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const size_t head_end = data.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t length = 0;
        const size_t cl = data.find("Content-Length: ");
        if (cl != std::string::npos && cl < head_end) length = std::stoul(data.substr(cl + 16));
        if (data.size() >= head_end + 4 + length) {
          std::string out = data.substr(0, head_end + 4 + length);
          pending_ = data.substr(head_end + 4 + length);
          return out;
        }
      }
      const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            deadline - std::chrono::steady_clock::now())
                                            .count());
      if (left <= 0) return data;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, left) <= 0) return data;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        return data;
      }
      data.append(buf, static_cast<size_t>(n));
    }
  }
  bool closed() const { return closed_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string pending_;
};

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return 0;
  return std::stoi(response.substr(9, 3));
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/hello/{name}", [](const Request& r) {
      return Response::json(
          200, {{"hello", r.params.at("name")}, {"q", r.query_param("q").value_or("")}});
    });
    router_.add("POST", "/echo", [](const Request& r) { return Response::text(200, r.body); });
    // Answered on the network thread unless ?block=1 (as a cache miss would read the database).
    router_.add(
        "GET", "/inline",
        [](const Request& r) {
          if (r.query_param("block") == "1") may_block();
          return Response::json(200, {{"inline", InlineAttempt::active()}});
        },
        RouteOptions{.inline_first = true});
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.io_threads = 2;
    o.worker_threads = 2;
    o.max_body_bytes = 1024;
    o.read_timeout_s = 1;
    o.idle_timeout_s = 2;
    o.access_log = false;
    server_ = std::make_unique<Server>(o, router_, clock_, metrics_);
    port_ = server_->start();
  }
  void TearDown() override { server_->stop(); }

  Router router_;
  SystemClock clock_;
  telemetry::Registry metrics_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, ServesAndEchoesTheRequestId) {
  Client c(port_);
  ASSERT_TRUE(c.connected());
  c.send_all(
      "GET /hello/%D0%BC%D0%B8%D1%80?q=a+b HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n\r\n");
  const auto r = c.read_response();
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_NE(r.find("X-Request-Id: abc-123"), std::string::npos) << r;
  EXPECT_NE(r.find("\"hello\":\"мир\""), std::string::npos) << r;
  EXPECT_NE(r.find("\"q\":\"a b\""), std::string::npos) << r;
}

// RouteOptions::inline_first: answered on the network thread, or, when a step would block, on
// the worker pool; /metrics counts both.
TEST_F(ServerTest, InlineFirstRoutesAnswerOnTheNetworkThreadUntilSomethingWouldBlock) {
  Client c(port_);
  ASSERT_TRUE(c.connected());
  c.send_all("GET /inline HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_response();
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_NE(r.find("{\"inline\":true}"), std::string::npos) << r;
  c.send_all("GET /inline?block=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  r = c.read_response();
  EXPECT_EQ(status_of(r), 200) << r;
  EXPECT_NE(r.find("{\"inline\":false}"), std::string::npos) << r;
  const std::string metrics = metrics_.render();
  EXPECT_NE(metrics.find("lucas_http_inline_total{result=\"answered\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("lucas_http_inline_total{result=\"redone\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find("lucas_http_requests_total{method=\"GET\",route=\"/inline\",status=\"200\"} 2"),
      std::string::npos)
      << metrics;
}

TEST_F(ServerTest, InvalidRequestIdsAreReplaced) {
  Client c(port_);
  c.send_all("GET /hello/x HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id!\r\n\r\n");
  const auto r = c.read_response();
  EXPECT_EQ(r.find("bad id!"), std::string::npos);
  EXPECT_NE(r.find("X-Request-Id: "), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Client c(port_);
  for (int i = 0; i < 3; ++i) {
    c.send_all("GET /hello/k" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto r = c.read_response();
    EXPECT_EQ(status_of(r), 200) << r;
    EXPECT_NE(r.find("k" + std::to_string(i)), std::string::npos);
  }
}

TEST_F(ServerTest, UnknownRouteGetsAJsonError) {
  Client c(port_);
  c.send_all("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto r = c.read_response();
  EXPECT_EQ(status_of(r), 404);
  for (const char* field : {"error_code", "message", "details", "retry_after", "timestamp"}) {
    EXPECT_NE(r.find(field), std::string::npos) << field;
  }
}

TEST_F(ServerTest, GarbageGets400) {
  Client c(port_);
  c.send_all("NOT HTTP AT ALL\r\n\r\n");
  const auto r = c.read_response();
  EXPECT_EQ(status_of(r), 400) << r;
  EXPECT_NE(r.find("INVALID_ARGUMENT"), std::string::npos);
}

TEST_F(ServerTest, BadPercentEncodingGets400) {
  Client c(port_);
  c.send_all("GET /hello/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(c.read_response()), 400);
}

TEST_F(ServerTest, OversizedBodyGets413) {
  Client c(port_);
  c.send_all("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" +
             std::string(5000, 'a'));
  const auto r = c.read_response();
  EXPECT_EQ(status_of(r), 413) << r;
  Client ok(port_);
  ok.send_all("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  const auto r2 = ok.read_response();
  EXPECT_EQ(status_of(r2), 200);
  EXPECT_NE(r2.find("hello"), std::string::npos);
}

TEST_F(ServerTest, HugeHeadersAreRefused) {
  Client c(port_);
  c.send_all("GET /hello/x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20'000, 'b') + "\r\n\r\n");
  const int s = status_of(c.read_response());
  EXPECT_TRUE(s == 413 || s == 431 || s == 400) << s;
}

TEST_F(ServerTest, SlowClientIsCutOffAndOthersAreServed) {
  Client slow(port_);
  slow.send_all("GET /hello/slow HTTP/1.1\r\nHo");  // and then nothing
  const auto started = std::chrono::steady_clock::now();
  const auto r = slow.read_response(4000);
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_TRUE(status_of(r) == 408 || slow.closed()) << r;
  EXPECT_LT(waited, std::chrono::seconds(4));
  Client fast(port_);
  fast.send_all("GET /hello/fast HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(fast.read_response()), 200);
}

TEST_F(ServerTest, IdleKeepAliveConnectionsAreClosed) {
  Client c(port_);
  c.send_all("GET /hello/x HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(c.read_response()), 200);
  c.read_response(4000);  // idle_timeout_s is 2: the server closes
  EXPECT_TRUE(c.closed());
}

TEST_F(ServerTest, ManyConcurrentClients) {
  constexpr int kThreads = 10;
  constexpr int kEach = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Client c(port_);
        c.send_all("GET /hello/c" + std::to_string(t) + "x" + std::to_string(i) +
                   " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        if (status_of(c.read_response()) == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  const std::string metrics = metrics_.render();
  EXPECT_NE(
      metrics.find(
          "lucas_http_requests_total{method=\"GET\",route=\"/hello/{name}\",status=\"200\"} 200"),
      std::string::npos)
      << metrics;
}

TEST_F(ServerTest, StopIsCleanAndRefusesNewConnections) {
  server_->stop();
  server_->stop();  // idempotent
  Client c(port_);
  if (c.connected()) {
    c.send_all("GET /hello/x HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_of(c.read_response(1000)), 0);
  }
}

}  // namespace
}  // namespace lucas::http
