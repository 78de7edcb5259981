#include "tests/support/cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace lucas::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// PATH, HOME and the sanitizers' options from the test's environment, then `env`.
std::vector<std::string> environment_of(const Env& env) {
  std::vector<std::string> out;
  for (const char* name : {"PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* v = std::getenv(name)) out.push_back(std::string(name) + "=" + v);
  }
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

// fork + exec with stdout and stderr redirected to files; the child dies with the test process.
pid_t spawn(const std::string& binary, const std::vector<std::string>& args, const Env& env,
            const std::string& out, const std::string& err) {
  std::vector<std::string> argv_s{binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> envp_s = environment_of(env);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    const int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (o < 0 || e < 0) _exit(126);
    dup2(o, 1);
    dup2(e, 2);
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& a : envp_s) envp.push_back(a.data());
    envp.push_back(nullptr);
    execve(binary.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpResponse http_request(int port, const std::string& method, const std::string& target,
                          const std::string& body, const Headers& headers) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    throw std::runtime_error("nothing listens on port " + std::to_string(port));
  }
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST") {
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  for (size_t sent = 0; sent < req.size();) {
    const ssize_t n = send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      throw std::runtime_error("send failed");
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[8192];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  HttpResponse r;
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || head_end == std::string::npos) {
    throw std::runtime_error("not an HTTP response from port " + std::to_string(port));
  }
  r.status = std::stoi(raw.substr(9, 3));
  std::istringstream lines(raw.substr(0, head_end));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[lower(line.substr(0, colon))] = value;
  }
  r.body = raw.substr(head_end + 4);
  return r;
}

std::optional<double> metric(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- LucasProcess

LucasProcess::LucasProcess(const std::string& binary, Env env, const std::string& dir)
    : env_(std::move(env)) {
  static int seq = 0;
  const std::string base = dir + "/lucas-" + std::to_string(++seq);
  out_ = base + ".out";
  err_ = base + ".err";
  pid_ = spawn(binary, {"serve"}, env_, out_, err_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("lucas serve exited at start:\n" + slurp(err_));
    }
    const std::string out = slurp(out_);
    const size_t at = out.find("listening ");
    if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
      port_ = std::stoi(out.substr(at + 10));
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(SIGKILL);
  throw std::runtime_error("lucas serve did not start within 60 s:\n" + slurp(err_));
}

LucasProcess::~LucasProcess() {
  if (running()) kill(SIGTERM);
}

int LucasProcess::kill(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string LucasProcess::log() const {
  return slurp(err_);
}

HttpResponse LucasProcess::get(const std::string& target, const Headers& headers) const {
  return http_request(port_, "GET", target, "", headers);
}

HttpResponse LucasProcess::request(const std::string& method, const std::string& target,
                                   const std::string& body, const Headers& headers) const {
  return http_request(port_, method, target, body, headers);
}

std::string LucasProcess::metrics() const {
  return get("/metrics").body;
}

CliResult run_lucas(const std::string& binary, const std::vector<std::string>& args,
                    const Env& env) {
  TempDir dir;
  const std::string out = dir.path() + "/out", err = dir.path() + "/err";
  const pid_t pid = spawn(binary, args, env, out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  return CliResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

// ---------------------------------------------------------------- Cluster

Cluster::Cluster(std::string binary, Env common)
    : binary_(std::move(binary)),
      common_(std::move(common)),
      db_(fresh_database(store::Engine::kPostgres)),
      redis_(RedisServer::start_new()) {}

Cluster::~Cluster() {
  nodes_.clear();  // nodes first, while their database and Redis are still there
}

Env Cluster::env() const {
  Env e{{"LUCAS_DATABASE_URL", db_.url},
        {"LUCAS_REDIS_URL", redis_->url()},
        {"LUCAS_DATA_DIR", dir_.path() + "/data"},
        {"LUCAS_HTTP_ACCESS_LOG", "false"},
        {"LUCAS_LOG_LEVEL", "info"}};
  for (const auto& [k, v] : common_) e[k] = v;
  return e;
}

LucasProcess& Cluster::start_node(const std::string& id, const Env& extra) {
  Env e = env();
  e["LUCAS_NODE_ID"] = id;
  e["LUCAS_HTTP_PORT"] = "0";
  e["LUCAS_HTTP_HOST"] = "127.0.0.1";
  e["LUCAS_DATA_DIR"] = dir_.path() + "/" + id;
  for (const auto& [k, v] : extra) e[k] = v;
  auto& slot = nodes_[id];
  slot.reset();
  slot = std::make_unique<LucasProcess>(binary_, e, dir_.path());
  return *slot;
}

LucasProcess& Cluster::node(const std::string& id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) throw std::runtime_error("no node " + id);
  return *it->second;
}

int Cluster::stop_node(const std::string& id) {
  auto it = nodes_.find(id);
  if (it == nodes_.end()) throw std::runtime_error("no node " + id);
  const int code = it->second->stop();
  nodes_.erase(it);
  return code;
}

std::map<std::string, int> Cluster::stop_all() {
  std::map<std::string, int> codes;
  for (auto& [id, n] : nodes_) {
    if (n->running()) codes[id] = n->stop();
  }
  nodes_.clear();
  return codes;
}

CliResult Cluster::cli(const std::vector<std::string>& args) const {
  return run_lucas(binary_, args, env());
}

}  // namespace lucas::testing
