// tus 1.0.0 resumable uploads (https://tus.io/protocols/resumable-upload,
// 2016-03-25): the request header fields of the core protocol and the
// creation, checksum and expiration extensions. Pure parsing; the state
// (offsets, lengths) lives in the caller.
#ifndef CHAT_LIBCHAT_FILES_TUS_H_
#define CHAT_LIBCHAT_FILES_TUS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat::files {

inline constexpr std::string_view kTusVersion = "1.0.0";
// The extensions chatd implements, for Tus-Extension.
inline constexpr std::string_view kTusExtensions = "creation,termination,checksum,expiration";
// The only checksum algorithm, for Tus-Checksum-Algorithm.
inline constexpr std::string_view kTusChecksumAlgorithms = "sha256";
// The media type every PATCH body must declare (tus core, "PATCH").
inline constexpr std::string_view kTusPatchType = "application/offset+octet-stream";

// Tus-Resumable: true only for exactly "1.0.0" (tus core, "Tus-Resumable";
// a mismatch is answered 412 Precondition Failed).
bool TusVersionSupported(std::string_view tus_resumable);

// Upload-Offset / Upload-Length: a non-negative decimal integer (tus core:
// "MUST be a non-negative integer"). False for empty, signs, junk and
// overflow.
bool ParseTusNumber(std::string_view text, uint64_t* out);

// Upload-Metadata (tus creation): comma-separated pairs "key base64value"
// or a lone "key"; keys are non-empty, unique, ASCII without spaces and
// commas; values strict base64 (RFC 4648). False for any violation. *out
// receives (key, decoded value) pairs in order.
bool ParseTusMetadata(std::string_view text, std::vector<std::pair<std::string, std::string>>* out);

enum class TusChecksum {
  kOk,           // *digest holds the 32 raw bytes of a SHA-256
  kUnsupported,  // an algorithm chatd does not offer: 400 Bad Request
  kMalformed,    // not "<algorithm> <base64>": 400 Bad Request
};

// Upload-Checksum (tus checksum extension): "<algorithm> <base64 digest>".
// Only "sha256" (case-insensitive) is supported; its digest must decode to
// exactly 32 bytes.
TusChecksum ParseTusChecksum(std::string_view text, std::string* digest);

}  // namespace chat::files

#endif  // CHAT_LIBCHAT_FILES_TUS_H_
