#include "base/names.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace lucas {

std::string normalize_name(std::string_view name) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return std::string(name);
  // Invalid UTF-8 becomes U+FFFD, which is then dropped like the literal ones game bots print.
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  icu::UnicodeString folded = nfkc_cf->normalize(in, status);  // also drops default ignorables
  if (U_FAILURE(status)) return std::string(name);
  icu::UnicodeString kept;
  bool pending_space = false;
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (c == 0xFFFD || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
        u_hasBinaryProperty(c, UCHAR_VARIATION_SELECTOR) || c == 0x1160 || c == 0x115F ||
        c == 0x3164 || c == 0xFFA0) {
      continue;
    }
    if (u_isUWhiteSpace(c)) {
      pending_space = kept.length() > 0;
      continue;
    }
    if (pending_space) kept.append(static_cast<UChar>(' '));
    pending_space = false;
    kept.append(c);
  }
  std::string out;
  kept.toUTF8String(out);
  return out;
}

}  // namespace lucas
