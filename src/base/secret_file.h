// Key files (the audit signing key, the backup key): created only by us, only for us, and refused
// when anyone else could read them.
#pragma once

#include <string>
#include <string_view>

namespace lucas {

// Creates `path` with `content` and mode 0600: open(O_CREAT | O_EXCL | O_NOFOLLOW), so an existing
// file or a planted symbolic link is never overwritten or followed. INVALID_ARGUMENT naming the
// file when it exists or cannot be created.
void write_secret_file(const std::string& path, std::string_view content);

// The first line of the key file `path` (what `setting` names, for the message), without trailing
// blanks. INVALID_ARGUMENT naming the file when it cannot be read, and when its group or others
// have any permission on it (the message gives the fix: chmod 600).
std::string read_secret_file(const std::string& path, std::string_view setting);

}  // namespace lucas
