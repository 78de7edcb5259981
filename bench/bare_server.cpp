// The yardstick of bench/http_overhead.sh: the least an HTTP/1.1 server on Beast coroutines can do
// — read a request, answer {"status":"ok"}, keep the connection — on the same I/O threads as
// `lucas serve`. What `lucas` answers per second is reported as a share of this.
//   bare_server PORT [THREADS]
#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

net::awaitable<void> session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    beast::error_code ec;
    co_await http::async_read(stream, buffer, req, net::redirect_error(net::use_awaitable, ec));
    if (ec) break;
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(req.keep_alive());
    res.body() = R"({"status":"ok"})";
    res.prepare_payload();
    co_await http::async_write(stream, res, net::redirect_error(net::use_awaitable, ec));
    if (ec || !res.keep_alive()) break;
  }
}

net::awaitable<void> listen(tcp::acceptor& acceptor) {
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(net::use_awaitable);
    net::co_spawn(socket.get_executor(), session(std::move(socket)), net::detached);
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bare_server PORT [THREADS]\n";
    return 2;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  net::io_context ioc(threads);
  tcp::acceptor acceptor(
      ioc, {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::atoi(argv[1]))});
  net::co_spawn(ioc, listen(acceptor), net::detached);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}
