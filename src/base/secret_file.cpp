#include "base/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/error.h"

namespace lucas {
namespace {

std::string why() {
  return std::strerror(errno);
}

// Closes the descriptor however the function is left.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

void write_secret_file(const std::string& path, std::string_view content) {
  Fd f{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
  if (f.fd < 0) {
    if (errno == EEXIST) {
      throw Error(ErrorCode::kInvalidArgument,
                  path + " exists; refusing to overwrite a key (move it away first)");
    }
    throw Error(ErrorCode::kInvalidArgument, "cannot create " + path + ": " + why());
  }
  // The mode above is already 0600 at most; fchmod makes it exactly that whatever the umask.
  if (::fchmod(f.fd, 0600) != 0) {
    throw Error(ErrorCode::kInvalidArgument, "cannot set the mode of " + path + ": " + why());
  }
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(f.fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error(ErrorCode::kInvalidArgument, "cannot write " + path + ": " + why());
    done += static_cast<size_t>(n);
  }
  if (::fsync(f.fd) != 0) {
    throw Error(ErrorCode::kInvalidArgument, "cannot write " + path + ": " + why());
  }
}

std::string read_secret_file(const std::string& path, std::string_view setting) {
  const std::string named = std::string(setting) + " " + path;
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) throw Error(ErrorCode::kInvalidArgument, "cannot read " + named + ": " + why());
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    throw Error(ErrorCode::kInvalidArgument, "cannot read " + named + ": " + why());
  }
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::kInvalidArgument, named + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(st.st_mode & 0777));
    throw Error(ErrorCode::kInvalidArgument,
                named + " is accessible to others (mode " + mode +
                    "); a key file must be readable by its owner only: chmod 600 " + path);
  }
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(ErrorCode::kInvalidArgument, "cannot read " + named + ": " + why());
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > 65536) throw Error(ErrorCode::kInvalidArgument, named + " is too large");
  }
  text = text.substr(0, text.find('\n'));
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r' || text.back() == '\t')) {
    text.pop_back();
  }
  if (text.empty()) throw Error(ErrorCode::kInvalidArgument, named + " is empty");
  return text;
}

}  // namespace lucas
