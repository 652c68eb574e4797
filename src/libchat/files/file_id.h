// Identifiers of shared files: 128-bit random ids written in URLs as 26
// lower-case base32 characters (RFC 4648 §6 alphabet, lower-cased, no
// padding), and SHA-256 digests written as 64 lower-case hex digits (blob
// names, ETags). Pure functions: the caller draws the random bytes.
#ifndef CHAT_LIBCHAT_FILES_FILE_ID_H_
#define CHAT_LIBCHAT_FILES_FILE_ID_H_

#include <string>
#include <string_view>

namespace chat::files {

inline constexpr std::size_t kFileIdBytes = 16;   // 128 bits
inline constexpr std::size_t kFileIdChars = 26;   // ceil(128 / 5)

// Encodes exactly 16 raw bytes as 26 base32 characters [a-z2-7]. The last
// character carries 3 bits of the id and 2 zero bits. Returns "" when `raw`
// is not 16 bytes.
std::string EncodeFileId(std::string_view raw);

// Decodes an id written by EncodeFileId back to its 16 bytes. Strict: the
// text must be 26 characters of [a-z2-7] (upper case is refused, so one id
// has one spelling) and the 2 unused bits must be zero. False otherwise.
bool DecodeFileId(std::string_view text, std::string* raw);

// Lower-case hex of raw bytes ("" for "").
std::string HexEncode(std::string_view raw);
// Decodes lower- or upper-case hex of even length; false on anything else.
bool HexDecode(std::string_view hex, std::string* raw);

}  // namespace chat::files

#endif  // CHAT_LIBCHAT_FILES_FILE_ID_H_
