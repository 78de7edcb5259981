#include "tests/support/redis_harness.h"

#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace lucas::testing {
namespace fs = std::filesystem;
namespace {

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string find_redis_server() {
  if (const char* env = std::getenv("LUCAS_REDIS_SERVER")) return env;
  for (const char* p : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (fs::exists(p)) return p;
  }
  throw std::runtime_error(
      "redis-server not found (install the 'redis-server' package; scripts/bootstrap.sh does) or "
      "set LUCAS_TEST_REDIS_URL");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A blocking command on a short-lived connection; false when the server does not answer it.
bool run_command(const std::string& host, int port, const char* command) {
  timeval tv{1, 0};
  redisContext* c = redisConnectWithTimeout(host.c_str(), port, tv);
  if (c == nullptr) return false;
  bool ok = false;
  if (c->err == 0) {
    redisSetTimeout(c, tv);
    auto* r = static_cast<redisReply*>(redisCommand(c, command));
    ok = r != nullptr && r->type != REDIS_REPLY_ERROR;
    if (r != nullptr) freeReplyObject(r);
  }
  redisFree(c);
  return ok;
}

std::mutex g_mu;
std::unique_ptr<RedisServer> g_shared;

}  // namespace

RedisServer& RedisServer::shared() {
  std::lock_guard lock(g_mu);
  if (!g_shared) {
    if (const char* url = std::getenv("LUCAS_TEST_REDIS_URL")) {
      g_shared.reset(new RedisServer());
      std::string rest = std::string(url).substr(std::string("redis://").size());
      const size_t colon = rest.rfind(':');
      g_shared->host_ = rest.substr(0, colon);
      g_shared->port_ = std::stoi(rest.substr(colon + 1));
    } else {
      g_shared = start_new();
    }
    std::atexit([] { g_shared.reset(); });
  }
  return *g_shared;
}

std::unique_ptr<RedisServer> RedisServer::start_new() {
  std::unique_ptr<RedisServer> s(new RedisServer());
  char tmpl[] = "/tmp/lucas-redis-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  s->dir_ = tmpl;
  s->owned_ = true;
  s->port_ = free_port();
  s->launch();
  return s;
}

void RedisServer::launch() {
  const std::string bin = find_redis_server();
  const std::string port = std::to_string(port_);
  const std::string log = dir_ + "/redis.log";
  std::vector<std::string> args{
      bin,  "--port",      port, "--bind",    host_, "--save",      "",   "--appendonly",
      "no", "--dir",       dir_, "--logfile", log,   "--daemonize", "no", "--protected-mode",
      "no", "--databases", "64"};
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test process
    if (getppid() != parent) _exit(1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  pid_ = pid;
  paused_ = false;
  wait_ready();
}

void RedisServer::wait_ready() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start:\n" + read_file(dir_ + "/redis.log"));
    }
    if (run_command(host_, port_, "PING")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("redis-server did not answer within 10 s:\n" +
                           read_file(dir_ + "/redis.log"));
}

std::string RedisServer::url(int db) const {
  return "redis://" + host_ + ":" + std::to_string(port_) + "/" + std::to_string(db);
}

void RedisServer::stop() {
  if (!owned_ || pid_ <= 0) return;
  if (paused_) kill(pid_, SIGCONT);
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  paused_ = false;
}

void RedisServer::restart() {
  if (!owned_) throw std::runtime_error("cannot restart an external redis server");
  stop();
  launch();
}

void RedisServer::pause() {
  if (!owned_ || pid_ <= 0) throw std::runtime_error("no redis server of ours to pause");
  kill(pid_, SIGSTOP);
  paused_ = true;
}

void RedisServer::resume() {
  if (pid_ > 0 && paused_) kill(pid_, SIGCONT);
  paused_ = false;
}

void RedisServer::flushall() {
  if (!run_command(host_, port_, "FLUSHALL")) {
    throw std::runtime_error("redis harness: FLUSHALL failed on port " + std::to_string(port_));
  }
}

RedisServer::~RedisServer() {
  stop();
  if (owned_ && !dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

}  // namespace lucas::testing
