// Key files: created 0600 without overwriting or following anything; refused when others could
// read them, with the fix in the message.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "base/ids.h"
#include "base/secret_file.h"

namespace lucas {
namespace {

namespace fs = std::filesystem;

struct Dir {
  Dir() : path((fs::temp_directory_path() / ("lucas-keys-" + random_hex(6))).string()) {
    fs::create_directories(path);
  }
  ~Dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

unsigned mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(SecretFile, IsCreatedForItsOwnerOnlyWhateverTheUmask) {
  Dir d;
  const mode_t old = ::umask(0);  // a careless umask must not make the key world-readable
  write_secret_file(d.path + "/key", "abc\n");
  ::umask(old);
  EXPECT_EQ(mode_of(d.path + "/key"), 0600u);
  EXPECT_EQ(read_secret_file(d.path + "/key", "backup.key_file"), "abc");
}

TEST(SecretFile, NeverOverwritesAFileOrFollowsALink) {
  Dir d;
  write_secret_file(d.path + "/key", "first\n");
  EXPECT_NE(message_of([&] { write_secret_file(d.path + "/key", "second\n"); }).find("exists"),
            std::string::npos);
  EXPECT_EQ(read_secret_file(d.path + "/key", "k"), "first");
  // A link planted where the key goes (dangling, pointing where the attacker can read) is not
  // followed: nothing is created at its target.
  fs::create_symlink(d.path + "/stolen", d.path + "/link");
  message_of([&] { write_secret_file(d.path + "/link", "secret\n"); });
  EXPECT_FALSE(fs::exists(d.path + "/stolen"));
}

TEST(SecretFile, AKeyOthersCanReadIsRefusedNamingTheFileAndTheFix) {
  Dir d;
  for (const fs::perms extra :
       {fs::perms::group_read, fs::perms::others_read, fs::perms::group_write}) {
    const std::string path = d.path + "/key";
    fs::remove(path);
    std::ofstream(path) << "abc\n";
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | extra);
    const std::string m = message_of([&] { read_secret_file(path, "audit.signing_key_file"); });
    EXPECT_NE(m.find("audit.signing_key_file " + path), std::string::npos) << m;
    EXPECT_NE(m.find("chmod 600 " + path), std::string::npos) << m;
  }
  fs::permissions(d.path + "/key", fs::perms::owner_read);
  EXPECT_EQ(read_secret_file(d.path + "/key", "k"), "abc");  // 0400 is fine
  EXPECT_NE(message_of([&] {
              read_secret_file(d.path + "/none", "backup.key_file");
            }).find("cannot read backup.key_file"),
            std::string::npos);
}

}  // namespace
}  // namespace lucas
