#include "tests/support/pg_harness.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace lucas::testing {
namespace fs = std::filesystem;
namespace {

std::string find_bin_dir() {
  if (const char* env = std::getenv("LUCAS_PG_BIN")) return env;
  std::vector<fs::path> candidates;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(e.path() / "bin" / "initdb")) candidates.push_back(e.path() / "bin");
  }
  if (candidates.empty()) {
    throw std::runtime_error(
        "PostgreSQL server binaries not found under /usr/lib/postgresql (install the "
        "'postgresql' package; scripts/bootstrap.sh does) or set LUCAS_TEST_PG_URL");
  }
  std::sort(candidates.begin(), candidates.end());
  return candidates.back().string();
}

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

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void run(const std::string& cmd, const std::string& what, const std::string& log) {
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("PostgreSQL harness: " + what + " failed: " + cmd + "\n" +
                             read_file(log));
  }
}

void exec_admin(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("PostgreSQL harness: cannot connect: " + msg);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error("PostgreSQL harness: " + sql + ": " + msg);
}

std::mutex g_mu;
std::unique_ptr<PostgresServer> g_server;

}  // namespace

PostgresServer& PostgresServer::shared(PgHarnessOptions options) {
  std::lock_guard lock(g_mu);
  if (!g_server) {
    g_server.reset(new PostgresServer());
    try {
      g_server->start(options);
    } catch (...) {
      g_server.reset();
      throw;
    }
    std::atexit([] { g_server.reset(); });
  }
  return *g_server;
}

void PostgresServer::start(PgHarnessOptions options) {
  if (const char* url = std::getenv("LUCAS_TEST_PG_URL")) {
    server_url_ = url;
    return;
  }
  bin_ = find_bin_dir();
  char tmpl[] = "/tmp/lucas-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  owned_ = true;
  std::string prefix;
  if (geteuid() == 0) {  // initdb refuses to run as root
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) throw std::runtime_error("running as root but no 'postgres' user exists");
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + dir_);
    }
    as_postgres_ = true;
    prefix = "runuser -u postgres -- ";
  }
  const std::string log = dir_ + "/server.log";
  run(prefix + bin_ + "/initdb -D " + dir_ + "/data -A trust -U postgres -E UTF8 --locale=C " +
          "--no-sync > " + dir_ + "/initdb.log 2>&1",
      "initdb", dir_ + "/initdb.log");
  const std::string tuning =
      options.durable ? " -c synchronous_commit=off -c shared_buffers=256MB"
                      : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  for (int attempt = 0; attempt < 5; ++attempt) {
    const int port = free_port();
    const std::string cmd = prefix + bin_ + "/pg_ctl -D " + dir_ + "/data -l " + log +
                            " -w -t 30 -o \"-p " + std::to_string(port) + " -k " + dir_ +
                            " -c listen_addresses=127.0.0.1 -c max_connections=200" + tuning +
                            "\" start > /dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) {
      server_url_ = "postgresql://postgres@127.0.0.1:" + std::to_string(port);
      return;
    }
  }
  throw std::runtime_error("PostgreSQL harness: the server did not start:\n" + read_file(log));
}

std::string PostgresServer::create_database() {
  const std::string name = "lucas_t" + std::to_string(getpid()) + "_" + std::to_string(++next_db_);
  exec_admin(server_url_ + "/postgres", "CREATE DATABASE " + name);
  return server_url_ + "/" + name;
}

std::unique_ptr<PostgresReplica> PostgresServer::start_replica() {
  if (!owned_) throw std::runtime_error("PostgreSQL harness: cannot replicate an external server");
  std::unique_ptr<PostgresReplica> r(new PostgresReplica());
  char tmpl[] = "/tmp/lucas-pgrep-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  r->dir_ = tmpl;
  r->bin_ = bin_;
  if (as_postgres_) {
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr || chown(r->dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("cannot chown " + r->dir_);
    }
    r->prefix_ = "runuser -u postgres -- ";
  }
  const std::string primary_port = server_url_.substr(server_url_.rfind(':') + 1);
  run(r->prefix_ + bin_ + "/pg_basebackup -h 127.0.0.1 -p " + primary_port + " -U postgres -D " +
          r->dir_ + "/data -R -X stream -c fast > " + r->dir_ + "/basebackup.log 2>&1",
      "pg_basebackup", r->dir_ + "/basebackup.log");
  r->port_ = free_port();
  r->start();
  return r;
}

void PostgresReplica::start() {
  if (running_) return;
  const std::string log = dir_ + "/server.log";
  const std::string cmd = prefix_ + bin_ + "/pg_ctl -D " + dir_ + "/data -l " + log +
                          " -w -t 60 -o \"-p " + std::to_string(port_) + " -k " + dir_ +
                          " -c listen_addresses=127.0.0.1 -c max_connections=200"
                          " -c fsync=off -c hot_standby=on\" start > /dev/null 2>&1";
  run(cmd, "starting the replica", log);
  running_ = true;
}

void PostgresReplica::stop() {
  if (!running_) return;
  const std::string cmd =
      prefix_ + bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop > /dev/null 2>&1";
  if (std::system(cmd.c_str()) == 0) running_ = false;
}

std::string PostgresReplica::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

PostgresReplica::~PostgresReplica() {
  stop();
  if (!running_) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

void PostgresServer::stop() {
  if (!owned_) return;
  owned_ = false;
  const std::string prefix = as_postgres_ ? "runuser -u postgres -- " : "";
  const std::string cmd =
      prefix + bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    // Leave the directory for inspection; nothing else to do at exit.
    return;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

PostgresServer::~PostgresServer() {
  stop();
}

}  // namespace lucas::testing
