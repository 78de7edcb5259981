#include "infra/backup/backup_file.h"

#include "base/error.h"
#include "infra/backup/backup.h"

namespace lucas::backup {
namespace {

// Version 2 files are deflate-compressed before encryption; version 1 files (plain) still read.
constexpr char kMagic[] = "LUCASBK2";
constexpr char kMagicPlain[] = "LUCASBK1";
constexpr size_t kMagicLen = 8;
constexpr size_t kChunk = 64 * 1024;

}  // namespace

void init_sodium() {
  if (sodium_init() < 0) throw Error(ErrorCode::kInternal, "libsodium failed to initialise");
}

[[noreturn]] void damaged(const std::string& file, const std::string& why) {
  throw Error(ErrorCode::kInvalidArgument, "backup " + file + " is damaged: " + why);
}

std::string file_sha256(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::kNotFound, "cannot read " + file);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    crypto_hash_sha256_update(&st, reinterpret_cast<unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, out);
  std::string hex(sizeof out * 2, '0');
  sodium_bin2hex(hex.data(), hex.size() + 1, out, sizeof out);
  return hex;
}

std::string new_key_hex() {
  init_sodium();
  unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  crypto_secretstream_xchacha20poly1305_keygen(key);
  std::string hex(sizeof key * 2, '0');
  sodium_bin2hex(hex.data(), hex.size() + 1, key, sizeof key);
  sodium_memzero(key, sizeof key);
  return hex;
}

std::string key_from_hex(std::string hex) {
  std::string key(crypto_secretstream_xchacha20poly1305_KEYBYTES, '\0');
  size_t len = 0;
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ')) hex.pop_back();
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != key.size()) {
    throw Error(ErrorCode::kInvalidArgument, "a backup key is 64 hex characters");
  }
  return key;
}

Reader::Reader(const std::string& file, const std::string& key)
    : in_(file, std::ios::binary), file_(file) {
  if (!in_) throw Error(ErrorCode::kNotFound, "cannot read " + file);
  char magic[kMagicLen];
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  in_.read(magic, kMagicLen);
  in_.read(reinterpret_cast<char*>(header), sizeof header);
  if (!in_) damaged(file, "not a Lucas backup");
  const std::string m(magic, kMagicLen);
  if (m != kMagic && m != kMagicPlain) damaged(file, "not a Lucas backup");
  compressed_ = m == kMagic;
  if (compressed_ && inflateInit(&z_) != Z_OK) throw Error(ErrorCode::kInternal, "zlib failed");
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          &state_, header, reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    damaged(file, "bad header");
  }
}

Reader::~Reader() {
  if (compressed_) inflateEnd(&z_);
}

std::optional<std::string> Reader::next() {
  for (;;) {
    const size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      std::string line = buf_.substr(pos_, nl - pos_);
      pos_ = nl + 1;
      return line;
    }
    if (final_) {
      if (pos_ != buf_.size()) damaged(file_, "an unterminated last line");
      if (in_.peek() != std::char_traits<char>::eof()) damaged(file_, "data after the final chunk");
      return std::nullopt;
    }
    pull();
  }
}

nlohmann::json Reader::next_json() {
  auto line = next();
  if (!line) damaged(file_, "it ends before its end marker");
  auto j = nlohmann::json::parse(*line, nullptr, false);
  if (j.is_discarded()) damaged(file_, "unreadable line");
  return j;
}

void Reader::pull() {
  unsigned char be[4];
  in_.read(reinterpret_cast<char*>(be), 4);
  if (in_.gcount() != 4) damaged(file_, "it ends before its last chunk (truncated)");
  const uint32_t len =
      (uint32_t{be[0]} << 24) | (uint32_t{be[1]} << 16) | (uint32_t{be[2]} << 8) | uint32_t{be[3]};
  if (len < crypto_secretstream_xchacha20poly1305_ABYTES ||
      len > kChunk + crypto_secretstream_xchacha20poly1305_ABYTES) {
    damaged(file_, "a chunk has an impossible length");
  }
  cipher_.resize(len);
  in_.read(reinterpret_cast<char*>(cipher_.data()), len);
  if (in_.gcount() != static_cast<std::streamsize>(len)) damaged(file_, "truncated chunk");
  plain_.resize(len);
  unsigned long long mlen = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(&state_, plain_.data(), &mlen, &tag,
                                                 cipher_.data(), len, nullptr, 0) != 0) {
    damaged(file_, "authentication failed (modified, or another key)");
  }
  final_ = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  buf_.erase(0, pos_);  // keep only the unfinished line
  pos_ = 0;
  if (!compressed_) {
    buf_.append(reinterpret_cast<char*>(plain_.data()), mlen);
    return;
  }
  z_.next_in = plain_.data();
  z_.avail_in = static_cast<uInt>(mlen);
  unsigned char out[kChunk];
  int rc = Z_OK;
  do {
    z_.next_out = out;
    z_.avail_out = sizeof out;
    rc = inflate(&z_, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      damaged(file_, "the compressed stream is corrupt");
    }
    buf_.append(reinterpret_cast<char*>(out), sizeof out - z_.avail_out);
    if (rc == Z_STREAM_END) {
      if (z_.avail_in != 0) damaged(file_, "data after the compressed stream");
      break;
    }
    if (rc == Z_BUF_ERROR && z_.avail_out != 0) break;  // wants the next chunk
  } while (z_.avail_in > 0 || z_.avail_out == 0);
  if (final_ && rc != Z_STREAM_END) damaged(file_, "the compressed stream is incomplete");
}

Writer::Writer(const std::string& file, const std::string& key) : out_(file, std::ios::binary) {
  if (!out_) throw Error(ErrorCode::kUnavailable, "cannot write " + file);
  if (deflateInit(&z_, Z_BEST_SPEED) != Z_OK) throw Error(ErrorCode::kInternal, "zlib failed");
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_init_push(
      &state_, header, reinterpret_cast<const unsigned char*>(key.data()));
  out_.write(kMagic, kMagicLen);
  out_.write(reinterpret_cast<char*>(header), sizeof header);
}

Writer::~Writer() {
  deflateEnd(&z_);
}

void Writer::line(const std::string& s) {
  plain_ += s;
  plain_ += '\n';
  if (plain_.size() >= kChunk) deflate_plain(Z_NO_FLUSH);
}

void Writer::finish() {
  deflate_plain(Z_FINISH);
  emit(packed_.size(), true);
  out_.flush();
  if (!out_) throw Error(ErrorCode::kUnavailable, "writing the backup failed");
}

void Writer::deflate_plain(int flush) {
  z_.next_in = reinterpret_cast<unsigned char*>(plain_.data());
  z_.avail_in = static_cast<uInt>(plain_.size());
  unsigned char out[kChunk];
  int rc = Z_OK;
  do {
    z_.next_out = out;
    z_.avail_out = sizeof out;
    rc = deflate(&z_, flush);
    if (rc == Z_STREAM_ERROR) throw Error(ErrorCode::kInternal, "zlib failed");
    packed_.append(reinterpret_cast<char*>(out), sizeof out - z_.avail_out);
    while (packed_.size() > kChunk) emit(kChunk, false);
  } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  plain_.clear();
}

void Writer::emit(size_t n, bool final) {
  std::vector<unsigned char> c(n + crypto_secretstream_xchacha20poly1305_ABYTES);
  unsigned long long clen = 0;
  crypto_secretstream_xchacha20poly1305_push(
      &state_, c.data(), &clen, reinterpret_cast<const unsigned char*>(packed_.data()), n, nullptr,
      0,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  const uint32_t len = static_cast<uint32_t>(clen);
  const unsigned char be[4] = {
      static_cast<unsigned char>(len >> 24), static_cast<unsigned char>(len >> 16),
      static_cast<unsigned char>(len >> 8), static_cast<unsigned char>(len)};
  out_.write(reinterpret_cast<const char*>(be), 4);
  out_.write(reinterpret_cast<const char*>(c.data()), static_cast<std::streamsize>(clen));
}

}  // namespace lucas::backup
