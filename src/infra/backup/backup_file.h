// The backup file (inside infra/backup): plaintext lines, deflated, then encrypted and
// authenticated chunk by chunk with libsodium's secretstream (XChaCha20-Poly1305). A file starts
// with a magic ("LUCASBK2"; "LUCASBK1" files, not compressed, still read) and the stream header;
// each chunk is a 4-byte big-endian length and the ciphertext; the last one carries the FINAL tag.
#pragma once

#include <sodium.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace lucas::backup {

void init_sodium();
// INVALID_ARGUMENT "backup FILE is damaged: WHY".
[[noreturn]] void damaged(const std::string& file, const std::string& why);
std::string file_sha256(const std::string& file);
// The raw 32-byte key from its 64 hex characters (a trailing newline or space is ignored);
// INVALID_ARGUMENT otherwise.
std::string key_from_hex(std::string hex);

// Reads plaintext lines back from encrypted chunks, authenticating each chunk.
class Reader {
 public:
  Reader(const std::string& file, const std::string& key);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  // The next line; nullopt after the last one (the final chunk authenticated, nothing after it).
  std::optional<std::string> next();
  // The next line as JSON; damaged when unreadable or missing.
  nlohmann::json next_json();
  const std::string& file() const { return file_; }

 private:
  void pull();

  std::ifstream in_;
  std::string file_;
  crypto_secretstream_xchacha20poly1305_state state_{};
  std::vector<unsigned char> cipher_, plain_;
  std::string buf_;
  size_t pos_ = 0;
  bool final_ = false;
  bool compressed_ = false;
  z_stream z_{};
};

// Writes plaintext lines, deflated (fast level), into encrypted chunks of at most 64 KiB.
class Writer {
 public:
  Writer(const std::string& file, const std::string& key);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void line(const std::string& s);
  void finish();

 private:
  void deflate_plain(int flush);
  void emit(size_t n, bool final);

  std::ofstream out_;
  crypto_secretstream_xchacha20poly1305_state state_{};
  z_stream z_{};
  std::string plain_;   // lines not yet deflated
  std::string packed_;  // deflated bytes not yet encrypted
};

}  // namespace lucas::backup
